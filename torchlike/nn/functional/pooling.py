"""Pooling functions of torch.nn.functional.

Every pooling op is one kernel built on ``_windows``: it gathers each output position's
window (static index arrays computed from the shapes) into a trailing axis, with masks
for the positions inside the input and inside the padded input. Max pooling takes the
first maximum of a window (torch's index and gradient routing), average pooling divides
by torch's window count, adaptive pooling uses torch's ``floor(i*L/out) .. ceil((i+1)*L/out)``
windows. The ops work on any number of leading (batch, channel) dims.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np

from ..._dispatch import Kernel, apply
from ...ops._util import check_kind
from ...random import default_generator

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
           "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "lp_pool1d", "lp_pool2d",
           "lp_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "max_unpool1d", "max_unpool2d", "max_unpool3d", "fractional_max_pool2d",
           "fractional_max_pool2d_with_indices", "fractional_max_pool3d", "fractional_max_pool3d_with_indices"]


def _ntuple(v, n):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


# ---- window gather ------------------------------------------------------------------------
def _dim_windows(L, out, k, s, d, p, adaptive):
    """For one spatial dim: input index of each (output, window) slot, and masks of the slots
    inside the input and inside the padded input."""
    o = np.arange(out)
    if adaptive:
        start, end = o * L // out, -(-(o + 1) * L // out)
        idx = start[:, None] + np.arange(int((end - start).max()))
        valid = idx < end[:, None]
        return idx, valid, valid
    idx = o[:, None] * s + np.arange(k) * d - p
    return idx, (idx >= 0) & (idx < L), idx < L + p


def _windows(x, spec):
    """x (..., *L) -> (windows (..., *out, K), flat input index, valid mask, padded mask),
    where ``spec`` holds one ``(L, out, k, s, d, p, adaptive)`` per spatial dim."""
    n, lead = len(spec), x.ndim - len(spec)
    parts = [_dim_windows(*sp) for sp in spec]
    for i, (idx, _, _) in enumerate(parts):  # (..., o1, k1, ..., L_i, ...) -> (..., o_i, k_i, ...)
        x = jnp.take(x, np.clip(idx, 0, spec[i][0] - 1), axis=lead + 2 * i)
    x = x.transpose(*range(lead), *(lead + 2 * i for i in range(n)), *(lead + 2 * i + 1 for i in range(n)))
    out = tuple(p[0].shape[0] for p in parts)
    x = x.reshape(x.shape[:lead + n] + (-1,))

    def grid(arrays, combine):  # arrays[i] (o_i, k_i) -> (*out, K) by outer combination
        acc = None
        for i, a in enumerate(arrays):
            shape = [1] * (2 * n)
            shape[i], shape[n + i] = a.shape
            a = a.reshape(shape)
            acc = a if acc is None else combine(acc, a)
        return acc.reshape(out + (-1,))

    strides = np.cumprod((1,) + tuple(sp[0] for sp in spec[:0:-1]))[::-1]
    flat = grid([p[0] * st for p, st in zip(parts, strides)], np.add)
    return x, flat, grid([p[1] for p in parts], np.logical_and), grid([p[2] for p in parts], np.logical_and)


def _lowest(dtype):
    return -jnp.inf if jnp.issubdtype(dtype, jnp.floating) else jnp.iinfo(dtype).min


def _max(spec, x):
    w, flat, valid, _ = _windows(x, spec)
    w = jnp.where(valid, w, _lowest(x.dtype))
    arg = jnp.argmax(w, -1, keepdims=True)
    if jnp.issubdtype(x.dtype, jnp.floating):  # torch takes a window's last NaN (its first maximum otherwise)
        nan = jnp.isnan(w)
        last_nan = w.shape[-1] - 1 - jnp.argmax(nan[..., ::-1], -1, keepdims=True)
        arg = jnp.where(nan.any(-1, keepdims=True), last_nan, arg)
    idx = jnp.take_along_axis(jnp.broadcast_to(flat, w.shape), arg, -1)
    return jnp.take_along_axis(w, arg, -1)[..., 0], idx[..., 0].astype(jnp.int64)


def _max_values(spec, x):
    """Undilated max pooling values alone, as one ``reduce_window`` (XLA differentiates it into a
    select-and-scatter; at LeNet's sizes the forward is 4× faster than the window gather). Ties route the
    gradient to the window's first maximum, as torch; a window holding NaN gives NaN and routes its
    gradient to its last NaN, as torch (a second pool over the NaN positions picks it)."""
    lead = x.ndim - len(spec)
    pads = [(p, max(p, (o - 1) * s + k - L - p)) for L, o, k, s, _, p, _ in spec]

    def pool(v):
        return jax.lax.reduce_window(v, _lowest(v.dtype), jax.lax.max, (1,) * lead + tuple(sp[2] for sp in spec),
                                     (1,) * lead + tuple(sp[3] for sp in spec), ((0, 0),) * lead + tuple(pads))
    if not jnp.issubdtype(x.dtype, jnp.floating):
        return pool(x)
    last_nan = pool(_nan_position(x))  # the largest flat position of a NaN, -1 where none
    return jnp.where(last_nan >= 0, last_nan + jnp.nan, pool(x))


@jax.custom_jvp
def _nan_position(x):
    """Each NaN's flat position, -1 elsewhere, with the identity derivative (so the gradient of the
    pooled position reaches the NaN)."""
    return jnp.where(jnp.isnan(x), jnp.arange(x.size, dtype=x.dtype).reshape(x.shape), -1)


_nan_position.defjvp(lambda primals, tangents: (_nan_position(primals[0]), tangents[0]))


def _avg(spec, count_include_pad, divisor, x):
    w, _, valid, padded = _windows(x, spec)
    total = jnp.where(valid, w, 0).sum(-1)
    count = divisor or (padded if count_include_pad else valid).sum(-1)
    return (total / count).astype(x.dtype)


_K = {}


def _kernel(fn, name):
    try:
        return _K[fn, name]
    except KeyError:
        k = _K[fn, name] = Kernel(fn, name)
        return k


# ---- shape logic and checks ----------------------------------------------------------------
def _pool_size(L, k, s, p, d, ceil_mode):
    out = (L + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    return out - 1 if ceil_mode and (out - 1) * s >= L + p else out


def _check_dims(input, n, name=None):
    if input.ndim not in (n + 1, n + 2) or 0 in input.shape[-n - 1:]:
        if name:
            raise RuntimeError(f"{name}(): Expected {n + 1}D or {n + 2}D tensor, but got{':' if 'max' in name else ''}"
                               f" {list(input.shape)}")
        raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input")


def _pool_spec(input, n, kernel_size, stride, padding, dilation, ceil_mode):
    _check_dims(input, n)
    k = _ntuple(kernel_size, n)
    s = _ntuple(k if stride is None or stride == [] or stride == () else stride, n)
    p, d = _ntuple(padding, n), _ntuple(dilation, n)
    for pi, ki, di in zip(p, k, d):
        if pi > (di * (ki - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pi}, "
                               f"kernel_size={ki} and dilation={di}")
    L = tuple(input.shape[-n:])
    out = tuple(_pool_size(*a, ceil_mode) for a in zip(L, k, s, p, d))
    if min(out) < 1:
        size = lambda dims: "x".join(map(str, dims))  # noqa: E731
        raise RuntimeError(f"Given input size: ({size(input.shape[-n - 1:])}). Calculated output size: "
                           f"({size((input.shape[-n - 1],) + out)}). Output size is too small")
    return tuple((Li, oi, ki, si, di, pi, False) for Li, oi, ki, si, di, pi in zip(L, out, k, s, d, p))


# ---- max / avg / lp pooling ---------------------------------------------------------------
def _max_pool(n, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    spec = _pool_spec(input, n, kernel_size, stride, padding, dilation, ceil_mode)
    if not return_indices and all(sp[4] == 1 for sp in spec):  # JAX has no dilated max-pool gradient
        return apply(_kernel(_max_values, f"MaxPool{n}DWithIndicesBackward0"), (input,), (spec,))
    out, idx = apply(_kernel(_max, f"MaxPool{n}DWithIndicesBackward0"), (input,), (spec,))
    return (out, idx) if return_indices else out


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """torch.nn.functional.max_pool1d."""
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """torch.nn.functional.max_pool2d."""
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """torch.nn.functional.max_pool3d."""
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _avg_pool(n, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    spec = _pool_spec(input, n, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    return apply(_kernel(_avg, f"AvgPool{n}DBackward0"), (input,), (spec, bool(count_include_pad),
                                                                     divisor_override))


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """torch.nn.functional.avg_pool1d."""
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """torch.nn.functional.avg_pool2d."""
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """torch.nn.functional.avg_pool3d."""
    return _avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def _lp(spec, p, x):
    w, _, valid, padded = _windows(x, spec)
    mean = jnp.where(valid, w ** p, 0).sum(-1) / padded.sum(-1)
    return (mean * valid.shape[-1]).astype(x.dtype) ** (1.0 / p)


def _lp_pool(n, input, norm_type, kernel_size, stride, ceil_mode):
    """torch's lp_pool: (average of x**p over the window, times the window size) ** (1/p)."""
    spec = _pool_spec(input, n, kernel_size, stride, 0, 1, ceil_mode)
    return apply(_kernel(_lp, "PowBackward0"), (input,), (spec, float(norm_type)))


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """torch.nn.functional.lp_pool1d."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """torch.nn.functional.lp_pool2d."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """torch.nn.functional.lp_pool3d."""
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


# ---- adaptive pooling ----------------------------------------------------------------------
def _adaptive_spec(input, n, output_size, name):
    _check_dims(input, n, name)
    L = tuple(input.shape[-n:])
    out = tuple(Li if o is None else o for Li, o in zip(L, _ntuple(output_size, n)))
    return tuple((Li, oi, 0, 0, 0, 0, True) for Li, oi in zip(L, out))


def _adaptive_max(n, input, output_size, return_indices):
    spec = _adaptive_spec(input, n, output_size, f"adaptive_max_pool{n}d")
    check_kind(input.dtype, "f", "adaptive_max_pool3d_cpu" if n == 3 else "adaptive_max_pool2d")  # torch's kernels
    out, idx = apply(_kernel(_max, f"AdaptiveMaxPool{n}DBackward0"), (input,), (spec,))
    return (out, idx) if return_indices else out


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """torch.nn.functional.adaptive_max_pool1d."""
    return _adaptive_max(1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """torch.nn.functional.adaptive_max_pool2d."""
    return _adaptive_max(2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """torch.nn.functional.adaptive_max_pool3d."""
    return _adaptive_max(3, input, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    return _adaptive_max(1, input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    return _adaptive_max(2, input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=True):
    return _adaptive_max(3, input, output_size, True)


def _adaptive_avg(n, input, output_size):
    spec = _adaptive_spec(input, n, output_size, f"adaptive_avg_pool{n}d")
    return apply(_kernel(_avg, f"AdaptiveAvgPool{n}DBackward0"), (input,), (spec, False, None))


def adaptive_avg_pool1d(input, output_size):
    """torch.nn.functional.adaptive_avg_pool1d."""
    return _adaptive_avg(1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """torch.nn.functional.adaptive_avg_pool2d."""
    return _adaptive_avg(2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    """torch.nn.functional.adaptive_avg_pool3d."""
    return _adaptive_avg(3, input, output_size)


# ---- max unpooling -------------------------------------------------------------------------
def _unpool(size, x, idx):
    """Scatter each plane of ``x`` to its flat ``idx`` in a zero output. The gradient is
    torch's: the output gradient gathered at ``idx`` (so duplicate indices each get it)."""
    lead = x.shape[:x.ndim - len(size)]
    planes = math.prod(lead)
    x2, i2 = x.reshape(planes, -1), idx.reshape(planes, -1)
    rows = jnp.arange(planes)[:, None]
    zero = jnp.zeros((planes, math.prod(size)), x.dtype)
    add = zero.at[rows, i2].add(x2)  # linear in x, VJP = gather
    out = jax.lax.stop_gradient(zero.at[rows, i2].set(x2) - add) + add
    return out.reshape(lead + size)


