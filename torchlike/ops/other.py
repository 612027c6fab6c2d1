"""torch docs' "Other Operations": cumulative ops, diagonals and triangles, flips and rolls,
broadcasting helpers, histograms and searches, cov/cdist, and friends.

Ops whose output size depends on the data (bincount, repeat_interleave with a tensor of
repeats) read that size from the device first, as torch does on GPU.
"""
import itertools
import math
import numbers
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._dispatch import Kernel, apply, run
from .._size import Size
from .._tensor import _TYPE_NAMES, Tensor, tensor_method
from ._util import copy_variant, dims_arg, float_dtype, inplace_variant, require_tensor, wrap_dim, write_out
from .creation import finish
from .indexing import _shape_arg, varargs
from .reduction import _vector_norm, return_types

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "bincount", "block_diag", "broadcast_tensors",
           "broadcast_shapes", "bucketize", "cartesian_prod", "cdist", "combinations", "corrcoef", "cov", "cross",
           "cummax", "cummin", "cumprod", "cumsum", "logcumsumexp", "diag", "diag_embed", "diagflat", "diff", "flip",
           "fliplr", "flipud", "rot90", "gcd", "lcm", "histc", "meshgrid", "ravel", "renorm", "repeat_interleave",
           "roll", "searchsorted", "tril", "triu", "tril_indices", "triu_indices", "vander", "view_as_real",
           "view_as_complex", "resolve_conj", "resolve_neg", "histogram", "histogramdd", "trapezoid", "trapz",
           "cumulative_trapezoid"]


def _not_implemented(op, dt):
    return NotImplementedError(f"\"{op}\" not implemented for '{_TYPE_NAMES[dt]}'")


def _tensors(tensors):
    """f(a, b) or f([a, b]) -> (a, b)."""
    return tuple(tensors[0]) if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tuple(tensors)


def _untracked(k, arrays, statics):
    """A kernel result torch does not differentiate (histc, bincount)."""
    return Tensor._from_array(run(k, arrays, statics))


# ---- shapes and broadcasting -----------------------------------------------------------------
def _atleast(n, pad):
    def op(*tensors):
        ts = _tensors(tensors)
        out = tuple(t if t.ndim >= n else t.unsqueeze(-1) if t.ndim == 2 else t.reshape(pad(tuple(t.shape)))
                    for t in ts)  # (m, k) -> (m, k, 1) as torch's unsqueeze: a stride of 1 for the new dim
        return out[0] if len(tensors) == 1 and isinstance(tensors[0], Tensor) else out
    op.__name__ = f"atleast_{n}d"
    op.__doc__ = f"torch.atleast_{n}d: views with at least {n} dims (one tensor in, one out; else a tuple)."
    return op


atleast_1d = _atleast(1, lambda s: (1,))
atleast_2d = _atleast(2, lambda s: (1,) * (2 - len(s)) + s)
atleast_3d = _atleast(3, lambda s: {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}[len(s)])


def _broadcast(shapes, mismatch):
    """The broadcast of ``shapes``; ``mismatch(i, dim, so_far, shape)`` raises on a conflict."""
    ndim = max(map(len, shapes), default=0)
    out = [1] * ndim
    for i, shape in enumerate(shapes):
        for d, s in enumerate(shape, ndim - len(shape)):
            if s != out[d] and s != 1 and out[d] != 1:
                mismatch(i, d, out, shape)
            if s != 1:
                out[d] = s
    return tuple(out)


def broadcast_sizes(*shapes):
    """The broadcast shape, with the error torch raises for broadcasting tensors."""
    def mismatch(i, d, out, shape):
        raise RuntimeError(f"The size of tensor a ({out[d]}) must match the size of tensor b "
                           f"({shape[d - len(out) + len(shape)]}) at non-singleton dimension {d}")
    return _broadcast(shapes, mismatch)


def broadcast_shapes(*shapes):
    """torch.broadcast_shapes: shapes as ints or sequences; returns a torch.Size."""
    shapes = [(s,) if isinstance(s, numbers.Integral) else tuple(s) for s in shapes]
    if any(s < 0 for shape in shapes for s in shape):
        raise ValueError("Attempting to broadcast a dimension with negative length!")

    def mismatch(i, d, out, shape):
        raise RuntimeError(f"Attempting to broadcast a dimension of length {shape[d - len(out) + len(shape)]} at "
                           f"{d - len(out)}! Mismatching argument at index {i} had {shape}; but expected shape "
                           f"should be broadcastable to {out}")
    return Size(_broadcast(shapes, mismatch))


def broadcast_tensors(*tensors):
    """torch.broadcast_tensors: expanded views of each tensor to the common shape."""
    ts = _tensors(tensors)
    shape = broadcast_sizes(*(tuple(t.shape) for t in ts))
    return tuple(t.expand(shape) for t in ts)


@tensor_method()
def ravel(input):
    """torch.ravel: a 1-D view when the strides allow, else a copy."""
    return input.reshape(-1)


