"""torchlike.vision.models part B (MobileNet V2/V3, EfficientNet, ShuffleNetV2, Vision Transformer) and
torchlike.vision.ops against torchvision 0.29.1.

The reference is tests/fixtures/torchvision_models_b.npz (tests/fixtures/make_torchvision_models_b_fixtures.py):
the models of tests/models_fixture_weights_b.py's ``CASES`` carry the deterministic weights of
tests/models_fixture_weights.py on both sides. Builds whose initial values do not matter run with nn.init's
fills replaced by no-ops (each fresh random fill compiles one sampler per parameter shape, which dominates build
time on CPU).
"""
import importlib
import json
import pathlib
import sys
import warnings

import numpy as np
import pytest
import torch

import torchlike
import torchlike.vision.models as M
from torchlike.nn import init
from torchlike.vision import ops

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from models_fixture_weights import fixture_projection, fixture_state_dict
from models_fixture_weights_b import CASES, GRAD_PARAMS, build_case, fixture_input

FIX = np.load(pathlib.Path(__file__).parent / "fixtures" / "torchvision_models_b.npz")
BUILDERS = json.loads(str(FIX["builders"]))
WEIGHTS = json.loads(str(FIX["weights"]))
_FILLS = ("uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "kaiming_uniform_",
          "kaiming_normal_", "xavier_uniform_", "xavier_normal_")


@pytest.fixture
def no_init(monkeypatch):
    for name in _FILLS:
        monkeypatch.setattr(init, name, lambda tensor, *args, **kwargs: tensor)


def _shapes(model):
    return {k: (tuple(v.shape), str(v.dtype).replace("torch.", "")) for k, v in model.state_dict().items()}


def _close(ours, ref, rtol=2e-4):
    ours = ours.detach().numpy()
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=rtol, atol=rtol * max(float(np.abs(ref).max()), 1e-6))


@pytest.mark.parametrize("case", sorted(CASES))
def test_forward_backward_parity(case, no_init):
    """Eval outputs; train outputs (batch statistics; Dropout and StochasticDepth in eval), input and parameter
    gradients of a fixed projection, BatchNorm running mean after the step."""
    model = build_case(case, importlib.import_module("torchlike.vision.models." + CASES[case][0]))
    model.load_state_dict({k: torchlike.from_numpy(v) for k, v in fixture_state_dict(_shapes(model)).items()})
    x = torchlike.from_numpy(fixture_input(case))
    model.eval()
    with torchlike.no_grad():
        _close(model(x), FIX[f"{case}/eval"])
    model.train()
    for m in model.modules():
        if isinstance(m, (torchlike.nn.Dropout, ops.StochasticDepth)):
            m.eval()
    x.requires_grad_(True)
    y = model(x)
    _close(y, FIX[f"{case}/train"])
    (y * torchlike.from_numpy(fixture_projection(case, "out", tuple(y.shape)))).sum().backward()
    _close(x.grad, FIX[f"{case}/grad_x"], rtol=1e-3)
    params = dict(model.named_parameters())
    for name in GRAD_PARAMS[case]:
        _close(params[name].grad, FIX[f"{case}/grad/{name}"], rtol=1e-3)
    for key in FIX.files:
        if key.startswith(f"{case}/buffer/"):
            _close(model.state_dict()[key.split("/", 2)[2]], FIX[key])


# The largest builders (2-4 s each on two cores, vit_h_14 allocates 2.5 GB) run only with the slow tests.
_LARGE = {"vit_h_14", "vit_l_16", "vit_l_32", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7",
          "efficientnet_v2_m", "efficientnet_v2_l"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in _LARGE else n
                                  for n in sorted(BUILDERS)])
def test_builder_keys_shapes_repr(name, no_init):
    model = getattr(M, name)()
    ref = BUILDERS[name]
    assert [[k, list(shape), dtype] for k, (shape, dtype) in _shapes(model).items()] == ref["keys"]
    assert repr(model) == ref["repr"]
    assert sum(p.numel() for p in model.parameters()) == ref["num_params"]
    assert M.get_model_weights(name).__name__ == ref["weights"]