def _max_unpool(n, input, indices, kernel_size, stride, padding, output_size):
    k = _ntuple(kernel_size, n)
    s, p = _ntuple(k if stride is None else stride, n), _ntuple(padding, n)
    L = tuple(input.shape[-n:])
    default = tuple((Li - 1) * si - 2 * pi + ki for Li, si, pi, ki in zip(L, s, p, k))
    size = default if output_size is None else output_size[-n:]
    if output_size is not None:
        for i, (o, dft) in enumerate(zip(size, default)):
            if not dft - s[i] < o < dft + s[i]:
                raise ValueError(f"invalid output_size \"{size}\" (dim {i} must be between {dft - s[i]} "
                                 f"and {dft + s[i]})")
        size = tuple(size)
    if indices.shape != input.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}")
    top = int(np.asarray(indices._data).max()) if indices.numel() else 0
    if top >= math.prod(size):
        raise RuntimeError(f"Found an invalid max index: {top} (output volumes are of size "
                           f"{'x'.join(map(str, size))})")
    name = "MaxUnpool2DBackward0" if n < 3 else "MaxUnpool3DBackward0"
    return apply(_kernel(_unpool, name), (input, indices), (size,))


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """torch.nn.functional.max_unpool1d: scatter ``input`` to ``indices`` in a zero output."""
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """torch.nn.functional.max_unpool2d."""
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """torch.nn.functional.max_unpool3d."""
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size)


