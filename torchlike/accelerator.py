"""torch.accelerator (placeholder)."""
