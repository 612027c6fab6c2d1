"""padding functions of torch.nn.functional."""

__all__ = []