def _same(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def test_weights_enums():
    """url, transforms (partial keywords, the preset's crop/resize sizes and interpolation, repr) and meta of
    every member; meta num_params equals the parameter count of the builder's model."""
    assert set(WEIGHTS) == {n for n in dir(M) if n.endswith("_Weights") and getattr(M, n).__module__.rsplit(
        ".", 1)[-1] in ("mobilenetv2", "mobilenetv3", "efficientnet", "shufflenetv2", "vision_transformer")}
    categories = M.ResNet18_Weights.DEFAULT.meta["categories"]
    for enum_name, members in WEIGHTS.items():
        enum = getattr(M, enum_name)
        assert list(enum.__members__) == list(members)
        for member_name, ref in members.items():
            w = enum[member_name]
            assert w.name == ref["name"] and w.url == ref["url"]
            assert w.transforms.func.__name__ == ref["transforms"]
            assert {k: str(v) for k, v in w.transforms.keywords.items()} == ref["transforms_kwargs"]
            preset = w.transforms()
            assert list(preset.crop_size) == ref["crop_size"] and list(preset.resize_size) == ref["resize_size"]
            assert preset.interpolation.value == ref["interpolation"]
            assert repr(preset) == ref["transforms_repr"]
            meta = dict(w.meta)
            assert meta.pop("categories") == categories and ref["categories"] == 1000
            ref_meta = dict(ref["meta"], min_size=tuple(ref["meta"]["min_size"]))
            assert _same(meta, ref_meta), (enum_name, member_name)
    for name, ref in BUILDERS.items():
        # SWAG end-to-end ViT weights build at their larger image size (longer position embedding).
        for member in M.get_model_weights(name):
            if "SWAG_E2E" not in member.name:
                assert member.meta["num_params"] == ref["num_params"], (name, member)
    assert M.MobileNet_V3_Small_Weights.DEFAULT is M.MobileNet_V3_Small_Weights.IMAGENET1K_V1
    assert M.ViT_H_14_Weights.DEFAULT is M.ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1


def test_swag_weights_image_size(no_init, monkeypatch):
    """With SWAG weights the ViT is built at the weights' min_size (torchvision's parameter count); loading is
    stubbed out."""
    monkeypatch.setattr(M._utils, "_load_weights", lambda model, weights, progress: None)
    w = M.ViT_B_16_Weights.IMAGENET1K_SWAG_E2E_V1
    model = M.vit_b_16(weights=w)
    assert model.image_size == 384 and sum(p.numel() for p in model.parameters()) == w.meta["num_params"]
    with pytest.raises(ValueError, match="expected value 384 but got 224"):
        M.vit_b_16(weights=w, image_size=224)
    with pytest.raises(ValueError, match="No weights available for model vit_h_14"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        M.vit_h_14(pretrained=True)


def test_activation_repr_like_torch():
    """nn.Hardswish/Hardsigmoid never show ``inplace`` in repr (torch's); ReLU6/SiLU do."""
    for name in ("Hardswish", "Hardsigmoid", "ReLU6", "SiLU"):
        for inplace in (False, True):
            assert repr(getattr(torchlike.nn, name)(inplace=inplace)) == repr(getattr(torch.nn, name)(inplace=inplace))


def test_stochastic_depth_like_torchvision():
    """torchvision.ops.stochastic_depth: errors, identity in eval or with p=0, per-row masks scaled by 1/(1-p),
    p=1 zeroes everything; repr."""
    with pytest.raises(ValueError, match="drop probability has to be between 0 and 1, but got 1.5"):
        ops.stochastic_depth(torchlike.ones(2, 3), 1.5, "row")
    with pytest.raises(ValueError, match="mode has to be either 'batch' or 'row', but got col"):
        ops.stochastic_depth(torchlike.ones(2, 3), 0.5, "col")
    x = torchlike.ones(64, 4)
    assert ops.stochastic_depth(x, 0.5, "row", training=False) is x
    assert ops.stochastic_depth(x, 0.0, "row") is x
    y = ops.stochastic_depth(x, 0.5, "row").numpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and (y == y[:, :1]).all() and 0 < (y[:, 0] == 0).sum() < 64
    b = ops.stochastic_depth(x, 0.5, "batch").numpy()
    assert len(np.unique(b)) == 1
    assert (ops.stochastic_depth(x, 1.0, "row").numpy() == 0).all()
    assert repr(ops.StochasticDepth(0.2, "row")) == "StochasticDepth(p=0.2, mode=row)"


def test_init_schemes(monkeypatch):
    """torchvision's init calls (recorded, not run): MobileNet's kaiming-normal fan_out convolutions and
    N(0, 0.01) classifier, EfficientNet's uniform +-1/sqrt(out_features) classifier, ViT's truncated-normal patch
    projection, Xavier-uniform MLP with N(0, 1e-6) biases and zero head."""
    calls = []
    for name in _FILLS:
        monkeypatch.setattr(init, name, lambda tensor, *args, _name=name, **kwargs:
                            calls.append((_name, tensor, args, kwargs)) or tensor)

    def last_call(tensor):
        return next((n, a, k) for n, t, a, k in reversed(calls) if t is tensor)

    mnet = build_case("mobilenet_v3", M.mobilenetv3)
    assert last_call(mnet.features[0][0].weight) == ("kaiming_normal_", (), {"mode": "fan_out"})
    assert last_call(mnet.features[1].block[1].fc1.bias) == ("zeros_", (), {})
    assert last_call(mnet.features[0][1].weight) == ("ones_", (), {})
    assert last_call(mnet.classifier[3].weight) == ("normal_", (0, 0.01), {})
    eff = build_case("efficientnet", M.efficientnet)
    assert last_call(eff.classifier[1].weight) == ("uniform_", (-10 ** -0.5, 10 ** -0.5), {})
    vit = build_case("vit_small", M.vision_transformer)
    assert last_call(vit.conv_proj.weight) == ("trunc_normal_", (), {"std": (1 / (3 * 16 * 16)) ** 0.5})
    mlp = vit.encoder.layers.encoder_layer_0.mlp
    assert last_call(mlp[0].weight) == ("xavier_uniform_", (), {})
    assert last_call(mlp[3].bias) == ("normal_", (), {"std": 1e-6})
    assert last_call(vit.heads.head.weight) == ("zeros_", (), {})
    assert last_call(vit.heads.pre_logits.weight) == ("trunc_normal_", (), {"std": (1 / 64) ** 0.5})
