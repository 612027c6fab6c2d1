"""Comparison ops (torch docs' "Comparison Ops"): elementwise comparisons and predicates,
sorting and selection (sort, argsort, topk, kthvalue), and the Python comparison operators.

Comparisons compute in torch's promoted dtype and return bool tensors; sort-based ops
sort stably (torch's default unstable sort may order ties differently).
"""
import numbers

import jax.numpy as jnp

from .. import _dtype
from .._dispatch import Kernel, apply
from .._tensor import Tensor, _TYPE_NAMES, tensor_method
from ._util import (as_operand, binary_dtype, float_dtype, inplace_variant, on_floats, require_tensor, torch_derivative,
                    wrap_dim, write_out)
from .reduction import (_MAXIMUM, _MINIMUM, _binary, _from_last, _to_last, order_statistic,
                        return_types, sorted_along)

__all__ = ["eq", "ne", "not_equal", "lt", "less", "le", "less_equal", "gt", "greater", "ge", "greater_equal",
           "equal", "isclose", "allclose", "isfinite", "isinf", "isposinf", "isneginf", "isnan", "isreal", "isin",
           "maximum", "minimum", "fmax", "fmin", "sort", "argsort", "msort", "topk", "kthvalue"]


# ---- elementwise comparisons ------------------------------------------------------------------
def _comparison(name, jfn):
    """``name(input, other, *, out=None)``: ``jfn`` in the promoted dtype, a bool result."""
    k = Kernel(lambda dtype, a, b: jfn(a.astype(dtype), b.astype(dtype)), name.capitalize() + "Backward0")

    def op(input, other, *, out=None):
        other = as_operand(other)
        dt = binary_dtype(input, other)
        if dt.category == 3 and name not in ("eq", "ne"):
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_TYPE_NAMES[dt]}\'')
        return write_out(out, apply(k, (input, other), (dt.jax,)))
    op.__name__ = name
    op.__doc__ = f"torch.{name}(input, other): elementwise comparison with torch's promotion; a bool tensor."
    return op


eq = _comparison("eq", jnp.equal)
ne = not_equal = _comparison("ne", jnp.not_equal)
lt = less = _comparison("lt", jnp.less)
le = less_equal = _comparison("le", jnp.less_equal)
gt = greater = _comparison("gt", jnp.greater)
ge = greater_equal = _comparison("ge", jnp.greater_equal)

for _fn, _names in ((eq, ("eq",)), (ne, ("ne", "not_equal")), (lt, ("lt", "less")), (le, ("le", "less_equal")),
                    (gt, ("gt", "greater")), (ge, ("ge", "greater_equal"))):
    tensor_method(*_names)(_fn)
    for _name in _names:
        setattr(Tensor, _name + "_", inplace_variant(_fn, _name + "_", promotes=False))


def _operator(fn):
    """A Python comparison operator: numbers and tensors compare, anything else is
    NotImplemented (so ``t == None`` is False, as in torch)."""
    def method(self, other):
        if isinstance(other, (Tensor, numbers.Number)):
            return fn(self, other)
        return NotImplemented
    return method


Tensor.__eq__, Tensor.__ne__ = _operator(eq), _operator(ne)
Tensor.__lt__, Tensor.__le__ = _operator(lt), _operator(le)
Tensor.__gt__, Tensor.__ge__ = _operator(gt), _operator(ge)


@tensor_method()
def equal(input, other):
    """torch.equal: True when both have the same shape and (promoted) values."""
    return input.shape == other.shape and bool(eq(input, other).all())


def _isclose(rtol, atol, equal_nan, dtype, a, b):
    a, b = a.astype(dtype), b.astype(dtype)
    close = a == b
    if equal_nan:
        close |= jnp.isnan(a) & jnp.isnan(b)
    error = jnp.abs(a - b)
    return close | (jnp.isfinite(error) & (error <= atol + jnp.abs(rtol * b)))


_ISCLOSE = Kernel(_isclose, "IscloseBackward0")


@tensor_method()
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """torch.isclose: |input - other| <= atol + rtol * |other| (or equal); same dtypes only."""
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{_TYPE_NAMES[input.dtype]} did not match {_TYPE_NAMES[other.dtype]}")
    return apply(_ISCLOSE, (input, other), (float(rtol), float(atol), bool(equal_nan), float_dtype(input.dtype).jax))


@tensor_method()
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """torch.allclose: whether isclose holds everywhere (a Python bool)."""
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def _predicate(name, jfn):
    k = Kernel(jfn, name)

    def op(input, *, out=None):
        return write_out(out, apply(k, (input,)))
    op.__name__ = name
    op.__doc__ = f"torch.{name}(input): an elementwise bool tensor."
    return tensor_method(name)(op)


isfinite = _predicate("isfinite", jnp.isfinite)
isinf = _predicate("isinf", jnp.isinf)
isposinf = _predicate("isposinf", jnp.isposinf)
isneginf = _predicate("isneginf", jnp.isneginf)
isnan = _predicate("isnan", jnp.isnan)
isreal = _predicate("isreal", lambda a: a.imag == 0 if jnp.iscomplexobj(a) else jnp.ones(a.shape, bool))

