"""torchvision.utils: make_grid, save_image."""
