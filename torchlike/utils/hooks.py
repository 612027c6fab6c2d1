"""torch.utils.hooks: ``RemovableHandle``, the handle hook registrations return (defined with Module)."""
from ..nn.modules.module import RemovableHandle  # noqa: F401

__all__ = ["RemovableHandle"]
