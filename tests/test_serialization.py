"""torchlike.save / torchlike.load against real torch's zip checkpoints, both ways."""
import collections
import io
import os
import pickle
import zipfile

import jax.numpy as jnp
import numpy as np
import pytest
import torch

import torchlike as tl

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]


def to_np(t):
    """A torch or torchlike tensor's values as numpy (bfloat16 via ml_dtypes)."""
    if isinstance(t, torch.Tensor):
        if t.dtype == torch.bfloat16:
            return t.view(torch.int16).numpy().view(jnp.bfloat16)
        return t.detach().numpy()
    return np.asarray(t._data)


def to_tl(t):
    return tl.Tensor._from_array(jnp.asarray(to_np(t)))


def sample(name, shape=(2, 3)):
    a = np.arange(np.prod(shape)).reshape(shape) - 2
    return tl.Tensor._from_array(jnp.asarray(a.astype(getattr(tl, name).jax)))


def assert_same(tl_t, torch_t):
    assert str(tl_t.dtype) == str(torch_t.dtype)
    assert tuple(tl_t.shape) == tuple(torch_t.shape)
    assert to_np(tl_t).tobytes() == to_np(torch_t).tobytes()


def test_torch_reads_every_dtype(tmp_path):
    path = tmp_path / "d.pt"
    tl.save({n: sample(n) for n in DTYPES}, path)
    for weights_only in (True, False):
        out = torch.load(path, weights_only=weights_only)
        for n in DTYPES:
            assert_same(sample(n), out[n])


def test_torchlike_reads_every_dtype(tmp_path):
    path = tmp_path / "d.pt"
    torch.save({n: (torch.arange(6).reshape(2, 3) - 2).to(getattr(torch, n)) for n in DTYPES}, path)
    out, ref = tl.load(path), torch.load(path)
    for n in DTYPES:
        assert_same(out[n], ref[n])
        assert_same(sample(n), ref[n])


def test_state_dicts_round_trip(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Flatten(),
                                torch.nn.Linear(4, 2))
    sd = model.state_dict()
    torch.save(sd, tmp_path / "torch.pt")
    loaded = tl.load(tmp_path / "torch.pt")
    assert isinstance(loaded, collections.OrderedDict) and list(loaded) == list(sd)
    for k in sd:
        assert_same(loaded[k], sd[k])
    tl.save(collections.OrderedDict((k, to_tl(v)) for k, v in sd.items()), tmp_path / "tl.pt")
    model.load_state_dict(torch.load(tmp_path / "tl.pt"))
    again = torch.load(tmp_path / "tl.pt")
    for k in sd:
        assert_same(to_tl(sd[k]), again[k])


def test_nested_containers_and_metadata(tmp_path):
    obj = {"list": [tl.tensor(1.5), (2, "x", None)], "bytes": b"\x00\xff", "set": {1, 2}, "float": 1e-3,
           "dtype": tl.bfloat16, "size": tl.Size([2, 3]), "device": tl.device("cpu"), "scalar": tl.tensor(7)}
    tl.save(obj, tmp_path / "n.pt")
    ref = torch.load(tmp_path / "n.pt")
    assert ref["dtype"] is torch.bfloat16 and ref["size"] == torch.Size([2, 3]) and ref["device"] == torch.device("cpu")
    assert ref["list"][1] == (2, "x", None) and ref["bytes"] == b"\x00\xff" and ref["set"] == {1, 2}
    assert ref["scalar"].shape == () and ref["scalar"].item() == 7
    back = tl.load(tmp_path / "n.pt")
    assert back["dtype"] is tl.bfloat16 and back["size"] == tl.Size([2, 3]) and back["device"] == tl.device("cpu")
    assert back["list"][0].item() == 1.5 and back["scalar"].dtype is tl.int64 and back["scalar"].shape == ()


def test_views_share_one_storage(tmp_path):
    base = tl.arange(12.).reshape(3, 4)
    obj = {"t": base.t(), "row": base[1], "col": base[:, 2]}  # two+ views of one root, root itself unsaved
    tl.save(obj, tmp_path / "v.pt")
    with zipfile.ZipFile(tmp_path / "v.pt") as zf:
        assert [n for n in zf.namelist() if "/data/" in n] == ["v/data/0"]
    ref = torch.load(tmp_path / "v.pt")
    assert ref["t"].stride() == (1, 4) and ref["col"].storage_offset() == 2
    assert ref["t"].untyped_storage().data_ptr() == ref["row"].untyped_storage().data_ptr()
    ref["row"].zero_()
    assert ref["t"][2, 1] == 0 and ref["col"][1] == 0
    back = tl.load(tmp_path / "v.pt")
    np.testing.assert_array_equal(to_np(back["t"]), to_np(base.t()))
    back["row"].fill_(-1)  # writes through the shared storage
    assert back["t"][2, 1].item() == -1 and back["col"][1].item() == -1


