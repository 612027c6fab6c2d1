"""torch.optim.lr_scheduler."""

__all__ = []
