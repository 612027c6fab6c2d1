"""repr(tensor) must equal torch's character for character."""
import math

import numpy as np
import pytest
import torch

import torchlike
from torchlike import _tensor_str

rng = np.random.default_rng(0)
nan, inf = math.nan, math.inf
RANDN_2x3 = rng.standard_normal((2, 3))
RANDN_3D = rng.standard_normal((2, 3, 4)) * 10
RANDN_2000 = rng.standard_normal(2000)
RANDN_BIG_3D = rng.standard_normal((20, 10, 10))
INTS_2D = rng.integers(-120, 120, (3, 5))

# (id, data, dtype name or None for the default)
CASES = [
    ("int_valued_floats", [1.0, 2.0, 3.0], None),
    ("fixed", [1.5, -2.25, 3.0], None),
    ("fixed_rounding", [0.1, 0.25, 1 / 3], None),
    ("sci_small", [1e-5, 1.0, 2.0], None),
    ("sci_large", [1e9, 1.0], None),
    ("sci_ratio", [0.5, 2000.0], None),
    ("int_valued_sci", [100000.0, 1.0], None),
    ("nonfinite", [nan, inf, -inf, 1.5], None),
    ("nonfinite_int_mode", [nan, 1.0, -inf], None),
    ("only_nonfinite", [nan, inf], None),
    ("zeros", [0.0, 0.0], None),
    ("negative_zero", [0.0, -0.0], None),
    ("negative_zero_fixed", [-0.0, 0.1], None),
    ("scalar", 3.5, None),
    ("scalar_int_valued", -2.0, None),
    ("scalar_negative_zero", -0.0, None),
    ("scalar_nan", nan, None),
    ("scalar_int", 7, "int64"),
    ("scalar_bool", True, "bool"),
    ("randn_2x3", RANDN_2x3, None),
    ("randn_3d", RANDN_3D, None),
    ("shape_2x1x3", RANDN_2x3.reshape(2, 1, 3), None),
    ("shape_1x1", [[5.0]], None),
    ("float64", RANDN_2x3, "float64"),
    ("float64_scalar", 1.25, "float64"),
    ("float16", RANDN_2x3, "float16"),
    ("bfloat16", RANDN_2x3, "bfloat16"),
    ("bfloat16_sci", [1e-6, 3.0, 70000.0], "bfloat16"),
    ("int8", INTS_2D, "int8"),
    ("int32", INTS_2D * 1000, "int32"),
    ("int64", INTS_2D, "int64"),
    ("int64_alignment", [[1, -200], [30, 4]], "int64"),
    ("uint8", np.abs(INTS_2D), "uint8"),
    ("bool", [[True, False], [False, True]], "bool"),
    ("complex64", [1 + 2j, -3.5 - 0.5j, 0j], "complex64"),
    ("complex64_int_valued", [1 + 2j, -3 - 4j], "complex64"),
    ("complex64_sci", [1e-5 + 1j, 2 + 3e5j], "complex64"),
    ("complex64_nonfinite", [complex(nan, 1), complex(1, -inf)], "complex64"),
    ("complex64_2d", (RANDN_2x3 + 1j * RANDN_2x3[::-1]), "complex64"),
    ("complex64_scalar", 1.5 - 2j, "complex64"),
    ("complex128", [1 + 2j, 3.25 - 1j], "complex128"),
    ("wrap_float_row", np.arange(30) * 1.7, None),
    ("wrap_int_row", np.arange(40) * 37, "int64"),
    ("wrap_2d", np.arange(120).reshape(4, 30) / 7, None),
    ("wrap_complex", np.arange(20) * (1 + 0.5j), "complex64"),
    ("summarize_1d", np.arange(2000.0), None),
    ("summarize_randn", RANDN_2000, None),
    ("summarize_int", np.arange(2000) * 13, "int64"),
    ("summarize_bool", np.arange(2000) % 3 == 0, "bool"),
    ("summarize_2d", np.arange(2000.0).reshape(40, 50), None),
    ("summarize_3d", RANDN_BIG_3D, None),
    ("summarize_complex", RANDN_2000 * (1 - 1j), "complex64"),
    ("threshold_exact", np.arange(1000.0), None),
    ("empty", [], None),
    ("empty_int", [], "int64"),
    ("empty_bool", [], "bool"),
]


def _pair(data, dtype):
    """The same data as a torch and a torchlike tensor."""
    kw = {} if dtype is None else {"dtype": getattr(torch, dtype)}
    lkw = {} if dtype is None else {"dtype": getattr(torchlike, dtype)}
    return torch.tensor(data, **kw), torchlike.tensor(data, **lkw)


def _same(t, lt):
    assert repr(lt) == repr(t)
    assert str(lt) == str(t)


@pytest.fixture(autouse=True)
def _restore_printoptions():
    yield
    torch.set_printoptions(profile="default")
    torchlike.set_printoptions(profile="default")


