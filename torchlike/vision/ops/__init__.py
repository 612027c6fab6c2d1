"""torchvision.ops: the building blocks shared by torchvision's models (convolution-norm-activation blocks,
squeeze-and-excitation, MLP, stochastic depth)."""
from .misc import (
           MLP,
           Conv2dNormActivation,
           Conv3dNormActivation,
           Permute,
           SqueezeExcitation,
)
from .stochastic_depth import StochasticDepth, stochastic_depth

__all__ = [
           "MLP",
           "Conv2dNormActivation",
           "Conv3dNormActivation",
           "Permute",
           "SqueezeExcitation",
           "StochasticDepth",
           "stochastic_depth",
]
