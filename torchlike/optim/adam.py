"""torch.optim.Adam on Optax: ``optax.scale_by_adam`` (eps outside the sqrt, as torch), and
torch's AMSGrad (max of the raw second moment, bias-corrected afterwards)."""
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from .optimizer import _check, _check_betas, _OptaxOptimizer, scalar, torch_chain

__all__ = ["Adam"]


class AMSGradState(NamedTuple):
    count: jax.Array
    mu: optax.Updates
    nu: optax.Updates
    nu_max: optax.Updates


def scale_by_amsgrad(b1, b2, eps):
    """torch's AMSGrad: ``m_hat / (sqrt(max_t v_t) / sqrt(1 - b2^t) + eps)`` (optax's
    scale_by_amsgrad takes the max of the bias-corrected moment instead)."""
    def init(params):
        zeros = optax.tree.zeros_like(params)
        return AMSGradState(jnp.zeros([], jnp.int32), zeros, zeros, zeros)

    def update(updates, state, params=None):
        count = state.count + 1
        mu = optax.tree.update_moment(updates, state.mu, b1, 1)
        nu = optax.tree.update_moment_per_elem_norm(updates, state.nu, b2, 2)
        nu_max = jax.tree.map(jnp.maximum, state.nu_max, nu)
        bc1, bc2 = 1 - b1 ** count, jnp.sqrt(1 - b2 ** count)
        out = jax.tree.map(lambda m, v: (m / scalar(bc1, m)) / (jnp.sqrt(v) / scalar(bc2, v) + eps), mu, nu_max)
        return out, AMSGradState(count, mu, nu, nu_max)
    return optax.GradientTransformation(init, update)


class Adam(_OptaxOptimizer):
    """torch.optim.Adam (``decoupled_weight_decay=True`` is AdamW). ``foreach``/``fused``/
    ``capturable``/``differentiable`` are accepted and ignored."""

    _hyper = ("lr", "betas", "eps", "weight_decay")
    _static = ("amsgrad", "maximize", "decoupled_weight_decay")
    _names = {"count": "step", "mu": "exp_avg", "nu": "exp_avg_sq", "nu_max": "max_exp_avg_sq"}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False, fused=None, decoupled_weight_decay=False):
        _check(lr=lr, eps=eps)
        _check_betas(betas)
        _check(weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    @staticmethod
    def _make_tx(lr, betas, eps, weight_decay, amsgrad, maximize, decoupled_weight_decay):
        rule = scale_by_amsgrad(*betas, eps) if amsgrad else optax.scale_by_adam(*betas, eps)
        return torch_chain(rule, lr=lr, maximize=maximize, weight_decay=weight_decay,
                           decoupled=decoupled_weight_decay)