@pytest.mark.parametrize("data,dtype", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_repr_matches_torch(data, dtype):
    _same(*_pair(data, dtype))


@pytest.mark.parametrize("shape,dtype", [((0, 3), None), ((2, 0, 4), "int32"), ((0,), "float64"),
                                         ((0,), "complex64")])
def test_empty_shapes(shape, dtype):
    kw = {} if dtype is None else {"dtype": getattr(torch, dtype)}
    lkw = {} if dtype is None else {"dtype": getattr(torchlike, dtype)}
    _same(torch.zeros(shape, **kw), torchlike.zeros(shape, **lkw))


OPTIONS = [
    dict(precision=2),
    dict(precision=8),
    dict(precision=0),
    dict(threshold=5),
    dict(threshold=5, edgeitems=1),
    dict(threshold=5, edgeitems=0),
    dict(linewidth=40),
    dict(linewidth=10),
    dict(profile="short"),
    dict(profile="full"),
    dict(profile="short", precision=6),
    dict(sci_mode=True),
    dict(sci_mode=False),
]
OPTION_DATA = [("arange10", np.arange(10.0), None), ("arange10_int", np.arange(10), "int64"),
               ("randn_3d", RANDN_3D, None), ("sci", [1e-6, 2.5, 3e5], None),
               ("complex", [1.5 + 2j, -0.25j], "complex64"), ("summarize_3d", RANDN_BIG_3D, None)]


@pytest.mark.parametrize("opts", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
@pytest.mark.parametrize("data,dtype", [c[1:] for c in OPTION_DATA], ids=[c[0] for c in OPTION_DATA])
def test_set_printoptions(opts, data, dtype):
    torch.set_printoptions(**opts)
    torchlike.set_printoptions(**opts)
    _same(*_pair(data, dtype))


def test_printoptions_round_trip():
    torchlike.set_printoptions(precision=3, linewidth=50)
    opts = _tensor_str.get_printoptions()
    assert opts == dict(precision=3, threshold=1000, edgeitems=3, linewidth=50, sci_mode=None)
    with _tensor_str.printoptions(precision=1):
        assert repr(torchlike.tensor([1.25])) == "tensor([1.2])"
    assert _tensor_str.get_printoptions() == opts
    torchlike.set_printoptions(profile="default")
    assert repr(torchlike.tensor([1.12345])) == "tensor([1.1235])"


@pytest.mark.parametrize("default", ["float64", "float16"])
def test_default_dtype_changes_suffix(default):
    torch_default = torch.get_default_dtype()
    torch.set_default_dtype(getattr(torch, default))
    torchlike.set_default_dtype(getattr(torchlike, default))
    try:
        for dtype in ("float32", "float64", "float16", "complex64", "complex128"):
            _same(*_pair([1.5, 2.0], dtype))
        _same(torch.tensor([]), torchlike.tensor([]))
        _same(torch.tensor([], dtype=torch.float32), torchlike.tensor([], dtype=torchlike.float32))
    finally:
        torch.set_default_dtype(torch_default)


def _grad_pair(data):
    t, lt = _pair(data, None)
    return t.requires_grad_(), lt.requires_grad_()


@pytest.mark.parametrize("op", [lambda x: x, lambda x: x * 2, lambda x: x + 1, lambda x: (x * 2).double(),
                                lambda x: x.detach().double().requires_grad_()],
                         ids=["leaf", "mul", "add", "to_double", "float64_leaf"])
@pytest.mark.parametrize("data", [[1.5, 2.0], RANDN_3D, np.arange(16) * 1.5], ids=["vec", "3d", "long_row"])
def test_autograd_suffixes(op, data):
    t, lt = _grad_pair(data)
    expected, got = repr(op(t)), repr(op(lt))
    if "grad_fn" in expected and "MulBackward0" not in expected and "AddBackward0" not in expected:
        expected, got = expected.split("grad_fn")[0], got.split("grad_fn")[0]
    assert got == expected


def test_detached_and_no_grad():
    t, lt = _grad_pair([1.5, 2.0])
    _same((t * 2).detach(), (lt * 2).detach())
    with torch.no_grad(), torchlike.no_grad():
        _same(t * 2, lt * 2)


def _subclass(base):
    class MyTensor(base):
        pass
    return MyTensor


def test_subclass_prefix():
    data = [[1.5, 2.0], [3.0, 4.0]]
    t = torch.tensor(data).as_subclass(_subclass(torch.Tensor))
    lt = torchlike.Tensor._make_subclass(_subclass(torchlike.Tensor), torchlike.tensor(data))
    assert repr(lt) == repr(t)


def test_device_suffix(monkeypatch):
    monkeypatch.setattr(torchlike.Tensor, "device", property(lambda self: torchlike.device("cuda", 0)))
    assert repr(torchlike.tensor([1.5, 2.0])) == "tensor([1.5000, 2.0000], device='cuda:0')"
    assert repr(torchlike.tensor([1.5, 2.0], dtype=torchlike.float64).requires_grad_()) == (
        "tensor([1.5000, 2.0000], device='cuda:0', dtype=torch.float64,\n       requires_grad=True)")


def test_parameter():
    parameter = getattr(torchlike.nn, "Parameter", None)
    if parameter is None:
        pytest.skip("torchlike.nn.Parameter not available")
    data = [[1.5, 2.0], [3.0, 4.0]]
    assert repr(parameter(torchlike.tensor(data))) == repr(torch.nn.Parameter(torch.tensor(data)))
    sub = type("MyParam", (parameter,), {})
    torch_sub = type("MyParam", (torch.nn.Parameter,), {})
    assert repr(sub(torchlike.tensor(data))) == repr(torch_sub(torch.tensor(data)))
