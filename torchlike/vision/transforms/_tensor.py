"""The tensor half of ``transforms.functional``, on torchlike tensors of shape (..., C, H, W),
following torchvision's ``_functional_tensor``: same dtype handling (integer images are
computed in float32 and rounded back), same error types and messages. Every op is built
from torchlike ops or one compiled kernel, so it is differentiable like torchvision's."""
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

import torchlike
from torchlike._dispatch import Kernel, apply
from torchlike.nn import functional as nnF

from . import _resize

_INT_DTYPES = (torchlike.uint8, torchlike.int8, torchlike.int16, torchlike.int32, torchlike.int64)


def assert_image_tensor(img):
    if img.ndim < 2:
        raise TypeError("Tensor is not a torch image.")


def get_dimensions(img):
    assert_image_tensor(img)
    return [1 if img.ndim == 2 else img.shape[-3], img.shape[-2], img.shape[-1]]


def assert_channels(img, permitted):
    c = get_dimensions(img)[0]
    if c not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but found {c}")


def max_value(dtype):
    return {torchlike.uint8: 255, torchlike.int8: 127, torchlike.int16: 32767, torchlike.int32: 2147483647,
            torchlike.int64: 9223372036854775807}.get(dtype, 1)


def convert_image_dtype(image, dtype=torchlike.float):
    if image.dtype is dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        if (image.dtype is torchlike.float32 and dtype in (torchlike.int32, torchlike.int64)) or (
                image.dtype is torchlike.float64 and dtype is torchlike.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
        return image.mul(float(max_value(dtype)) + 1.0 - 1e-3).to(dtype)
    input_max = float(max_value(image.dtype))
    if dtype.is_floating_point:
        return image.to(dtype) / input_max
    output_max = float(max_value(dtype))
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return torchlike.div(image, factor, rounding_mode="floor").to(dtype)
    return image.to(dtype) * int((output_max + 1) // (input_max + 1))


def hflip(img):
    assert_image_tensor(img)
    return img.flip((-1,))


def vflip(img):
    assert_image_tensor(img)
    return img.flip((-2,))


def crop(img, top, left, height, width):
    assert_image_tensor(img)
    _, h, w = get_dimensions(img)
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        ltrb = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                max(right - max(w, left), 0), max(bottom - max(h, top), 0)]
        return pad(img[..., max(top, 0):bottom, max(left, 0):right], ltrb, fill=0)
    return img[..., top:bottom, left:right]


def _cast_squeeze_in(img, req_dtypes):
    squeeze = img.ndim < 4
    if squeeze:
        img = img.unsqueeze(0)
    out_dtype = img.dtype
    cast = out_dtype not in req_dtypes
    if cast:
        img = img.to(req_dtypes[0])
    return img, cast, squeeze, out_dtype


def _cast_squeeze_out(img, cast, squeeze, out_dtype):
    if squeeze:
        img = img.squeeze(0)
    if cast:
        if out_dtype in _INT_DTYPES:
            img = torchlike.round(img)
        img = img.to(out_dtype)
    return img


def _symmetric_index(n, lo, hi):
    return torchlike.as_tensor(np.concatenate([np.arange(lo - 1, -1, -1), np.arange(n), n - 1 - np.arange(hi)]))


def pad(img, padding, fill=0, padding_mode="constant"):
    from ._pil import check_pad_args, ltrb
    assert_image_tensor(img)
    fill = 0 if fill is None else fill
    check_pad_args(padding, fill, padding_mode, fill_types=(int, float))
    left, top, right, bottom = ltrb(padding)
    if padding_mode != "constant" and min(left, top, right, bottom) < 0:  # negative padding crops
        img = img[..., max(-top, 0):img.shape[-2] - max(-bottom, 0), max(-left, 0):img.shape[-1] - max(-right, 0)]
        left, top, right, bottom = (max(p, 0) for p in (left, top, right, bottom))
    if padding_mode == "symmetric":
        if img.ndim not in (3, 4):
            raise RuntimeError("Symmetric padding of N-D tensors are not supported yet")
        img = img.index_select(-1, _symmetric_index(img.shape[-1], left, right))
        return img.index_select(-2, _symmetric_index(img.shape[-2], top, bottom))
    mode = "replicate" if padding_mode == "edge" else padding_mode
    squeeze = img.ndim < 4
    if squeeze:
        img = img.unsqueeze(0)
    out_dtype = img.dtype
    cast = mode != "constant" and out_dtype not in (torchlike.float32, torchlike.float64)
    if cast:
        img = img.to(torchlike.float32)
    p = [left, right, top, bottom]
    img = nnF.pad(img, p, mode=mode) if mode != "constant" else nnF.pad(img, p, mode=mode, value=float(fill))
    if squeeze:
        img = img.squeeze(0)
    return img.to(out_dtype) if cast else img


def _resample(specs, x):
    """Resample the last two dims of ``x`` by constant window matrices."""
    for axis, (n_in, n_out, mode) in zip((-2, -1), specs):
        if n_in == n_out:
            continue
        W = jnp.asarray(_resize.window_weights(n_in, n_out, mode), x.dtype)
        x = jnp.moveaxis(jnp.tensordot(x, W, ((x.ndim + axis,), (1,)), precision=jax.lax.Precision.HIGHEST), -1, axis)
    return x


_AA_KERNELS = {"bilinear": Kernel(_resample, "UpsampleBilinear2DAaBackward0"),
               "bicubic": Kernel(_resample, "UpsampleBicubic2DAaBackward0")}


def resize(img, size, interpolation="bilinear", antialias=True):
    """torchvision's tensor resize: torch's interpolate (antialiased windows for bilinear and
    bicubic when ``antialias``), float32 compute for integer images, clamped bicubic uint8."""
    assert_image_tensor(img)
    antialias = bool(antialias) and interpolation in ("bilinear", "bicubic")
    img, cast, squeeze, out_dtype = _cast_squeeze_in(img, [torchlike.float32, torchlike.float64])
    if antialias:
        h, w = img.shape[-2:]
        specs = ((h, size[0], interpolation), (w, size[1], interpolation))
        img = apply(_AA_KERNELS[interpolation], (img,), (specs,))
    else:
        align = False if interpolation in ("bilinear", "bicubic") else None
        img = nnF.interpolate(img, size=list(size), mode=interpolation, align_corners=align)
    if interpolation == "bicubic" and out_dtype is torchlike.uint8:
        img = img.clamp(min=0, max=255)
    return _cast_squeeze_out(img, cast, squeeze, out_dtype)


def _normalize(x, mean, std):
    return (x - mean) / std


_normalize_k = Kernel(_normalize, "DivBackward0")


@functools.lru_cache(64)
def _mean_std(mean, std, dtype):
    m, s = np.asarray(mean, dtype.jax), np.asarray(std, dtype.jax)
    if (s == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {dtype}, leading to division by zero.")
    if m.ndim == 1:
        m = m.reshape(-1, 1, 1)
    if s.ndim == 1:
        s = s.reshape(-1, 1, 1)
    return torchlike.Tensor._from_array(jnp.asarray(m)), torchlike.Tensor._from_array(jnp.asarray(s))


def _as_key(values):
    if isinstance(values, torchlike.Tensor):
        values = values.tolist()
    return tuple(values) if isinstance(values, (list, tuple)) else values


def normalize(tensor, mean, std, inplace=False):
    assert_image_tensor(tensor)
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                         f"{tensor.size()}")
    m, s = _mean_std(_as_key(mean), _as_key(std), tensor.dtype)
    out = apply(_normalize_k, (tensor, m, s))
    return tensor._inplace_(out) if inplace else out


def rgb_to_grayscale(img, num_output_channels=1):
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")
    assert_channels(img, [1, 3])
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if img.shape[-3] == 3:
        r, g, b = img.unbind(dim=-3)
        gray = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype).unsqueeze(dim=-3)
    else:
        gray = img.clone()
    return gray.expand(img.shape) if num_output_channels == 3 else gray


