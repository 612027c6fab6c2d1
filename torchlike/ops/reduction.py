"""Reduction ops (torch docs' "Reduction Ops"), with dim as int or tuple and keepdim.

Each op is one Kernel. Index-returning reductions (max(dim), median, mode, kthvalue)
compute the index, then gather the value at it, so the gradient flows to that element
as in torch. Data-dependent shapes (unique) take one host sync to size the result.
"""
import builtins
import collections
import functools
import math
import numbers
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._dispatch import Kernel, apply, run
from .._tensor import Tensor, _TYPE_NAMES, tensor_method
from ._util import check_kind, dims_arg, float_dtype, on_floats, torch_derivative, wrap_dim, write_out

__all__ = ["return_types", "sum", "mean", "nansum", "nanmean", "prod", "amax", "amin", "aminmax", "max", "min",
           "argmax", "argmin", "all", "any", "count_nonzero", "logsumexp", "std", "var", "std_mean", "var_mean",
           "norm", "dist", "median", "nanmedian", "mode", "quantile", "nanquantile", "unique",
           "unique_consecutive", "frobenius_norm", "nuclear_norm"]


# ---- torch.return_types --------------------------------------------------------------------
class _ReturnTypes:
    """torch.return_types: the named tuples of multi-output ops (``define`` adds one)."""

    def define(self, name, fields):
        cls = collections.namedtuple(name, fields)
        cls.__repr__ = _return_type_repr
        cls.__module__ = "torch.return_types"
        setattr(self, name, cls)
        return cls


def _return_type_repr(self):
    body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
    return f"torch.return_types.{type(self).__name__}(\n{body})"


return_types = _ReturnTypes()
for _name in ("max", "min", "median", "nanmedian", "mode", "kthvalue", "sort", "topk"):
    return_types.define(_name, ("values", "indices"))
return_types.define("aminmax", ("min", "max"))


# ---- argument helpers ---------------------------------------------------------------------
def _dims(dim, ndim):
    """Reduced dims as a sorted tuple, or None for all of them (dim None or (), or a 0-d input)."""
    dims = dims_arg(dim, ndim)
    return dims if dims and ndim else None


def _type_name(dt):
    return _TYPE_NAMES[dt]


def _int_to_int64(dt):
    """torch sums and multiplies bool and integer tensors into int64."""
    return _dtype.int64 if dt.category < 2 else dt


def _require_float(input, message):
    if input.dtype.category < 2:
        raise RuntimeError(message.format(_type_name(input.dtype)))


def _check_nonempty(name, input, dims):
    """torch's errors for reducing an empty tensor with an op that has no identity."""
    if input.numel():
        return
    if dims is None:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           "reduction dim with the 'dim' argument.")
    for d in dims:
        if input.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _reducer(jfn, full_name, dim_name=None, cast_input=True):
    """Kernels for ``jfn(a, axis, keepdims)`` giving a result dtype (``a`` is cast to it first
    when ``cast_input``); torch names the autograd node of the full and of the dim reduction
    differently (SumBackward0/1)."""
    def f(dims, keepdim, dtype, a):
        return jfn(a.astype(dtype) if cast_input else a, axis=dims, keepdims=keepdim).astype(dtype)
    return Kernel(f, full_name), Kernel(f, dim_name or full_name)


def _out_needs_dim(name, dim, out):
    """torch's full-reduction overloads (no dim) take no ``out=``."""
    if out is not None and dim is None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, out=Tensor), "
                        "which needs a dim")


def _reduce(kernels, input, dim, keepdim, dtype):
    dims = _dims(dim, input.ndim)
    return apply(kernels[dims is not None], (input,), (dims, bool(keepdim), dtype.jax))


def _nan_to_zero(fn):
    return lambda a, axis, keepdims: fn(jnp.where(jnp.isnan(a), 0, a), axis=axis, keepdims=keepdims)


@jax.custom_jvp
def _zero_with_gradient(a):
    """Zeros whose derivative with respect to ``a`` is one (``a - stop_gradient(a)`` without
    its NaN at ±inf). The zeros are computed from ``a`` so that under jax.vmap they are batched
    as ``a`` is: JAX 0.10 mis-batches a custom_jvp inside jit whose value is a constant."""
    return jnp.zeros_like(a) * jnp.isnan(a)


_zero_with_gradient.defjvp(lambda primals, tangents: (_zero_with_gradient(primals[0]), tangents[0]))


