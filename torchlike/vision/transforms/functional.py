"""torchvision.transforms.functional on PIL images, NumPy arrays and torchlike tensors.

PIL inputs go through Pillow exactly as torchvision drives it (so ``resize`` of a PIL image
is Pillow's resampling, bit for bit); tensor inputs go through ``_tensor`` (torch's
interpolate, pad, grid_sample semantics). Signatures, defaults, errors and messages are
torchvision 0.29's.
"""
import numbers
import sys
import warnings
from enum import Enum

import numpy as np

import torchlike
from torchlike import Tensor
from torchlike.ops._util import host_array

from . import _pil, _tensor

__all__ = ["InterpolationMode", "get_dimensions", "get_image_size", "get_image_num_channels", "to_tensor",
           "pil_to_tensor", "convert_image_dtype", "to_pil_image", "normalize", "resize", "pad", "crop",
           "center_crop", "resized_crop", "hflip", "vflip", "rotate", "affine", "to_grayscale", "rgb_to_grayscale"]


class InterpolationMode(Enum):
    """Interpolation modes: nearest, nearest-exact, bilinear, bicubic, and (PIL only) box,
    hamming, lanczos."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_FROM_PIL_INT = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR, 3: InterpolationMode.BICUBIC,
                 4: InterpolationMode.BOX, 5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}
pil_modes_mapping = {InterpolationMode.NEAREST: 0, InterpolationMode.BILINEAR: 2, InterpolationMode.BICUBIC: 3,
                     InterpolationMode.NEAREST_EXACT: 0, InterpolationMode.BOX: 4, InterpolationMode.HAMMING: 5,
                     InterpolationMode.LANCZOS: 1}


def interpolation_mode(interpolation):
    """An InterpolationMode from itself or a Pillow integer constant."""
    if isinstance(interpolation, int):
        return _FROM_PIL_INT[interpolation]
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding Pillow integer "
                        "constant")
    return interpolation


def _is_tensor(img):
    return isinstance(img, Tensor)


def get_dimensions(img):
    """[channels, height, width] of a PIL image or (..., C, H, W) tensor."""
    return _tensor.get_dimensions(img) if _is_tensor(img) else _pil.get_dimensions(img)


def get_image_size(img):
    """[width, height]."""
    if _is_tensor(img):
        _tensor.assert_image_tensor(img)
        return [img.shape[-1], img.shape[-2]]
    return _pil.get_image_size(img)


def get_image_num_channels(img):
    return get_dimensions(img)[0] if _is_tensor(img) else _pil.get_image_num_channels(img)


def _wrap(array):
    return Tensor._from_array(host_array(array))  # no compile per image size


_MODE_NPTYPE = {"I": np.int32, "I;16" if sys.byteorder == "little" else "I;16B": np.int16, "F": np.float32}


def _scaled(array):
    """uint8 HWC-ordered data -> default float dtype / 255, computed as torch does."""
    dtype = torchlike.get_default_dtype().jax
    return array.astype(dtype) / dtype.type(255)


def to_tensor(pic):
    """PIL image or HWC ndarray -> CHW tensor; uint8 data becomes the default float dtype / 255."""
    if not (_pil.is_pil_image(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        array = np.ascontiguousarray((pic[:, :, None] if pic.ndim == 2 else pic).transpose(2, 0, 1))
        return _wrap(_scaled(array) if array.dtype == np.uint8 else array)
    array = np.asarray(pic, _MODE_NPTYPE.get(pic.mode, np.uint8))
    if pic.mode == "1":
        array = array * np.uint8(255)
    array = array.reshape(pic.size[1], pic.size[0], _pil.get_image_num_channels(pic)).transpose(2, 0, 1)
    return _wrap(_scaled(array) if array.dtype == np.uint8 else np.ascontiguousarray(array))


def pil_to_tensor(pic):
    """PIL image -> CHW tensor of the image's own dtype (uint8 for 'L'/'RGB')."""
    if not _pil.is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    array = np.asarray(pic)
    return _wrap(np.ascontiguousarray(array.reshape(pic.size[1], pic.size[0], -1).transpose(2, 0, 1)))


