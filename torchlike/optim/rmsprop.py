"""torch.optim.RMSprop on Optax: ``optax.scale_by_rms``/``scale_by_stddev`` (centered) with
eps outside the root, then ``optax.trace`` for momentum, as torch."""
import optax

from .optimizer import _check, _OptaxOptimizer, count_steps, torch_chain

__all__ = ["RMSprop"]


class RMSprop(_OptaxOptimizer):
    """torch.optim.RMSprop. ``foreach``/``capturable``/``differentiable`` are accepted and ignored."""

    _hyper = ("lr", "alpha", "eps", "weight_decay", "momentum")
    _static = ("centered", "maximize")
    _names = {"step": "step", "nu": "square_avg", "mu": "grad_avg", "trace": "momentum_buffer"}

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _statics(self, group):  # torch keeps a momentum buffer only when momentum > 0
        return super()._statics(group) + (("has_momentum", group["momentum"] > 0),)

    @staticmethod
    def _make_tx(lr, alpha, eps, weight_decay, momentum, centered, maximize, has_momentum):
        scale = optax.scale_by_stddev if centered else optax.scale_by_rms
        rule = [count_steps(), scale(alpha, eps, eps_in_sqrt=False)] + ([optax.trace(momentum)] if has_momentum else [])
        return torch_chain(*rule, lr=lr, maximize=maximize, weight_decay=weight_decay)