# ---- rotate / affine: a sampling grid and grid_sample, as torchvision ----------------------
def _affine_grid(matrix, w, h, ow, oh, dtype):
    """The (1, oh, ow, 2) sampling grid for inverse affine ``matrix`` (torchvision's
    _gen_affine_grid), computed in ``dtype`` as torch does."""
    f = np.dtype(dtype).type
    theta = np.asarray(matrix, dtype).reshape(2, 3)
    xs = np.linspace(-ow * 0.5 + 0.5, ow * 0.5 + 0.5 - 1, ow, dtype=np.float32).astype(dtype)
    ys = np.linspace(-oh * 0.5 + 0.5, oh * 0.5 + 0.5 - 1, oh, dtype=np.float32).astype(dtype)
    base = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None], np.ones((1, 1), dtype)), -1)
    rescaled = theta.T / np.asarray([f(0.5 * w), f(0.5 * h)], dtype)
    return (base.reshape(1, oh * ow, 3) @ rescaled).reshape(1, oh, ow, 2)


def _check_grid_inputs(img, matrix, interpolation, fill):
    if not isinstance(img, torchlike.Tensor):
        raise TypeError("Input img should be Tensor")
    assert_image_tensor(img)
    if not isinstance(matrix, list):
        raise TypeError("Argument matrix should be a list")
    if len(matrix) != 6:
        raise ValueError("Argument matrix should have 6 float values")
    num_channels = get_dimensions(img)[0]
    if isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != num_channels:
        raise ValueError("The number of elements in 'fill' cannot broadcast to match the number of channels of the "
                         f"image ({len(fill)} != {num_channels})")
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input")


