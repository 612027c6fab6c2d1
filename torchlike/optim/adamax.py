"""torch.optim.Adamax on Optax, with torch's ``u = max(b2 * u, |g| + eps)`` (optax adds eps
after the max)."""
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from .optimizer import _check, _check_betas, _OptaxOptimizer, scalar, torch_chain

__all__ = ["Adamax"]


class AdamaxState(NamedTuple):
    count: jax.Array
    mu: optax.Updates
    exp_inf: optax.Updates


def scale_by_adamax(b1, b2, eps):
    def init(params):
        zeros = optax.tree.zeros_like(params)
        return AdamaxState(jnp.zeros([], jnp.int32), zeros, zeros)

    def update(updates, state, params=None):
        count = state.count + 1
        mu = optax.tree.update_moment(updates, state.mu, b1, 1)
        exp_inf = jax.tree.map(lambda u, g: jnp.maximum(b2 * u, jnp.abs(g) + eps), state.exp_inf, updates)
        out = jax.tree.map(lambda m, u: (m / u) / scalar(1 - b1 ** count, m), mu, exp_inf)
        return out, AdamaxState(count, mu, exp_inf)
    return optax.GradientTransformation(init, update)


class Adamax(_OptaxOptimizer):
    """torch.optim.Adamax. ``foreach``/``capturable``/``differentiable`` are accepted and ignored."""

    _hyper = ("lr", "betas", "eps", "weight_decay")
    _static = ("maximize",)
    _names = {"count": "step", "mu": "exp_avg", "exp_inf": "exp_inf"}

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        _check(lr=lr, eps=eps)
        _check_betas(betas)
        _check(weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    @staticmethod
    def _make_tx(lr, betas, eps, weight_decay, maximize):
        return torch_chain(scale_by_adamax(*betas, eps), lr=lr, maximize=maximize, weight_decay=weight_decay)
