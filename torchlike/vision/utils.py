"""torchvision.utils: make_grid and save_image, with torchvision's arguments and results."""
import math

from PIL import Image

import torchlike


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    """Tile a (B, C, H, W) tensor (or list of (C, H, W) tensors) into one (C', H', W') image:
    ``nrow`` images per row, ``padding`` pixels of ``pad_value`` around each; single-channel
    images become 3-channel. ``normalize`` rescales to [0, 1] by ``value_range`` (default:
    min and max, of each image when ``scale_each``)."""
    if not isinstance(tensor, torchlike.Tensor):
        if isinstance(tensor, list):
            for t in tensor:
                if not isinstance(t, torchlike.Tensor):
                    raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        else:
            raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if isinstance(tensor, list):
        tensor = torchlike.stack(tensor, dim=0)
    if tensor.dim() == 2:
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 3:
        if tensor.size(0) == 1:
            tensor = torchlike.cat((tensor, tensor, tensor), 0)
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 4 and tensor.size(1) == 1:
        tensor = torchlike.cat((tensor, tensor, tensor), 1)
    if normalize is True:
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")
        images = tensor.unbind(0) if scale_each is True else (tensor,)
        tensor = torchlike.stack([_norm_range(t, value_range) for t in images]) if scale_each is True else \
            _norm_range(tensor, value_range)
    if tensor.size(0) == 1:
        return tensor.squeeze(0)
    nmaps = tensor.size(0)
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(tensor.size(2) + padding), int(tensor.size(3) + padding)
    grid = tensor.new_full((tensor.size(1), height * ymaps + padding, width * xmaps + padding), pad_value)
    for k in range(nmaps):
        y, x = divmod(k, xmaps)
        grid[:, y * height + padding:(y + 1) * height, x * width + padding:(x + 1) * width] = tensor[k]
    return grid


def _norm_range(t, value_range):
    low, high = value_range if value_range is not None else (float(t.min()), float(t.max()))
    return t.clamp(min=low, max=high).sub(low).div(max(high - low, 1e-5))


def save_image(tensor, fp, format=None, **kwargs):
    """Save ``make_grid(tensor, **kwargs)`` as an image file (PNG unless ``format``/the name
    says otherwise), pixels rounded as ``(x * 255 + 0.5).clamp(0, 255)`` truncated to uint8."""
    with torchlike.no_grad():
        grid = make_grid(tensor, **kwargs)
        ndarr = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to(torchlike.uint8).numpy()
    Image.fromarray(ndarr).save(fp, format=format)
