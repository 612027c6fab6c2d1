"""Linear modules of torch.nn: Identity, Linear, Bilinear, LazyLinear (and the lazy
machinery shared with the LazyConv modules)."""
import math

from ... import ops
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Identity", "Linear", "Bilinear", "LazyLinear"]


def empty_parameter(shape, device=None, dtype=None):
    return Parameter(ops.creation.empty(shape, device=device, dtype=dtype))


class Identity(Module):
    """Returns its input; constructor arguments are ignored, as in torch."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """y = x @ weight.T + bias; weight (out_features, in_features), torch's kaiming-uniform init."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = empty_parameter((out_features, in_features), device, dtype)
        if bias:
            self.bias = empty_parameter((out_features,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = init._calculate_fan_in_and_fan_out(self.weight)[0]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class NonDynamicallyQuantizableLinear(Linear):
    """torch.nn.modules.linear.NonDynamicallyQuantizableLinear: a Linear (same parameters and state_dict
    keys) under its own name; MultiheadAttention.out_proj is one, as in torch."""


class Bilinear(Module):
    """y = x1 @ weight[o] @ x2 + bias[o]; weight (out, in1, in2), U(-1/sqrt(in1), 1/sqrt(in1)) init."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        self.weight = empty_parameter((out_features, in1_features, in2_features), device, dtype)
        if bias:
            self.bias = empty_parameter((out_features,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class LazyMixin:
    """A lazy module: its parameters are empty placeholders until the first call, which
    infers the input size (``_infer``), materialises and initialises them, and turns the
    module into ``cls_to_become``. Deviation: placeholders are 0-element Parameters rather
    than torch's UninitializedParameter."""

    cls_to_become = None

    def reset_parameters(self):
        if not self.has_uninitialized_params():
            super().reset_parameters()

    def has_uninitialized_params(self):
        return any(p is not None and p.numel() == 0 for p in self._parameters.values())

    def initialize_parameters(self, input):
        self._infer(input)
        shapes = self._shapes()
        for name, p in list(self._parameters.items()):
            if p is not None:
                setattr(self, name, empty_parameter(shapes[name], p.device, p.dtype))
        self.__class__ = self.cls_to_become
        self.reset_parameters()

    def forward(self, input, *args, **kwargs):
        self.initialize_parameters(input)
        return self.forward(input, *args, **kwargs)


class LazyLinear(LazyMixin, Linear):
    """Linear whose ``in_features`` is inferred from the first input."""

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        super().__init__(0, out_features, bias, device, dtype)

    def _infer(self, input):
        self.in_features = input.shape[-1]

    def _shapes(self):
        return {"weight": (self.out_features, self.in_features), "bias": (self.out_features,)}