def convert_image_dtype(image, dtype=torchlike.float):
    """Convert a tensor image to ``dtype``, rescaling values to the new range."""
    if not _is_tensor(image):
        raise TypeError("Input img should be Tensor Image")
    return _tensor.convert_image_dtype(image, dtype)


def to_pil_image(pic, mode=None):
    """CHW tensor or HWC ndarray -> PIL image (floats are scaled by 255 and truncated to uint8)."""
    if _is_tensor(pic):
        npimg = np.asarray(pic._data)
        if npimg.ndim == 3:
            npimg = npimg.transpose(1, 2, 0)
    elif isinstance(pic, np.ndarray):
        npimg = pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if npimg.ndim == 2:
        npimg = npimg[:, :, None]
    if npimg.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {npimg.ndim} dimensions.")
    if npimg.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {npimg.shape[-1]} channels.")
    if np.issubdtype(npimg.dtype, np.floating) and mode != "F":
        npimg = (npimg * 255).astype(np.uint8)
    channels = npimg.shape[2]
    if channels == 1:
        npimg = npimg[:, :, 0]
        expected = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16" if sys.byteorder == "little" else "I;16B",
                    np.dtype(np.int32): "I", np.dtype(np.float32): "F"}.get(npimg.dtype)
        if mode is not None and mode != expected:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {np.dtype}. Should be {expected}")
        mode = expected
    else:
        permitted, default = {2: (["LA"], "LA"), 4: (["RGBA", "CMYK", "RGBX"], "RGBA"),
                              3: (["RGB", "YCbCr", "HSV"], "RGB")}[channels]
        if mode is not None and mode not in permitted:
            raise ValueError(f"Only modes {permitted} are supported for {'2D' if channels == 2 else f'{channels}D'} "
                             "inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = default
    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    return _pil.fromarray(npimg, mode)


def normalize(tensor, mean, std, inplace=False):
    """(tensor - mean) / std per channel of a float (..., C, H, W) tensor."""
    if not _is_tensor(tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    return _tensor.normalize(tensor, mean, std, inplace)


def compute_resized_output_size(image_size, size, max_size=None):
    """[new_h, new_w] for ``size`` = [h, w] or [shorter side] (aspect kept, capped by max_size)."""
    h, w = image_size
    short, long = (w, h) if w <= h else (h, w)
    if len(size) == 1:
        requested = size if isinstance(size, int) else size[0]
        new_short, new_long = requested, int(requested * long / short)
        if max_size is not None:
            if max_size <= requested:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for the "
                                 f"smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    else:
        new_w, new_h = size[1], size[0]
    return [new_h, new_w]


def check_resize_size(size, max_size):
    if isinstance(size, (list, tuple)):
        if len(size) not in (1, 2):
            raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element "
                             "tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of the smaller edge, i.e. "
                             "size should be an int or a sequence of length 1 in torchscript mode.")
    return [size] if isinstance(size, int) else size


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` ((h, w), or the shorter side). PIL images: Pillow's resampling
    (always antialiased); tensors: torch's interpolate, antialiased when ``antialias``."""
    interpolation = interpolation_mode(interpolation)
    size = check_resize_size(size, max_size)
    _, h, w = get_dimensions(img)
    output_size = compute_resized_output_size((h, w), size, max_size)
    if [h, w] == output_size:
        return img
    if not _is_tensor(img):
        if antialias is False:
            warnings.warn("Anti-alias option is always applied for PIL Image input. Argument antialias is ignored.")
        return _pil.resize(img, output_size, pil_modes_mapping[interpolation])
    return _tensor.resize(img, output_size, interpolation.value, antialias)


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad all sides; modes constant, edge, reflect, symmetric (negative padding crops)."""
    return _tensor.pad(img, padding, fill, padding_mode) if _is_tensor(img) else _pil.pad(img, padding, fill,
                                                                                          padding_mode)


def crop(img, top, left, height, width):
    """Crop the box at (top, left) of (height, width), zero-padding where it leaves the image."""
    return _tensor.crop(img, top, left, height, width) if _is_tensor(img) else _pil.crop(img, top, left, height,
                                                                                         width)


def center_crop_box(image_size, output_size):
    """(padding_ltrb or None, crop top, crop left) of torchvision's center_crop."""
    h, w = image_size
    ch, cw = output_size
    if cw > w or ch > h:
        ltrb = [(cw - w) // 2 if cw > w else 0, (ch - h) // 2 if ch > h else 0,
                (cw - w + 1) // 2 if cw > w else 0, (ch - h + 1) // 2 if ch > h else 0]
        h, w = h + ltrb[1] + ltrb[3], w + ltrb[0] + ltrb[2]
        return ltrb, int(round((h - ch) / 2.0)), int(round((w - cw) / 2.0))
    return None, int(round((h - ch) / 2.0)), int(round((w - cw) / 2.0))


def center_crop(img, output_size):
    """Crop the centre (h, w) box, zero-padding first when the image is smaller."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, h, w = get_dimensions(img)
    ch, cw = output_size
    ltrb, top, left = center_crop_box((h, w), (ch, cw))
    if ltrb is not None:
        img = pad(img, ltrb, fill=0)
        if (h + ltrb[1] + ltrb[3], w + ltrb[0] + ltrb[2]) == (ch, cw):
            return img
    return crop(img, top, left, ch, cw)


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def hflip(img):
    return _tensor.hflip(img) if _is_tensor(img) else _pil.hflip(img)


def vflip(img):
    return _tensor.vflip(img) if _is_tensor(img) else _pil.vflip(img)


def _check_center(center):
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")


def _tensor_center(img, center):
    """Centre in pixel coordinates relative to the image centre (tensor path)."""
    if center is None:
        return [0.0, 0.0]
    _, h, w = get_dimensions(img)
    return [1.0 * (c - s * 0.5) for c, s in zip(center, [w, h])]


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate by ``angle`` degrees counter-clockwise about ``center`` (default: image centre)."""
    interpolation = interpolation_mode(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    _check_center(center)
    if not _is_tensor(img):
        return _pil.rotate(img, angle, pil_modes_mapping[interpolation], expand, center, fill)
    matrix = _tensor.inverse_affine_matrix(_tensor_center(img, center), -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    return _tensor.rotate(img, matrix, interpolation.value, expand, fill)


def affine(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST, fill=None, center=None):
    """Affine transform keeping the image centre: rotation ``angle`` (degrees, clockwise),
    ``translate`` (pixels), ``scale``, ``shear`` (degrees; number or (x, y))."""
    interpolation = interpolation_mode(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    angle = float(angle)
    shear = [shear, 0.0] if isinstance(shear, numbers.Number) else list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    _check_center(center)
    _, h, w = get_dimensions(img)
    if not _is_tensor(img):
        center = [w * 0.5, h * 0.5] if center is None else center
        matrix = _tensor.inverse_affine_matrix(center, angle, list(translate), scale, shear)
        return _pil.affine(img, matrix, pil_modes_mapping[interpolation], fill)
    matrix = _tensor.inverse_affine_matrix(_tensor_center(img, center), angle, [1.0 * t for t in translate], scale,
                                           shear)
    return _tensor.affine(img, matrix, interpolation.value, fill)


def to_grayscale(img, num_output_channels=1):
    """PIL image -> grayscale ('L', or 'RGB' with equal bands when num_output_channels=3)."""
    if _pil.is_pil_image(img):
        return _pil.to_grayscale(img, num_output_channels)
    raise TypeError("Input should be PIL Image")


def rgb_to_grayscale(img, num_output_channels=1):
    """Grayscale of a PIL image or (..., 3, H, W) tensor (ITU-R 601-2 luma weights)."""
    if not _is_tensor(img):
        return _pil.to_grayscale(img, num_output_channels)
    return _tensor.rgb_to_grayscale(img, num_output_channels)
