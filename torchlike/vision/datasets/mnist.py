"""torchvision.datasets.MNIST, FashionMNIST and KMNIST.

Same constructor, attributes (``data`` uint8 N×28×28 tensor, ``targets`` int64 tensor, ``classes``,
``class_to_idx``, ``raw_folder``, ``processed_folder``), samples (``(PIL 'L' image, int)``) and
repr as torchvision. Sources, in order:

1. ``root/<Class>/raw/<name>-ubyte`` or ``<name>-ubyte.gz`` for the requested split, MD5-verified
   (the ``.gz`` against torchvision's published MD5s; the decompressed MNIST files against the MD5s
   of their content; decompressed FashionMNIST/KMNIST files, with no published MD5, are checked by
   their IDX structure only). A file that fails its MD5 raises RuntimeError naming the file and
   both MD5s (with ``download=True`` it is downloaded again instead).
2. A prepared TensorFlow Datasets copy when ``tensorflow_datasets`` is installed, read with
   ``tfds.data_source`` from TFDS's data_dir ($TFDS_DATA_DIR or ~/tensorflow_datasets; no TensorFlow
   needed to read, preparing it needs TensorFlow). Deviation:
   TFDS stores the examples in its own shuffled order, so indices differ from the IDX order.
3. ``download=True``: torchvision's mirrors, one after the other, resumable and MD5-verified
   (see ``utils.download_url``); the ``.gz`` files are read directly, not extracted.

Unlike torchvision, only the requested split's two files are needed, and the legacy
``processed/training.pt`` cache is not read.
"""
import os

import numpy as np

from ...ops.creation import from_numpy
from ._in_memory import InMemoryImageDataset
from .utils import ChecksumError, check_integrity, download_from_mirrors, read_maybe_compressed, verify_file

__all__ = ["MNIST", "FashionMNIST", "KMNIST", "read_image_file", "read_label_file"]

