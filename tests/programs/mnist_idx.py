"""A few MNIST images read straight from torchvision's raw files (``ROOT/MNIST/raw/*-ubyte.gz``),
so the programs beside this file need no torchvision and never download anything."""
import gzip
import os

import numpy as np
import torch

MEAN, STD = 0.1307, 0.3081


def read_mnist(root, train=True, count=1000):
    """The first ``count`` images as a uint8 tensor (count, 28, 28) and their labels (int64)."""
    prefix = "train" if train else "t10k"
    raw = os.path.join(root, "MNIST", "raw")
    with gzip.open(os.path.join(raw, f"{prefix}-images-idx3-ubyte.gz")) as f:
        header = np.frombuffer(f.read(16), dtype=">i4")
        assert header[0] == 2051, "not an idx3 image file"
        images = np.frombuffer(f.read(count * 28 * 28), dtype=np.uint8).reshape(-1, 28, 28)
    with gzip.open(os.path.join(raw, f"{prefix}-labels-idx1-ubyte.gz")) as f:
        f.read(8)
        labels = np.frombuffer(f.read(count), dtype=np.uint8)
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))


def default_root():
    """$TORCHLIKE_DATA, else the shared data folder beside the repository."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("TORCHLIKE_DATA", os.path.join(here, "..", "..", "..", "shared", "data"))
