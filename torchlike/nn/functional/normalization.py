"""Normalization functions of torch.nn.functional, one kernel each.

batch_norm and instance_norm share one kernel that normalises, applies the affine
parameters and (in training with running stats) also returns the updated running
mean/var, which are written into the buffers in place under no_grad, as torch does.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np

from ... import _dtype
from ..._dispatch import Kernel, apply
from ...autograd import grad_mode

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm", "local_response_norm"]


def _standardize(x, axes, eps):
    mean = x.mean(axes, keepdims=True)
    var = jnp.square(x - mean).mean(axes, keepdims=True)
    return (x - mean) * jax.lax.rsqrt(var + eps), mean, var


def _weight_bias(has, arrays):
    """(weight, bias) from the given ``arrays`` and the flags ``has`` = (has_weight, has_bias)."""
    it = iter(arrays)
    return tuple(next(it) if h else None for h in has)


def _affine(y, w, b, shape):
    if w is not None:
        y = y * w.reshape(shape)
    return y if b is None else y + b.reshape(shape)


def _bn(use_input_stats, instance, flags, x, eps, momentum, *arrays):
    """flags: which of weight, bias, running stats, cumulative (momentum holds the batch count) are given."""
    has_w, has_b, has_running, cumulative = flags
    w, b = _weight_bias((has_w, has_b), arrays)
    it = iter(arrays[has_w + has_b:])
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if not use_input_stats:
        rm, rv = (a.reshape(shape) for a in it)
        return _affine((x - rm) * jax.lax.rsqrt(rv + eps), w, b, shape).astype(x.dtype)
    axes = tuple(range(2, x.ndim)) if instance else (0,) + tuple(range(2, x.ndim))
    y, mean, var = _standardize(x, axes, eps)
    out = _affine(y, w, b, shape).astype(x.dtype)
    if not has_running:
        return out
    rm, rv = it
    n = math.prod(x.shape[a] for a in axes)
    mean, var = jax.lax.stop_gradient(mean), jax.lax.stop_gradient(var) * (n / (n - 1))
    if instance:
        mean, var = mean.mean(0), var.mean(0)
    factor = 1 / momentum if cumulative else momentum
    return (out, (rm + factor * (mean.reshape(-1) - rm)).astype(rm.dtype),
            (rv + factor * (var.reshape(-1) - rv)).astype(rv.dtype))


_bn_k = Kernel(_bn, "NativeBatchNormBackward0")


def _batch_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps, instance=False,
                count=None):
    """Shared by batch_norm/instance_norm and their modules; ``count`` (the num_batches_tracked
    tensor) replaces ``momentum`` with a cumulative average."""
    running = use_input_stats and running_mean is not None
    if use_input_stats and not instance and input.numel() // max(input.shape[1] if input.ndim > 1 else 1, 1) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
    if not use_input_stats and running_mean is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    flags = (weight is not None, bias is not None, running_mean is not None, count is not None)
    arrays = [a for a in (weight, bias, running_mean, running_var) if a is not None]
    channels = input.shape[1] if input.ndim > 1 else 0
    for a in arrays:
        if a.numel() != channels:
            raise RuntimeError(f"running_mean should contain {channels} elements not {a.numel()}"
                               if a is running_mean else f"weight should contain {channels} elements not {a.numel()}")
    result = apply(_bn_k, (input, eps, momentum if count is None else count, *arrays),
                   (use_input_stats, instance, flags))
    if not running:
        return result
    out, mean, var = result
    with grad_mode.no_grad():
        running_mean._inplace_(mean)
        running_var._inplace_(var)
    return out


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """torch.nn.functional.batch_norm over dim 1; in training, running stats (if given) are
    updated in place with the unbiased batch variance, as in torch."""
    return _batch_norm(input, running_mean, running_var, weight, bias, training or running_mean is None,
                       momentum, eps)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """torch.nn.functional.instance_norm: per-sample, per-channel statistics; running stats are
    updated with the batch average of the instance statistics."""
    if use_input_stats and math.prod(input.shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.shape}")
    return _batch_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps,
                       instance=True)


def _layer_norm(n, has, x, eps, *wb):
    y = _standardize(x, tuple(range(x.ndim - n, x.ndim)), eps)[0]
    return _affine(y, *_weight_bias(has, wb), x.shape[x.ndim - n:]).astype(x.dtype)


_layer_norm_k = Kernel(_layer_norm, "NativeLayerNormBackward0")


def _check_normalized_shape(input, normalized_shape):
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           "element, but got normalized_shape = []")
    if tuple(input.shape[input.ndim - len(shape):]) != shape or input.ndim < len(shape):
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    return shape


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """torch.nn.functional.layer_norm over the trailing ``normalized_shape`` dims."""
    shape = _check_normalized_shape(input, normalized_shape)
    args = [a for a in (weight, bias) if a is not None]
    return apply(_layer_norm_k, (input, eps, *args), (len(shape), (weight is not None, bias is not None)))


def _group_norm(groups, has, x, eps, *wb):
    n, c = x.shape[:2]
    y = _standardize(x.reshape(n, groups, -1), (2,), eps)[0].reshape(x.shape)
    return _affine(y, *_weight_bias(has, wb), (1, c) + (1,) * (x.ndim - 2)).astype(x.dtype)


_group_norm_k = Kernel(_group_norm, "NativeGroupNormBackward0")


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """torch.nn.functional.group_norm: statistics over each group of channels (and all spatial dims)."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    if input.shape[1] % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    args = [a for a in (weight, bias) if a is not None]
    return apply(_group_norm_k, (input, eps, *args), (num_groups, (weight is not None, bias is not None)))


def _rms_norm(n, x, eps, *w):
    axes = tuple(range(x.ndim - n, x.ndim))
    y = x * jax.lax.rsqrt(jnp.square(x).mean(axes, keepdims=True) + eps)
    return (y * w[0] if w else y).astype(x.dtype)


_rms_norm_k = Kernel(_rms_norm, "MulBackward0")


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """torch.nn.functional.rms_norm; ``eps=None`` means the input dtype's machine epsilon."""
    shape = _check_normalized_shape(input, normalized_shape)
    if eps is None:
        eps = _dtype.finfo(input.dtype).eps if input.dtype.category == 2 else _dtype.finfo().eps
    return apply(_rms_norm_k, (input, eps) + ((weight,) if weight is not None else ()), (len(shape),))


def _lrn(size, x, alpha, beta, k):
    sq = jnp.moveaxis(jnp.square(x), 1, -1)
    sq = jnp.pad(sq, [(0, 0)] * (x.ndim - 1) + [(size // 2, (size - 1) // 2)])
    window = jax.lax.reduce_window(sq, np.zeros((), sq.dtype), jax.lax.add, (1,) * (x.ndim - 1) + (size,),
                                   (1,) * x.ndim, "VALID")
    div = jnp.moveaxis(window, -1, 1) / size
    return (x / (div * alpha + k) ** beta).astype(x.dtype)


_lrn_k = Kernel(_lrn, "DivBackward0")


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """torch.nn.functional.local_response_norm across channels (dim 1)."""
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    return apply(_lrn_k, (input, alpha, beta, k), (size,))
