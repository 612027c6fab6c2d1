"""torch.optim: optimizers whose update math is Optax, and lr_scheduler."""
from . import lr_scheduler  # noqa: F401
