"""torch.optim.ASGD on Optax: torch's decayed step ``eta``, averaging weight ``mu`` and
averaged parameters ``ax`` (kept in the state, as torch)."""
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from .optimizer import _check, _OptaxOptimizer, scalar, torch_chain

__all__ = ["ASGD"]


class ASGDState(NamedTuple):
    step: jax.Array
    eta: jax.Array
    mu: jax.Array
    ax: optax.Updates


def asgd(lr, lambd, alpha, t0):
    """Yields the final update: ``p' = p * (1 - lambd * eta) - eta * g``; needs params."""
    def init(params):
        return ASGDState(jnp.zeros([], jnp.int32), jnp.asarray(lr, jnp.float32), jnp.ones([], jnp.float32),
                         optax.tree.zeros_like(params))

    def update(updates, state, params):
        step, eta = state.step + 1, state.eta.astype(jnp.float64)
        new = jax.tree.map(lambda p, g: p * scalar(1 - lambd * eta, p) - scalar(eta, g) * g, params, updates)
        ax = jax.tree.map(lambda a, p: jnp.where(state.mu != 1, a + (p - a) * state.mu, p), state.ax, new)
        new_eta = scalar(lr / (1 + lambd * lr * step) ** alpha, state.eta)
        new_mu = scalar(1 / jnp.maximum(1.0, step - t0), state.mu)
        return jax.tree.map(jnp.subtract, new, params), ASGDState(step, new_eta, new_mu, ax)
    return optax.GradientTransformation(init, update)


class ASGD(_OptaxOptimizer):
    """torch.optim.ASGD. ``foreach``/``capturable``/``differentiable`` are accepted and ignored."""

    _hyper = ("lr", "lambd", "alpha", "t0", "weight_decay")
    _static = ("maximize",)
    _names = {"step": "step", "eta": "eta", "mu": "mu", "ax": "ax"}

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        _check(lr=lr, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, capturable=capturable,
                                      differentiable=differentiable))

    @staticmethod
    def _make_tx(lr, lambd, alpha, t0, weight_decay, maximize):
        return torch_chain(asgd(lr, lambd, alpha, t0), lr=None, maximize=maximize, weight_decay=weight_decay)