def _shared(a, m, axis, keepdims, nan_hits):
    """``m`` (a reduction of ``a`` over ``axis``) whose gradient is shared evenly by the elements
    equal to it. ``nan_hits``: NaNs count as equal to a NaN result (torch's
    evenly_distribute_backward: max(), min(), median()); otherwise a NaN result has no equal
    element and its gradient is NaN throughout (torch's amax/amin backward, 0/0)."""
    if not jnp.issubdtype(a.dtype, jnp.inexact):
        return m
    mk = m if keepdims or axis is None else jnp.expand_dims(m, axis)
    hit = (a == mk) | (jnp.isnan(a) & jnp.isnan(mk)) if nan_hits else a == mk
    z = _zero_with_gradient(a)
    share = jnp.sum(jnp.where(hit, z, 0), axis=axis, keepdims=keepdims)
    count = jnp.sum(hit, axis=axis, keepdims=keepdims)
    if not nan_hits:  # a NaN result: torch's grad / 0 * mask gives the whole slice a NaN gradient
        share = share + jnp.sum(z, axis=axis, keepdims=keepdims) * jnp.where(count == 0, jnp.nan, 0)
    return jax.lax.stop_gradient(m) + share / count


def _evenly(fn, nan_hits):
    """``fn`` (jnp.max/min) with torch's gradient at ties: see :func:`_shared`."""
    return lambda a, axis, keepdims: _shared(a, fn(a, axis=axis, keepdims=keepdims), axis, keepdims, nan_hits)


def _nanmean_fn(a, axis, keepdims):
    count = jnp.sum(~jnp.isnan(a), axis=axis, keepdims=keepdims)
    return jnp.sum(jnp.where(jnp.isnan(a), 0, a), axis=axis, keepdims=keepdims) / count


_SUM = _reducer(jnp.sum, "SumBackward0", "SumBackward1")
_MEAN = _reducer(jnp.mean, "MeanBackward0", "MeanBackward1")
_NANSUM = _reducer(_nan_to_zero(jnp.sum), "NansumBackward0")
_NANMEAN = _reducer(_nanmean_fn, "DivBackward0")
_PROD = _reducer(jnp.prod, "ProdBackward0", "ProdBackward1")
_AMAX = _reducer(_evenly(jnp.max, False), "AmaxBackward0")
_AMIN = _reducer(_evenly(jnp.min, False), "AminBackward0")
_MAX = _reducer(_evenly(jnp.max, True), "MaxBackward1")
_MIN = _reducer(_evenly(jnp.min, True), "MinBackward1")
_ALL = _reducer(lambda a, axis, keepdims: jnp.all(a != 0, axis=axis, keepdims=keepdims), "AllBackward0",
                cast_input=False)
_ANY = _reducer(lambda a, axis, keepdims: jnp.any(a != 0, axis=axis, keepdims=keepdims), "AnyBackward0",
                cast_input=False)
_COUNT = _reducer(lambda a, axis, keepdims: jnp.sum(a != 0, axis=axis, keepdims=keepdims), "CountNonzeroBackward0",
                  cast_input=False)
_LOGSUMEXP = _reducer(jax.nn.logsumexp, "LogsumexpBackward0")


# ---- sums, means, products ---------------------------------------------------------------
@tensor_method()
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.sum(input, dim=None, keepdim=False, *, dtype=None): ints and bool sum to int64."""
    _out_needs_dim("sum", dim, out)
    return write_out(out, _reduce(_SUM, input, dim, keepdim, dtype or _int_to_int64(input.dtype)))


@tensor_method()
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.nansum: sum treating NaN as zero (real tensors, as torch's CPU kernel)."""
    _nansum_real(input)
    return write_out(out, _reduce(_NANSUM, input, dim, keepdim, dtype or _int_to_int64(input.dtype)))


def _nansum_real(input):
    if input.dtype.is_complex:
        raise RuntimeError("nansum on CPU does not support complex inputs")


def _mean_dtype(name, input, dtype):
    dt = dtype or input.dtype
    if dt.category < 2:
        raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {_type_name(dt)}")
    return dt


@tensor_method()
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.mean: floating or complex inputs only (or pass ``dtype``), as in torch."""
    return write_out(out, _reduce(_MEAN, input, dim, keepdim, _mean_dtype("mean", input, dtype)))


@tensor_method()
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.nanmean: the mean of the non-NaN elements."""
    _require_float(input, "nanmean(): expected input to have floating point or complex dtype but got {}")
    _nansum_real(input)
    return write_out(out, _reduce(_NANMEAN, input, dim, keepdim, dtype or input.dtype))


