"""torch.optim.Rprop on Optax: torch's rule, which remembers the (zeroed on sign change)
gradient; optax.scale_by_rprop remembers the signed step instead."""
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from .optimizer import _check, _OptaxOptimizer, torch_chain

__all__ = ["Rprop"]


class RpropState(NamedTuple):
    step: jax.Array
    prev: optax.Updates
    step_size: optax.Updates


def scale_by_rprop(lr, etas, step_sizes):
    """Yields the final update ``-sign(g) * step_size``; step sizes start at ``lr``."""
    (eta_minus, eta_plus), (lo, hi) = etas, step_sizes

    def init(params):
        return RpropState(jnp.zeros([], jnp.int32), optax.tree.zeros_like(params),
                          jax.tree.map(lambda p: jnp.full_like(p, lr), params))

    def update(updates, state, params=None):
        sign = jax.tree.map(lambda g, p: jnp.sign(g * p), updates, state.prev)
        size = jax.tree.map(lambda s, z: jnp.clip(z * jnp.where(s > 0, eta_plus, jnp.where(s < 0, eta_minus, 1.0))
                                                  .astype(z.dtype), lo, hi), sign, state.step_size)
        grad = jax.tree.map(lambda s, g: jnp.where(s < 0, 0, g), sign, updates)
        out = jax.tree.map(lambda g, z: -jnp.sign(g) * z, grad, size)
        return out, RpropState(state.step + 1, grad, size)
    return optax.GradientTransformation(init, update)


class Rprop(_OptaxOptimizer):
    """torch.optim.Rprop. ``foreach``/``capturable``/``differentiable`` are accepted and ignored."""

    _hyper = ("lr", "etas", "step_sizes")
    _static = ("maximize",)
    _names = {"step": "step", "prev": "prev", "step_size": "step_size"}

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        _check(lr=lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    @staticmethod
    def _make_tx(lr, etas, step_sizes, maximize):
        return torch_chain(scale_by_rprop(lr, etas, step_sizes), lr=None, maximize=maximize)
