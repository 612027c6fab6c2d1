"""torch.optim.RAdam on Optax: torch's rectification with eps added to ``sqrt(v)`` before
the bias correction (optax.scale_by_radam adds it to the corrected root)."""
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from .optimizer import _check, _check_betas, _OptaxOptimizer, scalar, torch_chain

__all__ = ["RAdam"]


class RAdamState(NamedTuple):
    count: jax.Array
    mu: optax.Updates
    nu: optax.Updates


def scale_by_radam(b1, b2, eps):
    def init(params):
        zeros = optax.tree.zeros_like(params)
        return RAdamState(jnp.zeros([], jnp.int32), zeros, zeros)

    def update(updates, state, params=None):
        count = state.count + 1
        mu = optax.tree.update_moment(updates, state.mu, b1, 1)
        nu = optax.tree.update_moment_per_elem_norm(updates, state.nu, b2, 2)
        bc1, bc2 = 1 - b1 ** count, 1 - b2 ** count
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * count * b2 ** count / bc2
        rect = jnp.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))

        def rule(m, v):
            m_hat = m / scalar(bc1, m)
            adaptive = scalar(jnp.sqrt(bc2), v) / (jnp.sqrt(v) + eps)
            return jnp.where(rho_t > 5, m_hat * adaptive * scalar(rect, m), m_hat)
        return jax.tree.map(rule, mu, nu), RAdamState(count, mu, nu)
    return optax.GradientTransformation(init, update)


class RAdam(_OptaxOptimizer):
    """torch.optim.RAdam. ``foreach``/``capturable``/``differentiable`` are accepted and ignored."""

    _hyper = ("lr", "betas", "eps", "weight_decay")
    _static = ("maximize", "decoupled_weight_decay")
    _names = {"count": "step", "mu": "exp_avg", "nu": "exp_avg_sq"}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        _check(lr=lr, eps=eps)
        _check_betas(betas)
        _check(weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    @staticmethod
    def _make_tx(lr, betas, eps, weight_decay, maximize, decoupled_weight_decay):
        return torch_chain(scale_by_radam(*betas, eps), lr=lr, maximize=maximize, weight_decay=weight_decay,
                           decoupled=decoupled_weight_decay)