@tensor_method()
def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.prod(input, dim=None (one int), keepdim=False, *, dtype=None)."""
    if dim is not None and not isinstance(dim, numbers.Integral):
        raise TypeError(f"prod() received an invalid combination of arguments - got ({type(dim).__name__})")
    _out_needs_dim("prod", dim, out)
    return write_out(out, _reduce(_PROD, input, dim, keepdim, dtype or _int_to_int64(input.dtype)))


@tensor_method()
def count_nonzero(input, dim=None):
    """torch.count_nonzero(input, dim=None): int64 counts."""
    return _reduce(_COUNT, input, dim, False, _dtype.int64)


@tensor_method()
def logsumexp(input, dim, keepdim=False, *, out=None):
    """torch.logsumexp(input, dim, keepdim=False): integer inputs give the default float."""
    return write_out(out, _reduce(_LOGSUMEXP, input, dim, keepdim, float_dtype(input.dtype)))


def _logical_dtype(input):
    """all/any return bool, except uint8 for uint8 inputs (as torch)."""
    return _dtype.uint8 if input.dtype is _dtype.uint8 else _dtype.bool


@tensor_method()
def all(input, dim=None, keepdim=False, *, out=None):
    """torch.all: whether every element (along dim) is nonzero."""
    return write_out(out, _reduce(_ALL, input, dim, keepdim, _logical_dtype(input)))


@tensor_method()
def any(input, dim=None, keepdim=False, *, out=None):
    """torch.any: whether some element (along dim) is nonzero."""
    return write_out(out, _reduce(_ANY, input, dim, keepdim, _logical_dtype(input)))


# ---- extrema --------------------------------------------------------------------------------
def _extreme(name, kernels, input, dim, keepdim):
    dims = _dims(dim, input.ndim)
    _check_nonempty(name, input, dims)
    return _reduce(kernels, input, dims, keepdim, input.dtype)


@tensor_method()
def amax(input, dim=(), keepdim=False, *, out=None):
    """torch.amax: maximum over dims (all by default); ties share the gradient evenly."""
    check_kind(input.dtype, "bif", "max_values_cpu")
    return write_out(out, _extreme("amax", _AMAX, input, dim, keepdim))


@tensor_method()
def amin(input, dim=(), keepdim=False, *, out=None):
    """torch.amin: minimum over dims (all by default); ties share the gradient evenly."""
    check_kind(input.dtype, "bif", "min_values_cpu")
    return write_out(out, _extreme("amin", _AMIN, input, dim, keepdim))


@tensor_method()
def aminmax(input, *, dim=None, keepdim=False, out=None):
    """torch.aminmax -> return_types.aminmax(min, max)."""
    check_kind(input.dtype, "bif", "aminmax_cpu")
    if dim is None and input.numel() == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity.")
    dims = () if dim is None else dim
    return _pair(return_types.aminmax, out, amin(input, dims, keepdim), amax(input, dims, keepdim))


def _pair(rt, out, first, second):
    """``rt(first, second)``, written into the ``out`` pair when given."""
    if out is not None:
        return rt(write_out(out[0], first), write_out(out[1], second))
    return rt(first, second)


def _to_last(a, dim):
    """``a`` with ``dim`` moved last (a 0-d array as one element)."""
    return jnp.moveaxis(a.reshape(a.shape or (1,)), dim, -1)


def _from_last(x, dim, ndim, keepdim):
    """Undo _to_last on a result whose last axis has length 1 (reduced) or is kept."""
    if ndim == 0:
        return x.reshape(())
    return jnp.moveaxis(x, -1, dim) if keepdim else x[..., 0]


def _arg_extreme(largest, dim, keepdim, a):
    """(values, int64 indices) of the max/min along dim; first index among ties, NaN wins."""
    x = _to_last(a, dim)
    i = (jnp.argmax if largest else jnp.argmin)(x, axis=-1, keepdims=True).astype(jnp.int64)
    v = jnp.take_along_axis(x, i, -1)
    return _from_last(v, dim, a.ndim, keepdim), _from_last(i, dim, a.ndim, keepdim)


_MAX_DIM = Kernel(_arg_extreme, "MaxBackward0")
_MIN_DIM = Kernel(_arg_extreme, "MinBackward0")
_ARG = Kernel(lambda largest, dim, keepdim, a: _arg_extreme(largest, dim, keepdim, a)[1], "ArgmaxBackward0")


def _max_or_min(name, largest, input, dim, keepdim, out):
    if isinstance(dim, Tensor):
        if input.dtype.is_complex or dim.dtype.is_complex:
            raise RuntimeError(f"{'maximum' if largest else 'minimum'} not implemented for complex tensors.")
        return write_out(out, _binary(_MAXIMUM if largest else _MINIMUM, input, dim))
    if dim is None:
        check_kind(input.dtype, "bif", f"{name}_all")
        return write_out(out, _extreme(name, _MAX if largest else _MIN, input, None, False))
    if input.dtype.is_complex:
        raise RuntimeError(f"{name}(): does not support complex input")
    dim = wrap_dim(dim, input.ndim)
    _check_nonempty(name, input, (dim,) if input.ndim else None)
    values, indices = apply(_MAX_DIM if largest else _MIN_DIM, (input,), (largest, dim, bool(keepdim)))
    return _pair(getattr(return_types, name), out, values, indices)


@tensor_method()
def max(input, dim=None, keepdim=False, *, out=None):
    """torch.max: the maximum; with an int ``dim`` return_types.max(values, indices);
    with a Tensor, the elementwise maximum."""
    return _max_or_min("max", True, input, dim, keepdim, out)


@tensor_method()
def min(input, dim=None, keepdim=False, *, out=None):
    """torch.min: the minimum; with an int ``dim`` return_types.min(values, indices);
    with a Tensor, the elementwise minimum."""
    return _max_or_min("min", False, input, dim, keepdim, out)


def _argmax_or_min(name, largest, input, dim, keepdim):
    if input.dtype.is_complex:
        raise RuntimeError(f"{name}(): does not support complex input")
    if input.dtype is _dtype.bool:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if input.numel() == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        flat = apply(_ARG, (input.reshape(-1),), (largest, 0, False))
        return flat.reshape((1,) * input.ndim) if keepdim else flat
    dim = wrap_dim(dim, input.ndim)
    _check_nonempty(name, input, (dim,) if input.ndim else None)
    return apply(_ARG, (input,), (largest, dim, bool(keepdim)))


@tensor_method()
def argmax(input, dim=None, keepdim=False, *, out=None):
    """torch.argmax: int64 index of the first maximum (of the flattened input without dim)."""
    return write_out(out, _argmax_or_min("argmax", True, input, dim, keepdim))


@tensor_method()
def argmin(input, dim=None, keepdim=False, *, out=None):
    """torch.argmin: int64 index of the first minimum (of the flattened input without dim)."""
    return write_out(out, _argmax_or_min("argmin", False, input, dim, keepdim))


def _extremum(jfn, beaten):
    """maximum/minimum with torch's derivative: half to each side at a tie, all to a NaN or the
    winner, nothing to the side ``beaten(a, b)`` says lost."""
    def share(a, b, out):
        return jnp.where(beaten(a, b), 0, jnp.where(a == b, 0.5, 1)).astype(a.dtype)
    return on_floats(torch_derivative(jfn, share, lambda a, b, out: share(b, a, out)), jfn)


_MAXIMUM = Kernel(_extremum(jnp.maximum, lambda a, b: a < b), "MaximumBackward0")
_MINIMUM = Kernel(_extremum(jnp.minimum, lambda a, b: a > b), "MinimumBackward0")


def _binary(k, input, other):
    """Elementwise binary kernel ``k`` on two tensors in torch's promoted dtype."""
    return apply(k, (input, other), (_dtype.result_type_of((input, other)).jax,))


