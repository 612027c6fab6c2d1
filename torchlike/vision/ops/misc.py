"""torchvision.ops.misc: convolution + normalisation + activation blocks, squeeze-and-excitation, MLP and
Permute, with torchvision 0.29's constructor arguments, defaults and submodule names (so state-dict keys and
repr match)."""
from ... import nn, permute

__all__ = ["MLP", "Conv2dNormActivation", "Conv3dNormActivation", "Permute", "SqueezeExcitation"]


def _inplace_kwargs(inplace):
    return {} if inplace is None else {"inplace": inplace}


class ConvNormActivation(nn.Sequential):
    """A convolution (``conv_layer``), then ``norm_layer(out_channels)`` and ``activation_layer`` when not None,
    as torchvision's: padding defaults to "same" for odd kernels, bias defaults to ``norm_layer is None``."""

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None,
                 conv_layer=nn.Conv2d):
        if padding is None:
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                dims = len(kernel_size) if isinstance(kernel_size, (list, tuple)) else len(dilation)
                kernel_size = _ntuple(kernel_size, dims)
                dilation = _ntuple(dilation, dims)
                padding = tuple((kernel_size[i] - 1) // 2 * dilation[i] for i in range(dims))
        if bias is None:
            bias = norm_layer is None
        layers = [conv_layer(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation,
                             groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(**_inplace_kwargs(inplace)))
        super().__init__(*layers)
        self.out_channels = out_channels


def _ntuple(value, n):
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * n


class Conv2dNormActivation(ConvNormActivation):
    """torchvision's Conv2d + BatchNorm2d + ReLU block (norm and activation configurable or None)."""

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer,
                         activation_layer, dilation, inplace, bias, nn.Conv2d)


class Conv3dNormActivation(ConvNormActivation):
    """torchvision's Conv3d + BatchNorm3d + ReLU block (norm and activation configurable or None)."""

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm3d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer,
                         activation_layer, dilation, inplace, bias, nn.Conv3d)


class SqueezeExcitation(nn.Module):
    """torchvision's squeeze-and-excitation block: global average pool, ``fc1`` (1x1 conv to
    ``squeeze_channels``), ``activation``, ``fc2`` (back to ``input_channels``), ``scale_activation``; the
    input is multiplied by that per-channel scale."""

    def __init__(self, input_channels, squeeze_channels, activation=nn.ReLU, scale_activation=nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def _scale(self, input):
        return self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(input)))))

    def forward(self, input):
        return self._scale(input) * input


class MLP(nn.Sequential):
    """torchvision's multi-layer perceptron: per hidden size but the last, Linear, optional ``norm_layer``,
    ``activation_layer`` and Dropout; then the last Linear and Dropout (flat indices as torchvision's)."""

    def __init__(self, in_channels, hidden_channels, norm_layer=None, activation_layer=nn.ReLU, inplace=None,
                 bias=True, dropout=0.0):
        params = _inplace_kwargs(inplace)
        layers = []
        in_dim = in_channels
        for hidden_dim in hidden_channels[:-1]:
            layers.append(nn.Linear(in_dim, hidden_dim, bias=bias))
            if norm_layer is not None:
                layers.append(norm_layer(hidden_dim))
            layers.append(activation_layer(**params))
            layers.append(nn.Dropout(dropout, **params))
            in_dim = hidden_dim
        layers.append(nn.Linear(in_dim, hidden_channels[-1], bias=bias))
        layers.append(nn.Dropout(dropout, **params))
        super().__init__(*layers)


class Permute(nn.Module):
    """torchvision's Permute module: ``torch.permute(x, dims)``."""

    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return permute(x, self.dims)
