"""torch.nn.utils gradient clipping: get_total_norm, clip_grads_with_norm_, clip_grad_norm_,
clip_grad_value_. The total norm is one kernel over all gradients, the scaling one in-place
multiply per gradient. ``foreach`` is accepted and ignored (there is one code path)."""
import math

import jax.numpy as jnp

from ..._dispatch import Kernel, apply
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...ops.creation import tensor

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]


def _vector_norm(x, p):
    x = jnp.abs(x.ravel())
    if p == math.inf:
        return x.max(initial=0)
    if p == -math.inf:
        return x.min(initial=math.inf)
    if p == 0:
        return (x != 0).sum().astype(x.dtype)
    return jnp.sqrt(jnp.square(x).sum()) if p == 2 else (x ** p).sum() ** (1 / p)


def _total_norm(p, *grads):
    """The norm of the per-tensor norms, which is the norm of all elements together."""
    return _vector_norm(jnp.stack([_vector_norm(g, p) for g in grads]), p)


_total_norm_k = Kernel(_total_norm, "LinalgVectorNormBackward0")


def _tensors(tensors):
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """torch.nn.utils.get_total_norm: the ``norm_type`` norm of all ``tensors`` together."""
    tensors = _tensors(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return tensor(0.0)
    total = apply(_total_norm_k, tensors, (norm_type,))
    if error_if_nonfinite and not bool(total.isfinite()):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                           "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
                           "norm anyway, set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """torch.nn.utils.clip_grads_with_norm_: scale gradients by min(1, max_norm / (total_norm + 1e-6))."""
    grads = [p.grad for p in _tensors(parameters) if p.grad is not None]
    if not grads:
        return
    with no_grad():
        coef = (float(max_norm) / (total_norm + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef.to(g.dtype))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """torch.nn.utils.clip_grad_norm_: clip the gradients' total norm in place; returns that norm."""
    parameters = _tensors(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    with no_grad():
        total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated alias of clip_grad_norm_ (warns, as torch does)."""
    import warnings
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """torch.nn.utils.clip_grad_value_: clamp every gradient to [-clip_value, clip_value] in place."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _tensors(parameters):
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)
