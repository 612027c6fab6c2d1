"""torchvision.datasets: MNIST, FashionMNIST, KMNIST, USPS, ImageFolder/DatasetFolder, FakeData.

Samples are PIL images, as torchvision's, so the same transforms apply. MNIST-family and USPS
datasets also offer ``_fetch_batch(indices)``, which the DataLoader uses to build a whole batch
with one array gather when the transform is batchable.
"""
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import KMNIST, MNIST, FashionMNIST
from .usps import USPS
from .vision import VisionDataset

__all__ = ["MNIST", "FashionMNIST", "KMNIST", "USPS", "ImageFolder", "DatasetFolder", "FakeData", "VisionDataset"]
