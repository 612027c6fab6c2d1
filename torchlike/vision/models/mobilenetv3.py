"""torchvision.models.mobilenetv3: MobileNetV3 (large and small), its block configuration and inverted residual
block, builders and weights enums as in torchvision 0.29 (module names, initialisation, errors)."""
from functools import partial

from ... import flatten, nn
from ..ops.misc import Conv2dNormActivation
from ..ops.misc import SqueezeExcitation as SElayer
from ..transforms._presets import ImageClassification
from ._api import Weights, WeightsEnum
from ._meta import _IMAGENET_CATEGORIES
from ._utils import _builder, _make_divisible, _with_weights
from .mobilenetv2 import _init_mobilenet

__all__ = ["MobileNetV3", "MobileNet_V3_Large_Weights", "MobileNet_V3_Small_Weights", "mobilenet_v3_large",
           "mobilenet_v3_small"]


class InvertedResidualConfig:
    """One MobileNetV3 block's configuration; channel counts scaled by ``width_mult`` and made divisible by 8,
    ``activation`` "HS" (hardswish) or "RE" (ReLU)."""

    def __init__(self, input_channels, kernel, expanded_channels, out_channels, use_se, activation, stride,
                 dilation, width_mult):
        self.input_channels = self.adjust_channels(input_channels, width_mult)
        self.kernel = kernel
        self.expanded_channels = self.adjust_channels(expanded_channels, width_mult)
        self.out_channels = self.adjust_channels(out_channels, width_mult)
        self.use_se = use_se
        self.use_hs = activation == "HS"
        self.stride = stride
        self.dilation = dilation

    @staticmethod
    def adjust_channels(channels, width_mult):
        """``channels * width_mult`` made divisible by 8."""
        return _make_divisible(channels * width_mult, 8)


_SE_HARDSIGMOID = partial(SElayer, scale_activation=nn.Hardsigmoid)


