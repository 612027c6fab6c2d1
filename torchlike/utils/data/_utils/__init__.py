"""torch.utils.data._utils: the private package programs import ``collate`` from."""
from . import collate  # noqa: F401
