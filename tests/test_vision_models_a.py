"""torchlike.vision.models (ResNet, VGG, AlexNet, SqueezeNet, DenseNet, GoogLeNet, Inception v3), the weights
API and torchlike.hub against torchvision 0.29.1 / torch.

The reference is tests/fixtures/torchvision_models_a.npz (tests/fixtures/make_torchvision_models_fixtures.py):
the models of ``CASES`` carry the deterministic weights of tests/models_fixture_weights.py on both sides.
Builds whose initial values do not matter (key/shape/repr checks, models that then load fixture weights) run
with nn.init's fills replaced by no-ops: each fresh random fill compiles one sampler per parameter shape,
which dominates build time on CPU, and the values are overwritten or unused there.
"""
import importlib
import json
import pathlib
import sys
import warnings
from urllib.error import URLError

import numpy as np
import pytest
import torch
from PIL import Image

import torchlike
import torchlike.vision.models as M
from torchlike import hub
from torchlike.nn import init

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from models_fixture_weights import (CASES, FLOAT64_CASES, GRAD_PARAMS, fixture_input, fixture_projection,  # noqa: E402
                                    fixture_state_dict, transform_pixels)

FIX = np.load(pathlib.Path(__file__).parent / "fixtures" / "torchvision_models_a.npz")
BUILDERS = json.loads(str(FIX["builders"]))
WEIGHTS = json.loads(str(FIX["weights"]))
_FILLS = ("uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "kaiming_uniform_",
          "kaiming_normal_", "xavier_uniform_", "xavier_normal_")


@pytest.fixture
def no_init(monkeypatch):
    for name in _FILLS:
        monkeypatch.setattr(init, name, lambda tensor, *args, **kwargs: tensor)


@pytest.fixture
def offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise URLError("network disabled in this test")
    monkeypatch.setattr(hub, "urlopen", refuse)


def _build(case):
    module_name, fn, args, kwargs, _ = CASES[case]
    module = importlib.import_module("torchlike.vision.models." + module_name)
    args = [getattr(module, a[1:]) if isinstance(a, str) and a.startswith("@") else a for a in args]
    return getattr(module, fn)(*args, **kwargs)


def _shapes(model):
    return {k: (tuple(v.shape), str(v.dtype).replace("torch.", "")) for k, v in model.state_dict().items()}


def _load_fixture_weights(model):
    model.load_state_dict({k: torchlike.from_numpy(v) for k, v in fixture_state_dict(_shapes(model)).items()})


def _fields(out):
    return {k: v for k, v in out._asdict().items() if v is not None} if isinstance(out, tuple) else {"out": out}


def _close(ours, ref, rtol=2e-4):
    assert ours.dtype == {np.dtype("float32"): torchlike.float32, np.dtype("float64"): torchlike.float64}[ref.dtype]
    ours = ours.detach().numpy() if isinstance(ours, torchlike.Tensor) else np.asarray(ours)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=rtol, atol=rtol * max(float(np.abs(ref).max()), 1e-6))


# Full train/backward parity of the two deepest cases takes ~35 s and ~55 s on 2 CPU cores (compilation of every
# layer's forward and backward kernels): they run with -m slow; the default run checks Inception v3's eval outputs
# (GoogLeNet's eval run, ~12 s more, is slow too).
SLOW_CASES = ("googlenet", "inception_v3")


def _eval_parity(case):
    model = _build(case)
    _load_fixture_weights(model)
    x = torchlike.from_numpy(fixture_input(case))
    if case in FLOAT64_CASES:
        model, x = model.double(), x.double()
    model.eval()
    with torchlike.no_grad():
        eval_out = _fields(model(x))
    assert set(eval_out) == {k.rsplit("/", 1)[1] for k in FIX.files if k.startswith(f"{case}/eval/")}
    for k, v in eval_out.items():
        _close(v, FIX[f"{case}/eval/{k}"])
    return model, x


