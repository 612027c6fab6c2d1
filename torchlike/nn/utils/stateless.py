"""torch.nn.utils.stateless: the deprecated home of ``functional_call`` (torchlike.func.functional_call)."""
from ...func import functional_call  # noqa: F401

__all__ = ["functional_call"]
