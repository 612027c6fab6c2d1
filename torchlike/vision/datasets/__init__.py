"""torchvision.datasets."""
