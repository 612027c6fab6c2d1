"""torch.cuda (placeholder)."""
