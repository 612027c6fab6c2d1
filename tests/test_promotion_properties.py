"""Property tests: type promotion and broadcasting of add/mul, promote_types and result_type agree with torch.

Tensors are tiny and drawn from few shapes, so each (dtype, shape) kernel compiles once.
"""
import numpy as np
import torch
from hypothesis import given, settings, strategies as st

import torchlike

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]
SHAPES = [(), (1,), (3,), (2, 1), (2, 3), (3, 2)]
SCALARS = [True, 2, -1.5, 1 + 2j]


def _make(lib, dtype, shape):
    """Small non-zero values, built through float32 so every dtype (bfloat16 included) takes them."""
    values = (np.arange(int(np.prod(shape))) % 3 + 1).astype(np.float32).reshape(shape)
    return lib.tensor(values).to(getattr(lib, dtype))


operand = st.one_of(st.tuples(st.sampled_from(DTYPES), st.sampled_from(SHAPES)), st.sampled_from(SCALARS))


def _build(lib, spec):
    return _make(lib, *spec) if isinstance(spec, tuple) else spec


def _outcome(lib, op, a, b):
    """(dtype name, shape) of op(a, b), or the exception type it raises."""
    try:
        r = getattr(lib, op)(_build(lib, a), _build(lib, b))
    except Exception as e:  # noqa: BLE001 - compared between the libraries
        return type(e).__name__
    return str(r.dtype).split(".")[-1], tuple(r.shape)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(st.sampled_from(["add", "mul"]), st.tuples(st.sampled_from(DTYPES), st.sampled_from(SHAPES)), operand,
       st.booleans())
def test_binary_dtype_and_shape(op, a, b, swap):
    if swap:
        a, b = b, a
    assert _outcome(torchlike, op, a, b) == _outcome(torch, op, a, b)


@settings(max_examples=20, derandomize=True, deadline=None)
@given(st.sampled_from(DTYPES), st.sampled_from(DTYPES), st.sampled_from(SHAPES[:3]))
def test_add_values(a, b, shape):
    """Values too, for tensors of two dtypes."""
    expected = torch.add(_make(torch, a, shape), _make(torch, b, shape))
    actual = torchlike.add(_make(torchlike, a, shape), _make(torchlike, b, shape))
    assert str(actual.dtype) == str(expected.dtype)
    np.testing.assert_allclose(np.asarray(actual.to(torchlike.complex128)),
                               expected.to(torch.complex128).numpy(), rtol=1e-2)


def test_promote_types_all_pairs():
    for a in DTYPES:
        for b in DTYPES:
            expected = torch.promote_types(getattr(torch, a), getattr(torch, b))
            assert str(torchlike.promote_types(getattr(torchlike, a), getattr(torchlike, b))) == str(expected), (a, b)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(st.tuples(st.sampled_from(DTYPES), st.sampled_from(SHAPES[:3])), operand)
def test_result_type(a, b):
    """torch.result_type over tensors (dimensioned or 0-dim) and Python numbers."""
    assert str(torchlike.result_type(_build(torchlike, a), _build(torchlike, b))) == \
        str(torch.result_type(_build(torch, a), _build(torch, b)))
