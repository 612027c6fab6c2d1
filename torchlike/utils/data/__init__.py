"""torch.utils.data: datasets, samplers, collation and DataLoader."""