def _grid_transform(img, matrix, interpolation, fill, out_size=None):
    _check_grid_inputs(img, matrix, interpolation, fill)
    dtype = img.dtype if img.is_floating_point() else torchlike.float32
    h, w = img.shape[-2:]
    ow, oh = out_size or (w, h)
    grid = torchlike.Tensor._from_array(jnp.asarray(_affine_grid(matrix, w, h, ow, oh, np.dtype(dtype.jax))))
    img, cast, squeeze, out_dtype = _cast_squeeze_in(img, [dtype])
    if img.shape[0] > 1:
        grid = grid.expand(img.shape[0], oh, ow, 2)
    if fill is not None:
        img = torchlike.cat((img, torchlike.ones_like(img[:, :1])), dim=1)
    img = nnF.grid_sample(img, grid, mode=interpolation, padding_mode="zeros", align_corners=False)
    if fill is not None:
        mask, img = img[:, -1:].expand(img[:, :-1].shape), img[:, :-1]
        values = list(fill) if isinstance(fill, (tuple, list)) else [float(fill)]
        fill_img = torchlike.tensor(values, dtype=img.dtype).view(1, len(values), 1, 1).expand_as(img)
        if interpolation == "nearest":
            img = torchlike.where(mask < 0.5, fill_img, img)
        else:
            img = img * mask + (1.0 - mask) * fill_img
    return _cast_squeeze_out(img, cast, squeeze, out_dtype)


def affine(img, matrix, interpolation="nearest", fill=None):
    return _grid_transform(img, matrix, interpolation, fill)


def _expanded_size(matrix, w, h):
    """Output (w, h) holding the whole rotated image (torchvision's _compute_affine_output_size)."""
    pts = np.asarray([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0], [0.5 * w, 0.5 * h, 1.0],
                      [0.5 * w, -0.5 * h, 1.0]], np.float32)
    new = pts @ np.asarray(matrix, np.float32).reshape(2, 3).T
    half = np.asarray([w * 0.5, h * 0.5], np.float32)
    lo, hi = new.min(0) + half, new.max(0) + half
    tol = np.float32(1e-4)
    size = np.ceil(np.trunc(hi / tol) * tol) - np.floor(np.trunc(lo / tol) * tol)
    return int(size[0]), int(size[1])


def rotate(img, matrix, interpolation="nearest", expand=False, fill=None):
    _check_grid_inputs(img, matrix, interpolation, fill)
    w, h = img.shape[-1], img.shape[-2]
    return _grid_transform(img, matrix, interpolation, fill, _expanded_size(matrix, w, h) if expand else None)


def inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True):
    """The 2x3 affine matrix (inverse by default) of rotation ``angle``, ``shear`` (degrees),
    ``scale`` and ``translate`` about ``center``, as a flat list (torchvision's formula)."""
    rot, sx, sy = math.radians(angle), math.radians(shear[0]), math.radians(shear[1])
    (cx, cy), (tx, ty) = center, translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    if inverted:
        m = [x / scale for x in (d, -b, 0.0, -c, a, 0.0)]
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty)
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty)
        m[2] += cx
        m[5] += cy
    else:
        m = [x * scale for x in (a, b, 0.0, c, d, 0.0)]
        m[2] += m[0] * (-cx) + m[1] * (-cy)
        m[5] += m[3] * (-cx) + m[4] * (-cy)
        m[2] += cx + tx
        m[5] += cy + ty
    return m