@pytest.mark.parametrize("case", [pytest.param("googlenet", marks=pytest.mark.slow), "inception_v3"])
def test_eval_parity(case, no_init):
    _eval_parity(case)


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW_CASES else c for c in CASES])
def test_forward_backward_parity(case, no_init):
    """Eval outputs, train outputs (BatchNorm batch statistics, Dropout modules in eval), the gradients of a fixed
    projection w.r.t. the input and chosen parameters (cases with GRAD_PARAMS), and the running mean updated by
    the train step."""
    model, x = _eval_parity(case)
    model.train()
    for m in model.modules():
        if isinstance(m, torchlike.nn.Dropout):
            m.eval()
    x.requires_grad_(GRAD_PARAMS[case] is not None)
    out = model(x)
    if case == "googlenet":
        assert type(out).__name__ == "GoogLeNetOutputs" and out._fields == ("logits", "aux_logits2", "aux_logits1")
    train_out = _fields(out)
    assert set(train_out) == {k.rsplit("/", 1)[1] for k in FIX.files if k.startswith(f"{case}/train/")}
    loss = 0
    for k, v in train_out.items():
        _close(v, FIX[f"{case}/train/{k}"])
        loss = loss + (v * torchlike.from_numpy(fixture_projection(case, k, v.shape)).to(v.dtype)).sum()
    for key in FIX.files:
        if key.startswith(f"{case}/buffer/"):
            _close(model.state_dict()[key.split("/", 2)[2]], FIX[key])
    if GRAD_PARAMS[case] is None:
        return
    loss.backward()
    _close(x.grad[:2, :8], FIX[f"{case}/grad_x"], rtol=1e-3)
    params = dict(model.named_parameters())
    for name in GRAD_PARAMS[case]:
        _close(params[name].grad, FIX[f"{case}/grad/{name}"], rtol=1e-3)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builder_keys_shapes_repr(name, no_init):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        model = getattr(M, name)()
    ref = BUILDERS[name]
    assert [[k, list(shape), dtype] for k, (shape, dtype) in _shapes(model).items()] == ref["keys"]
    assert repr(model) == ref["repr"]
    assert M.get_model_weights(name).__name__ == ref["weights"]
    assert M.get_model_weights(getattr(M, name)) is getattr(M, ref["weights"])


def _same(a, b):
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def test_weights_enums():
    categories = list(FIX["categories"])
    for enum_name, members in WEIGHTS.items():
        enum = getattr(M, enum_name)
        assert list(enum.__members__) == list(members)
        for member_name, ref in members.items():
            w = enum[member_name]
            assert w.name == ref["name"] and repr(w) == f"{enum_name}.{ref['name']}"
            assert w.url == ref["url"]
            assert w.transforms.func.__name__ == ref["transforms"]
            kwargs = {k: list(v) if isinstance(v, tuple) else v for k, v in w.transforms.keywords.items()}
            assert kwargs == ref["transforms_kwargs"]
            assert repr(w.transforms()) == ref["transforms_repr"]
            meta = dict(w.meta)
            cats = meta.pop("categories")
            assert (None if cats is None else len(cats)) == ref["categories"]
            if cats is not None:
                assert cats == categories
            ref_meta = dict(ref["meta"])
            # torchvision's _docs are indented triple-quoted strings; ours are the same words on one line.
            assert " ".join(meta.pop("_docs").split()) == " ".join(ref_meta.pop("_docs").split())
            ref_meta["min_size"] = tuple(ref_meta["min_size"])
            assert _same(meta, ref_meta), (enum_name, member_name)
    assert M.ResNet18_Weights.DEFAULT is M.ResNet18_Weights.IMAGENET1K_V1
    assert M.ResNet50_Weights.DEFAULT is M.ResNet50_Weights.IMAGENET1K_V2
    assert categories[:3] == ["tench", "goldfish", "great white shark"] and len(categories) == 1000
    assert M.ResNet18_Weights.verify("ResNet18_Weights.IMAGENET1K_V1") is M.ResNet18_Weights.IMAGENET1K_V1
    assert M.ResNet18_Weights.verify("IMAGENET1K_V1") is M.ResNet18_Weights.IMAGENET1K_V1
    with pytest.raises(TypeError, match="expected ResNet18_Weights but received ResNet34_Weights"):
        M.ResNet18_Weights.verify(M.ResNet34_Weights.DEFAULT)


def test_preset_transforms():
    shape = tuple(FIX["transforms/shape"])
    preset = M.ResNet18_Weights.DEFAULT.transforms()
    pixels = transform_pixels()
    from_pil = preset(Image.fromarray(pixels))
    assert tuple(from_pil.shape) == shape and from_pil.dtype == torchlike.float32
    _close(from_pil[:, ::3, ::3], FIX["transforms/pil"], rtol=1e-5)
    from_tensor = preset(torchlike.from_numpy(pixels).permute(2, 0, 1))
    assert tuple(from_tensor.shape) == shape
    # torch's uint8 antialiased resize rounds in fixed point: a few pixels (0.02% here) land one level apart.
    levels = np.abs(from_tensor[:, ::3, ::3].numpy() - FIX["transforms/tensor"]) * 255
    levels *= np.array(preset.std)[:, None, None]
    assert levels.max() < 1.001 and (levels > 0.01).mean() < 1e-3


