"""The experiments' datasets, built the torchvision way: MNIST and USPS with the seed's transforms.

USPS files are looked up in ``<data-root>/USPS/`` (``usps.bz2``/``usps.t.bz2`` for the LIBSVM variant,
``usps.h5`` for the HDF5 one), MNIST in ``<data-root>/MNIST/raw/``.
"""
from torchlike.vision import datasets, transforms

from ._common import MNIST_MEAN, MNIST_STD


def mnist(args, train, mean=MNIST_MEAN, std=MNIST_STD):
    """MNIST as ToTensor + Normalize(mean, std) tensors (the seed's LeNet transform by default)."""
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean, std)])
    return datasets.MNIST(args.data_root, train=train, download=args.download, transform=transform)


def usps(args, train, variant=None, resize=True):
    """USPS as the seed's transform makes it: Resize((28, 28), BICUBIC) + ToTensor + Normalize with
    MNIST's statistics; ``resize=False`` keeps the 16x16 images (to resize later with F.interpolate).
    ``variant``: 'libsvm' or 'h5' (None: whichever files are present, LIBSVM first)."""
    steps = [transforms.Resize((28, 28), interpolation=transforms.InterpolationMode.BICUBIC)] if resize else []
    transform = transforms.Compose(steps + [transforms.ToTensor(), transforms.Normalize(MNIST_MEAN, MNIST_STD)])
    return datasets.USPS(args.data_root / "USPS", train=train, download=args.download, transform=transform,
                         variant=variant)
