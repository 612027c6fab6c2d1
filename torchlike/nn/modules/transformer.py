"""transformer modules of torch.nn."""

__all__ = []