def test_torch_views_load_shared(tmp_path):
    base = torch.arange(6.).reshape(2, 3)
    torch.save({"base": base, "t": base.t(), "tail": base[:, 1:]}, tmp_path / "v.pt")
    out = tl.load(tmp_path / "v.pt")
    assert out["tail"].stride() == (3, 1) and out["tail"].storage_offset() == 1
    out["base"].mul_(10)
    np.testing.assert_array_equal(to_np(out["t"]), to_np(base.t() * 10))
    np.testing.assert_array_equal(to_np(out["tail"]), to_np(base[:, 1:] * 10))


def test_zero_size_and_parameters(tmp_path):
    p = tl.nn.Parameter(tl.ones(2, 2))
    frozen = tl.nn.Parameter(tl.zeros(3), requires_grad=False)
    tl.save({"empty": tl.zeros(0, 3), "p": p, "frozen": frozen, "grad": tl.ones(2).requires_grad_()}, tmp_path / "p.pt")
    ref = torch.load(tmp_path / "p.pt")
    assert ref["empty"].shape == (0, 3)
    assert isinstance(ref["p"], torch.nn.Parameter) and ref["p"].requires_grad and not ref["frozen"].requires_grad
    assert ref["grad"].requires_grad and not isinstance(ref["grad"], torch.nn.Parameter)
    back = tl.load(tmp_path / "p.pt")
    assert isinstance(back["p"], tl.nn.Parameter) and back["p"].requires_grad and not back["frozen"].requires_grad
    assert back["empty"].shape == (0, 3)
    torch.save({"e": torch.zeros(2, 0), "p": torch.nn.Parameter(torch.ones(1))}, tmp_path / "t.pt")
    out = tl.load(tmp_path / "t.pt")
    assert out["e"].shape == (2, 0) and isinstance(out["p"], tl.nn.Parameter) and out["p"].requires_grad


def test_file_objects_and_map_location(tmp_path):
    buf = io.BytesIO()
    tl.save([tl.ones(2)], buf)
    buf.seek(0)
    assert to_np(torch.load(buf)[0]).tolist() == [1, 1]
    buf.seek(0)
    for loc in ("cpu", tl.device("cpu"), {"cpu": "cpu"}, lambda storage, location: "cpu"):
        buf.seek(0)
        assert tl.load(buf, map_location=loc)[0].tolist() == [1, 1]
    tl.save(tl.ones(1), str(tmp_path / "s.pt"))
    assert os.listdir(tmp_path) == ["s.pt"]  # no temp file left behind


class Unsafe:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def test_weights_only_refuses_arbitrary_globals(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tl.save({"x": Unsafe()}, tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError, match=r"(?s)Weights only load failed.*posix.system.*add_safe_globals"):
        tl.load(tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError):  # torch refuses our file the same way
        torch.load(tmp_path / "evil.pt")
    assert not (tmp_path / "PWNED").exists()


def test_safe_globals_allowlist(tmp_path):
    tl.save({"od": collections.OrderedDict(a=1), "c": collections.Counter("ab")}, tmp_path / "c.pt")
    with pytest.raises(pickle.UnpicklingError, match="Counter"):
        tl.load(tmp_path / "c.pt")
    with tl.serialization.safe_globals([collections.Counter]):
        assert collections.Counter in tl.serialization.get_safe_globals()
        assert tl.load(tmp_path / "c.pt")["c"] == collections.Counter("ab")
    assert tl.serialization.get_safe_globals() == []
    tl.serialization.add_safe_globals([collections.Counter])
    try:
        assert tl.load(tmp_path / "c.pt")["od"] == {"a": 1}
    finally:
        tl.serialization.clear_safe_globals()
    assert tl.load(tmp_path / "c.pt", weights_only=False)["c"] == collections.Counter("ab")


def test_full_pickle_maps_torch_names(tmp_path):
    torch.save({"lin": torch.nn.Linear(2, 3), "dtype": torch.float64}, tmp_path / "m.pt")
    out = tl.load(tmp_path / "m.pt", weights_only=False)
    assert isinstance(out["lin"], tl.nn.Linear) and out["dtype"] is tl.float64


def test_bad_files_raise_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        tl.load(tmp_path / "missing.pt")
    (tmp_path / "magic.pt").write_bytes(b"not a checkpoint at all")
    with pytest.raises(RuntimeError, match="zip"):
        tl.load(tmp_path / "magic.pt")
    tl.save({"w": tl.ones(100)}, tmp_path / "ok.pt")
    data = (tmp_path / "ok.pt").read_bytes()
    (tmp_path / "trunc.pt").write_bytes(data[:len(data) // 2])
    with pytest.raises(RuntimeError, match="zip archive"):
        tl.load(tmp_path / "trunc.pt")
    torch.save(torch.ones(2), tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="legacy"):
        tl.load(tmp_path / "legacy.pt")
