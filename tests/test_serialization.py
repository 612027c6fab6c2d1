"""torchlike.save / torchlike.load against real torch 2.13's checkpoints, both ways."""
import collections
import io
import os
import pathlib
import pickle
import struct
import zipfile

import jax.numpy as jnp
import numpy as np
import pytest
import torch

import torchlike as tl
from models.gan import Discriminator, Generator
from models.lenet import LeNet

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]
FORMATS = [True, False]  # _use_new_zipfile_serialization: zip, legacy


def to_np(t):
    """A torch or torchlike tensor's values as numpy (bfloat16 via ml_dtypes)."""
    if isinstance(t, torch.Tensor):
        if t.dtype == torch.bfloat16:
            return t.detach().view(torch.int16).numpy().view(jnp.bfloat16)
        return t.detach().numpy()
    return np.asarray(t._data)


def to_tl(t):
    return tl.as_tensor(to_np(t))


def to_torch(t):
    a = to_np(t)
    if a.dtype == jnp.bfloat16:
        return torch.from_numpy(a.view(np.int16).copy()).view(torch.bfloat16)
    return torch.from_numpy(a.copy())


def sample(name, shape=(2, 3)):
    a = np.arange(np.prod(shape)).reshape(shape) - 2
    return tl.as_tensor(a.astype(getattr(tl, name).jax))


def assert_same(tl_t, torch_t):
    assert str(tl_t.dtype) == str(torch_t.dtype)
    assert tuple(tl_t.shape) == tuple(torch_t.shape)
    assert to_np(tl_t).tobytes() == to_np(torch_t).tobytes()


def assert_same_tree(tl_obj, torch_obj):
    """Same containers (types, keys, order), same scalars, same tensors."""
    if isinstance(torch_obj, torch.Tensor):
        assert isinstance(tl_obj, tl.Tensor)
        assert_same(tl_obj, torch_obj)
        assert tl_obj.requires_grad == torch_obj.requires_grad
        assert isinstance(tl_obj, tl.nn.Parameter) == isinstance(torch_obj, torch.nn.Parameter)
    elif isinstance(torch_obj, dict):
        assert type(tl_obj) is type(torch_obj) and list(tl_obj) == list(torch_obj)
        for k in torch_obj:
            assert_same_tree(tl_obj[k], torch_obj[k])
    elif isinstance(torch_obj, (list, tuple)):
        assert type(tl_obj) is type(torch_obj) and len(tl_obj) == len(torch_obj)
        for a, b in zip(tl_obj, torch_obj):
            assert_same_tree(a, b)
    else:
        assert type(tl_obj) is type(torch_obj) and tl_obj == torch_obj


# ---- dtypes, containers, layouts -------------------------------------------------------
@pytest.mark.parametrize("zip_format", FORMATS)
def test_every_dtype_both_ways(tmp_path, zip_format):
    path = tmp_path / "d.pt"
    tl.save({n: sample(n) for n in DTYPES}, path, _use_new_zipfile_serialization=zip_format)
    for weights_only in (True, False):
        out = torch.load(path, weights_only=weights_only)
        for n in DTYPES:
            assert_same(sample(n), out[n])
    torch.save({n: (torch.arange(6).reshape(2, 3) - 2).to(getattr(torch, n)) for n in DTYPES}, path,
               _use_new_zipfile_serialization=zip_format)
    ref = torch.load(path)
    for weights_only in (True, False):
        out = tl.load(path, weights_only=weights_only)
        for n in DTYPES:
            assert_same(out[n], ref[n])
            assert_same(sample(n), ref[n])


def nested(lib):
    t = lib.arange(4.).reshape(2, 2)
    return {"list": [t, (2, "x", None), [True, False]], "tuple": (1.5, -3, 2 ** 40),
            "od": collections.OrderedDict([("b", lib.tensor(7)), ("a", lib.ones(0, 3))]),
            "none": None, "str": "ünïcode", "float": 1e-300, "bool": True, "int": -1, "bytes": b"\x00\xff",
            "set": {1, 2}, "dtype": lib.bfloat16, "size": lib.Size([2, 3]), "device": lib.device("cpu")}