_ISIN = Kernel(lambda invert, dtype, e, t: jnp.isin(jnp.asarray(e, dtype), jnp.asarray(t, dtype), invert=invert),
               "IsinBackward0")


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """torch.isin: whether each of ``elements`` occurs in ``test_elements`` (either may be a
    number); ``assume_unique`` is only a speed hint in torch and is ignored here."""
    dt = _dtype.result_type_of((elements, test_elements))
    if dt is _dtype.bool or any(isinstance(t, Tensor) and t.dtype is _dtype.bool for t in (elements, test_elements)):
        raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    if dt.is_complex:
        raise RuntimeError(f"Unsupported input type encountered for isin(): {_TYPE_NAMES[dt]}")
    return apply(_ISIN, (as_operand(elements), as_operand(test_elements)), (bool(invert), dt.jax))


def _elementwise(name, k):
    def op(input, other, *, out=None):
        require_tensor(name, "other", 2, other)
        if input.dtype.is_complex or other.dtype.is_complex:
            raise RuntimeError(f"{name} not implemented for complex tensors.")
        return write_out(out, _binary(k, input, other))
    op.__name__ = name
    op.__doc__ = f"torch.{name}(input, other): elementwise (real tensors), with torch's type promotion."
    return tensor_method(name)(op)


maximum = _elementwise("maximum", _MAXIMUM)
minimum = _elementwise("minimum", _MINIMUM)


def _nan_ignoring(jfn, wins):
    """fmax/fmin with torch's derivative: all of it to ``input`` where it wins, ties or ``other``
    is NaN, else all to ``other``."""
    def taken(a, b):
        return (wins(a, b) | (a == b) | jnp.isnan(b)).astype(a.dtype)
    return on_floats(torch_derivative(jfn, lambda a, b, out: taken(a, b), lambda a, b, out: 1 - taken(a, b)), jfn)


fmax = _elementwise("fmax", Kernel(_nan_ignoring(jnp.fmax, lambda a, b: a > b), "FmaxBackward0"))
fmin = _elementwise("fmin", Kernel(_nan_ignoring(jnp.fmin, lambda a, b: a < b), "FminBackward0"))


# ---- sorting and selection ---------------------------------------------------------------------
def _sort(dim, descending, k, a):
    """The first ``k`` (None: all) of ``a`` stably sorted along dim, with their int64 indices."""
    x = _to_last(a, dim)
    values, indices = sorted_along(x, descending)
    if k is not None:
        values, indices = values[..., :k], indices[..., :k]
    return _from_last(values, dim, a.ndim, True), _from_last(indices, dim, a.ndim, True)


_SORT = Kernel(_sort, "SortBackward0")
_TOPK = Kernel(_sort, "TopkBackward0")


@tensor_method()
def sort(input, dim=-1, descending=False, *, stable=False, out=None):
    """torch.sort -> return_types.sort(values, indices); NaN sorts as the largest value."""
    if input.dtype.is_complex:
        raise RuntimeError(" Sort does not support complex dtypes on CPU")
    values, indices = apply(_SORT, (input,), (wrap_dim(dim, input.ndim), bool(descending), None))
    if out is not None:
        return return_types.sort(write_out(out[0], values), write_out(out[1], indices))
    return return_types.sort(values, indices)


@tensor_method()
def argsort(input, dim=-1, descending=False, *, stable=False):
    """torch.argsort: the int64 indices that sort input along dim."""
    return sort(input, dim, descending).indices


@tensor_method()
def msort(input, *, out=None):
    """torch.msort: values sorted along dim 0."""
    return write_out(out, sort(input, 0).values)


@tensor_method()
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """torch.topk -> return_types.topk(values, indices): the k largest (or smallest) along dim,
    always in sorted order (torch leaves the order unspecified for sorted=False)."""
    if input.dtype is _dtype.bool:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    if input.dtype.is_complex:  # torch's message starts with a space
        raise RuntimeError(" topk does not support complex dtypes on CPU")
    dim = wrap_dim(dim, input.ndim)
    if not 0 <= k <= (input.shape[dim] if input.ndim else 1):
        raise RuntimeError("selected index k out of range")
    values, indices = apply(_TOPK, (input,), (dim, bool(largest), int(k)))
    if out is not None:
        return return_types.topk(write_out(out[0], values), write_out(out[1], indices))
    return return_types.topk(values, indices)


@tensor_method()
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """torch.kthvalue -> return_types.kthvalue(values, indices): the k-th smallest along dim."""
    d = wrap_dim(dim, input.ndim)
    if not 1 <= k <= (input.shape[d] if input.ndim else 1):
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    result = order_statistic("kthvalue", input, d, keepdim, int(k))
    if out is not None:
        return return_types.kthvalue(write_out(out[0], result.values), write_out(out[1], result.indices))
    return result