# ---- fractional max pooling -----------------------------------------------------------------
def _fractional(n, kernel, out, key, x):
    """torch's pseudo-random pooling sequence: per (batch, channel) plane a u in [0, 1) per dim,
    window starts ``floor((i + u) * a) - floor(u * a)`` with ``a = (L - k) / (out - 1)``, the last
    one at ``L - k``. Returns the advanced generator key too."""
    L, lead = x.shape[-n:], x.shape[:-n]
    key, sub = jax.random.split(key)
    u = jax.random.uniform(sub, lead + (n,), x.dtype)
    windows = x.reshape(lead + (-1,))
    flat_idx = jnp.zeros(lead + out + kernel, jnp.int64)
    for i in range(n):
        a = (L[i] - kernel[i]) / (out[i] - 1) if out[i] > 1 else 0.0
        o = jnp.arange(out[i])
        ui = u[..., i:i + 1]
        start = jnp.where(o == out[i] - 1, L[i] - kernel[i],
                          jnp.floor((o + ui) * a) - jnp.floor(ui * a)).astype(jnp.int64)
        pos = start[..., :, None] + jnp.arange(kernel[i])          # (..., out_i, k_i)
        shape = [1] * (2 * n)
        shape[i], shape[n + i] = out[i], kernel[i]
        flat_idx = flat_idx + (pos * math.prod(L[i + 1:])).reshape(lead + tuple(shape))
    flat_idx = flat_idx.reshape(lead + out + (-1,))
    vals = jnp.take_along_axis(windows, flat_idx.reshape(lead + (-1,)), -1).reshape(flat_idx.shape)
    arg = jnp.argmax(vals, -1, keepdims=True)
    return key, jnp.take_along_axis(vals, arg, -1)[..., 0], jnp.take_along_axis(flat_idx, arg, -1)[..., 0]


