"""torchvision.transforms classes: same constructors, reprs, errors and per-image results.

Random parameters come from torchlike's global generator (``torchlike.rand``/``randint``/
``uniform_``), as torchvision's come from torch's: ``torchlike.manual_seed`` makes them
reproducible, but the streams are not torch's.

Beyond torchvision, each deterministic transform has ``batch(x)``, applying it to a whole
batch at once: the first transform of a chain takes a uint8 ndarray (N, H, W) of 'L' PIL
images, or (N, H, W, C) of 'RGB' ones; after ToTensor/PILToTensor the batch is an
(N, C, H, W) tensor. ``t.batch(stack)`` equals stacking ``t(img)`` per image (Resize on
uint8 batches reproduces Pillow's fixed-point resampling exactly). ``Compose`` has
``batch`` only when every member has.
"""
import math
import numbers
import warnings
from collections.abc import Sequence

import jax.numpy as jnp
import numpy as np

import torchlike
from torchlike import Tensor, nn

from . import _resize, functional as F
from .functional import InterpolationMode, interpolation_mode

__all__ = ["Compose", "ToTensor", "PILToTensor", "ConvertImageDtype", "ToPILImage", "Normalize", "Resize",
           "CenterCrop", "Pad", "Lambda", "RandomCrop", "RandomHorizontalFlip", "RandomVerticalFlip",
           "RandomResizedCrop", "RandomRotation", "RandomAffine", "Grayscale", "InterpolationMode"]


def _uniform(low, high):
    return float(torchlike.empty(1).uniform_(low, high).item())


def _randint(low, high):
    return int(torchlike.randint(low, high, size=(1,)).item())


def _image_batch(x):
    """Check a PIL-layout uint8 batch: (N, H, W) or (N, H, W, C)."""
    if not isinstance(x, np.ndarray) or x.dtype != np.uint8 or x.ndim not in (3, 4):
        raise TypeError("batch() of the first transform expects a uint8 ndarray (N, H, W) or (N, H, W, C); got "
                        f"{type(x).__name__}{'' if not isinstance(x, np.ndarray) else f' {x.dtype} {x.shape}'}")
    return x


def _interpolation(interpolation):
    """torchvision's constructors accept Pillow ints and keep anything else as given."""
    return interpolation_mode(interpolation) if isinstance(interpolation, int) else interpolation


def _np_pad(x, ltrb, fill=0, padding_mode="constant"):
    """torchvision's PIL pad on a (N, H, W[, C]) batch: negative padding crops, constant
    fill per channel truncated to int, numpy's edge/reflect/symmetric otherwise."""
    p = np.asarray(ltrb)
    left, top, right, bottom = -np.minimum(p, 0)
    x = x[:, top:x.shape[1] - bottom, left:x.shape[2] - right]
    left, top, right, bottom = (int(v) for v in np.maximum(p, 0))
    widths = ((0, 0), (top, bottom), (left, right)) + ((0, 0),) * (x.ndim - 3)
    if padding_mode != "constant":
        return np.pad(x, widths, padding_mode)
    fills = np.broadcast_to(np.asarray(fill if fill is not None else 0, np.float64).astype(np.int64),
                            (x.shape[3] if x.ndim == 4 else 1,))
    if x.ndim == 3:
        return np.pad(x, widths, constant_values=fills[0])
    return np.stack([np.pad(x[..., c], widths[:3], constant_values=fills[c]) for c in range(x.shape[3])], -1)


class Compose:
    """Chain transforms: ``Compose([t1, t2])(img) == t2(t1(img))``."""

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __getattr__(self, name):
        if name == "batch" and all(hasattr(t, "batch") for t in self.__dict__.get("transforms", ())):
            return self._batch
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def _batch(self, x):
        for t in self.transforms:
            x = t.batch(x)
        return x

    def __repr__(self):
        return self.__class__.__name__ + "(" + "".join(f"\n    {t}" for t in self.transforms) + "\n)"


