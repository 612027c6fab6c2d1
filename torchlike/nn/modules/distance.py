"""distance modules of torch.nn."""

__all__ = []
