"""torch.utils."""
from . import data  # noqa: F401
from . import checkpoint, dlpack  # noqa: F401,E402  (attributes of torch.utils, as in torch)
