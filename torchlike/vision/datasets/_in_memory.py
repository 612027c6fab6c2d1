"""Per-sample access and the DataLoader's batch fast path for datasets held as one uint8 image
array (MNIST family, USPS)."""
import numpy as np
from PIL import Image

from ..._tensor import Tensor
from ...ops.creation import from_numpy
from .vision import VisionDataset

__all__ = ["InMemoryImageDataset"]


class InMemoryImageDataset(VisionDataset):
    """Samples are ``(PIL 'L' image, int)`` from ``self.data`` (N×H×W uint8, a Tensor or NumPy
    array) and ``self.targets`` (a Tensor, array or list), through ``transform``/``target_transform``.
    Reassigning or writing ``data``/``targets`` in place is seen by the next access."""

    def _host(self, name):
        """Attribute ``name`` as something NumPy-indexable: a Tensor's host copy is cached until its
        JAX array changes (reassignment or an in-place write)."""
        value = getattr(self, name)
        if not isinstance(value, Tensor):
            return value
        cache = self.__dict__.setdefault("_host_cache", {})
        if name not in cache or cache[name][0] is not value._data:
            cache[name] = (value._data, np.asarray(value._data))
        return cache[name][1]

    def __getstate__(self):  # worker processes rebuild the host cache instead of receiving a copy
        return {k: v for k, v in self.__dict__.items() if k != "_host_cache"}

    def __getitem__(self, index):
        images, targets = self._host("data"), self._host("targets")
        img, target = Image.fromarray(images[index]), int(targets[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def _fetch_batch(self, indices):
        """The collated batch for ``indices`` (int64 array) with one gather: ``[transform.batch(images),
        int64 targets]``, equal to ``default_collate`` of the samples; ``NotImplemented`` unless the
        transform is batchable (has ``.batch``) and there is no target transform."""
        if self.transform is None or self.target_transform is not None or not hasattr(self.transform, "batch"):
            return NotImplemented
        images, targets = self._host("data"), self._host("targets")
        indices = np.asarray(indices, dtype=np.int64)
        if isinstance(targets, np.ndarray):
            batch_targets = targets[indices].astype(np.int64)
        else:
            batch_targets = np.array([int(targets[i]) for i in indices], dtype=np.int64)
        return [self.transform.batch(images[indices]), from_numpy(batch_targets)]
