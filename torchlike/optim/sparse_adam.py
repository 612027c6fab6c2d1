"""torch.optim.SparseAdam. torch requires sparse gradients; here gradients are dense and the
same masked rule applies: only entries whose gradient is nonzero update their moments and
parameter (an explicitly stored zero in a torch sparse gradient would still update)."""
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from .optimizer import _check_betas, _OptaxOptimizer, scalar, torch_chain

__all__ = ["SparseAdam"]


class SparseAdamState(NamedTuple):
    count: jax.Array
    mu: optax.Updates
    nu: optax.Updates


def scale_by_sparse_adam(b1, b2, eps):
    def init(params):
        zeros = optax.tree.zeros_like(params)
        return SparseAdamState(jnp.zeros([], jnp.int32), zeros, zeros)

    def update(updates, state, params=None):
        count = state.count + 1
        mask = jax.tree.map(lambda g: g != 0, updates)
        mu = jax.tree.map(lambda k, g, m: jnp.where(k, m + (g - m) * (1 - b1), m), mask, updates, state.mu)
        nu = jax.tree.map(lambda k, g, v: jnp.where(k, v + (g * g - v) * (1 - b2), v), mask, updates, state.nu)
        size = jnp.sqrt(1 - b2 ** count) / (1 - b1 ** count)
        out = jax.tree.map(lambda k, m, v: jnp.where(k, m / (jnp.sqrt(v) + eps) * scalar(size, m), 0), mask, mu, nu)
        return out, SparseAdamState(count, mu, nu)
    return optax.GradientTransformation(init, update)


class SparseAdam(_OptaxOptimizer):
    """torch.optim.SparseAdam on dense gradients (see the module docstring); state['step']
    is a float32 Tensor (torch: a Python int)."""

    _hyper = ("lr", "betas", "eps")
    _static = ("maximize",)
    _names = {"count": "step", "mu": "exp_avg", "nu": "exp_avg_sq"}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, maximize=maximize))

    @staticmethod
    def _make_tx(lr, betas, eps, maximize):
        return torch_chain(scale_by_sparse_adam(*betas, eps), lr=lr, maximize=maximize)
