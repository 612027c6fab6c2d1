"""Dropout functions of torch.nn.functional.

Two kernels serve every variant: one draws a keep-mask (per element, or per (N, C) channel
for the feature variants) from the global generator's key, the other returns
``where(keep, x * a + c1, c0)`` (plain dropout: a = 1/(1-p), c0 = c1 = 0; alpha dropout
keeps SELU's mean and variance). The backward uses the saved mask, so it never draws the
random bits again. Masks come from this library's RNG, not torch's.
"""
import warnings

import jax
import jax.numpy as jnp

from ..._dispatch import Kernel, apply
from ...ops.random import sample

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]

_SELU_NEG = 1.7580993408473766  # -SELU(-inf) = alpha * scale


def _keep_mask(feature, shape, key, p):
    key, sub = jax.random.split(key)
    return key, jax.random.bernoulli(sub, 1 - p, shape[:2] + (1,) * (len(shape) - 2) if feature else shape)


def _masked(keep, x, a, c1, c0):
    return jnp.where(keep, x * a + c1, c0).astype(x.dtype)


_draw = Kernel(_keep_mask, "BernoulliBackward0")
_kernels = {"plain": Kernel(_masked, "NativeDropoutBackward0"), "feature": Kernel(_masked, "MulBackward0"),
            "alpha": Kernel(_masked, "AddBackward0")}


def _apply(input, p, training, inplace, feature, alpha):
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0 or input.numel() == 0:
        return input
    if p == 1:
        a = c1 = c0 = 0.0
    elif alpha:
        a = ((_SELU_NEG ** 2 * p + 1) * (1 - p)) ** -0.5
        c1, c0 = _SELU_NEG * a * p, _SELU_NEG * a * (p - 1)
    else:
        a, c1, c0 = 1 / (1 - p), 0.0, 0.0
    k = _kernels["alpha" if alpha else "feature" if feature else "plain"]
    keep = sample(_draw, None, (p,), (feature, tuple(input.shape)))
    out = apply(k, (keep, input, a, c1, c0))
    return input._inplace_(out) if inplace else out


def dropout(input, p=0.5, training=True, inplace=False):
    """torch.nn.functional.dropout: zero each element with probability ``p`` and scale the
    rest by 1/(1-p) when ``training``; identity (the input itself) otherwise."""
    return _apply(input, p, training, inplace, False, False)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _apply(input, p, training, inplace, False, True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _apply(input, p, training, inplace, True, True)


def _feature(input, p, training, inplace, spatial):
    """Channel-wise dropout over inputs with ``spatial`` spatial dims and an optional batch dim."""
    ndim, name = input.ndim, f"dropout{spatial}d"
    if spatial == 1 and ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {ndim}D input. Note that dropout1d "
                           "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel "
                           "dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    if spatial > 1 and ndim not in (spatial + 1, spatial + 2):
        warnings.warn(f"{name}: Received a {ndim}-D input to {name}, which is deprecated and will result in an "
                      "error in a future release. To retain the behavior and silence this warning, please use "
                      f"dropout instead. Note that {name} exists to provide channel-wise dropout on inputs with "
                      f"{spatial} spatial dimensions, a channel dimension, and an optional batch dimension (i.e. "
                      f"{spatial + 1}D or {spatial + 2}D inputs).")
    if spatial == 2 and ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.")
    unbatched = spatial != 2 and ndim == spatial + 1
    x = input.unsqueeze(0) if unbatched else input
    out = _apply(x, p, training, False, True, False)
    if out is x:
        return input
    out = out.squeeze(0) if unbatched else out
    return input._inplace_(out) if inplace else out


def dropout1d(input, p=0.5, training=True, inplace=False):
    return _feature(input, p, training, inplace, 1)


def dropout2d(input, p=0.5, training=True, inplace=False):
    return _feature(input, p, training, inplace, 2)


def dropout3d(input, p=0.5, training=True, inplace=False):
    return _feature(input, p, training, inplace, 3)