class ToTensor:
    """PIL image / HWC ndarray -> CHW float tensor in [0, 1] (uint8 data divided by 255)."""

    def __call__(self, pic):
        return F.to_tensor(pic)

    def batch(self, x):
        x = _image_batch(x)
        x = x[:, None] if x.ndim == 3 else x.transpose(0, 3, 1, 2)
        return Tensor._from_array(jnp.asarray(F._scaled(np.ascontiguousarray(x))))

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class PILToTensor:
    """PIL image -> CHW tensor of its own dtype, values unchanged."""

    def __call__(self, pic):
        return F.pil_to_tensor(pic)

    def batch(self, x):
        x = _image_batch(x)
        return Tensor._from_array(jnp.asarray(x[:, None] if x.ndim == 3 else x.transpose(0, 3, 1, 2)))

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class ConvertImageDtype(nn.Module):
    """Convert a tensor image to ``dtype``, rescaling values."""

    def __init__(self, dtype):
        super().__init__()
        self.dtype = dtype

    def forward(self, image):
        return F.convert_image_dtype(image, self.dtype)

    batch = forward


class ToPILImage:
    """CHW tensor / HWC ndarray -> PIL image."""

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self):
        return self.__class__.__name__ + "(" + (f"mode={self.mode}" if self.mode is not None else "") + ")"


class Normalize(nn.Module):
    """(tensor - mean) / std per channel."""

    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean, self.std, self.inplace = mean, std, inplace

    def forward(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    batch = forward

    def __repr__(self):
        return f"{self.__class__.__name__}(mean={self.mean}, std={self.std})"


class Resize(nn.Module):
    """Resize to ``size`` ((h, w) or shorter side) with ``interpolation``; PIL images use
    Pillow's resampling, tensors torch's interpolate."""

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
        super().__init__()
        if not isinstance(size, (int, Sequence)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size, self.max_size, self.antialias = size, max_size, antialias
        self.interpolation = _interpolation(interpolation)

    def forward(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def batch(self, x):
        if isinstance(x, Tensor):
            return self.forward(x)
        x = _image_batch(x)
        size = F.check_resize_size(self.size, self.max_size)
        output_size = F.compute_resized_output_size(x.shape[1:3], size, self.max_size)
        mode = self.interpolation.value
        return _resize.pil_resize_uint8(x, tuple(output_size), "nearest" if mode.startswith("nearest") else mode)

    def __repr__(self):
        return (f"{self.__class__.__name__}(size={self.size}, interpolation={self.interpolation.value}, "
                f"max_size={self.max_size}, antialias={self.antialias})")


def _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size."):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size


class CenterCrop(nn.Module):
    """Crop the centre (h, w) box (zero-padding smaller images)."""

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size)

    def forward(self, img):
        return F.center_crop(img, self.size)

    def batch(self, x):
        if isinstance(x, Tensor):
            return self.forward(x)
        x = _image_batch(x)
        ch, cw = self.size
        ltrb, top, left = F.center_crop_box(x.shape[1:3], (ch, cw))
        if ltrb is not None:
            x = _np_pad(x, ltrb)
        return x[:, top:top + ch, left:left + cw].copy()

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size})"