# IDX type byte -> big-endian NumPy dtype
_IDX_TYPES = {0x08: np.dtype(np.uint8), 0x09: np.dtype(np.int8), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
              0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def read_idx(data, name="IDX data"):
    """Parse IDX bytes (``00 00 <type> <ndim>``, ``ndim`` big-endian uint32 sizes, then the values)
    into a native-endian array; a malformed or truncated file raises RuntimeError naming ``name``."""
    if len(data) < 4 or data[0] or data[1] or data[2] not in _IDX_TYPES:
        raise RuntimeError(f"{name} is not an IDX file (magic number {data[:4].hex() or 'missing'})")
    dtype, ndim = _IDX_TYPES[data[2]], data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise RuntimeError(f"{name} is truncated: {len(data)} bytes, shorter than its {header}-byte IDX header")
    shape = tuple(int(n) for n in np.frombuffer(data, ">u4", ndim, 4))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        kind = "truncated" if len(data) < expected else "longer than its header says"
        raise RuntimeError(f"{name} is {kind}: {len(data)} bytes, expected {expected} for shape {shape}")
    return np.frombuffer(data, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def _read_idx_file(path, ndim):
    array = read_idx(read_maybe_compressed(path), path)
    if array.ndim != ndim or array.dtype != np.uint8:
        raise RuntimeError(f"{path}: expected a {ndim}-D uint8 IDX array, found {array.ndim}-D {array.dtype}")
    return array


def read_image_file(path):
    """An IDX image file (optionally .gz/.bz2/.xz) as a uint8 N×H×W tensor."""
    return from_numpy(_read_idx_file(path, 3))


def read_label_file(path):
    """An IDX label file (optionally compressed) as an int64 tensor."""
    return from_numpy(_read_idx_file(path, 1).astype(np.int64))


def _tfds_arrays(name, split):
    """``(images, labels)`` from a prepared TFDS copy, or ``(None, why not)``."""
    try:
        import tensorflow_datasets as tfds
    except ImportError:
        return None, "tensorflow_datasets is not installed (the 'data' extra), so no TFDS copy was looked for."
    try:
        source = tfds.data_source(name, split=split)
    except Exception as error:  # TFDS raises various types for a dataset that was never prepared
        return None, (f"tensorflow_datasets has no prepared '{name}' copy ({type(error).__name__}: {error}). "
                      f"Preparing one needs TensorFlow: pip install tensorflow, then "
                      f"tfds.builder('{name}').download_and_prepare().")
    records = [source[i] for i in range(len(source))]
    images = np.stack([np.asarray(r["image"], dtype=np.uint8).reshape(28, 28) for r in records])
    return (images, np.array([int(r["label"]) for r in records], dtype=np.int64)), None


class MNIST(InMemoryImageDataset):
    """`MNIST <http://yann.lecun.com/exdb/mnist/>`_: ``MNIST(root, train=True, transform=None,
    target_transform=None, download=False)``; files in ``root/MNIST/raw``."""

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    # MD5s of the decompressed files (the content of the verified .gz files above).
    raw_md5 = {
        "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
        "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
        "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
        "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
    }
    tfds_name = "mnist"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        images, labels = self._load(download)
        self.data = from_numpy(images)
        self.targets = from_numpy(labels)

    @property
    def raw_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "processed")

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    def _split_resources(self):
        prefix = "train" if self.train else "t10k"
        return [r for r in self.resources if r[0].startswith(prefix)]

    def _verified_file(self, filename, md5):
        """The first present copy of ``filename`` (decompressed first, then .gz) that passes its
        check; None if there is none; ChecksumError if copies are present but all corrupt."""
        raw = os.path.join(self.raw_folder, os.path.splitext(filename)[0])
        error = None
        for path, expected in ((raw, self.raw_md5.get(os.path.basename(raw))), (raw + ".gz", md5)):
            if not os.path.isfile(path):
                continue
            try:
                if expected is not None:
                    verify_file(path, expected)
                return path
            except ChecksumError as e:
                error = error or e
        if error is not None:
            raise error
        return None

    def _local_files(self, download):
        try:
            paths = [self._verified_file(*r) for r in self._split_resources()]
        except ChecksumError:
            if not download:
                raise
            return None
        return paths if all(paths) else None

    def _load(self, download):
        paths = self._local_files(download)
        if paths is None:
            arrays, tfds_note = _tfds_arrays(self.tfds_name, "train" if self.train else "test")
            if arrays is not None:
                return arrays
            if not download:
                names = ", ".join(r[0] for r in self._split_resources())
                raise RuntimeError(f"Dataset not found. You can use download=True to download it.\nExpected in "
                                   f"{self.raw_folder}: {names} (or the same files decompressed, without .gz).\n"
                                   f"{tfds_note}")
            self.download()
            paths = self._local_files(download=False)
        images, labels = _read_idx_file(paths[0], 3), _read_idx_file(paths[1], 1)
        if len(images) != len(labels):
            raise RuntimeError(f"{paths[0]} holds {len(images)} images but {paths[1]} holds {len(labels)} labels")
        return images, labels.astype(np.int64)

    def _check_exists(self):
        try:
            return all(self._verified_file(*r) for r in self.resources)
        except ChecksumError:
            return False

    def download(self):
        """Download the missing or corrupt files from ``mirrors`` (resumable, MD5-verified)."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            if not check_integrity(os.path.join(self.raw_folder, filename), md5):
                download_from_mirrors([m + filename for m in self.mirrors], self.raw_folder, filename, md5,
                                      [r[0] for r in self.resources])

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_; files in ``root/FashionMNIST/raw``."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    raw_md5 = {}
    tfds_name = "fashion_mnist"
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


class KMNIST(MNIST):
    """`Kuzushiji-MNIST <https://github.com/rois-codh/kmnist>`_; files in ``root/KMNIST/raw``."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    raw_md5 = {}
    tfds_name = "kmnist"
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
