"""torch.nn.utils.weight_norm / remove_weight_norm: ``w = g * v / ||v||`` (norm over every dim
but ``dim``), recomputed from the ``{name}_g``/``{name}_v`` parameters by a forward pre-hook.
Deviation: the pre-1.x state_dict compatibility hook is not installed."""
import warnings

import jax.numpy as jnp

from ..._dispatch import Kernel, apply
from ..parameter import Parameter

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


def _norm_except_dim(dim, v):
    if dim == -1:
        return jnp.sqrt(jnp.square(v).sum())
    axes = tuple(i for i in range(v.ndim) if i != dim)
    return jnp.sqrt(jnp.square(v).sum(axes, keepdims=True))


_norm_k = Kernel(_norm_except_dim, "NormExceptDimBackward0")
_weight_norm_k = Kernel(lambda dim, v, g: v * (g / _norm_except_dim(dim, v)), "WeightNormInterfaceBackward0")


class WeightNorm:
    """The forward pre-hook recomputing ``module.{name}`` from its magnitude and direction."""

    def __init__(self, name, dim):
        self.name, self.dim = name, -1 if dim is None else dim

    def compute_weight(self, module):
        return apply(_weight_norm_k, (getattr(module, self.name + "_v"), getattr(module, self.name + "_g")),
                     (self.dim,))

    @staticmethod
    def apply(module, name, dim):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
        weight = getattr(module, name)
        fn = WeightNorm(name, dim)
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(apply(_norm_k, (weight.detach(),), (fn.dim,))))
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """torch.nn.utils.weight_norm (the deprecated hook form; ``dim=None`` normalizes the whole tensor)."""
    warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                  "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning, stacklevel=2)
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    return remove_hook(module, WeightNorm, name, "weight_norm")


def remove_hook(module, kind, name, label):
    """Undo a reparametrizing forward pre-hook of class ``kind`` on ``name`` (torch's ValueError if absent)."""
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, kind) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"{label} of '{name}' not found in {module}")
