"""Convolution modules of torch.nn: Conv1/2/3d, ConvTranspose1/2/3d and their Lazy forms."""
import math

from .. import init
from ..functional.conv import convolution, same_padding
from ..functional.pooling import _ntuple
from .linear import LazyMixin, empty_parameter
from .module import Module

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "LazyConv1d",
           "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d"]


class _ConvNd(Module):
    """Shared state of the N-d (transposed) convolutions: torch's attributes, init and repr."""

    _n = 0
    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                 padding_mode, output_padding=0, device=None, dtype=None):
        super().__init__()
        n = self._n
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in _ntuple(stride, n)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
            raise ValueError(f"padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _ntuple(kernel_size, n), _ntuple(stride, n)
        self.padding = padding if isinstance(padding, str) else _ntuple(padding, n)
        self.dilation, self.output_padding = _ntuple(dilation, n), _ntuple(output_padding, n)
        self.groups, self.padding_mode = groups, padding_mode
        self.weight = empty_parameter(self._shapes()["weight"], device, dtype)
        if bias:
            self.bias = empty_parameter((out_channels,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _shapes(self):
        a, b = (self.in_channels, self.out_channels) if self.transposed else (self.out_channels, self.in_channels)
        return {"weight": (a, b // self.groups) + self.kernel_size, "bias": (self.out_channels,)}

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = init._calculate_fan_in_and_fan_out(self.weight)[0]
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def _pads(self):
        if self.padding == "same":
            return same_padding(self.kernel_size, self.dilation)
        if self.padding == "valid":
            return ((0, 0),) * self._n
        return tuple((p, p) for p in self.padding)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, 0, device, dtype)

    def _conv_forward(self, input, weight, bias):
        return convolution(self._n, input, weight, bias, self.stride, self._pads(), self.dilation, self.groups,
                           self.padding_mode)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """torch.nn.Conv1d."""
    _n = 1


class Conv2d(_Conv):
    """torch.nn.Conv2d."""
    _n = 2


class Conv3d(_Conv):
    """torch.nn.Conv3d."""
    _n = 3


class _ConvTranspose(_ConvNd):
    transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, output_padding, device, dtype)

    def _output_padding(self, input, output_size):
        """torch's output_padding for a requested ``output_size`` (with or without batch/channel dims)."""
        if output_size is None:
            return self.output_padding
        n = self._n
        size = list(output_size)[-n:] if len(output_size) in (n + 1, n + 2) else list(output_size)
        if len(size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.ndim}D input, output_size must have {n} or {n + 2} "
                             f"elements (got {len(output_size)})")
        lead = input.ndim - n
        smallest = [(input.shape[lead + i] - 1) * self.stride[i] - 2 * self.padding[i] +
                    self.dilation[i] * (self.kernel_size[i] - 1) + 1 for i in range(n)]
        largest = [s + st - 1 for s, st in zip(smallest, self.stride)]
        if any(not lo <= o <= hi for o, lo, hi in zip(size, smallest, largest)):
            raise ValueError(f"requested an output size of {size}, but valid sizes range from {smallest} to "
                             f"{largest} (for an input of torch.Size({list(input.shape[lead:])}))")
        return tuple(o - lo for o, lo in zip(size, smallest))

    def forward(self, input, output_size=None):
        return convolution(self._n, input, self.weight, self.bias, self.stride, self._pads(), self.dilation,
                           self.groups, transposed=True, output_padding=self._output_padding(input, output_size))


class ConvTranspose1d(_ConvTranspose):
    """torch.nn.ConvTranspose1d (weight: in_channels, out_channels/groups, k)."""
    _n = 1


class ConvTranspose2d(_ConvTranspose):
    """torch.nn.ConvTranspose2d."""
    _n = 2


class ConvTranspose3d(_ConvTranspose):
    """torch.nn.ConvTranspose3d."""
    _n = 3


class _LazyConv(LazyMixin):
    """in_channels inferred from the first input (dim 1, or dim 0 when unbatched)."""

    def __init__(self, out_channels, kernel_size, *args, **kwargs):
        super().__init__(0, 0, kernel_size, *args, **kwargs)
        self.out_channels = out_channels
        self.weight = empty_parameter((0,), self.weight.device, self.weight.dtype)
        if self.bias is not None:
            self.bias = empty_parameter((0,), self.bias.device, self.bias.dtype)

    def _infer(self, input):
        self.in_channels = input.shape[0 if input.ndim == self._n + 1 else 1]


def _lazy(cls):
    return type("Lazy" + cls.__name__, (_LazyConv, cls), {"cls_to_become": cls, "__doc__": f"Lazy{cls.__name__}: "
                                                          "in_channels inferred from the first input."})


LazyConv1d, LazyConv2d, LazyConv3d = map(_lazy, (Conv1d, Conv2d, Conv3d))
LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d = map(_lazy, (ConvTranspose1d, ConvTranspose2d,
                                                                            ConvTranspose3d))
for _cls in (LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d):
    _cls.__module__ = __name__
