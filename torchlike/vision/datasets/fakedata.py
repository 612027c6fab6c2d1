"""torchvision.datasets.FakeData: random PIL images and targets, the same for an index every time.

Same arguments and sample types as torchvision (``image_size`` is ``(C, H, W)``; 1 channel gives
an 'L' image, 3 'RGB', 4 'RGBA'). Deviation: torchvision seeds torch's global generator with
``index + random_offset``; here each sample comes from a NumPy generator seeded the same way, so
the values differ from torchvision's, and no global random state is touched.
"""
import numpy as np
from PIL import Image

from .vision import VisionDataset

__all__ = ["FakeData"]


class FakeData(VisionDataset):
    """``size`` samples ``(PIL image, int target in [0, num_classes))``, deterministic per index."""

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None,
                 random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        rng = np.random.default_rng((index + self.random_offset) % 2**64)  # torch.manual_seed wraps too
        channels, height, width = self.image_size
        pixels = rng.integers(0, 256, (height, width, channels), dtype=np.uint8)
        target = int(rng.integers(0, self.num_classes))
        img = Image.fromarray(pixels[:, :, 0] if channels == 1 else pixels)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return self.size
