"""Resampling weights shared by the PIL-exact batch path and the tensor path of ``resize``.

PIL resamples separably: for each output index it builds a window of filter weights
(``_window_weights``), normalises them, and for 8-bit images turns them into fixed-point
integers with 22 fractional bits; every pass rounds and clips to uint8 before the next.
``pil_resize_uint8`` replays that arithmetic on a whole uint8 batch with NumPy: the
fixed-point products are integers below 2**53, so a float64 matrix product is exact.
NEAREST is PIL's affine scale with its accumulated source coordinate. Pillow 13 runs the
vertical pass first when it judges that cheaper (an internal heuristic), so the order is
probed from Pillow once per geometry and filter; geometries where neither order
reproduces Pillow fall back to Pillow per image.

torch's antialiased ``interpolate`` (which torchvision's tensor path uses for bilinear and
bicubic) computes the same windows, in floating point and without the fixed-point step.
"""
import functools
import math

import numpy as np

_PRECISION_BITS = 32 - 8 - 2


def _box(x):
    return 1.0 if -0.5 < x <= 0.5 else 0.0


def _triangle(x):
    x = abs(x)
    return 1.0 - x if x < 1.0 else 0.0


def _hamming(x):
    x = abs(x)
    if x == 0.0:
        return 1.0
    if x >= 1.0:
        return 0.0
    x = x * math.pi
    return math.sin(x) / x * (_F32_054 + _F32_046 * math.cos(x))


_F32_054 = float(np.float32(0.54))  # PIL's C source writes these two as float literals
_F32_046 = float(np.float32(0.46))


def _cubic(x, a=-0.5):
    x = abs(x)
    if x < 1.0:
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1
    if x < 2.0:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


def _sinc(x):
    if x == 0.0:
        return 1.0
    x = x * math.pi
    return math.sin(x) / x


def _lanczos(x):
    return _sinc(x) * _sinc(x / 3) if -3.0 <= x < 3.0 else 0.0


# PIL resampling filters by InterpolationMode value: (filter, support)
FILTERS = {"box": (_box, 0.5), "bilinear": (_triangle, 1.0), "hamming": (_hamming, 1.0),
           "bicubic": (_cubic, 2.0), "lanczos": (_lanczos, 3.0)}


@functools.lru_cache(512)
def window_weights(in_size, out_size, mode):
    """The (out_size, in_size) float64 matrix of normalised filter windows PIL (and torch's
    antialiased interpolate) uses to resample one axis with filter ``mode``."""
    fn, support = FILTERS[mode]
    scale = in_size / out_size
    filterscale = max(scale, 1.0)
    support = support * filterscale
    inv = 1.0 / filterscale
    W = np.zeros((out_size, in_size))
    for i in range(out_size):
        center = (i + 0.5) * scale
        lo = max(int(center - support + 0.5), 0)
        n = min(int(center + support + 0.5), in_size) - lo
        w = [fn((x + lo - center + 0.5) * inv) for x in range(n)]
        total = 0.0
        for v in w:
            total += v
        if total != 0.0:
            w = [v / total for v in w]
        W[i, lo:lo + n] = w
    W.flags.writeable = False
    return W


@functools.lru_cache(512)
def _fixed_weights(in_size, out_size, mode):
    """PIL's 8-bit fixed-point coefficients, as exact float64 integers."""
    W = window_weights(in_size, out_size, mode) * (1 << _PRECISION_BITS)
    F = np.trunc(np.where(W < 0, W - 0.5, W + 0.5))
    F.flags.writeable = False
    return F


@functools.lru_cache(512)
def _nearest_index(in_size, out_size):
    """PIL's NEAREST source index per output index (-1: outside, left black)."""
    step = in_size / out_size
    pos, idx = step * 0.5, []
    for _ in range(out_size):
        i = -1 if pos < 0 else int(pos)
        idx.append(i if 0 <= i < in_size else -1)
        pos += step
    return np.asarray(idx)


def _pass(x, axis, in_size, out_size, mode):
    if mode == "nearest":
        idx = _nearest_index(in_size, out_size)
        out = np.take(x, np.maximum(idx, 0), axis=axis)
        if (idx < 0).any():
            shape = [1] * x.ndim
            shape[axis] = out_size
            out = out * (idx >= 0).reshape(shape).astype(np.uint8)
        return out
    F = _fixed_weights(in_size, out_size, mode)
    acc = np.moveaxis(np.tensordot(x.astype(np.float64), F, axes=([axis], [1])), -1, axis)
    return np.clip(np.floor((acc + (1 << (_PRECISION_BITS - 1))) / (1 << _PRECISION_BITS)), 0, 255).astype(np.uint8)


def _two_passes(batch, size, mode, vertical_first):
    (h, w), (oh, ow) = batch.shape[1:3], size
    if vertical_first:
        return _pass(_pass(batch, 1, h, oh, mode), 2, w, ow, mode)
    return _pass(_pass(batch, 2, w, ow, mode), 1, h, oh, mode)


@functools.lru_cache(256)
def _pass_order(h, w, oh, ow, mode):
    """True: vertical pass first, False: horizontal first, None: neither matches Pillow."""
    from PIL import Image
    probe = np.random.default_rng(h * 7919 + w).integers(0, 256, (8, h, w), dtype=np.uint8)
    ref = np.stack([np.asarray(Image.fromarray(im).resize((ow, oh), PIL_FILTERS[mode])) for im in probe])
    matches = [vf for vf in (False, True) if np.array_equal(_two_passes(probe, (oh, ow), mode, vf), ref)]
    if len(matches) == 2 and mode == "box" and (oh > h or ow > w):
        return False  # a BOX upscale pass only copies pixels: both orders agree on every image
    return matches[0] if len(matches) == 1 else None


# Pillow's filter constants by mode
PIL_FILTERS = {"nearest": 0, "lanczos": 1, "bilinear": 2, "bicubic": 3, "box": 4, "hamming": 5}


def pil_resize_uint8(batch, size, mode):
    """Resize a uint8 batch of PIL-layout images, (N, H, W) or (N, H, W, C), to ``size`` =
    (h, w) exactly as ``PIL.Image.resize`` does per image with filter ``mode`` ("nearest",
    "box", "bilinear", "hamming", "bicubic", "lanczos")."""
    (h, w), (oh, ow) = batch.shape[1:3], size
    if (h, w) == (oh, ow):
        return batch.copy()
    if ow == w:
        return _pass(batch, 1, h, oh, mode)
    if oh == h or mode == "nearest":
        return _two_passes(batch, size, mode, False) if oh != h else _pass(batch, 2, w, ow, mode)
    order = _pass_order(h, w, oh, ow, mode)
    if order is None:
        from PIL import Image
        return np.stack([np.asarray(Image.fromarray(im).resize((ow, oh), PIL_FILTERS[mode])) for im in batch])
    return _two_passes(batch, size, mode, order)
