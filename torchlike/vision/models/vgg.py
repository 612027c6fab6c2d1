"""torchvision.models.vgg: VGG 11/13/16/19 with and without BatchNorm, module names, initialisation,
builders and weights enums as in torchvision 0.29."""
from functools import partial

from ... import flatten, nn
from ..transforms._presets import ImageClassification
from ._api import Weights, WeightsEnum
from ._meta import _IMAGENET_CATEGORIES
from ._utils import _builder, _with_weights

__all__ = ["VGG", "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights", "VGG16_Weights",
           "VGG16_BN_Weights", "VGG19_Weights", "VGG19_BN_Weights", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16",
           "vgg16_bn", "vgg19", "vgg19_bn"]


class VGG(nn.Module):
    """torchvision's VGG: ``features``, adaptive average pooling to 7x7 and a three-layer classifier with
    dropout; ``init_weights`` applies kaiming-normal (fan_out) convolutions and N(0, 0.01) linear weights."""

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes))
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.classifier(flatten(self.avgpool(self.features(x)), 1))


def make_layers(cfg, batch_norm=False):
    """The ``features`` stack of a VGG configuration: 3x3 convolutions (+ BatchNorm) + ReLU, "M" a 2x2 max pool."""
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(v))
        layers.append(nn.ReLU(inplace=True))
        in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def _vgg(cfg, batch_norm, weights, progress, **kwargs):
    if weights is not None:
        kwargs["init_weights"] = False
    return _with_weights(VGG, weights, progress, make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)


_COMMON_META = {"min_size": (32, 32), "categories": _IMAGENET_CATEGORIES}


class VGG11_Weights(WeightsEnum):
    """Pretrained weights of ``vgg11`` (torchvision's entries)."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg11-8a719046.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "recipe": ("https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg"),
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 132863336,
            "_metrics": {"ImageNet-1K": {"acc@1": 69.02, "acc@5": 88.628}},
            "_ops": 7.609,
            "_file_size": 506.84,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG11_BN_Weights(WeightsEnum):
    """Pretrained weights of ``vgg11_bn`` (torchvision's entries)."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg11_bn-6002323d.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "recipe": ("https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg"),
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 132868840,
            "_metrics": {"ImageNet-1K": {"acc@1": 70.37, "acc@5": 89.81}},
            "_ops": 7.609,
            "_file_size": 506.881,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG13_Weights(WeightsEnum):
    """Pretrained weights of ``vgg13`` (torchvision's entries)."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg13-19584684.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "recipe": ("https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg"),
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 133047848,
            "_metrics": {"ImageNet-1K": {"acc@1": 69.928, "acc@5": 89.246}},
            "_ops": 11.308,
            "_file_size": 507.545,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG13_BN_Weights(WeightsEnum):
    """Pretrained weights of ``vgg13_bn`` (torchvision's entries)."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg13_bn-abd245e5.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "recipe": ("https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg"),
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 133053736,
            "_metrics": {"ImageNet-1K": {"acc@1": 71.586, "acc@5": 90.374}},
            "_ops": 11.308,
            "_file_size": 507.59,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG16_Weights(WeightsEnum):
    """Pretrained weights of ``vgg16`` (torchvision's entries)."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg16-397923af.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "recipe": ("https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg"),
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 138357544,
            "_metrics": {"ImageNet-1K": {"acc@1": 71.592, "acc@5": 90.382}},
            "_ops": 15.47,
            "_file_size": 527.796,
        },
    )
    IMAGENET1K_FEATURES = Weights(
        url="https://download.pytorch.org/models/vgg16_features-amdegroot-88682ab5.pth",
        transforms=partial(ImageClassification, crop_size=224,
                           mean=(0.48235, 0.45882, 0.40784),
                           std=(0.00392156862745098, 0.00392156862745098, 0.00392156862745098)),
        meta={
            **_COMMON_META,
            "categories": None,
            "recipe": "https://github.com/amdegroot/ssd.pytorch#training-ssd",
            "_docs": ("These weights can't be used for classification because they are missing values "
                "in the `classifier` module. Only the `features` module has valid values and can "
                "be used for feature extraction. The weights were trained using the original "
                "input standardization method as described in the paper."),
            "num_params": 138357544,
            "_metrics": {"ImageNet-1K": {"acc@1": float("nan"), "acc@5": float("nan")}},
            "_ops": 15.47,
            "_file_size": 527.802,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG16_BN_Weights(WeightsEnum):
    """Pretrained weights of ``vgg16_bn`` (torchvision's entries)."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg16_bn-6c64b313.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "recipe": ("https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg"),
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 138365992,
            "_metrics": {"ImageNet-1K": {"acc@1": 73.36, "acc@5": 91.516}},
            "_ops": 15.47,
            "_file_size": 527.866,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG19_Weights(WeightsEnum):
    """Pretrained weights of ``vgg19`` (torchvision's entries)."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg19-dcbb9e9d.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "recipe": ("https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg"),
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 143667240,
            "_metrics": {"ImageNet-1K": {"acc@1": 72.376, "acc@5": 90.876}},
            "_ops": 19.632,
            "_file_size": 548.051,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG19_BN_Weights(WeightsEnum):
    """Pretrained weights of ``vgg19_bn`` (torchvision's entries)."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg19_bn-c79401a0.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "recipe": ("https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg"),
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 143678248,
            "_metrics": {"ImageNet-1K": {"acc@1": 74.218, "acc@5": 91.842}},
            "_ops": 19.632,
            "_file_size": 548.143,
        },
    )
    DEFAULT = IMAGENET1K_V1


def _vgg_builder(name, cfg, batch_norm, weights_enum):
    doc = (f"torchvision.models.{name}: VGG configuration {cfg}{' with BatchNorm' if batch_norm else ''}, "
           f"optional pretrained ``weights`` ({weights_enum.__name__}).")
    return _builder(__name__, name, weights_enum, partial(_vgg, cfg, batch_norm), doc)


vgg11 = _vgg_builder("vgg11", "A", False, VGG11_Weights)
vgg11_bn = _vgg_builder("vgg11_bn", "A", True, VGG11_BN_Weights)
vgg13 = _vgg_builder("vgg13", "B", False, VGG13_Weights)
vgg13_bn = _vgg_builder("vgg13_bn", "B", True, VGG13_BN_Weights)
vgg16 = _vgg_builder("vgg16", "D", False, VGG16_Weights)
vgg16_bn = _vgg_builder("vgg16_bn", "D", True, VGG16_BN_Weights)
vgg19 = _vgg_builder("vgg19", "E", False, VGG19_Weights)
vgg19_bn = _vgg_builder("vgg19_bn", "E", True, VGG19_BN_Weights)