def meshgrid(*tensors, indexing=None):
    """torch.meshgrid with indexing 'ij' (the default, with torch's warning) or 'xy'; the
    outputs are expanded views of the inputs, as in torch."""
    ts = _tensors(tensors)
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in ts:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
        if t.dtype is not ts[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    axes = list(range(len(ts)))
    if indexing == "xy" and len(ts) > 1:
        axes[0], axes[1] = 1, 0
    shape = [1] * len(ts)
    for t, ax in zip(ts, axes):
        shape[ax] = t.numel()
    return tuple(t.reshape([-1 if d == ax else 1 for d in range(len(ts))]).expand(shape) for t, ax in zip(ts, axes))


def _block_diag_fn(dtype, *xs):
    blocks = [x.reshape((1,) * (2 - x.ndim) + x.shape).astype(dtype) for x in xs]
    out = jnp.zeros((sum(b.shape[0] for b in blocks), sum(b.shape[1] for b in blocks)), dtype)
    r = c = 0
    for b in blocks:
        out = out.at[r:r + b.shape[0], c:c + b.shape[1]].set(b)
        r, c = r + b.shape[0], c + b.shape[1]
    return out


_block_diag = Kernel(_block_diag_fn, "BlockDiagBackward0")


def block_diag(*tensors):
    """torch.block_diag: tensors (<= 2-D; 0-D and 1-D count as one row) along the diagonal, promoting."""
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
    dt = _dtype.result_type_of(tensors) if tensors else _dtype.get_default_dtype()
    return apply(_block_diag, tensors, (dt.jax,)) if tensors else apply(_block_diag, (), (dt.jax,)).reshape(1, 0)


_cartesian = Kernel(lambda *xs: jnp.stack([g.reshape(-1) for g in jnp.meshgrid(*xs, indexing="ij")], axis=1),
                    "StackBackward0")


def _check_vector(t):
    if t.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")


def cartesian_prod(*tensors):
    """torch.cartesian_prod of 1-D tensors of one dtype: (N, len(tensors)), or the tensor itself for one."""
    for t in tensors:
        _check_vector(t)
    if len(tensors) == 1:
        return tensors[0]
    if any(t.dtype is not tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    return apply(_cartesian, tensors)


def _combinations_fn(r, with_replacement, a):
    if not r:
        return a[:0]
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    return a[np.array(list(pick(range(a.shape[0]), r)), np.int64).reshape(-1, r)]


_combinations = Kernel(_combinations_fn, "IndexBackward0")


def combinations(input, r=2, with_replacement=False):
    """torch.combinations of a 1-D tensor's elements, as rows (r=0 gives an empty 1-D tensor)."""
    _check_vector(input)
    return apply(_combinations, (input,), (int(r), bool(with_replacement)))


# ---- cumulative ops ------------------------------------------------------------------------
def _along(fn, dim, a):
    """Apply ``fn(array, axis)`` treating a 0-d array as 1-D, as torch does."""
    return fn(a.reshape(a.shape or (1,)), dim).reshape(a.shape)


def _cumulative(name, jfn, grad_name):
    k = Kernel(lambda dim, dtype, a: _along(lambda x, d: jfn(x.astype(dtype), axis=d), dim, a), grad_name)

    def op(input, dim, *, dtype=None, out=None):
        dt = dtype or (_dtype.int64 if input.dtype.category < 2 else input.dtype)
        return write_out(out, apply(k, (input,), (wrap_dim(dim, input.ndim), dt.jax)))
    op.__name__ = name
    op.__doc__ = f"torch.{name}(input, dim, *, dtype=None): bool and integer inputs accumulate in int64."
    return op


def _cumulative_inplace(op):
    """``x.cumsum_(dim, *, dtype=None)``: accumulates in x's own dtype, as torch."""
    write = inplace_variant(op, op.__name__ + "_")

    def method(self, dim, *, dtype=None):
        if dtype is not None and dtype is not self.dtype:
            raise RuntimeError(f"Bad in-place call: input tensor dtype {_TYPE_NAMES[self.dtype]} and output tensor "
                               f"dtype {_TYPE_NAMES[dtype]} should match")
        wrap_dim(dim, self.ndim)
        if self.numel() <= 1:
            return self
        if self.dtype is _dtype.bool:
            raise _not_implemented(op.__name__ + "_out_cpu", self.dtype)
        return write(self, dim, dtype=self.dtype)
    method.__name__ = op.__name__ + "_"
    method.__doc__ = f"In-place version of :meth:`{op.__name__}` (in the tensor's own dtype)."
    return method


cumsum = _cumulative("cumsum", jax.lax.cumsum, "CumsumBackward0")
cumprod = _cumulative("cumprod", jax.lax.cumprod, "CumprodBackward0")


_logcumsumexp = _cumulative("logcumsumexp", jax.lax.cumlogsumexp, "LogcumsumexpBackward0")


def logcumsumexp(input, dim, *, out=None):
    """torch.logcumsumexp: log(cumsum(exp(input))), computed stably; floating inputs only."""
    wrap_dim(dim, input.ndim)
    if input.dtype.category != 2:
        raise _not_implemented("logcumsumexp_out_cpu", input.dtype)
    return _logcumsumexp(input, dim, out=out)

return_types.define("cummax", ("values", "indices"))
return_types.define("cummin", ("values", "indices"))


def _cum_extreme(later_wins, dim, a):
    """(values, indices) of the running max/min along ``dim``: a later element wins ties
    and NaN beats everything, as in torch."""
    def combine(x, y):
        take = (y[0] != y[0]) | ((x[0] == x[0]) & later_wins(y[0], x[0]))
        return jnp.where(take, y[0], x[0]), jnp.where(take, y[1], x[1])

    def scan(x, d):
        index = jax.lax.broadcasted_iota(jnp.int64, x.shape, d)
        return jax.lax.associative_scan(combine, (x, index), axis=d)[1]
    indices = _along(scan, dim, a)
    return jnp.take_along_axis(a.reshape(a.shape or (1,)), indices.reshape(a.shape or (1,)), dim).reshape(a.shape), \
        indices


_cummax = Kernel(lambda dim, a: _cum_extreme(jnp.greater_equal, dim, a), "CummaxBackward0")
_cummin = Kernel(lambda dim, a: _cum_extreme(jnp.less_equal, dim, a), "CumminBackward0")


@tensor_method()
def cummax(input, dim, *, out=None):
    """torch.cummax: (values, indices) of the running maximum along ``dim``."""
    if input.dtype.is_complex:
        raise _not_implemented("cummax_cpu", input.dtype)
    values, indices = apply(_cummax, (input,), (wrap_dim(dim, input.ndim),))
    if out is not None:
        return return_types.cummax(write_out(out[0], values), write_out(out[1], indices))
    return return_types.cummax(values, indices)


@tensor_method()
def cummin(input, dim, *, out=None):
    """torch.cummin: (values, indices) of the running minimum along ``dim``."""
    if input.dtype.is_complex:
        raise _not_implemented("cummin_cpu", input.dtype)
    values, indices = apply(_cummin, (input,), (wrap_dim(dim, input.ndim),))
    if out is not None:
        return return_types.cummin(write_out(out[0], values), write_out(out[1], indices))
    return return_types.cummin(values, indices)


# ---- diagonals and triangles --------------------------------------------------------------------
def _embed(offset, dim1, dim2, a):
    """Put a's last dim on the ``offset`` diagonal of new dims (dim1, dim2)."""
    m = a.shape[-1]
    n = m + abs(offset)
    rows, cols = jnp.arange(m) + max(-offset, 0), jnp.arange(m) + max(offset, 0)
    out = jnp.zeros(a.shape[:-1] + (n, n), a.dtype).at[..., rows, cols].set(a)
    return jnp.moveaxis(out, (-2, -1), (dim1, dim2))


_diag_embed = Kernel(_embed, "DiagEmbedBackward0")
_diagflat = Kernel(lambda offset, a: _embed(offset, 0, 1, a.reshape(-1)), "DiagEmbedBackward0")
_diagonal = Kernel(lambda offset, a: jnp.diagonal(a, offset), "DiagonalBackward0")


@tensor_method()
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """torch.diag_embed: the last dim of input on a diagonal of two new dims."""
    n = input.ndim + 1
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(_diag_embed, (input,), (int(offset), d1, d2))


@tensor_method()
def diagflat(input, offset=0):
    """torch.diagflat: the flattened input on the ``offset`` diagonal of a square matrix."""
    return apply(_diagflat, (input,), (int(offset),))


@tensor_method()
def diag(input, diagonal=0, *, out=None):
    """torch.diag: 1-D -> matrix with it on a diagonal; 2-D -> that diagonal (a copy)."""
    if input.ndim == 1:
        return write_out(out, apply(_diag_embed, (input,), (int(diagonal), 0, 1)))
    if input.ndim == 2:
        return write_out(out, apply(_diagonal, (input,), (int(diagonal),)))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def _triangle(name, jfn, grad_name):
    k = Kernel(lambda diagonal, a: jfn(a, diagonal), grad_name)

    def op(input, diagonal=0, *, out=None):
        if input.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return write_out(out, apply(k, (input,), (int(diagonal),)))
    op.__name__ = name
    op.__doc__ = f"torch.{name}(input, diagonal=0) of the last two dims."
    return op


tril = _triangle("tril", jnp.tril, "TrilBackward0")
triu = _triangle("triu", jnp.triu, "TriuBackward0")


def _triangle_indices(np_fn, name):
    k = Kernel(lambda row, col, offset, dtype: jnp.asarray(np.stack(np_fn(row, offset, col)).astype(dtype)),
               "NotDifferentiable")

    def op(row, col, offset=0, *, dtype=None, device=None, layout=None):
        dt = dtype or _dtype.int64
        for what, n in (("row", row), ("col", col)):
            if n < 0:
                raise RuntimeError(f"{what} must be non-negative, got{n}")
        if dt.category != 1:
            raise _not_implemented(name, dt)
        return finish(apply(k, (), (int(row), int(col), int(offset), dt.jax)), device)
    op.__name__ = name
    op.__doc__ = f"torch.{name}(row, col, offset=0): 2 x N coordinates, in row-major order."
    return op


tril_indices = _triangle_indices(np.tril_indices, "tril_indices")
triu_indices = _triangle_indices(np.triu_indices, "triu_indices")


# ---- flips, rotations, rolls, differences -------------------------------------------------------
_flip = Kernel(lambda dims, a: jnp.flip(a, dims), "FlipBackward0")


def flip(input, dims):
    """torch.flip(input, dims): dims must be a sequence, as in torch."""
    if isinstance(dims, numbers.Integral):
        raise TypeError("flip(): argument 'dims' (position 2) must be tuple of ints, not int")
    dims = dims_arg(dims, input.ndim)
    return apply(_flip, (input,), (dims if input.ndim else (),))


def _flip_method(self, *dims, **kwargs):
    """Tensor.flip(*dims): the dims as varargs, one sequence, or ``dims=``, as torch's method."""
    if set(kwargs) == {"dims"} and not dims:
        return flip(self, kwargs["dims"])
    return flip(self, _shape_arg(varargs("flip", "dims", dims, kwargs)))


Tensor.flip = _flip_method


@tensor_method()
def fliplr(input):
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return apply(_flip, (input,), ((1,),))


@tensor_method()
def flipud(input):
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return apply(_flip, (input,), ((0,),))


_rot90 = Kernel(lambda k, dims, a: jnp.rot90(a, k, dims), "Rot90Backward0")


@tensor_method()
def rot90(input, k=1, dims=(0, 1)):
    """torch.rot90: rotate k times from the first towards the second of ``dims``."""
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = wrap_dim(dims[0], input.ndim), wrap_dim(dims[1], input.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    return apply(_rot90, (input,), (int(k) % 4, (d0, d1)))


def _roll_fn(shifts, dims, a):
    return jnp.roll(a, shifts, dims) if dims else jnp.roll(a.reshape(-1), shifts).reshape(a.shape)


_roll = Kernel(_roll_fn, "RollBackward0")


@tensor_method()
def roll(input, shifts, dims=None):
    """torch.roll; without dims the flattened tensor rolls."""
    shifts = (shifts,) if isinstance(shifts, numbers.Integral) else tuple(shifts)
    dims = () if dims is None else (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    if len(shifts) != len(dims) and (dims or len(shifts) != 1):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    dims = tuple(wrap_dim(d, input.ndim) for d in dims)
    return apply(_roll, (input,), (tuple(int(s) for s in shifts) if dims else int(shifts[0]), dims))


def _diff_fn(n, dim, dtype, *xs):
    return jnp.diff(jnp.concatenate([x.astype(dtype) for x in xs], axis=dim), n, axis=dim)


_diff = Kernel(_diff_fn, "SubBackward0")


@tensor_method()
def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    """torch.diff: the n-th forward difference along dim, after concatenating prepend/append
    (promoting); bool tensors give XOR, as in torch."""
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    dim = wrap_dim(dim, input.ndim)
    parts = [t for t in (prepend, input, append) if t is not None]
    for t in parts:
        if t.ndim != input.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        for d in range(input.ndim):
            if d != dim and t.shape[d] != input.shape[d]:
                raise RuntimeError("diff expects the shape of tensor to prepend or append to match that of input "
                                   f"except along the differencing dimension; input.size({d}) = {input.shape[d]}, "
                                   f"but got tensor.size({d}) = {t.shape[d]}")
    return write_out(out, apply(_diff, parts, (int(n), dim, _dtype.result_type_of(parts).jax)))


# ---- integer ops ------------------------------------------------------------------------------
def _integer_binary(name, jfn, grad_name):
    k = Kernel(lambda dtype, a, b: jfn(a.astype(dtype), b.astype(dtype)), grad_name)

    def check_args(input, other, **kwargs):
        require_tensor(name, "other", 2, other)

    def op(input, other, *, out=None):
        check_args(input, other)
        dt = _dtype.result_type_of((input, other))
        if dt.category != 1:
            raise _not_implemented(f"{name}_cpu", dt)
        return write_out(out, apply(k, (input, other), (dt.jax,)))
    op.__name__ = name
    op.__doc__ = f"torch.{name} of integer tensors (non-negative result), with type promotion."
    op.check_args = check_args
    return op


def _unsigned(jfn):
    """``jfn`` on magnitudes taken in the unsigned type: |INT_MIN| does not fit the signed one, and
    jnp.gcd's Euclid loop never ends on it."""
    def fn(a, b):
        if not jnp.issubdtype(a.dtype, jnp.signedinteger):
            return jfn(a, b)
        u = jnp.dtype(a.dtype.name.replace("int", "uint"))
        mag = [jnp.where(x < 0, -x.astype(u), x.astype(u)) for x in (a, b)]
        return jfn(*mag).astype(a.dtype)
    return fn


_gcd = _unsigned(jnp.gcd)


def _lcm(a, b):
    """torch's lcm: |a / gcd(a, b) * b| computed as C++ does, in int (int64 for int64) with
    wrapping on overflow, then narrowed to the dtype."""
    g, dtype = _gcd(a, b), a.dtype
    wide = jnp.promote_types(a.dtype, jnp.int32) if jnp.issubdtype(a.dtype, jnp.signedinteger) else a.dtype
    a, b, g = a.astype(wide), b.astype(wide), g.astype(wide)
    return jnp.where(g == 0, 0, jnp.abs(a // jnp.where(g == 0, 1, g) * b)).astype(dtype)


gcd = _integer_binary("gcd", _gcd, "GcdBackward0")
lcm = _integer_binary("lcm", _lcm, "LcmBackward0")


# ---- histograms and searching -----------------------------------------------------------------
def _histc_fn(bins, a, lo, hi):
    """torch.histc's counts: an empty range takes the data's range (widened by 1 if flat);
    elements outside [lo, hi] are dropped, hi falls in the last bin."""
    empty = lo == hi
    lo, hi = jnp.where(empty, a.min(initial=jnp.inf), lo), jnp.where(empty, a.max(initial=-jnp.inf), hi)
    flat = lo == hi
    lo, hi = jnp.where(flat, lo - 1, lo), jnp.where(flat, hi + 1, hi)
    index = jnp.clip(((a - lo) * bins / (hi - lo)).astype(jnp.int64), 0, bins - 1)
    inside = (a >= lo) & (a <= hi)
    return jnp.zeros(bins, a.dtype).at[index.reshape(-1)].add(inside.reshape(-1).astype(a.dtype))


_histc = Kernel(_histc_fn, "HistcBackward0")


@tensor_method()
def histc(input, bins=100, min=0, max=0, *, out=None):
    """torch.histc: counts in ``bins`` equal-width bins over [min, max] (float inputs; not differentiable)."""
    if input.dtype.category != 2:
        raise _not_implemented("histogram_cpu", input.dtype)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    if min > max:
        raise RuntimeError("torch.histc: max must be larger than min")
    dt = input.dtype.jax
    return write_out(out, _untracked(_histc, (input._data, np.asarray(min, dt), np.asarray(max, dt)), (int(bins),)))


return_types.define("histogram", ("hist", "bin_edges"))
return_types.define("histogramdd", ("hist", "bin_edges"))


def _histogramdd(op, input, bins, range, weight, density):
    """Counts of the rows of ``input`` (N, D) in D-dimensional bins, computed on the host like
    torch's CPU kernel: int bins span ``range`` (default: the data's extent, widened by 0.5 each
    side when flat) evenly; tensor bins are the edges; the last bin includes its right edge."""
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise _not_implemented(op, input.dtype)
    data = np.asarray(input._data)
    data = data.reshape(-1, data.shape[-1] if data.ndim else 1)
    n_dims = data.shape[1]
    bins = list(bins) if isinstance(bins, (list, tuple)) else [bins] * n_dims
    lows, highs = (data.min(0), data.max(0)) if data.shape[0] else (np.zeros(n_dims), np.zeros(n_dims))
    if range is not None:
        lows, highs = np.asarray(range[0::2], np.float64), np.asarray(range[1::2], np.float64)
    edges = []
    for d, b in enumerate(bins):
        if isinstance(b, Tensor):
            edges.append(np.asarray(b._data).astype(data.dtype))
            continue
        lo, hi = float(lows[d]), float(highs[d])
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise RuntimeError(f"torch.histogramdd: dimension {d}'s range [{lo:g}, {hi:g}] is not finite")
        if lo > hi:
            raise ValueError(f"{op}: min should not exceed max, but got min {lo} max {hi} in dimension {d}")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges.append(np.linspace(lo, hi, int(b) + 1).astype(data.dtype))
    w = None if weight is None else np.asarray(weight._data).reshape(-1)
    hist, _ = np.histogramdd(data, edges, weights=w, density=density)
    return (Tensor._from_array(jnp.asarray(hist.astype(data.dtype))),
            tuple(Tensor._from_array(jnp.asarray(e)) for e in edges))


def histogram(input, bins, *, range=None, weight=None, density=False, out=None):
    """torch.histogram: (hist, bin_edges) of a float tensor's elements; ``bins`` is a count (over
    ``range`` or the data's extent) or a 1-d tensor of edges. Not differentiable, as in torch."""
    hist, edges = _histogramdd("histogram_cpu", input.reshape(-1, 1), [bins], range, weight, density)
    if out is not None:
        return return_types.histogram(write_out(out[0], hist), write_out(out[1], edges[0]))
    return return_types.histogram(hist, edges[0])


def histogramdd(input, bins, *, range=None, weight=None, density=False):
    """torch.histogramdd: (hist, bin_edges) of the rows of an (..., D) float tensor; ``bins`` is
    one count, a count per dim, or a sequence of edge tensors; ``range`` is (min0, max0, min1 ...)."""
    hist, edges = _histogramdd("histogramdd", input, bins, range, weight, density)
    return return_types.histogramdd(hist, edges)


tensor_method("histogram")(histogram)


def _trapezoid_fn(dim, cumulative, dtype, y, step):
    """The trapezoid rule along ``dim``: ``step`` is a 0-d spacing or the sample points
    (1-d, or broadcastable to ``y``)."""
    y = jnp.moveaxis(y.astype(dtype), dim, -1)
    if step.ndim == 0:
        d = step.astype(dtype)
    else:
        x = step.astype(dtype) if step.ndim == 1 else jnp.moveaxis(jnp.broadcast_to(step, jnp.moveaxis(y, -1, dim)
                                                                                   .shape), dim, -1).astype(dtype)
        d = x[..., 1:] - x[..., :-1]
    if step.ndim == 0 and not cumulative:  # torch's form for an even spacing (inf - inf is NaN in it)
        return d * (y.sum(-1) - (y[..., 0] + y[..., -1]) / 2)
    areas = d * (y[..., 1:] + y[..., :-1]) / 2
    return jnp.moveaxis(jnp.cumsum(areas, -1), -1, dim) if cumulative else areas.sum(-1)


_trapezoid = Kernel(_trapezoid_fn, "SumBackward1")


def _integrate(y, x, dx, dim, cumulative):
    if x is not None and dx is not None:
        raise TypeError("trapezoid() received an invalid combination of arguments - got both x and dx")
    dim = wrap_dim(dim, y.ndim)
    if y.shape[dim] == 0 and not cumulative:  # torch: zeros of y's dtype, not connected to y
        return Tensor._from_array(jnp.zeros(tuple(s for i, s in enumerate(y.shape) if i != dim), y.dtype.jax))
    name = "cumulative_trapezoid" if cumulative else "trapezoid"
    if y.dtype is _dtype.bool or (isinstance(x, Tensor) and x.dtype is _dtype.bool):
        raise RuntimeError(f"{name}: received a bool input for `{'x` or `y' if x is not None else 'y'}`, but bool "
                           "is not supported")
    step = x if isinstance(x, Tensor) else Tensor._from_array(jnp.asarray(1 if dx is None else dx))
    if step.ndim == 1 and step.shape[0] != y.shape[dim]:
        raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
    dt = float_dtype(_dtype.result_type_of((y, step)) if x is not None else y.dtype)
    return apply(_trapezoid, (y, step), (dim, cumulative, dt.jax))


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """torch.trapezoid: the trapezoid rule along ``dim`` with sample points ``x`` or spacing
    ``dx`` (default 1); integer inputs give the default float dtype."""
    return _integrate(y, x, dx, dim, False)


def trapz(y, x=None, *, dx=None, dim=-1):
    """torch.trapz: :func:`trapezoid`."""
    return _integrate(y, x, dx, dim, False)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """torch.cumulative_trapezoid: the running trapezoid-rule integral along ``dim``."""
    return _integrate(y, x, dx, dim, True)


_bincount = Kernel(lambda length, dtype, x, *w: jnp.bincount(x, w[0].astype(dtype) if w else None, length=length)
                   .astype(dtype), "NotImplemented")


@tensor_method()
def bincount(input, weights=None, minlength=0):
    """torch.bincount of a 1-D non-negative integer tensor (optionally weighted; float weights
    keep their dtype, others give float64). Not differentiable, as in torch."""
    if input.dtype.category != 1:
        raise _not_implemented("bincount_cpu", input.dtype)
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    lo, hi = _extent(input)
    if input.ndim != 1 or lo < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != input.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    length = max(minlength, hi + 1)
    dt = _dtype.int64 if weights is None else \
        weights.dtype if weights.dtype in (_dtype.float32, _dtype.float64) else _dtype.float64
    arrays = (input._data,) if weights is None else (input._data, weights._data)
    return _untracked(_bincount, arrays, (length, dt.jax))


_extent_k = Kernel(lambda a: jnp.stack([a.min(), a.max()]), "NotDifferentiable")


def _extent(t):
    """(min, max) of a tensor's elements as Python numbers, (0, -1) when empty."""
    return tuple(np.asarray(run(_extent_k, (t._data,))).tolist()) if t.numel() else (0, -1)


def _search_fn(side, dtype, compute, seq, values, *sorter):
    """Insertion points of ``values`` into the last dim of ``seq`` (batched over leading dims)."""
    seq, values = seq.astype(compute), values.astype(compute)
    if sorter:
        seq = jnp.take_along_axis(seq, sorter[0], axis=-1)
    if seq.ndim == 1:
        return jnp.searchsorted(seq, values, side=side).astype(dtype)
    flat = jax.vmap(lambda s, v: jnp.searchsorted(s, v, side=side))(
        seq.reshape(-1, seq.shape[-1]), values.reshape(math.prod(seq.shape[:-1]), -1))
    return flat.reshape(values.shape).astype(dtype)


_search = Kernel(_search_fn, "NotDifferentiable")


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, out=None, sorter=None):
    """torch.searchsorted: a 1-D sequence, or one per leading index of ``input``; ``input``
    may be a number. ``side`` ('left'/'right') overrides ``right``."""
    seq = sorted_sequence
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    if seq.ndim > 1 and (not isinstance(input, Tensor) or tuple(seq.shape[:-1]) != tuple(input.shape[:-1])):
        got = list(input.shape) if isinstance(input, Tensor) else []
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           "dimensions of boundaries tensor and input value tensor must match, but we got "
                           f"boundaries tensor {list(seq.shape)} and input value tensor {got}")
    compute = _dtype.result_type_of((seq, input))
    if compute is _dtype.bool or compute.is_complex:
        raise _not_implemented("searchsorted_out_cpu", compute)
    dt = _dtype.int32 if out_int32 else _dtype.int64
    args = (seq, input) if sorter is None else (seq, input, sorter)
    return write_out(out, apply(_search, args, ("right" if right else "left", dt.jax, compute.jax)))


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """torch.bucketize: the bucket index of each element of input given 1-D ``boundaries``."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


# ---- statistics and distances --------------------------------------------------------------------
def _cov_fn(correction, dtype, x, fw=None, aw=None):
    """numpy's cov for observations in the columns of a <=2-D x; 1-D gives a 0-d result."""
    x = jnp.atleast_2d(x.astype(dtype))
    n = x.shape[1]
    w = fw if aw is None else aw if fw is None else fw * aw
    if w is None:
        mean, w_sum, norm = x.mean(1), n, n - correction
    else:
        w = w.astype(dtype)
        w_sum = w.sum()
        mean = (x * w).sum(1) / w_sum
        norm = w_sum - (correction * (w * aw).sum() / w_sum if aw is not None else correction)
    centred = x - mean[:, None]
    weighted = centred if w is None else centred * w
    c = jnp.matmul(weighted, centred.conj().T, precision=jax.lax.Precision.HIGHEST) / jnp.maximum(norm, 0)
    return c


def _cov_kernel(correction, dtype, has_fw, has_aw, squeeze, x, *weights):
    it = iter(weights)
    fw, aw = (next(it) if has_fw else None), (next(it) if has_aw else None)
    c = _cov_fn(correction, dtype, x, fw, aw)
    return c.reshape(()) if squeeze else c


def _corrcoef_kernel(squeeze, dtype, x):
    c = _cov_fn(1, dtype, x)
    std = jnp.sqrt(jnp.diagonal(c).real)
    c = c / std[:, None] / std[None, :]
    c = jnp.clip(c, -1, 1) if not jnp.iscomplexobj(c) else \
        jax.lax.complex(jnp.clip(c.real, -1, 1), jnp.clip(c.imag, -1, 1))
    return c.reshape(()) if squeeze else c


_cov = Kernel(_cov_kernel, "SqueezeBackward0")
_corrcoef = Kernel(_corrcoef_kernel, "ClampBackward1")


def _check_observations(input, name):
    if input.dtype is _dtype.bool:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    if input.ndim > 2:
        raise RuntimeError(f"{name}(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")


def _check_weights(w, name, input, integral):
    n = input.shape[-1] if input.ndim else 1
    if w.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with {w.ndim} "
                           "dimensions")
    if w.numel() != n:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the input "
                           f"but got {w.numel()} != {n}")
    if integral != (w.dtype.category == 1):
        kind = "integral" if integral else "floating point"
        raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} with "
                           f"{_TYPE_NAMES[w.dtype]} dtype")
    if _extent(w)[0] < 0:
        raise RuntimeError(f"cov(): {name} cannot be negative")


