"""torchvision.transforms._presets: the evaluation transform that a classification ``Weights`` entry
constructs (``weights.transforms()``)."""
from ... import float as _float
from ...nn import Module
from . import functional as F
from .functional import InterpolationMode

__all__ = ["ImageClassification"]


class ImageClassification(Module):
    """torchvision's ImageClassification preset: resize the shorter side to ``resize_size``, center-crop
    ``crop_size``, convert to float in [0, 1] and normalize by ``mean``/``std``. Accepts PIL images and
    (C, H, W) or (B, C, H, W) tensors; repr as torchvision's."""

    def __init__(self, *, crop_size, resize_size=256, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img):
        img = F.resize(img, self.resize_size, interpolation=self.interpolation, antialias=self.antialias)
        img = F.center_crop(img, self.crop_size)
        if not F._is_tensor(img):
            img = F.pil_to_tensor(img)
        img = F.convert_image_dtype(img, _float)
        return F.normalize(img, mean=self.mean, std=self.std)

    def __repr__(self):
        fields = (f"crop_size={self.crop_size}", f"resize_size={self.resize_size}", f"mean={self.mean}",
                  f"std={self.std}", f"interpolation={self.interpolation}")
        return self.__class__.__name__ + "(" + "".join("\n    " + f for f in fields) + "\n)"

    def describe(self):
        return ("Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image ``torch.Tensor`` "
                f"objects. The images are resized to ``resize_size={self.resize_size}`` using "
                f"``interpolation={self.interpolation}``, followed by a central crop of "
                f"``crop_size={self.crop_size}``. "
                f"Finally the values are first rescaled to ``[0.0, 1.0]`` and then normalized using "
                f"``mean={self.mean}`` and ``std={self.std}``.")