@pytest.mark.parametrize("zip_format", FORMATS)
def test_nested_containers_both_ways(tmp_path, zip_format):
    tl.save(nested(tl), tmp_path / "tl.pt", _use_new_zipfile_serialization=zip_format)
    torch.save(nested(torch), tmp_path / "torch.pt", _use_new_zipfile_serialization=zip_format)
    for path in ("tl.pt", "torch.pt"):
        ref = torch.load(tmp_path / path, weights_only=True)
        out = tl.load(tmp_path / path, weights_only=True)
        plain = {k for k in ref if k not in ("dtype", "size", "device")}
        assert_same_tree({k: out[k] for k in plain}, {k: ref[k] for k in plain})
        assert ref["dtype"] is torch.bfloat16 and out["dtype"] is tl.bfloat16
        assert ref["size"] == torch.Size([2, 3]) and type(out["size"]) is tl.Size and out["size"] == (2, 3)
        assert ref["device"] == torch.device("cpu") and out["device"] == tl.device("cpu")
        assert out["od"]["b"].shape == () and out["od"]["b"].dtype is tl.int64


def test_views_share_one_storage(tmp_path):
    base = tl.arange(12.).reshape(3, 4)
    obj = {"t": base.t(), "row": base[1], "col": base[:, 2]}  # views of one root, the root itself unsaved
    tl.save(obj, tmp_path / "v.pt")
    with zipfile.ZipFile(tmp_path / "v.pt") as zf:
        assert [n for n in zf.namelist() if "/data/" in n] == ["v/data/0"]
    ref = torch.load(tmp_path / "v.pt")
    assert ref["t"].stride() == (1, 4) and ref["col"].storage_offset() == 2 and ref["row"].storage_offset() == 4
    assert ref["t"].untyped_storage().data_ptr() == ref["row"].untyped_storage().data_ptr() \
        == ref["col"].untyped_storage().data_ptr()
    ref["row"].zero_()
    assert ref["t"][2, 1] == 0 and ref["col"][1] == 0
    back = tl.load(tmp_path / "v.pt")
    np.testing.assert_array_equal(to_np(back["t"]), to_np(base.t()))
    assert back["t"].stride() == (1, 4) and back["col"].storage_offset() == 2
    back["row"].fill_(-1)  # writes through the shared storage
    assert back["t"][2, 1].item() == -1 and back["col"][1].item() == -1


@pytest.mark.parametrize("zip_format", FORMATS)
def test_torch_views_load_shared(tmp_path, zip_format):
    base = torch.arange(6.).reshape(2, 3)
    torch.save({"base": base, "t": base.t(), "tail": base[:, 1:]}, tmp_path / "v.pt",
               _use_new_zipfile_serialization=zip_format)
    out = tl.load(tmp_path / "v.pt")
    assert out["tail"].stride() == (3, 1) and out["tail"].storage_offset() == 1
    np.testing.assert_array_equal(to_np(out["tail"]), to_np(base[:, 1:]))
    out["base"].mul_(10)
    np.testing.assert_array_equal(to_np(out["t"]), to_np(base.t() * 10))
    np.testing.assert_array_equal(to_np(out["tail"]), to_np(base[:, 1:] * 10))


def test_zero_size_scalars_and_parameters(tmp_path):
    p = tl.nn.Parameter(tl.ones(2, 2))
    frozen = tl.nn.Parameter(tl.zeros(3), requires_grad=False)
    tl.save({"empty": tl.zeros(0, 3), "p": p, "frozen": frozen, "grad": tl.ones(2).requires_grad_(),
             "scalar": tl.tensor(2.5)}, tmp_path / "p.pt")
    ref = torch.load(tmp_path / "p.pt")
    assert ref["empty"].shape == (0, 3) and ref["scalar"].shape == () and ref["scalar"].item() == 2.5
    assert isinstance(ref["p"], torch.nn.Parameter) and ref["p"].requires_grad and not ref["frozen"].requires_grad
    assert ref["grad"].requires_grad and not isinstance(ref["grad"], torch.nn.Parameter)
    assert_same_tree(tl.load(tmp_path / "p.pt"), ref)
    torch.save({"e": torch.zeros(2, 0), "p": torch.nn.Parameter(torch.ones(1)), "s": torch.tensor(True)},
               tmp_path / "t.pt")
    assert_same_tree(tl.load(tmp_path / "t.pt"), torch.load(tmp_path / "t.pt"))