def test_registry():
    names = M.list_models()
    assert set(BUILDERS) <= set(names)
    assert M.list_models(include="resnet*", exclude="resnet1*") == ["resnet34", "resnet50"]
    assert M.list_models(module=M, include=["vgg11*", "alexnet"]) == ["alexnet", "vgg11", "vgg11_bn"]
    assert M.get_model_builder("ResNet18") is M.resnet18
    assert M.get_model_weights("densenet121") is M.DenseNet121_Weights
    assert M.get_weight("ResNet50_Weights.IMAGENET1K_V2") is M.ResNet50_Weights.IMAGENET1K_V2
    with pytest.raises(ValueError, match="Unknown model nope"):
        M.get_model("nope")
    with pytest.raises(ValueError, match="Invalid weight name provided: 'ResNet50_Weights'"):
        M.get_weight("ResNet50_Weights")
    with pytest.raises(ValueError, match="An entry is already registered under the name 'resnet18'"):
        M._api.register_model("resnet18")(lambda: None)


def test_get_model_and_builder_errors(no_init):
    model = M.get_model("squeezenet1_0", num_classes=7)
    assert isinstance(model, M.SqueezeNet) and model.num_classes == 7
    with pytest.raises(ValueError, match="The parameter 'num_classes' expected value 1000 but got 10 instead."):
        M.resnet18(weights=M.ResNet18_Weights.DEFAULT, num_classes=10)
    with pytest.raises(ValueError, match="The parameter 'groups' expected value 32 but got 2 instead."):
        M.resnext50_32x4d(groups=2)
    with pytest.raises(ValueError, match="Unsupported SqueezeNet version 2_0"):
        M.SqueezeNet("2_0")
    with pytest.raises(ValueError, match="BasicBlock only supports groups=1 and base_width=64"):
        M.resnet18(groups=2)


def _resnet18_checkpoint(tmp_path, monkeypatch):
    """A torch-saved resnet18 state dict at torchvision's file name in a temporary $TORCH_HOME."""
    shapes = {k: (tuple(s), d) for k, s, d in BUILDERS["resnet18"]["keys"]}
    state = fixture_state_dict(shapes)
    folder = tmp_path / "hub" / "checkpoints"
    folder.mkdir(parents=True)
    torch.save({k: torch.from_numpy(v) for k, v in state.items()}, folder / "resnet18-f37072fd.pth")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    return state


def test_pretrained_weights_from_hub_cache(tmp_path, monkeypatch, no_init, offline):
    state = _resnet18_checkpoint(tmp_path, monkeypatch)
    model = M.resnet18(weights=M.ResNet18_Weights.IMAGENET1K_V1)
    for k in ("conv1.weight", "layer3.1.bn2.running_var", "fc.bias"):
        np.testing.assert_array_equal(model.state_dict()[k].numpy(), state[k])
    assert model.state_dict()["bn1.num_batches_tracked"].item() == 3
    by_name = M.get_model("resnet18", weights="DEFAULT")
    np.testing.assert_array_equal(by_name.fc.weight.detach().numpy(), state["fc.weight"])
    with pytest.warns(UserWarning, match="The parameter 'pretrained' is deprecated since 0.13"):
        legacy = M.resnet18(pretrained=True)
    np.testing.assert_array_equal(legacy.conv1.weight.detach().numpy(), state["conv1.weight"])
    with pytest.warns(UserWarning, match="The current behavior is equivalent to passing `weights=None`"):
        M.resnet18(pretrained=False)


def test_missing_checkpoint_error(tmp_path, monkeypatch, no_init, offline):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    expected = tmp_path / "hub" / "checkpoints" / "resnet50-11ad3fa6.pth"
    with pytest.raises(RuntimeError) as info:
        M.resnet50(weights="IMAGENET1K_V2")
    assert repr(str(expected)) in str(info.value) and "'resnet50-11ad3fa6.pth'" in str(info.value)
    assert not expected.exists() and not list(expected.parent.glob("*.partial"))


