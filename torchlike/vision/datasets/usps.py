"""torchvision.datasets.USPS, from either of its two common file formats.

``USPS(root, train=True, transform=None, target_transform=None, download=False, variant=None)``.
``data`` is a uint8 N×16×16 NumPy array, ``targets`` a list of int in 0..9, samples are
``(PIL 'L' image, int)``, as in torchvision. ``variant`` (exposed as ``ds.variant``):

- ``'libsvm'``: torchvision's files ``root/usps.bz2`` (train) / ``root/usps.t.bz2`` (test), pixels in
  [-1, 1] (a Gaussian-smoothed copy), labels 1..10. Mapped exactly as torchvision does:
  ``((x + 1) / 2 * 255).astype(uint8)`` in float32 (truncation), label - 1. Only these can be
  downloaded (torchvision's URLs, resumable, MD5-verified).
- ``'h5'``: ``root/usps.h5`` (groups ``train``/``test``, ``data`` float32 in [0, 1] holding the
  original pixels, ``target`` 0..9), read with h5py. Its pixels are (x + 1) / 2 of the original
  [-1, 1] values, so they are mapped with the same formula: ``(p * 255).astype(uint8)`` in float32.
- ``None`` (default): the LIBSVM file of the requested split if present, else ``usps.h5`` if
  present, else (with ``download=True``) the LIBSVM download.

Every file is MD5-verified before it is read; a mismatch raises RuntimeError naming the file and
both MD5s.
"""
import os

import numpy as np

from ._in_memory import InMemoryImageDataset
from .utils import check_integrity, download_from_mirrors, read_maybe_compressed, verify_file, verify_str_arg

__all__ = ["USPS"]


def _parse_libsvm(text, path, n_features=256):
    """LIBSVM lines ``label idx:value ...`` (1-based indices, absent features are 0) as
    ``(float32 values N×n_features, int labels)``."""
    rows, labels = [], []
    for lineno, line in enumerate(text.splitlines(), 1):
        tokens = line.split()
        if not tokens:
            continue
        try:
            pairs = [t.split(":") for t in tokens[1:]]
            index = np.array([int(i) for i, _ in pairs], dtype=np.int64) - 1
            values = np.asarray([v for _, v in pairs], dtype=np.float32)
            labels.append(int(float(tokens[0])))
        except ValueError as error:
            raise RuntimeError(f"{path}, line {lineno}: not LIBSVM data ({error})") from None
        if index.size and (index.min() < 0 or index.max() >= n_features):
            raise RuntimeError(f"{path}, line {lineno}: feature index outside 1..{n_features}")
        row = np.zeros(n_features, dtype=np.float32)
        row[index] = values
        rows.append(row)
    if not rows:
        raise RuntimeError(f"{path} holds no samples")
    return np.stack(rows), labels


class USPS(InMemoryImageDataset):
    """`USPS <https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass.html#usps>`_ digits, 16×16."""

    split_list = {
        "train": ["https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass/usps.bz2", "usps.bz2",
                  "ec16c51db3855ca6c91edd34d0e9b197"],
        "test": ["https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass/usps.t.bz2", "usps.t.bz2",
                 "8ea070ee2aca1ac39742fdd1ef5ed118"],
    }
    h5_file = ("usps.h5", "355df6b942eb766252e0340bc019b0b9")
    variants = ("libsvm", "h5")

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False, variant=None):
        super().__init__(root, transform=transform, target_transform=target_transform)
        split = "train" if train else "test"
        url, filename, md5 = self.split_list[split]
        libsvm_path, h5_path = os.path.join(self.root, filename), os.path.join(self.root, self.h5_file[0])
        alternative = ""
        if variant is None:
            variant = "h5" if not os.path.isfile(libsvm_path) and os.path.isfile(h5_path) else "libsvm"
            alternative = f" (or {self.h5_file[0]} for variant 'h5')"
        self.variant = verify_str_arg(variant, "variant", self.variants)
        if self.variant == "libsvm":
            if download and not check_integrity(libsvm_path, md5):
                download_from_mirrors([url], self.root, filename, md5)
            self._require(libsvm_path, md5, "You can use download=True to download it", alternative)
            values, labels = _parse_libsvm(read_maybe_compressed(libsvm_path).decode("ascii"), libsvm_path)
            self.data = ((values.reshape(-1, 16, 16) + 1) / 2 * 255).astype(np.uint8)
            self.targets = [label - 1 for label in labels]
        else:
            self._require(h5_path, self.h5_file[1], "It has no download URL: copy it there, or use variant='libsvm'")
            pixels, self.targets = self._read_h5(h5_path, split)
            self.data = (pixels.reshape(-1, 16, 16) * 255).astype(np.uint8)

    def _require(self, path, md5, how, alternative=""):
        """Check that ``path`` exists (else the not-found error, with ``how`` to get it) and matches ``md5``."""
        if not os.path.isfile(path):
            raise RuntimeError(f"Dataset not found. {how}.\nExpected file for variant '{self.variant}': "
                               f"{os.path.basename(path)}{alternative} in {self.root}")
        verify_file(path, md5)

    @staticmethod
    def _read_h5(path, split):
        import h5py
        with h5py.File(path, "r") as h5:
            group = h5[split]
            pixels = np.asarray(group["data"], dtype=np.float32)
            targets = [int(t) for t in np.asarray(group["target"])]
        if pixels.shape != (len(targets), 256):
            raise RuntimeError(f"{path}: '{split}/data' has shape {pixels.shape}, expected ({len(targets)}, 256)")
        return pixels, targets