# ---- models, optimizers, schedulers ------------------------------------------------------
def torch_lenet():
    n = torch.nn
    m = n.Module()
    m.conv1, m.bn1, m.conv2, m.bn2 = n.Conv2d(1, 20, 5), n.BatchNorm2d(20), n.Conv2d(20, 50, 5), n.BatchNorm2d(50)
    m.fc1, m.fc2 = n.Linear(800, 500), n.Linear(500, 10)
    return m


def torch_mlp(dims):
    m = torch.nn.Module()
    for i, (a, b) in enumerate(zip(dims, dims[1:])):
        setattr(m, f"fc{i + 1}", torch.nn.Linear(a, b))
    return m


MODELS = {"lenet": (LeNet, torch_lenet), "generator": (Generator, lambda: torch_mlp([100, 256, 512, 1024, 784])),
          "discriminator": (Discriminator, lambda: torch_mlp([784, 1024, 512, 256, 1]))}


@pytest.mark.parametrize("name", MODELS)
def test_model_state_dicts_both_ways(tmp_path, name):
    tl_cls, torch_cls = MODELS[name]
    tl.manual_seed(0)
    torch.manual_seed(0)
    tl_model, torch_model = tl_cls(), torch_cls()
    tl.save(tl_model.state_dict(), tmp_path / "tl.pt")
    torch.save(torch_model.state_dict(), tmp_path / "torch.pt")
    from_tl = torch.load(tmp_path / "tl.pt", weights_only=True)
    assert list(from_tl) == list(torch_model.state_dict())
    torch_model.load_state_dict(from_tl)
    assert_same_tree(tl_model.state_dict(), torch_model.state_dict())
    tl_model.load_state_dict(tl.load(tmp_path / "torch.pt", weights_only=True))
    assert_same_tree(tl_model.state_dict(), torch.load(tmp_path / "torch.pt"))


def test_whole_model_save_load(tmp_path):
    tl.manual_seed(0)
    model = LeNet().eval()
    tl.save(model, tmp_path / "m.pt")
    with pytest.raises(pickle.UnpicklingError, match="models.lenet.LeNet"):
        tl.load(tmp_path / "m.pt")
    back = tl.load(tmp_path / "m.pt", weights_only=False)
    assert type(back) is LeNet and isinstance(back.conv1.weight, tl.nn.Parameter)
    assert_same_tree(back.state_dict(), collections.OrderedDict((k, to_torch(v).requires_grad_(v.requires_grad))
                                                                for k, v in model.state_dict().items()))
    x = tl.randn(2, 1, 28, 28)
    np.testing.assert_array_equal(to_np(back(x)), to_np(model(x)))
    torch.save({"lin": torch.nn.Linear(2, 3), "dtype": torch.float64}, tmp_path / "t.pt")
    out = tl.load(tmp_path / "t.pt", weights_only=False)
    assert isinstance(out["lin"], tl.nn.Linear) and out["dtype"] is tl.float64


def step_both(tl_opt, torch_opt, tl_params, torch_params, steps=3):
    rng = np.random.default_rng(0)
    for _ in range(steps):
        for a, b in zip(tl_params, torch_params):
            g = rng.standard_normal(tuple(b.shape)).astype(np.float32)
            a.grad, b.grad = tl.tensor(g), torch.tensor(g)
        tl_opt.step()
        torch_opt.step()


