"""torch.nn.utils.rnn: padding and packing sequences."""

__all__ = []