# ---- variance and standard deviation -------------------------------------------------------
def _deviation_products(a, b, dims, keepdim, correction):
    """sum((a - mean(a)) * conj(b)).real / max(N - correction, 0) over dims."""
    d = a - jnp.mean(a, axis=dims, keepdims=True)
    prod = (d * jnp.conj(b)).real if jnp.iscomplexobj(d) else d * b
    n = math.prod(a.shape[i] for i in (dims if dims is not None else range(a.ndim)))
    return jnp.sum(prod, axis=dims, keepdims=keepdim) / builtins.max(n - correction, 0)


@functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2, 3))
def _variance(a, dims, keepdim, correction):
    """The variance over dims (real for complex), differentiated by torch's formula
    2 (x - mean) / (N - correction), whose mean term is not folded away (so ±inf inputs give
    ±inf gradients, not NaN)."""
    return _deviation_products(a, a, dims, keepdim, correction)


@_variance.defjvp
def _variance_jvp(dims, keepdim, correction, primals, tangents):
    (a,), (t,) = primals, tangents
    return _variance(a, dims, keepdim, correction), 2 * _deviation_products(a, t, dims, keepdim, correction)


def _moments(dims, keepdim, correction, what, a):
    """var/std (and the mean, for ``what`` var_mean/std_mean) over dims, real for complex."""
    v = _variance(a, dims, keepdim, correction)
    v = _root(v, 2) if what.startswith("std") else v
    if what.endswith("mean"):
        return v, jnp.mean(a, axis=dims, keepdims=keepdim)
    return v


