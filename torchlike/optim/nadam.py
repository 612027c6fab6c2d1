"""torch.optim.NAdam on Optax: torch's momentum-decay schedule ``mu_t`` and its running
product (optax.nadam has no momentum decay)."""
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from .optimizer import _check, _check_betas, _OptaxOptimizer, scalar, torch_chain

__all__ = ["NAdam"]


class NAdamState(NamedTuple):
    count: jax.Array
    mu_product: jax.Array
    mu: optax.Updates
    nu: optax.Updates


def scale_by_nadam(b1, b2, eps, momentum_decay):
    def init(params):
        zeros = optax.tree.zeros_like(params)
        return NAdamState(jnp.zeros([], jnp.int32), jnp.ones([], jnp.float32), zeros, zeros)

    def update(updates, state, params=None):
        count = state.count + 1
        mu_t = b1 * (1.0 - 0.5 * 0.96 ** (count * momentum_decay))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((count + 1) * momentum_decay))
        mu_product = state.mu_product * scalar(mu_t, state.mu_product)
        bc2 = 1 - b2 ** count
        mu = optax.tree.update_moment(updates, state.mu, b1, 1)
        nu = optax.tree.update_moment_per_elem_norm(updates, state.nu, b2, 2)
        c_grad = (1.0 - mu_t) / (1.0 - mu_product.astype(jnp.float64))
        c_avg = mu_next / (1.0 - mu_product.astype(jnp.float64) * mu_next)

        def rule(g, m, v):
            denom = jnp.sqrt(v / scalar(bc2, v)) + eps
            return g / denom * scalar(c_grad, g) + m / denom * scalar(c_avg, m)
        return jax.tree.map(rule, updates, mu, nu), NAdamState(count, mu_product, mu, nu)
    return optax.GradientTransformation(init, update)


class NAdam(_OptaxOptimizer):
    """torch.optim.NAdam. ``foreach``/``capturable``/``differentiable`` are accepted and ignored."""

    _hyper = ("lr", "betas", "eps", "weight_decay", "momentum_decay")
    _static = ("maximize", "decoupled_weight_decay")
    _names = {"count": "step", "mu_product": "mu_product", "mu": "exp_avg", "nu": "exp_avg_sq"}

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check(lr=lr, eps=eps)
        _check_betas(betas)
        _check(weight_decay=weight_decay, momentum_decay=momentum_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    @staticmethod
    def _make_tx(lr, betas, eps, weight_decay, momentum_decay, maximize, decoupled_weight_decay):
        return torch_chain(scale_by_nadam(*betas, eps, momentum_decay), lr=lr, maximize=maximize,
                           weight_decay=weight_decay, decoupled=decoupled_weight_decay)
