"""torch.nn.utils: gradient clipping, parameter vectors, weight/spectral norm, rnn helpers."""
from . import rnn  # noqa: F401