OPTIMIZERS = {"sgd": lambda lib, ps: lib.optim.SGD(ps, lr=0.1, momentum=0.9),
              "adam": lambda lib, ps: lib.optim.Adam(ps, lr=0.01)}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_and_scheduler_state_dicts_both_ways(tmp_path, name):
    make = OPTIMIZERS[name]
    w = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    tl_ps = [tl.nn.Parameter(tl.tensor(w)), tl.nn.Parameter(tl.zeros(3))]
    torch_ps = [torch.nn.Parameter(torch.tensor(w)), torch.nn.Parameter(torch.zeros(3))]
    tl_opt, torch_opt = make(tl, tl_ps), make(torch, torch_ps)
    tl_sched = tl.optim.lr_scheduler.StepLR(tl_opt, step_size=2, gamma=0.5)
    torch_sched = torch.optim.lr_scheduler.StepLR(torch_opt, step_size=2, gamma=0.5)
    step_both(tl_opt, torch_opt, tl_ps, torch_ps)
    for s in (tl_sched, torch_sched):
        s.step()
        s.step()
        s.step()
    tl.save({"opt": tl_opt.state_dict(), "sched": tl_sched.state_dict()}, tmp_path / "tl.pt")
    torch.save({"opt": torch_opt.state_dict(), "sched": torch_sched.state_dict()}, tmp_path / "torch.pt")

    # torchlike's file, read by torch: same structure and values as torch's own state, and accepted
    from_tl = torch.load(tmp_path / "tl.pt", weights_only=True)
    fresh_ps = [torch.nn.Parameter(p.detach().clone()) for p in torch_ps]
    fresh = make(torch, fresh_ps)
    fresh.load_state_dict(from_tl["opt"])
    ref = torch_opt.state_dict()
    for i in ref["state"]:
        for k, v in ref["state"][i].items():
            np.testing.assert_allclose(to_np(fresh.state_dict()["state"][i][k]), to_np(v), rtol=1e-5, atol=1e-6)
    assert fresh.state_dict()["param_groups"] == ref["param_groups"]
    fresh_sched = torch.optim.lr_scheduler.StepLR(fresh, step_size=2, gamma=0.5)
    fresh_sched.load_state_dict(from_tl["sched"])
    assert fresh_sched.state_dict() == torch_sched.state_dict()

    # torch's file, read by torchlike, resumes a torchlike optimizer where torch's is
    from_torch = tl.load(tmp_path / "torch.pt", weights_only=True)
    tl_fresh_ps = [tl.nn.Parameter(tl.tensor(to_np(p))) for p in torch_ps]
    tl_fresh = make(tl, tl_fresh_ps)
    tl_fresh.load_state_dict(from_torch["opt"])
    tl_fresh_sched = tl.optim.lr_scheduler.StepLR(tl_fresh, step_size=2, gamma=0.5)
    tl_fresh_sched.load_state_dict(from_torch["sched"])
    assert tl_fresh_sched.last_epoch == torch_sched.last_epoch
    assert tl_fresh_sched.get_last_lr() == pytest.approx(torch_sched.get_last_lr())
    step_both(tl_fresh, torch_opt, tl_fresh_ps, torch_ps, steps=1)
    for a, b in zip(tl_fresh_ps, torch_ps):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-5, atol=1e-6)


# ---- files, locations, mmap -----------------------------------------------------------
def test_file_kinds_and_map_location(tmp_path):
    buf = io.BytesIO()
    tl.save([tl.ones(2)], buf)
    buf.seek(0)
    assert to_np(torch.load(buf)[0]).tolist() == [1, 1]
    for f in (str(tmp_path / "s.pt"), pathlib.Path(tmp_path / "p.pt")):
        tl.save({"x": tl.ones(1)}, f)
        assert torch.load(f)["x"].tolist() == [1.0]
    assert sorted(os.listdir(tmp_path)) == ["p.pt", "s.pt"]  # no temp file left behind
    torch.save({"w": torch.ones(3)}, tmp_path / "t.pt")
    for loc in ("cpu", tl.device("cpu"), {"cpu": "cpu"}, lambda storage, location: storage,
                lambda storage, location: storage.cpu(), lambda storage, location: None):
        out = tl.load(tmp_path / "t.pt", map_location=loc)
        assert out["w"].tolist() == [1, 1, 1] and out["w"].device == tl.device("cpu")
    if not tl.cuda.is_available():
        with pytest.raises(RuntimeError, match="map_location"):
            tl.load(tmp_path / "t.pt", map_location="cuda:0")
        with pytest.raises(RuntimeError, match="map_location"):
            tl.load(tmp_path / "t.pt", map_location=lambda storage, location: storage.cuda(1))
    with pytest.raises(RuntimeError, match="pickle_module"):
        tl.load(tmp_path / "t.pt", pickle_module=pickle, weights_only=True)
    assert tl.load(tmp_path / "t.pt", pickle_module=pickle)["w"].tolist() == [1, 1, 1]  # torch: unset -> False
    assert tl.load(tmp_path / "t.pt", pickle_module=pickle, weights_only=False)["w"].tolist() == [1, 1, 1]