class Pad(nn.Module):
    """Pad all sides by ``padding`` with ``fill`` or by edge/reflect/symmetric."""

    def __init__(self, padding, fill=0, padding_mode="constant"):
        super().__init__()
        if not isinstance(padding, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate padding arg")
        if not isinstance(fill, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate fill arg")
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        if isinstance(padding, Sequence) and len(padding) not in (1, 2, 4):
            raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element "
                             "tuple")
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def forward(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def batch(self, x):
        if isinstance(x, Tensor):
            return self.forward(x)
        from ._pil import ltrb
        return _np_pad(_image_batch(x), ltrb(self.padding), self.fill, self.padding_mode)

    def __repr__(self):
        return f"{self.__class__.__name__}(padding={self.padding}, fill={self.fill}, padding_mode={self.padding_mode})"


class Lambda:
    """Apply a user function."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class RandomCrop(nn.Module):
    """Crop a random (h, w) box, after optional padding / padding up to the crop size."""

    @staticmethod
    def get_params(img, output_size):
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size {(h, w)}")
        if w == tw and h == th:
            return 0, 0, h, w
        return _randint(0, h - th + 1), _randint(0, w - tw + 1), th, tw

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        super().__init__()
        self.size = tuple(_setup_size(size))
        self.padding, self.pad_if_needed, self.fill, self.padding_mode = padding, pad_if_needed, fill, padding_mode

    def forward(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = F.get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        i, j, h, w = self.get_params(img, self.size)
        return F.crop(img, i, j, h, w)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size}, padding={self.padding})"


class RandomHorizontalFlip(nn.Module):
    """Flip left-right with probability ``p``."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        return F.hflip(img) if float(torchlike.rand(1)) < self.p else img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class RandomVerticalFlip(RandomHorizontalFlip):
    """Flip top-bottom with probability ``p``."""

    def forward(self, img):
        return F.vflip(img) if float(torchlike.rand(1)) < self.p else img


class RandomResizedCrop(nn.Module):
    """Crop a random area/aspect-ratio box and resize it to ``size``."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.size = _setup_size(size)
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        self.interpolation, self.antialias = _interpolation(interpolation), antialias
        self.scale, self.ratio = scale, ratio

    @staticmethod
    def get_params(img, scale, ratio):
        _, height, width = F.get_dimensions(img)
        area = height * width
        log_ratio = (float(np.log(np.float32(ratio[0]))), float(np.log(np.float32(ratio[1]))))
        for _ in range(10):
            target_area = area * _uniform(scale[0], scale[1])
            aspect_ratio = math.exp(_uniform(*log_ratio))
            w = int(round(math.sqrt(target_area * aspect_ratio)))
            h = int(round(math.sqrt(target_area / aspect_ratio)))
            if 0 < w <= width and 0 < h <= height:
                return _randint(0, height - h + 1), _randint(0, width - w + 1), h, w
        in_ratio = float(width) / float(height)
        if in_ratio < min(ratio):
            w, h = width, int(round(width / min(ratio)))
        elif in_ratio > max(ratio):
            h, w = height, int(round(height * max(ratio)))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def forward(self, img):
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, i, j, h, w, self.size, self.interpolation, antialias=self.antialias)

    def __repr__(self):
        return (f"{self.__class__.__name__}(size={self.size}, scale={tuple(round(s, 4) for s in self.scale)}, "
                f"ratio={tuple(round(r, 4) for r in self.ratio)}, interpolation={self.interpolation.value}, "
                f"antialias={self.antialias})")


def _check_sequence_input(x, name, req_sizes):
    msg = req_sizes[0] if len(req_sizes) < 2 else " or ".join(str(s) for s in req_sizes)
    if not isinstance(x, Sequence):
        raise TypeError(f"{name} should be a sequence of length {msg}.")
    if len(x) not in req_sizes:
        raise ValueError(f"{name} should be a sequence of length {msg}.")


def _setup_angle(x, name, req_sizes=(2,)):
    if isinstance(x, numbers.Number):
        if x < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        x = [-x, x]
    else:
        _check_sequence_input(x, name, req_sizes)
    return [float(d) for d in x]


def _setup_fill(fill):
    if fill is None:
        return 0
    if not isinstance(fill, (Sequence, numbers.Number)):
        raise TypeError("Fill should be either a sequence or a number.")
    return fill


def _tensor_fill(img, fill):
    """torchvision passes tensor images a per-channel float list."""
    if not isinstance(img, Tensor):
        return fill
    channels = F.get_dimensions(img)[0]
    return [float(fill)] * channels if isinstance(fill, (int, float)) else [float(f) for f in fill]


class RandomRotation(nn.Module):
    """Rotate by an angle drawn uniformly from ``degrees``."""

    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=0):
        super().__init__()
        self.interpolation = _interpolation(interpolation)
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center, self.expand, self.fill = center, expand, _setup_fill(fill)

    @staticmethod
    def get_params(degrees):
        return _uniform(float(degrees[0]), float(degrees[1]))

    def forward(self, img):
        fill = _tensor_fill(img, self.fill)
        return F.rotate(img, self.get_params(self.degrees), self.interpolation, self.expand, self.center, fill)

    def __repr__(self):
        s = f"{self.__class__.__name__}(degrees={self.degrees}, interpolation={self.interpolation.value}"
        s += f", expand={self.expand}"
        s += f", center={self.center}" if self.center is not None else ""
        s += f", fill={self.fill}" if self.fill is not None else ""
        return s + ")"


class RandomAffine(nn.Module):
    """Random rotation, translation, scale and shear keeping the image centre."""

    def __init__(self, degrees, translate=None, scale=None, shear=None, interpolation=InterpolationMode.NEAREST,
                 fill=0, center=None):
        super().__init__()
        self.interpolation = _interpolation(interpolation)
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if translate is not None:
            _check_sequence_input(translate, "translate", req_sizes=(2,))
            if not all(0.0 <= t <= 1.0 for t in translate):
                raise ValueError("translation values should be between 0 and 1")
        if scale is not None:
            _check_sequence_input(scale, "scale", req_sizes=(2,))
            if any(s <= 0 for s in scale):
                raise ValueError("scale values should be positive")
        self.translate, self.scale = translate, scale
        self.shear = _setup_angle(shear, name="shear", req_sizes=(2, 4)) if shear is not None else None
        self.fill = _setup_fill(fill)
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    @staticmethod
    def get_params(degrees, translate, scale_ranges, shears, img_size):
        angle = _uniform(float(degrees[0]), float(degrees[1]))
        if translate is not None:
            max_dx, max_dy = float(translate[0] * img_size[0]), float(translate[1] * img_size[1])
            translations = (int(round(_uniform(-max_dx, max_dx))), int(round(_uniform(-max_dy, max_dy))))
        else:
            translations = (0, 0)
        scale = _uniform(scale_ranges[0], scale_ranges[1]) if scale_ranges is not None else 1.0
        shear_x = shear_y = 0.0
        if shears is not None:
            shear_x = _uniform(shears[0], shears[1])
            if len(shears) == 4:
                shear_y = _uniform(shears[2], shears[3])
        return angle, translations, scale, (shear_x, shear_y)

    def forward(self, img):
        fill = _tensor_fill(img, self.fill)
        _, height, width = F.get_dimensions(img)
        params = self.get_params(self.degrees, self.translate, self.scale, self.shear, [width, height])
        return F.affine(img, *params, interpolation=self.interpolation, fill=fill, center=self.center)

    def __repr__(self):
        s = f"{self.__class__.__name__}(degrees={self.degrees}"
        s += f", translate={self.translate}" if self.translate is not None else ""
        s += f", scale={self.scale}" if self.scale is not None else ""
        s += f", shear={self.shear}" if self.shear is not None else ""
        s += f", interpolation={self.interpolation.value}" if self.interpolation != InterpolationMode.NEAREST else ""
        s += f", fill={self.fill}" if self.fill != 0 else ""
        s += f", center={self.center}" if self.center is not None else ""
        return s + ")"


class Grayscale(nn.Module):
    """Convert to grayscale with 1 or 3 output channels."""

    def __init__(self, num_output_channels=1):
        super().__init__()
        self.num_output_channels = num_output_channels

    def forward(self, img):
        return F.rgb_to_grayscale(img, num_output_channels=self.num_output_channels)

    def batch(self, x):
        if isinstance(x, Tensor):
            return self.forward(x)
        x = _image_batch(x)
        if self.num_output_channels not in (1, 3):
            raise ValueError("num_output_channels should be either 1 or 3")
        if x.ndim == 4:  # Pillow's RGB -> L: ITU-R 601-2 luma in 16-bit fixed point, rounded
            rgb = x[..., :3].astype(np.uint32)
            x = ((rgb[..., 0] * 19595 + rgb[..., 1] * 38470 + rgb[..., 2] * 7471 + 0x8000) >> 16).astype(np.uint8)
        return np.stack([x] * 3, -1) if self.num_output_channels == 3 else x.copy()

    def __repr__(self):
        return f"{self.__class__.__name__}(num_output_channels={self.num_output_channels})"