@tensor_method()
def cov(input, *, correction=1, fweights=None, aweights=None):
    """torch.cov: covariance of the variables in input's rows (observations in columns)."""
    _check_observations(input, "cov")
    if fweights is not None:
        _check_weights(fweights, "fweights", input, True)
    if aweights is not None:
        _check_weights(aweights, "aweights", input, False)
    dt = input.dtype if aweights is None else _dtype.promote_types(input.dtype, aweights.dtype)
    weights = tuple(w for w in (fweights, aweights) if w is not None)
    statics = (int(correction), float_dtype(dt).jax, fweights is not None, aweights is not None, input.ndim < 2)
    return apply(_cov, (input, *weights), statics)


@tensor_method()
def corrcoef(input):
    """torch.corrcoef: Pearson correlation of input's rows, clipped to [-1, 1]."""
    _check_observations(input, "corrcoef")
    return apply(_corrcoef, (input,), (input.ndim < 2, float_dtype(input.dtype).jax))


def _safe_root(s, p):
    """s ** (1/p) with a zero gradient where s == 0 (torch's convention for distances)."""
    positive = s > 0
    return jnp.where(positive, jnp.where(positive, s, 1) ** (1 / p), 0)


def _cdist_fn(p, x1, x2):
    d = jnp.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if p == 0:
        return (d != 0).sum(-1).astype(x1.dtype)
    if p == math.inf:
        return d.max(-1, initial=0)
    return d.sum(-1) if p == 1 else _safe_root((d ** p).sum(-1), p)


