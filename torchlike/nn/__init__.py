"""torch.nn (so far: the functional forms in torchlike.nn.functional)."""
from . import functional  # noqa: F401