def _rchar():
    with open("/proc/self/io") as f:
        return int(next(line for line in f if line.startswith("rchar")).split()[1])


@pytest.mark.skipif(not os.path.exists("/proc/self/io"), reason="needs Linux's /proc/self/io")
def test_mmap_reads_storages_lazily(tmp_path):
    big = np.arange(4_000_000, dtype=np.float32)  # 16 MB
    torch.save({"big": torch.from_numpy(big), "small": torch.arange(5)}, tmp_path / "b.pt")
    before = _rchar()
    eager = tl.load(tmp_path / "b.pt")
    eager_read = _rchar() - before
    before = _rchar()
    lazy = tl.load(tmp_path / "b.pt", mmap=True)
    lazy_read = _rchar() - before
    assert eager_read >= big.nbytes and lazy_read < big.nbytes // 50
    # on CPU the tensor aliases the mapped file: no copy was made up front
    mapped = lazy["big"]._data
    assert mapped.unsafe_buffer_pointer() != eager["big"]._data.unsafe_buffer_pointer()
    np.testing.assert_array_equal(np.asarray(mapped), big)
    assert lazy["small"].tolist() == list(range(5))
    with pytest.raises(ValueError, match="file path"):
        tl.load(io.BytesIO((tmp_path / "b.pt").read_bytes()), mmap=True)
    torch.save(torch.ones(1), tmp_path / "l.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="mmap"):
        tl.load(tmp_path / "l.pt", mmap=True)


class Unpicklable:
    def __reduce__(self):
        raise RuntimeError("cannot pickle this")


def test_atomic_writes(tmp_path):
    path = tmp_path / "ckpt.pt"
    with pytest.raises(RuntimeError, match="cannot pickle"):
        tl.save({"w": tl.ones(3), "bad": Unpicklable()}, path)
    assert os.listdir(tmp_path) == []  # nothing under the final name, no temp file
    tl.save({"w": tl.ones(3)}, path)
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="cannot pickle"):
        tl.save({"w": tl.zeros(3), "bad": Unpicklable()}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.pt"]
    with pytest.raises(RuntimeError, match="Parent directory"):
        tl.save(tl.ones(1), tmp_path / "missing" / "x.pt")


# ---- weights_only --------------------------------------------------------------------------
class Unsafe:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


class Point:
    def __init__(self, x):
        self.x = x


def test_weights_only_refuses_arbitrary_globals(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for zip_format in FORMATS:
        tl.save({"x": Unsafe()}, tmp_path / "evil.pt", _use_new_zipfile_serialization=zip_format)
        with pytest.raises(pickle.UnpicklingError, match=r"(?s)Weights only load failed.*arbitrary code"
                                                         r".*GLOBAL posix.system.*add_safe_globals"):
            tl.load(tmp_path / "evil.pt")
        with pytest.raises(pickle.UnpicklingError, match="posix.system"):  # torch refuses our file the same way
            torch.load(tmp_path / "evil.pt")
    assert not (tmp_path / "PWNED").exists()


def test_safe_globals_allowlist(tmp_path):
    obj = {"od": collections.OrderedDict(a=1), "c": collections.Counter("ab"), "p": Point(tl.ones(2))}
    tl.save(obj, tmp_path / "c.pt")
    torch.save({"p": Point(torch.ones(2))}, tmp_path / "t.pt")
    for lib, path in ((tl, "c.pt"), (torch, "c.pt"), (tl, "t.pt")):
        with pytest.raises(pickle.UnpicklingError, match="test_serialization.Point"):
            lib.load(tmp_path / path)
    with tl.serialization.safe_globals([Point]):
        assert tl.serialization.get_safe_globals() == [Point]
        out = tl.load(tmp_path / "c.pt")
        assert out["c"] == collections.Counter("ab") and out["p"].x.tolist() == [1, 1]
        assert tl.load(tmp_path / "t.pt")["p"].x.tolist() == [1, 1]
    assert tl.serialization.get_safe_globals() == []
    tl.serialization.add_safe_globals([(Point, "test_serialization.Point")])
    try:
        assert tl.load(tmp_path / "c.pt")["od"] == {"a": 1}
    finally:
        tl.serialization.clear_safe_globals()
    assert tl.load(tmp_path / "c.pt", weights_only=False)["p"].x.tolist() == [1, 1]


# ---- bad input -------------------------------------------------------------------------------
def _record_offset(data, name):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    n, m = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    return info.header_offset + 30 + n + m


def test_bad_files_raise_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        tl.load(tmp_path / "missing.pt")
    with pytest.raises(IsADirectoryError):
        tl.load(tmp_path)
    (tmp_path / "empty.pt").write_bytes(b"")
    with pytest.raises(EOFError):
        tl.load(tmp_path / "empty.pt")
    (tmp_path / "magic.pt").write_bytes(b"not a checkpoint at all")
    with pytest.raises(RuntimeError, match="magic"):
        tl.load(tmp_path / "magic.pt")
    torch.save({"w": torch.arange(100.)}, tmp_path / "ok.pt")
    data = (tmp_path / "ok.pt").read_bytes()
    with pytest.raises(RuntimeError, match="zip archive"):
        tl.load(io.BytesIO(data[:len(data) // 2]))
    storage = bytearray(data)
    storage[_record_offset(data, "ok/data/0") + 10] ^= 0xFF
    with pytest.raises(RuntimeError, match="CRC"):
        tl.load(io.BytesIO(bytes(storage)))
    pkl = bytearray(data)
    pkl[_record_offset(data, "ok/data.pkl") + 20] ^= 0xFF
    with pytest.raises(RuntimeError, match="CRC"):
        tl.load(io.BytesIO(bytes(pkl)))
    torch.save({"w": torch.arange(100.)}, tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    legacy = (tmp_path / "legacy.pt").read_bytes()
    with pytest.raises(RuntimeError, match="truncated"):
        tl.load(io.BytesIO(legacy[:-8]))
    with pytest.raises(pickle.UnpicklingError):
        tl.load(io.BytesIO(legacy[:80]))


# ---- safetensors ------------------------------------------------------------------------------
ST_DTYPES = [n for n in DTYPES if n != "complex128"]  # safetensors has no complex128


def test_safetensors_both_ways(tmp_path):
    import safetensors.torch as st
    from torchlike import safetensors as tst
    tensors = {n: sample(n) for n in ST_DTYPES} | {"empty": tl.zeros(0, 4), "scalar": tl.tensor(3.0)}
    tst.save_file(tensors, tmp_path / "tl.safetensors", metadata={"format": "pt"})
    ref = st.load_file(tmp_path / "tl.safetensors")
    assert sorted(ref) == sorted(tensors)
    for k in tensors:
        assert_same(tensors[k], ref[k])
    assert st.load(tst.save(tensors)).keys() == ref.keys()
    st.save_file(ref, tmp_path / "torch.safetensors", metadata={"k": "v"})
    for out in (tst.load_file(tmp_path / "torch.safetensors"), tst.load((tmp_path / "torch.safetensors").read_bytes())):
        assert sorted(out) == sorted(ref)
        for k in ref:
            assert_same(out[k], ref[k])
    with tst.safe_open(tmp_path / "torch.safetensors", "pt") as f:
        assert f.metadata() == {"k": "v"} and f.keys() == sorted(ref)
        assert_same(f.get_tensor("bfloat16"), ref["bfloat16"])


def test_safetensors_refuses_what_safetensors_torch_refuses(tmp_path):
    import safetensors.torch as st
    from torchlike import safetensors as tst
    base, torch_base = tl.arange(6.), torch.arange(6.)
    for lib, save, shared in ((tl, tst.save, {"a": base, "b": base[2:]}),
                              (torch, st.save, {"a": torch_base, "b": torch_base[2:]})):
        with pytest.raises(RuntimeError, match="share memory"):
            save(shared)
        save({"a": shared["a"][:2], "b": shared["a"][3:]})  # disjoint views are fine
    with pytest.raises(ValueError, match="non contiguous"):
        tst.save({"t": base.reshape(2, 3).t()})
    with pytest.raises(ValueError, match="non contiguous"):
        st.save({"t": torch_base.reshape(2, 3).t()})
    with pytest.raises(ValueError, match="Expected a dict"):
        tst.save([base])
    data = tst.save({"a": base})
    for bad in (data[:4], data[:-4], b"\xff" * 8 + data[8:], data[:8] + b"[" + data[9:]):
        with pytest.raises(ValueError, match="deserializ|TensorInvalidInfo"):
            tst.load(bad)