class InvertedResidual(nn.Module):
    """MobileNetV3's block: optional 1x1 expansion, depthwise convolution (stride or dilation), optional
    squeeze-and-excitation with a hardsigmoid scale, linear 1x1 projection, residual when shapes allow."""

    def __init__(self, cnf, norm_layer, se_layer=_SE_HARDSIGMOID):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        layers = []
        activation_layer = nn.Hardswish if cnf.use_hs else nn.ReLU
        if cnf.expanded_channels != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, cnf.expanded_channels, kernel_size=1,
                                               norm_layer=norm_layer, activation_layer=activation_layer))
        stride = 1 if cnf.dilation > 1 else cnf.stride
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.expanded_channels, kernel_size=cnf.kernel,
                                           stride=stride, dilation=cnf.dilation, groups=cnf.expanded_channels,
                                           norm_layer=norm_layer, activation_layer=activation_layer))
        if cnf.use_se:
            layers.append(se_layer(cnf.expanded_channels, _make_divisible(cnf.expanded_channels // 4, 8)))
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.out_channels, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.out_channels = cnf.out_channels
        self._is_cn = cnf.stride > 1

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result += input
        return result


class MobileNetV3(nn.Module):
    """torchvision's MobileNetV3 from a list of InvertedResidualConfig and the classifier width
    ``last_channel``; BatchNorm eps 0.001 / momentum 0.01 by default; MobileNet initialisation. Extra keyword
    arguments are ignored, as torchvision does."""

    def __init__(self, inverted_residual_setting, last_channel, num_classes=1000, block=None, norm_layer=None,
                 dropout=0.2, **kwargs):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (isinstance(inverted_residual_setting, list)
                and all(isinstance(s, InvertedResidualConfig) for s in inverted_residual_setting)):
            raise TypeError("The inverted_residual_setting should be List[InvertedResidualConfig]")
        if block is None:
            block = InvertedResidual
        if norm_layer is None:
            norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        firstconv_output_channels = inverted_residual_setting[0].input_channels
        layers = [Conv2dNormActivation(3, firstconv_output_channels, kernel_size=3, stride=2, norm_layer=norm_layer,
                                       activation_layer=nn.Hardswish)]
        layers += [block(cnf, norm_layer) for cnf in inverted_residual_setting]
        lastconv_input_channels = inverted_residual_setting[-1].out_channels
        lastconv_output_channels = 6 * lastconv_input_channels
        layers.append(Conv2dNormActivation(lastconv_input_channels, lastconv_output_channels, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            nn.Linear(lastconv_output_channels, last_channel), nn.Hardswish(inplace=True),
            nn.Dropout(p=dropout, inplace=True), nn.Linear(last_channel, num_classes))
        _init_mobilenet(self)

    def forward(self, x):
        return self.classifier(flatten(self.avgpool(self.features(x)), 1))


def _mobilenet_v3_conf(arch, width_mult=1.0, reduced_tail=False, dilated=False):
    """The block configurations and classifier width of ``arch`` ("mobilenet_v3_large" or "_small")."""
    reduce_divider = 2 if reduced_tail else 1
    dilation = 2 if dilated else 1
    bneck_conf = partial(InvertedResidualConfig, width_mult=width_mult)
    adjust_channels = partial(InvertedResidualConfig.adjust_channels, width_mult=width_mult)
    if arch == "mobilenet_v3_large":
        c4, e4 = 160 // reduce_divider, 960 // reduce_divider
        setting = [
            bneck_conf(16, 3, 16, 16, False, "RE", 1, 1),
            bneck_conf(16, 3, 64, 24, False, "RE", 2, 1),
            bneck_conf(24, 3, 72, 24, False, "RE", 1, 1),
            bneck_conf(24, 5, 72, 40, True, "RE", 2, 1),
            bneck_conf(40, 5, 120, 40, True, "RE", 1, 1),
            bneck_conf(40, 5, 120, 40, True, "RE", 1, 1),
            bneck_conf(40, 3, 240, 80, False, "HS", 2, 1),
            bneck_conf(80, 3, 200, 80, False, "HS", 1, 1),
            bneck_conf(80, 3, 184, 80, False, "HS", 1, 1),
            bneck_conf(80, 3, 184, 80, False, "HS", 1, 1),
            bneck_conf(80, 3, 480, 112, True, "HS", 1, 1),
            bneck_conf(112, 3, 672, 112, True, "HS", 1, 1),
            bneck_conf(112, 5, 672, c4, True, "HS", 2, dilation),
            bneck_conf(c4, 5, e4, c4, True, "HS", 1, dilation),
            bneck_conf(c4, 5, e4, c4, True, "HS", 1, dilation),
        ]
        last_channel = adjust_channels(1280 // reduce_divider)
    elif arch == "mobilenet_v3_small":
        c4, e4 = 96 // reduce_divider, 576 // reduce_divider
        setting = [
            bneck_conf(16, 3, 16, 16, True, "RE", 2, 1),
            bneck_conf(16, 3, 72, 24, False, "RE", 2, 1),
            bneck_conf(24, 3, 88, 24, False, "RE", 1, 1),
            bneck_conf(24, 5, 96, 40, True, "HS", 2, 1),
            bneck_conf(40, 5, 240, 40, True, "HS", 1, 1),
            bneck_conf(40, 5, 240, 40, True, "HS", 1, 1),
            bneck_conf(40, 5, 120, 48, True, "HS", 1, 1),
            bneck_conf(48, 5, 144, 48, True, "HS", 1, 1),
            bneck_conf(48, 5, 288, c4, True, "HS", 2, dilation),
            bneck_conf(c4, 5, e4, c4, True, "HS", 1, dilation),
            bneck_conf(c4, 5, e4, c4, True, "HS", 1, dilation),
        ]
        last_channel = adjust_channels(1024 // reduce_divider)
    else:
        raise ValueError(f"Unsupported model type {arch}")
    return setting, last_channel


def _mobilenet_v3(arch, weights, progress, **kwargs):
    """Build ``arch``; ``width_mult``, ``_reduced_tail`` and ``_dilated`` select the configuration (and, as in
    torchvision, also reach MobileNetV3, which ignores them)."""
    setting, last_channel = _mobilenet_v3_conf(arch, kwargs.get("width_mult", 1.0),
                                               kwargs.get("_reduced_tail", False), kwargs.get("_dilated", False))
    return _with_weights(MobileNetV3, weights, progress, setting, last_channel, **kwargs)


class MobileNet_V3_Large_Weights(WeightsEnum):
    """Pretrained weights of ``mobilenet_v3_large`` (torchvision's entries)."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/mobilenet_v3_large-8738ca79.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            "categories": _IMAGENET_CATEGORIES,
            "min_size": (1, 1),
            "num_params": 5483032,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#mobilenetv3-large--small",
            "_metrics": {"ImageNet-1K": {"acc@1": 74.042, "acc@5": 91.34}},
            "_ops": 0.217,
            "_file_size": 21.114,
            "_docs": "These weights were trained from scratch by using a simple training recipe.",
        },
    )
    IMAGENET1K_V2 = Weights(
        url="https://download.pytorch.org/models/mobilenet_v3_large-5c1a4163.pth",
        transforms=partial(ImageClassification, crop_size=224, resize_size=232),
        meta={
            "categories": _IMAGENET_CATEGORIES,
            "min_size": (1, 1),
            "num_params": 5483032,
            "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe-with-reg-tuning",
            "_metrics": {"ImageNet-1K": {"acc@1": 75.274, "acc@5": 92.566}},
            "_ops": 0.217,
            "_file_size": 21.107,
            "_docs": "\n                These weights improve marginally upon the results of the original paper by using a modified version of\n                TorchVision's `new training recipe\n                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n            ",
        },
    )
    DEFAULT = IMAGENET1K_V2


class MobileNet_V3_Small_Weights(WeightsEnum):
    """Pretrained weights of ``mobilenet_v3_small`` (torchvision's entries)."""

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/mobilenet_v3_small-047dcff4.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            "categories": _IMAGENET_CATEGORIES,
            "min_size": (1, 1),
            "num_params": 2542856,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#mobilenetv3-large--small",
            "_metrics": {"ImageNet-1K": {"acc@1": 67.668, "acc@5": 87.402}},
            "_ops": 0.057,
            "_file_size": 9.829,
            "_docs": "\n                These weights improve upon the results of the original paper by using a simple training recipe.\n            ",
        },
    )
    DEFAULT = IMAGENET1K_V1

mobilenet_v3_large = _builder(__name__, "mobilenet_v3_large", MobileNet_V3_Large_Weights,
                              partial(_mobilenet_v3, "mobilenet_v3_large"),
                              "torchvision.models.mobilenet_v3_large: MobileNetV3-Large with optional pretrained "
                              "``weights`` (MobileNet_V3_Large_Weights).")
mobilenet_v3_small = _builder(__name__, "mobilenet_v3_small", MobileNet_V3_Small_Weights,
                              partial(_mobilenet_v3, "mobilenet_v3_small"),
                              "torchvision.models.mobilenet_v3_small: MobileNetV3-Small with optional pretrained "
                              "``weights`` (MobileNet_V3_Small_Weights).")
