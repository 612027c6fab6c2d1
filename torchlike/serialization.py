"""torch.save / torch.load in PyTorch's zip checkpoint format (placeholder)."""

__all__ = []
