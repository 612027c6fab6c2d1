"""torch.random: Generator and the global RNG state (placeholder)."""

__all__ = []