_MOMENTS = {w: Kernel(_moments, n) for w, n in (("var", "VarBackward0"), ("std", "StdBackward0"),
                                                ("var_mean", "VarMeanBackward0"), ("std_mean", "StdMeanBackward0"))}


def _moment(what, input, dim, unbiased, keepdim, correction, out=None):
    if isinstance(dim, bool):  # legacy var(input, unbiased)
        dim, unbiased = None, dim
    if unbiased is not None:
        _out_needs_dim(what, dim, out)
    if input.dtype.category < 2:
        op = "std and var" if what in ("std", "var") else what
        raise RuntimeError(f"{op} only support floating point and complex dtypes")
    if correction is None:
        correction = 1 if unbiased is None else int(bool(unbiased))
    dims = _dims(dim, input.ndim)
    if math.prod(input.shape[d] for d in (dims if dims is not None else range(input.ndim))) <= correction:
        warnings.warn(f"{what}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                      "factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    return apply(_MOMENTS[what], (input,), (dims, bool(keepdim), correction, what))


@tensor_method()
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """torch.var: sum of squared deviations / max(N - correction, 0); ``unbiased`` is the
    legacy spelling of correction=1/0."""
    return write_out(out, _moment("var", input, dim, unbiased, keepdim, correction, out))


@tensor_method()
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """torch.std: the square root of torch.var."""
    return write_out(out, _moment("std", input, dim, unbiased, keepdim, correction, out))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """torch.var_mean -> (var, mean), a plain tuple as in torch."""
    return _moment("var_mean", input, dim, unbiased, keepdim, correction)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """torch.std_mean -> (std, mean), a plain tuple as in torch."""
    return _moment("std_mean", input, dim, unbiased, keepdim, correction)


# ---- norms -----------------------------------------------------------------------------------
def _root(s, p):
    """s ** (1/p) with a zero (not NaN) gradient at s == 0, as torch's norm backward."""
    zero = s == 0
    return jnp.where(zero, 0, jnp.where(zero, 1, s) ** (1 / p))


def _vector_norm(p, dims, keepdim, a):
    # |x| as x * sgn(x) where its first derivative matters at 0 (torch's is 0 there)
    x = a * jnp.sign(a) if p in (1, math.inf, -math.inf) and not jnp.iscomplexobj(a) else jnp.abs(a)
    if p == math.inf:
        return jnp.max(x, axis=dims, keepdims=keepdim)
    if p == -math.inf:
        return jnp.min(x, axis=dims, keepdims=keepdim)
    if p == 0:
        return jnp.sum(x != 0, axis=dims, keepdims=keepdim).astype(x.dtype)
    if p == 1:
        return jnp.sum(x, axis=dims, keepdims=keepdim)
    return _root(jnp.sum(x * x if p == 2 else x ** p, axis=dims, keepdims=keepdim), p)


def _nuclear_norm(dims, keepdim, a):
    s = jnp.linalg.svd(jnp.moveaxis(a, dims, (-2, -1)), compute_uv=False).sum(-1)
    return jnp.expand_dims(s, dims) if keepdim else s


_VECTOR_NORM = Kernel(lambda p, dims, keepdim, dtype, a: _vector_norm(p, dims, keepdim, a.astype(dtype)),
                      "LinalgVectorNormBackward0")
_NUCLEAR_NORM = Kernel(lambda dims, keepdim, dtype, a: _nuclear_norm(dims, keepdim, a.astype(dtype)),
                       "LinalgMatrixNormBackward0")
_DIST = Kernel(lambda p, dtype, a, b: _vector_norm(p, None, False, a.astype(dtype) - b.astype(dtype)),
               "DistBackward0")


@tensor_method()
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm: p 'fro' (2-norm over dim), 'nuc' (sum of singular values over two dims),
    or a number (vector p-norm, inf/-inf/0 included); complex inputs give real norms."""
    if input.dtype.category < 2:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_type_name(input.dtype)}")
    dt = dtype or input.dtype
    if p == "nuc":
        dims = tuple(range(input.ndim)) if dim is None else dims_arg(dim, input.ndim)
        if len(dims) != 2:
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dims))}")
        result = apply(_NUCLEAR_NORM, (input,), (dims, bool(keepdim), dt.jax))
    else:
        p = 2.0 if p == "fro" else float(p)
        result = apply(_VECTOR_NORM, (input,), (p, _dims(dim, input.ndim), bool(keepdim), dt.jax))
    return write_out(out, result)


def frobenius_norm(input, dim=(), keepdim=False, *, out=None):
    """torch.frobenius_norm: :func:`norm` with p='fro' over ``dim``."""
    return norm(input, "fro", dim, keepdim, out=out)


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    """torch.nuclear_norm: :func:`norm` with p='nuc' (over ``dim`` or the only two dims)."""
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim)
        dim, keepdim = None, dim
    return norm(input, "nuc", dim, keepdim, out=out)


@tensor_method()
def dist(input, other, p=2):
    """torch.dist: the p-norm of input - other (broadcast)."""
    dt = _dtype.result_type_of((input, other))
    _require_float(input, "linalg.vector_norm: Expected a floating point or complex tensor as input. Got {}")
    return apply(_DIST, (input, other), (float(p), dt.jax))


# ---- order statistics ---------------------------------------------------------------------
def sorted_along(x, descending=False):
    """(values, int64 indices) of ``x`` stably sorted along its last axis; NaN counts as the
    largest value, as in torch."""
    i = jnp.argsort(x, axis=-1, stable=True, descending=descending).astype(jnp.int64)
    return jnp.take_along_axis(x, i, -1), i


def _order_statistic(kind, dim, keepdim, a, k):
    """The ``kind`` ('kthvalue', 'median', 'nanmedian') element along dim (None: all) and its
    index; over all elements the gradient is shared by the elements equal to it, as torch's."""
    if dim is None:
        v, i = _order_statistic(kind, 0, False, a.reshape(-1), k)
        return _shared(a, v, None, False, True), i
    x = _to_last(a, dim)
    s, order = sorted_along(x)
    valid = jnp.sum(~jnp.isnan(s), axis=-1, keepdims=True)
    if kind == "kthvalue":
        pos = jnp.full_like(valid, k - 1)
    elif kind == "median":  # the lower median; NaN if the slice has one
        pos = jnp.where(valid < x.shape[-1], valid, (x.shape[-1] - 1) // 2)
    else:
        pos = jnp.maximum(valid - 1, 0) // 2
    i = jnp.take_along_axis(order, pos, -1)
    v = jnp.take_along_axis(x, i, -1)
    return _from_last(v, dim, a.ndim, keepdim), _from_last(i, dim, a.ndim, keepdim)


_ORDER_KERNELS = {("median", False): Kernel(_order_statistic, "MedianBackward0"),
                  ("median", True): Kernel(_order_statistic, "MedianBackward1"),
                  ("nanmedian", False): Kernel(_order_statistic, "NanmedianBackward0"),
                  ("nanmedian", True): Kernel(_order_statistic, "NanmedianBackward1"),
                  ("kthvalue", True): Kernel(_order_statistic, "KthvalueBackward0")}


def _refuse_bool(kernel_name, input):
    """torch's error from an order-statistic kernel with no bool or complex version."""
    check_kind(input.dtype, "if", kernel_name)


def _empty_median(a):
    """torch's median of nothing: NaN, converted to an integer dtype as C++ does on x86 (through
    int32, or int64, whose minimum it becomes: 0 for int8 and int16)."""
    if jnp.issubdtype(a.dtype, jnp.inexact) or a.dtype == jnp.bool_:
        return jnp.full((), jnp.nan).astype(a.dtype)
    via = jnp.int64 if a.dtype.itemsize == 8 else jnp.int32
    return jnp.full((), jnp.iinfo(via).min, via).astype(a.dtype)


_EMPTY_MEDIAN = Kernel(_empty_median, "MedianBackward0")


def order_statistic(kind, input, dim, keepdim, k=1):
    """Run _order_statistic: a value for dim None, else return_types.<kind>(values, indices)."""
    if dim is None:
        check_kind(input.dtype, "bif", "median_cpu")
        if input.numel() == 0:
            return apply(_EMPTY_MEDIAN, (input,))
        _refuse_bool("median_cpu", input)
        return apply(_ORDER_KERNELS[kind, False], (input, k), (kind, None, False))[0]
    dim = wrap_dim(dim, input.ndim)
    _check_nonempty(kind, input, (dim,) if input.ndim else None)
    if kind != "kthvalue" or input.ndim:
        _refuse_bool("kthvalue_cpu" if kind == "kthvalue" else "median_out", input)
    values, indices = apply(_ORDER_KERNELS[kind, True], (input, k), (kind, dim, bool(keepdim)))
    return getattr(return_types, kind)(values, indices)


@tensor_method()
def median(input, dim=None, keepdim=False, *, out=None):
    """torch.median: the lower median (NaN if any); with dim, return_types.median(values, indices)."""
    _out_needs_dim("median", dim, out)
    result = order_statistic("median", input, dim, keepdim)
    return result if out is None else _pair(return_types.median, out, *result)


@tensor_method()
def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """torch.nanmedian: the lower median of the non-NaN elements."""
    _out_needs_dim("nanmedian", dim, out)
    result = order_statistic("nanmedian", input, dim, keepdim)
    return result if out is None else _pair(return_types.nanmedian, out, *result)


def _mode(dim, keepdim, a):
    """The most frequent value along dim (the smallest among equally frequent ones) and the
    index of its last occurrence, as torch's CPU mode."""
    x = _to_last(a, dim)
    s = jnp.sort(x, axis=-1)
    n = s.shape[-1]
    pos = jnp.arange(n)
    differs = s[..., 1:] != s[..., :-1]
    edge = jnp.ones(s.shape[:-1] + (1,), bool)
    first = jax.lax.cummax(jnp.where(jnp.concatenate([edge, differs], -1), pos, 0), axis=x.ndim - 1)
    last = jax.lax.cummin(jnp.where(jnp.concatenate([differs, edge], -1), pos, n - 1), axis=x.ndim - 1,
                          reverse=True)
    value = jnp.take_along_axis(s, jnp.argmax(last - first, axis=-1, keepdims=True), -1)
    i = jnp.max(jnp.where(x == value, pos, -1), axis=-1, keepdims=True).astype(jnp.int64)
    v = jnp.take_along_axis(x, i, -1)
    return _from_last(v, dim, a.ndim, keepdim), _from_last(i, dim, a.ndim, keepdim)


_MODE = Kernel(_mode, "ModeBackward0")


@tensor_method()
def mode(input, dim=-1, keepdim=False, *, out=None):
    """torch.mode -> return_types.mode(values, indices)."""
    check_kind(input.dtype, "bif", "mode_cpu")
    dim = wrap_dim(dim, input.ndim)
    _check_nonempty("mode", input, (dim,) if input.ndim else None)
    return _pair(return_types.mode, out, *apply(_MODE, (input,), (dim, bool(keepdim))))


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(dim, keepdim, interpolation, ignore_nan, scalar_q, a, q):
    shape = a.shape
    if dim is None:
        a, d = a.reshape(-1), 0
    else:
        d = dim
    s = jnp.sort(_to_last(a, d), axis=-1)
    n = s.shape[-1]
    valid = jnp.sum(~jnp.isnan(s), axis=-1, keepdims=True)
    pos = jnp.reshape(q, (-1,)).astype(s.dtype) * ((valid if ignore_nan else jnp.full_like(valid, n)) - 1)
    # a slice with NaN (quantile) or only NaN (nanquantile) gives its last sorted element, a NaN,
    # which takes the gradient, as in torch
    pos = jnp.where((valid == 0) if ignore_nan else (valid < n), n - 1, pos)
    lo, hi = jnp.floor(pos), jnp.ceil(pos)
    if interpolation == "nearest":
        lo = hi = jnp.round(pos)
    elif interpolation == "lower":
        hi = lo
    elif interpolation == "higher":
        lo = hi
    def at(p):
        return jnp.take_along_axis(s, jnp.clip(p, 0, n - 1).astype(jnp.int64), -1)
    v_lo, v_hi = at(lo), at(hi)
    if interpolation == "linear":
        r = v_lo + (v_hi - v_lo) * (pos - lo)
    elif interpolation == "midpoint":
        r = (v_lo + v_hi) / 2
    else:
        r = v_lo
    r = jnp.moveaxis(r, -1, 0)
    if keepdim:
        r = r.reshape((r.shape[0],) + (1,) * len(shape)) if dim is None else jnp.expand_dims(r, d + 1)
    return r[0] if scalar_q else r


_QUANTILE = Kernel(_quantile, "SqueezeBackward4")


def _quantile_call(name, ignore_nan, input, q, dim, keepdim, interpolation, out):
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    scalar_q = not isinstance(q, Tensor)
    if scalar_q:
        if not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
    else:
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype is not input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        if not np.all((np.asarray(q._data) >= 0) & (np.asarray(q._data) <= 1)):
            raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
        scalar_q = q.ndim == 0
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    dim = None if dim is None else wrap_dim(dim, input.ndim)
    statics = (dim, bool(keepdim), interpolation, ignore_nan, scalar_q)
    return write_out(out, apply(_QUANTILE, (input, q), statics))


@tensor_method()
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """torch.quantile: q a number or 0/1-D tensor (its values lead the output shape); NaN
    in a slice gives NaN."""
    return _quantile_call("quantile", False, input, q, dim, keepdim, interpolation, out)


@tensor_method()
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """torch.nanquantile: quantile of the non-NaN elements (NaN for an all-NaN slice)."""
    return _quantile_call("nanquantile", True, input, q, dim, keepdim, interpolation, out)


# ---- unique ------------------------------------------------------------------------------------
def _rows(dim, a):
    """``a`` as a 2-D array of the slices unique compares: one row per element (dim None)
    or per index along dim."""
    return a.reshape(-1, 1) if dim is None else jnp.moveaxis(a, dim, 0).reshape(a.shape[dim], -1)


def _groups(sort, dim, a):
    """(order, starts): the permutation that sorts the rows (identity if not ``sort``), and
    which rows of that order begin a new group of equal rows."""
    rows = _rows(dim, a)
    n = rows.shape[0]
    order = jnp.lexsort(rows.T[::-1]) if sort and n else jnp.arange(n)
    r = rows[order]
    starts = jnp.concatenate([jnp.ones((builtins.min(n, 1),), bool), jnp.any(r[1:] != r[:-1], axis=1)])
    return order.astype(jnp.int64), starts


def _unique(sort, dim, n_groups, a, order, starts):
    """(values, inverse, counts) of the ``n_groups`` groups found by _groups."""
    group = jnp.cumsum(starts) - 1
    first = jnp.nonzero(starts, size=n_groups)[0]
    rows = _rows(dim, a)[order[first]]
    if dim is None:
        values = rows.reshape(-1)
        inverse = jnp.zeros_like(order).at[order].set(group).reshape(a.shape)
    else:
        rest = tuple(s for i, s in enumerate(a.shape) if i != dim)
        values = jnp.moveaxis(rows.reshape((n_groups,) + rest), 0, dim)
        inverse = jnp.zeros_like(order).at[order].set(group)
    counts = jnp.zeros(n_groups, jnp.int64).at[group].add(1)
    return values, inverse, counts


_GROUPS = Kernel(_groups, "UniqueGroups")
_UNIQUE = {(True, False): Kernel(_unique, "Unique2Backward0"), (True, True): Kernel(_unique, "UniqueDimBackward0"),
           (False, False): Kernel(_unique, "UniqueConsecutiveBackward0"),
           (False, True): Kernel(_unique, "UniqueConsecutiveBackward0")}


def _unique_call(sort, input, return_inverse, return_counts, dim):
    check_kind(input.dtype, "bif", "unique" if dim is None else "unique_dim")
    dim = None if dim is None else wrap_dim(dim, input.ndim)
    order, starts = run(_GROUPS, (input._data,), (sort, dim))
    n_groups = int(np.count_nonzero(np.asarray(starts)))
    values, inverse, counts = apply(_UNIQUE[sort, dim is not None], (input, order, starts), (sort, dim, n_groups))
    extra = (inverse,) * bool(return_inverse) + (counts,) * bool(return_counts)
    return (values,) + extra if extra else values


@tensor_method()
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """torch.unique: sorted unique elements (or slices along dim); ``sorted=False`` also
    sorts, as torch's CPU kernel does. Deviation: torch has no backward for unique, here the
    values are differentiable (gathered from the input)."""
    return _unique_call(True, input, return_inverse, return_counts, dim)


@tensor_method()
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """torch.unique_consecutive: collapse runs of equal consecutive elements (or slices)."""
    return _unique_call(False, input, return_inverse, return_counts, dim)


@tensor_method()
def sum_to_size(self, *size):
    """Sum a broadcast tensor back down to ``size`` (it must be expandable to self's shape)."""
    size = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    shape = tuple(self.shape)
    lead = len(shape) - len(size)
    if lead < 0 or builtins.any(s != 1 and s != n for s, n in zip(size, shape[lead:])):
        raise RuntimeError(f"size {{{', '.join(map(str, size))}}} is not expandable to size "
                           f"{{{', '.join(map(str, shape))}}}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and shape[lead + i] != 1)
    out = sum(self, dims, keepdim=True) if dims else self
    return out.reshape(size) if lead else out
