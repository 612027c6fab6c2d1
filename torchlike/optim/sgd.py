"""torch.optim.SGD on Optax: torch's momentum rule (first buffer = grad, dampening, nesterov)."""
from typing import Any, NamedTuple

import jax
import optax

from .optimizer import _check, _OptaxOptimizer, torch_chain

__all__ = ["SGD"]


class SGDMomentumState(NamedTuple):
    momentum_buffer: Any  # None until the first update, as torch's missing state


def sgd_momentum(momentum, dampening=0.0, nesterov=False):
    """torch's SGD momentum: ``buf = grad`` on the first step, then
    ``buf = momentum * buf + (1 - dampening) * grad``; the update is ``buf`` or, with
    nesterov, ``grad + momentum * buf``. (optax.trace has no dampening nor first-step copy.)"""
    def update(updates, state, params=None):
        buf = updates if state.momentum_buffer is None else jax.tree.map(
            lambda b, g: momentum * b + (1 - dampening) * g, state.momentum_buffer, updates)
        out = jax.tree.map(lambda g, b: g + momentum * b, updates, buf) if nesterov else buf
        return out, SGDMomentumState(buf)
    return optax.GradientTransformation(lambda params: SGDMomentumState(None), update)


class SGD(_OptaxOptimizer):
    """torch.optim.SGD. ``foreach``/``fused``/``differentiable`` are accepted and ignored."""

    _hyper = ("lr", "momentum", "dampening", "weight_decay")
    _static = ("maximize", "nesterov")
    _names = {"momentum_buffer": "momentum_buffer"}

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        _check(lr=lr, momentum=momentum, weight_decay=weight_decay)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize, foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _statics(self, group):  # torch keeps no momentum buffer when momentum == 0
        return super()._statics(group) + (("has_momentum", group["momentum"] != 0),)

    @staticmethod
    def _make_tx(lr, momentum, dampening, weight_decay, maximize, nesterov, has_momentum):
        rule = [sgd_momentum(momentum, dampening, nesterov)] if has_momentum else []
        return torch_chain(*rule, lr=lr, maximize=maximize, weight_decay=weight_decay)
