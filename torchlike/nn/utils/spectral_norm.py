"""torch.nn.utils.spectral_norm / remove_spectral_norm: ``w = w_orig / sigma``, sigma estimated
by power iteration on the ``{name}_u``/``{name}_v`` buffers in training mode (one kernel for
the iterations, one for the rescaling). Deviation: the state_dict version metadata and the
pre-1.x loading hook are not installed."""
import jax.numpy as jnp

from ..._dispatch import Kernel, apply
from ...autograd.grad_mode import no_grad
from ...ops.random import randn
from .weight_norm import remove_hook

__all__ = ["SpectralNorm", "spectral_norm", "remove_spectral_norm"]


def _matrix(dim, w):
    return jnp.moveaxis(w, dim, 0).reshape(w.shape[dim], -1)


def _normalize(x, eps):
    return x / jnp.maximum(jnp.linalg.norm(x), eps)


def _power_iteration(dim, n, eps, w, u, v):
    m = _matrix(dim, w)
    for _ in range(n):
        v = _normalize(m.T @ u, eps)
        u = _normalize(m @ v, eps)
    return u, v


def _rescale(dim, w, u, v):
    return w / jnp.dot(u, _matrix(dim, w) @ v)


_power_k = Kernel(_power_iteration, "PowerIteration")
_rescale_k = Kernel(_rescale, "DivBackward0")


class SpectralNorm:
    """The forward pre-hook recomputing ``module.{name}`` from ``{name}_orig``."""

    def __init__(self, name="weight", n_power_iterations=1, dim=0, eps=1e-12):
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.name, self.dim, self.n_power_iterations, self.eps = name, dim, n_power_iterations, eps

    def compute_weight(self, module, do_power_iteration):
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        dim = self.dim % weight.ndim
        if do_power_iteration:
            with no_grad():
                new_u, new_v = apply(_power_k, (weight, u, v), (dim, self.n_power_iterations, self.eps))
                u.copy_(new_u)
                v.copy_(new_v)
        return apply(_rescale_k, (weight, u.detach(), v.detach()), (dim,))

    def remove(self, module):
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        from ..parameter import Parameter
        delattr(module, self.name)
        for suffix in ("_u", "_v", "_orig"):
            delattr(module, self.name + suffix)
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))

    @staticmethod
    def apply(module, name, n_power_iterations, dim, eps):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        h = weight.shape[dim]
        w = weight.numel() // h
        with no_grad():
            u = randn(h, dtype=weight.dtype)
            v = randn(w, dtype=weight.dtype)
            u, v = (t / (t.norm().clamp(min=eps)) for t in (u, v))
        delattr(module, name)
        module.register_parameter(name + "_orig", weight)
        setattr(module, name, weight.detach())
        module.register_buffer(name + "_u", u)
        module.register_buffer(name + "_v", v)
        module.register_forward_pre_hook(fn)
        return fn


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """torch.nn.utils.spectral_norm (the hook form); ``dim`` defaults to 1 for ConvTranspose, else 0."""
    if dim is None:
        from ..modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module, name="weight"):
    return remove_hook(module, SpectralNorm, name, "spectral_norm")