_cdist = Kernel(_cdist_fn, "CdistBackward0")


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """torch.cdist: p-norm distances between the rows of x1 and x2 (batch dims broadcast).
    Always computed from differences (torch may use a matmul form for large p=2 inputs,
    which is less exact)."""
    for name, t in (("X1", x1), ("X2", x2)):
        if t.dtype.category != 2:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {_TYPE_NAMES[t.dtype]}")
    for name, t in (("X1", x1), ("X2", x2)):
        if t.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.ndim}D")
    if x1.dtype is not x2.dtype:
        raise RuntimeError(f"expected scalar type {_TYPE_NAMES[x1.dtype]} but found {_TYPE_NAMES[x2.dtype]}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    broadcast_sizes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    return apply(_cdist, (x1, x2), (float(p),))


_cross = Kernel(lambda dim, a, b: jnp.cross(*jnp.broadcast_arrays(a, b), axis=dim), "LinalgCrossBackward0")


@tensor_method()
def cross(input, other, dim=None, *, out=None):
    """torch.cross: broadcasting, no type promotion; without ``dim`` the first dim of size 3
    (torch warns that this default is deprecated)."""
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected scalar type {_TYPE_NAMES[input.dtype]} but found {_TYPE_NAMES[other.dtype]}")
    shape = broadcast_sizes(tuple(input.shape), tuple(other.shape))
    if dim is None:
        dim = next((d for d, s in enumerate(input.shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    d = wrap_dim(dim, len(shape))
    sizes = [t.shape[d - len(shape) + t.ndim] if d - len(shape) + t.ndim >= 0 else 1 for t in (input, other)]
    if sizes != [3, 3]:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {sizes[0]} and {sizes[1]}")
    return write_out(out, apply(_cross, (input, other), (d,)))


def _renorm_fn(p, dim, a, maxnorm):
    norm = _vector_norm(p, tuple(d for d in range(a.ndim) if d != dim), True, a)
    return a * jnp.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1).astype(a.dtype)


_renorm = Kernel(_renorm_fn, "RenormBackward0")


@tensor_method()
def renorm(input, p, dim, maxnorm, *, out=None):
    """torch.renorm: rescale each slice along ``dim`` whose p-norm exceeds maxnorm to norm maxnorm."""
    if input.dtype.category < 2:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_TYPE_NAMES[input.dtype]}")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    return write_out(out, apply(_renorm, (input, maxnorm), (float(p), wrap_dim(dim, input.ndim))))


# ---- repetition and construction ----------------------------------------------------------------
_repeat_static = Kernel(lambda repeats, dim, a: jnp.repeat(a, repeats, dim), "ViewBackward0")
_repeat_tensor = Kernel(lambda total, dim, a, repeats: jnp.repeat(a, repeats, dim, total_repeat_length=total),
                        "IndexSelectBackward0")
_repeat_index = Kernel(lambda total, repeats: jnp.repeat(jnp.arange(repeats.shape[0], dtype=repeats.dtype), repeats,
                                                         total_repeat_length=total), "NotDifferentiable")


@tensor_method()
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """torch.repeat_interleave: repeats an int, or a tensor with one count per element along
    dim (the flattened input when dim is None); repeat_interleave(counts) gives the indices
    0, 0, 1, ... each repeated its count."""
    if repeats is None:
        if input.dtype not in (_dtype.int32, _dtype.int64):
            raise _not_implemented("repeat_interleave_cpu", input.dtype)
        counts = _check_counts(input, input.numel())
        total = output_size if output_size is not None else int(counts.sum())
        return apply(_repeat_index, (input,), (total,))
    if dim is None:
        input, dim = input.reshape(-1), 0
    dim = wrap_dim(dim, input.ndim)
    if isinstance(repeats, Tensor) and repeats.numel() == 1:
        repeats = repeats.item()
    if not isinstance(repeats, Tensor):
        if repeats < 0:
            raise RuntimeError("repeats can not be negative")
        return apply(_repeat_static, (input,), (int(repeats), dim))
    if repeats.ndim != 1 or repeats.shape[0] != input.shape[dim]:
        raise RuntimeError("repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{repeats.numel()} and input.size({dim}) = {input.shape[dim]}")
    counts = _check_counts(repeats, repeats.numel())
    total = output_size if output_size is not None else int(counts.sum())
    return apply(_repeat_tensor, (input, repeats), (total, dim))


def _check_counts(repeats, n):
    """The repeat counts as a NumPy array (read from the device), checked as torch does."""
    if repeats.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if repeats.dtype not in (_dtype.int32, _dtype.int64):
        raise RuntimeError("repeats has to be Long or Int tensor")
    counts = np.asarray(repeats._data)
    if n and counts.min() < 0:
        raise RuntimeError("repeats can not be negative")
    return counts


def _vander_fn(n, increasing, dtype, x):
    x = x.astype(dtype)
    columns = jnp.concatenate([jnp.ones_like(x)[:, None], jnp.broadcast_to(x[:, None], (x.shape[0], max(n - 1, 0)))], 1)
    powers = jax.lax.cumprod(columns, axis=1)[:, :n]
    return powers if increasing else powers[:, ::-1]


_vander = Kernel(_vander_fn, "FlipBackward0")


def vander(x, N=None, increasing=False):
    """torch.vander: columns x**0 .. x**(N-1) (decreasing unless ``increasing``); bool and
    integer inputs give int64."""
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dt = _dtype.int64 if x.dtype.category < 2 else x.dtype
    return apply(_vander, (x,), (int(n), bool(increasing), dt.jax))


# ---- complex views --------------------------------------------------------------------------
_view_as_real = Kernel(lambda a: jnp.stack([a.real, a.imag], -1), "ViewAsRealBackward0")
_view_as_complex = Kernel(lambda a: jax.lax.complex(a[..., 0], a[..., 1]), "ViewAsComplexBackward0")


def view_as_real(input):
    """torch.view_as_real: (..., 2) real/imaginary parts. A copy here, not a view: writes to
    it do not reach the complex tensor (torchlike views cannot change dtype)."""
    if input.dtype.category != 3:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return apply(_view_as_real, (input,))


def view_as_complex(input):
    """torch.view_as_complex of a (..., 2) float32/float64 tensor. A copy here, not a view
    (torchlike has no complex32, so float16 is refused)."""
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError("view_as_complex is only supported for float and double tensors, but got a tensor of "
                           f"scalar type: {_TYPE_NAMES[input.dtype]}")
    if input.ndim == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    return apply(_view_as_complex, (input,))


view_as_real_copy = copy_variant(view_as_real, "view_as_real_copy")
view_as_complex_copy = copy_variant(view_as_complex, "view_as_complex_copy")
__all__ += ["view_as_real_copy", "view_as_complex_copy"]


@tensor_method()
def resolve_conj(input):
    """torchlike has no lazy conjugate bit: every tensor is resolved, so this is the input."""
    return input


@tensor_method()
def resolve_neg(input):
    """torchlike has no lazy negative bit: every tensor is resolved, so this is the input."""
    return input


for _fn in (cumsum, cumprod, logcumsumexp, tril, triu, gcd, lcm):
    tensor_method(_fn.__name__)(_fn)
for _fn in (tril, triu, gcd, lcm, renorm):
    setattr(Tensor, _fn.__name__ + "_", inplace_variant(_fn, _fn.__name__ + "_"))
for _fn in (cumsum, cumprod):
    setattr(Tensor, _fn.__name__ + "_", _cumulative_inplace(_fn))