_FRACTIONAL = {n: Kernel(_fractional, f"FractionalMaxPool{n}DBackward0") for n in (2, 3)}


def _fractional_max_pool(n, input, kernel_size, output_size, output_ratio, return_indices, _random_samples):
    if output_size is None and output_ratio is None:
        raise ValueError(f"fractional_max_pool{n}d requires specifying either an output_size or an output_ratio")
    _check_dims(input, n)
    L, k = tuple(input.shape[-n:]), _ntuple(kernel_size, n)
    out = _ntuple(output_size, n) if output_size is not None else \
        tuple(int(Li * r) for Li, r in zip(L, _ntuple(output_ratio, n)))
    for Li, ki, oi in zip(L, k, out):
        if oi + ki - 1 > Li:
            raise RuntimeError(f"fractional_max_pool{n}d(): pool height {ki} too large relative to input height {Li}"
                               if n == 2 else f"fractional_max_pool{n}d_out(): pool time ({ki}) too large relative "
                               f"to input time ({Li})")
    key, out_t, idx = apply(_FRACTIONAL[n], (default_generator._key, input), (n, k, out))
    default_generator._key = key._data
    return (out_t, idx) if return_indices else out_t


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """torch.nn.functional.fractional_max_pool2d (random windows drawn from torchlike's generator)."""
    return _fractional_max_pool(2, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """torch.nn.functional.fractional_max_pool3d."""
    return _fractional_max_pool(3, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=True, _random_samples=None):
    return _fractional_max_pool(2, input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=True, _random_samples=None):
    return _fractional_max_pool(3, input, kernel_size, output_size, output_ratio, True, _random_samples)
