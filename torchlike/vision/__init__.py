"""torchlike.vision: torchvision's datasets, transforms and image utilities (needs the ``vision`` extra)."""
from . import datasets, models, ops, transforms, utils  # noqa: F401
