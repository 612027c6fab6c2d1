"""Vision functions of torch.nn.functional: pixel_shuffle/unshuffle, channel_shuffle and
interpolate (upsample).

interpolate is one kernel: every resampling mode is separable, so each spatial dim is
resampled by a constant (out, in) weight matrix built from torch's source-index rules
(nearest, nearest-exact, linear with/without align_corners, bicubic with A=-0.75 and
clamped taps, area = adaptive average). Deviation: ``antialias=True`` is not supported.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np

from ..._dispatch import Kernel, apply

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle", "interpolate",
           "upsample", "upsample_nearest", "upsample_bilinear"]


def _shuffle(r, x):
    *lead, c, h, w = x.shape
    x = x.reshape(*lead, c // (r * r), r, r, h, w)
    n = len(lead)
    return x.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2).reshape(*lead, c // (r * r), h * r, w * r)


def _unshuffle(r, x):
    *lead, c, h, w = x.shape
    x = x.reshape(*lead, c, h // r, r, w // r, r)
    n = len(lead)
    return x.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3).reshape(*lead, c * r * r, h // r, w // r)


def _channel_shuffle(g, x):
    n, c, *rest = x.shape
    return x.reshape(n, g, c // g, *rest).swapaxes(1, 2).reshape(x.shape)


_shuffle_k = Kernel(_shuffle, "PixelShuffleBackward0")
_unshuffle_k = Kernel(_unshuffle, "PixelUnshuffleBackward0")
_channel_shuffle_k = Kernel(_channel_shuffle, "ChannelShuffleBackward0")


def _check_3d(input, name):
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with {input.ndim} "
                           f"dimension(s)")


def pixel_shuffle(input, upscale_factor):
    """torch.nn.functional.pixel_shuffle: (*, C*r*r, H, W) -> (*, C, H*r, W*r)."""
    _check_3d(input, "pixel_shuffle")
    r = upscale_factor
    if input.shape[-3] % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={input.shape[-3]} is not divisible by {r * r}")
    return apply(_shuffle_k, (input,), (r,))


def pixel_unshuffle(input, downscale_factor):
    """torch.nn.functional.pixel_unshuffle: (*, C, H*r, W*r) -> (*, C*r*r, H, W)."""
    _check_3d(input, "pixel_unshuffle")
    r = downscale_factor
    for name, size in (("height", input.shape[-2]), ("width", input.shape[-1])):
        if size % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but input.size"
                               f"({-2 if name == 'height' else -1})={size} is not divisible by {r}")
    return apply(_unshuffle_k, (input,), (r,))


def channel_shuffle(input, groups):
    """torch.nn.functional.channel_shuffle: (N, g*k, *) -> channels interleaved across groups."""
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    if input.shape[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {input.shape[1]} channels and "
                           f"{groups} groups.")
    return apply(_channel_shuffle_k, (input,), (groups,))


native_channel_shuffle = channel_shuffle


# ---- interpolate ---------------------------------------------------------------------------
_CUBIC_A = -0.75


def _cubic_weights(t):
    a = _CUBIC_A
    near = lambda x: ((a + 2) * x - (a + 3)) * x * x + 1  # noqa: E731  |x| <= 1
    far = lambda x: ((a * x - 5 * a) * x + 8 * a) * x - 4 * a  # noqa: E731  1 < |x| < 2
    return far(t + 1), near(t), near(1 - t), far(2 - t)


def _resample_matrix(mode, L, out, scale, align_corners, dtype):
    """The (out, L) matrix resampling one dim as torch's ``mode`` does; ``scale`` is the
    user's scale factor (None: derived from the sizes). Index arithmetic in torch's
    opmath type (``dtype``: float32 or float64)."""
    W = np.zeros((out, L))
    o = np.arange(out)
    if mode == "area":
        start, end = o * L // out, -(-(o + 1) * L // out)
        for i in range(out):
            W[i, start[i]:end[i]] = 1.0 / (end[i] - start[i])
        return W
    f = np.dtype(dtype).type
    if align_corners:
        s = f((L - 1) / (out - 1)) if out > 1 else f(0)
    else:
        s = f(1.0 / scale) if scale else f(L / out)
    of = o.astype(dtype)
    if mode in ("nearest", "nearest-exact"):
        src = np.floor((of + f(0.5)) * s) if mode == "nearest-exact" else np.floor(of * s)
        W[o, np.minimum(src.astype(np.int64), L - 1)] = 1.0
        return W
    src = of * s if align_corners else (of + f(0.5)) * s - f(0.5)
    if mode != "cubic":
        src = np.maximum(src, f(0))
        i0 = np.minimum(np.floor(src).astype(np.int64), L - 1)
        lam = (src - i0).astype(np.float64)
        np.add.at(W, (o, i0), 1 - lam)
        np.add.at(W, (o, np.minimum(i0 + 1, L - 1)), lam)
        return W
    i0 = np.floor(src).astype(np.int64)
    for j, w in enumerate(_cubic_weights((src - i0).astype(np.float64))):
        np.add.at(W, (o, np.clip(i0 - 1 + j, 0, L - 1)), w)
    return W


def _interpolate(spec, x):
    lead = x.ndim - len(spec)
    for i, sp in enumerate(spec):
        W = jnp.asarray(_resample_matrix(*sp), x.dtype)
        x = jnp.moveaxis(jnp.tensordot(x, W, ((lead + i,), (1,)), precision=jax.lax.Precision.HIGHEST), -1, lead + i)
    return x


_INTERP_KERNELS = {}
_MODE_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """torch.nn.functional.interpolate on (N, C, *spatial) input, 1 to 3 spatial dims."""
    n = input.ndim - 2
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif mode in _MODE_DIMS:
        if n != _MODE_DIMS[mode]:
            raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_MODE_DIMS[mode] + 2}D input")
        align_corners = bool(align_corners)
    else:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
                                  f"the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                                  f"nearest-exact (got {mode})")
    if antialias:
        raise NotImplementedError("torchlike: interpolate(antialias=True) is not supported")
    if not 1 <= n <= 3:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
                                  f"the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                                  f"nearest-exact (got {mode})")
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined" if size is not None else
                         "either size or scale_factor should be defined")
    L = tuple(input.shape[2:])
    if size is not None:
        out = tuple(size) if isinstance(size, (tuple, list)) else (size,) * n
        if len(out) != n:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {list(L)} and output size of {list(out)}. Please provide input "
                             f"tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
        scales = (None,) * n
    else:
        scales = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * n
        if len(scales) != n:
            raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {list(L)} and scale_factor of shape {list(scales)}. Please "
                             f"provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in "
                             f"(s1, s2, ...,sK) format.")
        out = tuple(int(math.floor(Li * float(s))) for Li, s in zip(L, scales))
        scales = (None,) * n if recompute_scale_factor or mode == "area" else tuple(float(s) for s in scales)
    op = "float64" if input.dtype.jax == np.float64 else "float32"
    kind = {"bilinear": "linear", "trilinear": "linear", "bicubic": "cubic"}.get(mode, mode)
    spec = tuple((kind, Li, oi, s, align_corners, op) for Li, oi, s in zip(L, out, scales))
    name = {"nearest": f"UpsampleNearest{n}DBackward0", "nearest-exact": f"UpsampleNearestExact{n}DBackward0",
            "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
            "bicubic": "UpsampleBicubic2DBackward0", "trilinear": "UpsampleTrilinear3DBackward0",
            "area": f"AdaptiveAvgPool{n}DBackward0"}[mode]
    k = _INTERP_KERNELS.get(name) or _INTERP_KERNELS.setdefault(name, Kernel(_interpolate, name))
    return apply(k, (input,), (spec,))


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """torch.nn.functional.upsample (deprecated alias of interpolate)."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
