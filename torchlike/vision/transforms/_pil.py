"""The PIL-image half of ``transforms.functional``: each op calls Pillow as torchvision's
``_functional_pil`` does (same PIL methods, arguments and fill parsing), so results are
Pillow's own."""
import numbers

import numpy as np
from PIL import Image, ImageOps


def is_pil_image(img):
    return isinstance(img, Image.Image)


def _check(img):
    if not is_pil_image(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def get_dimensions(img):
    if is_pil_image(img):
        width, height = img.size
        return [len(img.getbands()), height, width]
    raise TypeError(f"Unexpected type {type(img)}")


def get_image_size(img):
    if is_pil_image(img):
        return list(img.size)
    raise TypeError(f"Unexpected type {type(img)}")


def get_image_num_channels(img):
    if is_pil_image(img):
        return len(img.getbands())
    raise TypeError(f"Unexpected type {type(img)}")


def fromarray(array, mode):
    """``Image.fromarray`` with an explicit mode, via ``frombuffer`` (Pillow 11.3+ deprecates
    the mode argument of fromarray)."""
    array = np.ascontiguousarray(array)
    return Image.frombuffer(mode, (array.shape[1], array.shape[0]), array.tobytes(), "raw", mode, 0, 1)


def hflip(img):
    _check(img)
    return img.transpose(Image.FLIP_LEFT_RIGHT)


def vflip(img):
    _check(img)
    return img.transpose(Image.FLIP_TOP_BOTTOM)


def parse_fill(fill, img, name="fillcolor"):
    """torchvision's fill normalisation for PIL: one value per band, ints unless mode 'F'."""
    num_channels = get_image_num_channels(img)
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and num_channels > 1:
        fill = tuple([fill] * num_channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = fill * num_channels
        elif len(fill) != num_channels:
            raise ValueError("The number of elements in 'fill' does not match the number of channels of the image "
                             f"({len(fill)} != {num_channels})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}


def ltrb(padding):
    """An int or 1/2/4-sequence of paddings as [left, top, right, bottom]."""
    if isinstance(padding, numbers.Number):
        return [padding] * 4
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    return list(padding)


def check_pad_args(padding, fill, padding_mode, fill_types=(numbers.Number, tuple, list)):
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if fill is not None and not isinstance(fill, fill_types):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2, 4):
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")


def pad(img, padding, fill=0, padding_mode="constant"):
    _check(img)
    check_pad_args(padding, fill, padding_mode)
    if isinstance(padding, (tuple, list)) and len(padding) == 1:
        padding = padding[0]
    if padding_mode == "constant":
        border = tuple(padding) if isinstance(padding, list) else padding
        out = ImageOps.expand(img, border=border, **parse_fill(fill, img, name="fill"))
        if img.mode == "P":
            out.putpalette(img.getpalette())
        return out
    p = np.asarray(ltrb(padding))
    left, top, right, bottom = -np.minimum(p, 0)
    if (p < 0).any():
        img = img.crop((left, top, img.width - right, img.height - bottom))
    left, top, right, bottom = (int(v) for v in np.maximum(p, 0))
    array = np.asarray(img)
    widths = ((top, bottom), (left, right)) + ((0, 0),) * (array.ndim - 2)
    out = Image.fromarray(np.pad(array, widths, padding_mode))
    if img.mode == "P":
        out.putpalette(img.getpalette())
    return out


def crop(img, top, left, height, width):
    _check(img)
    return img.crop((left, top, left + width, top + height))


def resize(img, size, interpolation):
    _check(img)
    if not (isinstance(size, list) and len(size) == 2):
        raise TypeError(f"Got inappropriate size arg: {size}")
    return img.resize(tuple(size[::-1]), interpolation)


def affine(img, matrix, interpolation=Image.NEAREST, fill=None):
    _check(img)
    return img.transform(img.size, Image.AFFINE, matrix, interpolation, **parse_fill(fill, img))


def rotate(img, angle, interpolation=Image.NEAREST, expand=False, center=None, fill=None):
    _check(img)
    return img.rotate(angle, interpolation, expand, center, **parse_fill(fill, img))


def to_grayscale(img, num_output_channels):
    _check(img)
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    img = img.convert("L")
    if num_output_channels == 3:
        gray = np.asarray(img, dtype=np.uint8)
        img = fromarray(np.dstack([gray, gray, gray]), "RGB")
    return img
