"""torch.optim.Adadelta on Optax: ``optax.scale_by_adadelta`` is torch's rule; a step
counter keeps torch's state['step']."""
import optax

from .optimizer import _check, _OptaxOptimizer, count_steps, torch_chain

__all__ = ["Adadelta"]


class Adadelta(_OptaxOptimizer):
    """torch.optim.Adadelta. ``foreach``/``capturable``/``differentiable`` are accepted and ignored."""

    _hyper = ("lr", "rho", "eps", "weight_decay")
    _static = ("maximize",)
    _names = {"step": "step", "e_g": "square_avg", "e_x": "acc_delta"}

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        _check(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check(eps=eps, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    @staticmethod
    def _make_tx(lr, rho, eps, weight_decay, maximize):
        return torch_chain(count_steps(), optax.scale_by_adadelta(rho, eps), lr=lr, maximize=maximize,
                           weight_decay=weight_decay)