@pytest.mark.parametrize("env", [{}, {"TORCH_HOME": "/tmp/th"}, {"XDG_CACHE_HOME": "/tmp/xdg"},
                                 {"TORCH_HOME": "~/th", "XDG_CACHE_HOME": "/tmp/xdg"}])
def test_hub_dir_like_torch(env, monkeypatch):
    for var in ("TORCH_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert hub.get_dir() == torch.hub.get_dir()
    monkeypatch.setattr(hub, "_hub_dir", None)
    hub.set_dir("~/elsewhere")
    assert hub.get_dir() == str(pathlib.Path("~/elsewhere").expanduser())


def test_hub_local_and_offline_github(tmp_path, monkeypatch, offline):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "hubconf.py").write_text("dependencies = []\n\ndef make(a, b=2):\n    'Returns a * b.'\n    return a * b\n"
                                     "\ndef _private():\n    pass\n")
    assert hub.load(str(repo), "make", 3, source="local", b=5) == 15
    with pytest.raises(RuntimeError, match="Cannot find callable nope in hubconf"):
        hub.load(str(repo), "nope", source="local")
    with pytest.raises(ValueError, match='Unknown source: "svn"'):
        hub.load(str(repo), "make", source="svn")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(RuntimeError, match="no internet connection and the repo could not be found in the cache"):
        hub.load("someone/somerepo", "make")
    cached = tmp_path / "hub" / "someone_somerepo_main"
    cached.mkdir(parents=True)
    (cached / "hubconf.py").write_text((repo / "hubconf.py").read_text())
    assert hub.list("someone/somerepo", trust_repo=True) == ["make"]
    assert hub.help("someone/somerepo", "make", trust_repo=True) == "Returns a * b."
    assert hub.load("someone/somerepo", "make", 4, trust_repo=True) == 8


def test_init_schemes(monkeypatch):
    """torchvision's init calls (recorded, not run: each random fill compiles per shape): ResNet's kaiming-normal
    fan_out convolutions, unit/zero BatchNorm and ``zero_init_residual``; VGG's N(0, 0.01) linear layers;
    GoogLeNet's truncated normal; Inception's per-module stddev."""
    calls = []
    for name in _FILLS:
        monkeypatch.setattr(init, name, lambda tensor, *args, _name=name, **kwargs:
                            calls.append((_name, tensor, args, kwargs)) or tensor)

    def last_call(tensor):
        return next((n, a, k) for n, t, a, k in reversed(calls) if t is tensor)

    model = M.ResNet(M.resnet.BasicBlock, [1, 1, 1, 1], num_classes=10, zero_init_residual=True)
    for m in model.modules():
        if isinstance(m, torchlike.nn.Conv2d):
            assert last_call(m.weight) == ("kaiming_normal_", (), {"mode": "fan_out", "nonlinearity": "relu"})
    assert last_call(model.bn1.weight) == ("constant_", (1,), {})
    assert last_call(model.bn1.bias) == ("constant_", (0,), {})
    assert last_call(model.layer2[0].bn2.weight) == ("constant_", (0,), {})
    assert last_call(model.layer2[0].bn1.weight) == ("constant_", (1,), {})
    assert last_call(model.fc.weight)[0] == "kaiming_uniform_"  # nn.Linear's own init
    vgg = M.vgg11()
    assert last_call(vgg.classifier[0].weight) == ("normal_", (0, 0.01), {})
    assert last_call(vgg.classifier[0].bias) == ("constant_", (0,), {})
    goog = M.googlenet(init_weights=True)
    assert last_call(goog.fc.weight) == ("trunc_normal_", (), {"mean": 0.0, "std": 0.01, "a": -2, "b": 2})
    inc = M.inception_v3(init_weights=True)
    assert last_call(inc.AuxLogits.fc.weight)[2]["std"] == 0.001
    assert last_call(inc.AuxLogits.conv1.conv.weight)[2]["std"] == 0.1  # the stddev sits on BasicConv2d
    dense = M.densenet121()
    assert last_call(dense.features.conv0.weight) == ("kaiming_normal_", (), {})
    squeeze = M.squeezenet1_1()
    assert last_call(squeeze.classifier[1].weight) == ("normal_", (), {"mean": 0.0, "std": 0.01})
    assert last_call(squeeze.features[0].weight) == ("kaiming_uniform_", (), {})
