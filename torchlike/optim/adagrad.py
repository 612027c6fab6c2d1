"""torch.optim.Adagrad on Optax: torch's ``lr / (1 + (t - 1) * lr_decay)`` and
``g / (sqrt(sum) + eps)`` (optax.scale_by_rss puts eps inside the root). As in torch, the
state exists from construction."""
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from .._tensor import Tensor
from .optimizer import _check, _OptaxOptimizer, scalar, torch_chain

__all__ = ["Adagrad"]


class AdagradState(NamedTuple):
    count: jax.Array
    sum: optax.Updates


def scale_by_adagrad(lr_decay, initial_accumulator_value, eps):
    def init(params):
        return AdagradState(jnp.zeros([], jnp.int32),
                            jax.tree.map(lambda p: jnp.full_like(p, initial_accumulator_value), params))

    def update(updates, state, params=None):
        count = state.count + 1
        total = jax.tree.map(lambda s, g: s + g * g, state.sum, updates)
        decay = 1 / (1 + (count - 1) * lr_decay)
        out = jax.tree.map(lambda g, s: g / (jnp.sqrt(s) + eps) * scalar(decay, g), updates, total)
        return out, AdagradState(count, total)
    return optax.GradientTransformation(init, update)


class Adagrad(_OptaxOptimizer):
    """torch.optim.Adagrad. ``foreach``/``fused``/``differentiable`` are accepted and ignored."""

    _hyper = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")
    _static = ("maximize",)
    _names = {"count": "step", "sum": "sum"}

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
               initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = {"step": Tensor._from_array(jnp.zeros([], jnp.float32)),
                                 "sum": Tensor._from_array(jnp.full_like(p._data, group["initial_accumulator_value"]))}

    @staticmethod
    def _make_tx(lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize):
        return torch_chain(scale_by_adagrad(lr_decay, initial_accumulator_value, eps), lr=lr, maximize=maximize,
                           weight_decay=weight_decay)
