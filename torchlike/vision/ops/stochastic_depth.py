"""torchvision.ops.stochastic_depth: randomly dropping whole residual branches (per batch or per row)."""
from ... import empty
from ...nn import Module

__all__ = ["StochasticDepth", "stochastic_depth"]


def stochastic_depth(input, p, mode, training=True):
    """torchvision's stochastic depth: in training, zero the whole ``input`` (``mode="batch"``) or each sample
    (``mode="row"``) with probability ``p`` and scale the kept ones by ``1 / (1 - p)``; identity otherwise.
    Same errors as torchvision for ``p`` outside [0, 1] and an unknown ``mode``."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if mode not in ["batch", "row"]:
        raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
    if not training or p == 0.0:
        return input
    survival_rate = 1.0 - p
    if mode == "row":
        size = [input.shape[0]] + [1] * (input.ndim - 1)
    else:
        size = [1] * input.ndim
    noise = empty(size, dtype=input.dtype, device=input.device).bernoulli_(survival_rate)
    if survival_rate > 0.0:
        noise.div_(survival_rate)
    return input * noise


class StochasticDepth(Module):
    """torchvision's ``StochasticDepth(p, mode)`` module: ``stochastic_depth`` with the module's training flag."""

    def __init__(self, p, mode):
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input):
        return stochastic_depth(input, self.p, self.mode, self.training)

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p}, mode={self.mode})"
