"""torchlike.optim.Optax: any Optax transformation as a torch-style optimizer."""
import optax

from .optimizer import _OptaxOptimizer

__all__ = ["Optax"]


class Optax(_OptaxOptimizer):
    """``Optax(params, optax.lion(1e-4))``: applies ``transformation`` to each parameter with
    its own state (so transformations that couple parameters, e.g. global-norm clipping,
    act per tensor), then scales the updates by ``group['lr']`` (default 1.0, so schedulers
    work). State keys are the Optax state's leaf paths."""

    def __init__(self, params, transformation, lr=1.0):
        self.transformation = transformation
        super().__init__(params, dict(lr=lr))

    def _make_tx(self, lr):
        return optax.chain(self.transformation, optax.scale(lr))
