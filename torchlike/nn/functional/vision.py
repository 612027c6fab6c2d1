"""Vision functions of torch.nn.functional: pixel_shuffle/unshuffle, channel_shuffle and
interpolate (upsample), affine_grid and grid_sample.

interpolate is one kernel: every resampling mode is separable, so each spatial dim is
resampled by a constant (out, in) weight matrix built from torch's source-index rules
(nearest, nearest-exact, linear with/without align_corners, bicubic with A=-0.75 and
clamped taps, area = adaptive average). Deviation: ``antialias=True`` is not supported.
"""
import functools
import itertools
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from ..._dispatch import Kernel, apply

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle", "interpolate",
           "upsample", "upsample_nearest", "upsample_bilinear", "affine_grid", "grid_sample"]


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


# ---- affine_grid and grid_sample -------------------------------------------------------------
def _align_corners_default(align_corners):
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                      "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                      "grid_sample for details.", stacklevel=3)
        return False
    return bool(align_corners)


def _linspace(n, align_corners, dtype):
    if n <= 1:
        return jnp.zeros((n,), dtype)
    r = jnp.linspace(-1, 1, n, dtype=dtype)
    return r if align_corners else r * ((n - 1) / n)


def _affine_grid(spatial, align_corners, theta):
    """Base grid (*spatial, n + 1) of (x, y[, z], 1) times theta^T -> (N, *spatial, n)."""
    axes = [_linspace(s, align_corners, theta.dtype) for s in reversed(spatial)]       # x, y[, z]
    mesh = jnp.meshgrid(*axes[::-1], indexing="ij")[::-1]
    base = jnp.stack([*mesh, jnp.ones(spatial, theta.dtype)], -1)
    return jnp.einsum("...k,njk->n...j", base, theta, precision=jax.lax.Precision.HIGHEST)


_affine_grid_k = Kernel(_affine_grid, "AffineGridGeneratorBackward0")


def affine_grid(theta, size, align_corners=None):
    """torch.nn.functional.affine_grid: sampling grids (N, H, W, 2) or (N, D, H, W, 3) from
    batches of affine matrices (N, 2, 3) or (N, 3, 4)."""
    align_corners = _align_corners_default(align_corners)
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) not in (4, 5):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    n = len(size) - 2
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (n, n + 1):
        raise ValueError(f"Expected a batch of {n}D affine matrices of shape Nx{n}x{n + 1} for size "
                         f"{size}. Got {theta.shape}.")
    if theta.shape[0] != size[0]:
        raise RuntimeError(f"affine_grid: theta holds {theta.shape[0]} matrices for a batch of {size[0]}")
    if align_corners and min(size[2:]) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation "
                      "of affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    return apply(_affine_grid_k, (theta,), (tuple(size[2:]), align_corners))


def _reflect(x, low2, high2):
    """Reflect ``x`` into [low2 / 2, high2 / 2] (bounds given doubled, as torch does)."""
    if low2 == high2:
        return jnp.zeros_like(x)
    lo, span = low2 / 2, (high2 - low2) / 2
    x = jnp.abs(x - lo)
    extra, flips = jnp.fmod(x, span), jnp.floor(x / span)
    return jnp.where(flips % 2 == 0, extra + lo, span - extra + lo)


def _pad_coord(padding, align_corners, x, size):
    if padding == "reflection":
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
    if padding == "zeros":
        return x
    return jnp.where(x <= 0, 0, jnp.where(x >= size - 1, size - 1, x))  # as torch: no gradient at the bounds


def _grid_sample(mode, padding, align_corners, x, grid):
    N, C, *sizes = x.shape
    out = grid.shape[1:-1]
    n = len(sizes)
    flat = x.reshape(N, C, -1)
    strides = [math.prod(sizes[d + 1:]) for d in range(n)]

    def gather(idx):  # idx: per spatial dim, int arrays (N, *out); zero outside the input
        valid = functools.reduce(jnp.logical_and, [(i >= 0) & (i < s) for i, s in zip(idx, sizes)])
        lin = sum(jnp.clip(i, 0, s - 1) * st for i, s, st in zip(idx, sizes, strides)).reshape(N, -1)
        vals = jax.vmap(lambda a, i: a[:, i])(flat, lin).reshape(N, C, *out)
        return jnp.where(valid[:, None], vals, 0)

    # grid's last dim lists (x, y[, z]): the innermost spatial dim first
    src = [grid[..., n - 1 - d] for d in range(n)]
    src = [((c + 1) / 2) * (s - 1) if align_corners else ((c + 1) * s - 1) / 2 for c, s in zip(src, sizes)]
    if mode == "bicubic":
        base = [jnp.floor(c) for c in src]
        weights = [_cubic_weights(c - b) for c, b in zip(src, base)]
        taps = range(4)
        index = lambda d, k: _pad_coord(padding, align_corners, base[d] - 1 + k, sizes[d])  # noqa: E731
    else:
        src = [_pad_coord(padding, align_corners, c, s) for c, s in zip(src, sizes)]
        if mode == "nearest":
            return gather([jnp.round(c).astype(jnp.int64) for c in src])
        base = [jnp.floor(c) for c in src]
        weights = [(1 - (c - b), c - b) for c, b in zip(src, base)]
        taps = range(2)
        index = lambda d, k: base[d] + k  # noqa: E731
    result = 0
    for ks in itertools.product(taps, repeat=n):
        w = math.prod(weights[d][k] for d, k in enumerate(ks))
        result = result + gather([jnp.floor(index(d, k)).astype(jnp.int64) for d, k in enumerate(ks)]) * w[:, None]
    return result.astype(x.dtype)


_grid_sample_k = Kernel(_grid_sample, "GridSampler2DBackward0")
_grid_sample_3d_k = Kernel(_grid_sample, "GridSampler3DBackward0")


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """torch.nn.functional.grid_sample on (N, C, H, W) or (N, C, D, H, W) input; modes
    bilinear/nearest/bicubic (4-D only), padding zeros/border/reflection. Nearest rounds half
    to even, bicubic uses torch's A=-0.75 kernel with per-tap padding."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    align_corners = _align_corners_default(align_corners)
    if input.ndim not in (4, 5) or grid.ndim != input.ndim or grid.shape[-1] != input.ndim - 2 \
            or grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid of shape (N, *out, {input.ndim - 2}) matching 4D or 5D "
                           f"input, but got input of shape {list(input.shape)} and grid of shape {list(grid.shape)}")
    if mode == "bicubic" and input.ndim != 4:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    k = _grid_sample_k if input.ndim == 4 else _grid_sample_3d_k
    return apply(k, (input, grid), (mode, padding_mode, align_corners))
