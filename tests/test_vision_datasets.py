"""torchlike.vision.datasets on the real MNIST/USPS files in ../shared/data (or $TORCHLIKE_DATA):
values against the raw files read independently and the facts in SOURCES.md, failure paths
(corrupt, truncated, missing files, no network: urlopen is mocked, nothing is downloaded),
ImageFolder/FakeData, and the DataLoader batch fast path against torch's default_collate."""
import bz2
import gzip
import hashlib
import os
import shutil
import sys
import types
import urllib.error
import urllib.request
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch
import torch.utils.data as tdata
from PIL import Image

import torchlike
from torchlike.utils.data import default_collate
from torchlike.vision import datasets
from torchlike.vision.datasets import mnist as mnist_module
from torchlike.vision.datasets.utils import download_url

DATA = Path(os.environ.get("TORCHLIKE_DATA", Path(__file__).parents[1] / ".." / "shared" / "data")).resolve()
RAW = DATA / "MNIST" / "raw"
USPS_ROOT = DATA / "USPS"
# From SOURCES.md.
LABEL_COUNTS = {True: [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
                False: [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]}
PIXEL_MEAN = {True: 33.3184, False: 33.7912}


def md5(path):
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def files(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*"))


def copy_mnist_split(tmp_path, prefix="t10k", cls="MNIST"):
    raw = tmp_path / cls / "raw"
    raw.mkdir(parents=True)
    for kind in ("images-idx3", "labels-idx1"):
        shutil.copy(RAW / f"{prefix}-{kind}-ubyte.gz", raw)
    return raw


@pytest.fixture(scope="module")
def mnist_test():
    return datasets.MNIST(str(DATA), train=False)


# ---- MNIST -----------------------------------------------------------------------------------
@pytest.mark.parametrize("train", [True, False])
def test_mnist_matches_sources_facts(train):
    ds = datasets.MNIST(str(DATA), train=train)
    assert len(ds) == sum(LABEL_COUNTS[train])
    assert ds.data.dtype is torchlike.uint8 and tuple(ds.data.shape) == (len(ds), 28, 28)
    assert ds.targets.dtype is torchlike.int64 and tuple(ds.targets.shape) == (len(ds),)
    assert np.bincount(ds.targets.numpy(), minlength=10).tolist() == LABEL_COUNTS[train]
    assert round(float(ds.data.numpy().mean(dtype=np.float64)), 4) == PIXEL_MEAN[train]


def test_mnist_samples_equal_raw_idx_bytes(mnist_test):
    images = gzip.decompress((RAW / "t10k-images-idx3-ubyte.gz").read_bytes())
    labels = gzip.decompress((RAW / "t10k-labels-idx1-ubyte.gz").read_bytes())
    assert int.from_bytes(images[:4], "big") == 2051 and int.from_bytes(labels[:4], "big") == 2049
    for i in (0, 1, 9999):
        img, target = mnist_test[i]
        assert isinstance(img, Image.Image) and img.mode == "L" and img.size == (28, 28)
        assert np.asarray(img).tobytes() == images[16 + 784 * i:16 + 784 * (i + 1)]
        assert type(target) is int and target == labels[8 + i]


def test_mnist_attributes_and_repr(mnist_test):
    assert mnist_test.classes[0] == "0 - zero" and mnist_test.class_to_idx["9 - nine"] == 9
    assert mnist_test.raw_folder == os.path.join(str(DATA), "MNIST", "raw")
    assert mnist_test.processed_folder == os.path.join(str(DATA), "MNIST", "processed")
    assert repr(mnist_test) == (f"Dataset MNIST\n    Number of datapoints: 10000\n    Root location: {DATA}\n"
                                "    Split: Test")

    class Scale:
        def __call__(self, x):
            return x

        def __repr__(self):
            return "Scale(\n  k=1\n)"

    ds = datasets.MNIST(str(DATA), train=False, transform=Scale(), target_transform=Scale())
    assert repr(ds).endswith("    Split: Test\n    StandardTransform\nTransform: Scale(\n"
                             "             k=1\n           )\nTarget transform: Scale(\n"
                             "                    k=1\n                  )")
    with pytest.raises(ValueError, match="Only transforms or transform/target_transform"):
        datasets.VisionDataset(str(DATA), transforms=Scale(), transform=Scale())


def test_mnist_reads_decompressed_files_and_fashion_from_idx(tmp_path, mnist_test):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for kind in ("images-idx3", "labels-idx1"):
        (raw / f"t10k-{kind}-ubyte").write_bytes(gzip.decompress((RAW / f"t10k-{kind}-ubyte.gz").read_bytes()))
    ds = datasets.MNIST(tmp_path, train=False)
    assert len(ds) == 10000 and np.array_equal(ds.data.numpy(), mnist_test.data.numpy())
    fashion = tmp_path / "FashionMNIST"
    shutil.copytree(tmp_path / "MNIST", fashion)  # no published MD5 for the decompressed files: IDX checks only
    assert datasets.FashionMNIST(tmp_path, train=False).classes[0] == "T-shirt/top"


# ---- failure paths ---------------------------------------------------------------------------
def test_md5_mismatch_names_file_and_leaves_no_state(tmp_path):
    raw = copy_mnist_split(tmp_path)
    bad = raw / "t10k-labels-idx1-ubyte.gz"
    data = bytearray(bad.read_bytes())
    data[100] ^= 0xFF
    bad.write_bytes(bytes(data))
    before = files(tmp_path)
    with pytest.raises(RuntimeError) as info:
        datasets.MNIST(tmp_path, train=False)
    msg = str(info.value)
    assert str(bad) in msg and "ec29112dd5afa0611ce80d1b7f02629c" in msg and md5(bad) in msg
    assert files(tmp_path) == before and bad.read_bytes() == bytes(data)


def test_truncated_files(tmp_path):
    raw = copy_mnist_split(tmp_path)
    gz = raw / "t10k-images-idx3-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:5000])
    with pytest.raises(RuntimeError, match="MD5 mismatch.*t10k-images"):
        datasets.MNIST(tmp_path, train=False)
    # Decompressed FashionMNIST files have no published MD5: the IDX header catches truncation.
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    full = gzip.decompress((RAW / "t10k-images-idx3-ubyte.gz").read_bytes())
    (raw / "t10k-images-idx3-ubyte").write_bytes(full[:-10])
    (raw / "t10k-labels-idx1-ubyte").write_bytes(gzip.decompress((RAW / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    with pytest.raises(RuntimeError, match="t10k-images-idx3-ubyte is truncated: 7840006 bytes, expected 7840016"):
        datasets.FashionMNIST(tmp_path, train=False)
    with pytest.raises(RuntimeError, match="is not an IDX file"):
        mnist_module.read_idx(b"\x01\x02\x08\x03", "x")
    with pytest.raises(RuntimeError, match="shorter than its 16-byte IDX header"):
        mnist_module.read_idx(full[:10], "x")
    with pytest.raises(RuntimeError, match="Could not read"):
        mnist_module.read_image_file(str(gz))


def test_missing_files_error_lists_files(tmp_path):
    with pytest.raises(RuntimeError) as info:
        datasets.MNIST(tmp_path, train=True)
    msg = str(info.value)
    assert msg.startswith("Dataset not found. You can use download=True to download it")
    assert "train-images-idx3-ubyte.gz" in msg and "train-labels-idx1-ubyte.gz" in msg
    assert os.path.join(str(tmp_path), "MNIST", "raw") in msg and "tensorflow" in msg
    with pytest.raises(RuntimeError, match=r"usps\.t\.bz2 \(or usps\.h5 for variant 'h5'\) in"):
        datasets.USPS(tmp_path, train=False)
    assert files(tmp_path) == []


class FakeResponse:
    """An HTTP response over ``payload``, honouring a Range request; optionally breaking after ``fail_after`` bytes."""

    def __init__(self, payload, request, fail_after=None):
        start = int(request.get_header("Range", "bytes=0-")[6:-1])
        self.status = 206 if start else 200
        self.body, self.fail_after, self.sent = payload[start:], fail_after, 0

    def read(self, n):
        if self.fail_after is not None and self.sent >= self.fail_after:
            raise TimeoutError("timed out")
        n = n if self.fail_after is None else min(n, self.fail_after - self.sent)
        chunk, self.body = self.body[:n], self.body[n:]
        self.sent += len(chunk)
        return chunk

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize("error", [urllib.error.URLError("no network"), TimeoutError("timed out")])
def test_download_without_network_fails_fast(tmp_path, monkeypatch, error):
    calls = []

    def urlopen(request, timeout=None):
        calls.append((request.full_url, timeout))
        raise error

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    with pytest.raises(RuntimeError, match="Error downloading train-images-idx3-ubyte.gz") as info:
        datasets.MNIST(tmp_path, download=True)
    assert [url for url, _ in calls] == [m + "train-images-idx3-ubyte.gz" for m in datasets.MNIST.mirrors]
    assert all(t is not None and 0 < t <= 60 for _, t in calls)
    assert str(tmp_path / "MNIST" / "raw") in str(info.value)
    assert not list(tmp_path.rglob("*.gz*"))
    with pytest.raises(RuntimeError, match=f"(?s)Error downloading usps.t.bz2.*copy usps.t.bz2 into {tmp_path}"):
        datasets.USPS(tmp_path, train=False, download=True)
    assert not list(tmp_path.rglob("usps*"))


def test_download_resumes_verifies_and_falls_back_to_next_mirror(tmp_path, monkeypatch, mnist_test):
    payloads = {m + name: (RAW / name).read_bytes() for m in datasets.MNIST.mirrors[1:]
                for name, _ in datasets.MNIST.resources}
    payloads[datasets.USPS.split_list["test"][0]] = (USPS_ROOT / "usps.t.bz2").read_bytes()
    ranges, broken = [], {"once": True}

    def urlopen(request, timeout=None):
        url = request.full_url
        if url not in payloads:
            raise urllib.error.URLError("mirror down")
        ranges.append((url, request.get_header("Range")))
        fail = 100_000 if url.endswith("usps.t.bz2") and broken.pop("once", False) else None
        return FakeResponse(payloads[url], request, fail)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    ds = datasets.MNIST(tmp_path, train=False, download=True)
    assert np.array_equal(ds.data.numpy(), mnist_test.data.numpy())
    assert sorted(p.name for p in (tmp_path / "MNIST" / "raw").iterdir()) == sorted(r[0] for r in ds.resources)

    usps_url = datasets.USPS.split_list["test"][0]
    # the transfer breaks: the part file stays, nothing has the final name
    with pytest.raises(RuntimeError, match="timed out"):
        datasets.USPS(tmp_path, train=False, download=True)
    assert (tmp_path / "usps.t.bz2.part").stat().st_size == 100_000 and not (tmp_path / "usps.t.bz2").exists()
    usps = datasets.USPS(tmp_path, train=False, download=True)
    assert ranges[-2:] == [(usps_url, None), (usps_url, "bytes=100000-")]
    assert usps.variant == "libsvm" and usps.targets == datasets.USPS(USPS_ROOT, train=False).targets
    assert md5(tmp_path / "usps.t.bz2") == datasets.USPS.split_list["test"][2]

    payloads[usps_url] = payloads[usps_url][:-1] + b"x"  # a corrupt download is discarded
    with pytest.raises(RuntimeError, match="MD5 mismatch for " + usps_url):
        download_url(usps_url, str(tmp_path / "again"), md5=datasets.USPS.split_list["test"][2])
    assert files(tmp_path / "again") == []


def test_tfds_copy_is_used_when_files_are_absent(tmp_path, monkeypatch):
    fake = types.ModuleType("tensorflow_datasets")
    images = np.arange(3 * 784, dtype=np.uint8).reshape(3, 28, 28, 1)

    def data_source(name, split):
        assert (name, split) == ("fashion_mnist", "test")
        return [{"image": images[i], "label": np.int64(i + 4)} for i in range(3)]

    fake.data_source = data_source
    monkeypatch.setitem(sys.modules, "tensorflow_datasets", fake)
    ds = datasets.FashionMNIST(tmp_path, train=False)
    assert ds.targets.tolist() == [4, 5, 6] and np.array_equal(ds.data.numpy(), images[..., 0])

    def not_prepared(name, split):
        raise FileNotFoundError("no prepared data")

    fake.data_source = not_prepared
    with pytest.raises(RuntimeError, match=r"(?s)Dataset not found.*no prepared 'mnist'.*needs TensorFlow"):
        datasets.MNIST(tmp_path, train=False)


# ---- USPS ------------------------------------------------------------------------------------
def libsvm_rows():
    lines = bz2.decompress((USPS_ROOT / "usps.t.bz2").read_bytes()).decode().splitlines()
    labels = [int(line.split()[0]) for line in lines]
    first = np.array([float(t.split(":")[1]) for t in lines[0].split()[1:]], dtype=np.float32)
    return labels, first


def test_usps_variants_lengths_and_labels():
    with h5py.File(USPS_ROOT / "usps.h5") as f:
        h5_test_targets = f["test"]["target"][:].tolist()
        h5_train_first = f["train"]["data"][0]
    libsvm_labels, libsvm_first = libsvm_rows()
    train = datasets.USPS(USPS_ROOT, train=True)  # usps.bz2 is absent: h5
    test = datasets.USPS(USPS_ROOT, train=False)  # usps.t.bz2 is present: libsvm first
    test_h5 = datasets.USPS(USPS_ROOT, train=False, variant="h5")
    assert (train.variant, test.variant, test_h5.variant) == ("h5", "libsvm", "h5")
    assert (len(train), len(test), len(test_h5)) == (7291, 2007, 2007)
    assert test.targets == [label - 1 for label in libsvm_labels] == h5_test_targets == test_h5.targets
    for ds in (train, test, test_h5):
        assert ds.data.dtype == np.uint8 and ds.data.shape == (len(ds), 16, 16)
        img, target = ds[0]
        assert img.mode == "L" and img.size == (16, 16) and type(target) is int and 0 <= target <= 9
    # torchvision's mapping of the LIBSVM values, and the documented one for the h5 pixels
    assert np.array_equal(test.data[0], ((libsvm_first.reshape(16, 16) + 1) / 2 * 255).astype(np.uint8))
    assert np.array_equal(train.data[0], (h5_train_first.reshape(16, 16) * 255).astype(np.uint8))


def test_usps_errors(tmp_path):
    with pytest.raises(RuntimeError, match=r"(?s)download=True.*'libsvm': usps\.bz2 in"):
        datasets.USPS(USPS_ROOT, train=True, variant="libsvm")
    with pytest.raises(ValueError, match="Unknown value 'zip' for argument variant"):
        datasets.USPS(USPS_ROOT, variant="zip")
    bad = tmp_path / "usps.h5"
    data = bytearray((USPS_ROOT / "usps.h5").read_bytes())
    data[-1] ^= 1
    bad.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match=f"MD5 mismatch for {bad}: expected 355df6b942eb766252e0340bc019b0b9, "
                                           f"got {md5(bad)}"):
        datasets.USPS(tmp_path, train=True)
    assert files(tmp_path) == ["usps.h5"]


# ---- ImageFolder / FakeData ------------------------------------------------------------------
def test_image_folder(tmp_path):
    rng = np.random.default_rng(0)
    pixels = {}
    for cls, names in {"dog": ["b.png", "a.PNG", "sub/c.png"], "cat": ["z.png"]}.items():
        for name in names:
            path = tmp_path / cls / name
            path.parent.mkdir(parents=True, exist_ok=True)
            pixels[str(path)] = rng.integers(0, 256, (4, 5), dtype=np.uint8)
            Image.fromarray(pixels[str(path)]).save(path, format="PNG")
    (tmp_path / "dog" / "notes.txt").write_text("not an image")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty. Supported extensions"):
        datasets.ImageFolder(tmp_path)
    ds = datasets.ImageFolder(tmp_path, allow_empty=True)
    assert ds.classes == ["cat", "dog", "empty"] and ds.class_to_idx == {"cat": 0, "dog": 1, "empty": 2}
    assert [os.path.relpath(p, tmp_path) for p, _ in ds.samples] == ["cat/z.png", "dog/a.PNG", "dog/b.png",
                                                                     "dog/sub/c.png"]
    assert ds.targets == [0, 1, 1, 1] and ds.imgs is ds.samples
    img, target = ds[3]
    assert img.mode == "RGB" and img.size == (5, 4) and target == 1
    assert np.array_equal(np.asarray(img), np.repeat(pixels[ds.samples[3][0]][..., None], 3, axis=2))
    txt = datasets.DatasetFolder(tmp_path, loader=lambda p: Path(p).read_text(), extensions=".txt", allow_empty=True)
    assert len(txt) == 1 and txt[0] == ("not an image", 1)
    only_b = datasets.ImageFolder(tmp_path, is_valid_file=lambda p: p.endswith("b.png"), allow_empty=True)
    assert [os.path.basename(p) for p, _ in only_b.samples] == ["b.png"]
    with pytest.raises(ValueError, match="Both extensions and is_valid_file cannot be None"):
        datasets.DatasetFolder(tmp_path, loader=None)
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"):
        datasets.ImageFolder(tmp_path / "cat")


def test_fake_data_is_deterministic_per_index():
    ds = datasets.FakeData(size=5, image_size=(3, 6, 7), num_classes=4)
    state = np.random.get_state()[1].copy()
    a, b = ds[2], datasets.FakeData(size=5, image_size=(3, 6, 7), num_classes=4)[2]
    assert np.array_equal(np.asarray(a[0]), np.asarray(b[0])) and a[1] == b[1]
    assert a[0].mode == "RGB" and a[0].size == (7, 6) and type(a[1]) is int
    assert not np.array_equal(np.asarray(ds[1][0]), np.asarray(a[0]))
    shifted = datasets.FakeData(size=5, image_size=(3, 6, 7), num_classes=4, random_offset=1)
    assert np.array_equal(np.asarray(shifted[1][0]), np.asarray(a[0]))
    assert {ds[i][1] for i in range(5)} <= set(range(4))
    assert datasets.FakeData(image_size=(1, 3, 3))[0][0].mode == "L"
    assert np.array_equal(np.random.get_state()[1], state)
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ds[5]
    assert repr(ds) == "Dataset FakeData\n    Number of datapoints: 5"


# ---- batch fast path -------------------------------------------------------------------------
class ToFloat:
    """Stand-in batchable transform (PIL 'L' -> 1×H×W float in [0, 1]) for torchlike or torch."""

    def __init__(self, lib):
        self.lib = lib

    def __call__(self, img):
        return self.lib.from_numpy(np.asarray(img, dtype=np.float32)[None] / 255)

    def batch(self, images):
        return self.lib.from_numpy(images[:, None].astype(np.float32) / 255)


def real_transform():
    """The seed's MNIST transform, once torchlike.vision.transforms provides batchable transforms."""
    from torchlike.vision import transforms
    if not hasattr(transforms, "Compose"):
        pytest.skip("torchlike.vision.transforms has not landed")
    t = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    if not hasattr(t, "batch"):
        pytest.skip("transforms are not batchable yet")
    return t


@pytest.mark.parametrize("make", ["mnist", "usps"])
def test_fetch_batch_equals_collated_samples(make, mnist_test):
    indices = np.array([3, 0, 2006, 17, 3], dtype=np.int64)
    root = (DATA, USPS_ROOT)[make == "usps"]
    cls = (datasets.MNIST, datasets.USPS)[make == "usps"]
    ds = cls(root, train=False, transform=ToFloat(torchlike))
    fast = ds._fetch_batch(indices)
    # torch's default_collate of the same samples made with torch tensors
    ds_torch = cls(root, train=False, transform=ToFloat(torch))
    expected = tdata.default_collate([ds_torch[int(i)] for i in indices])
    assert type(fast) is type(expected) is list
    for got, want in zip(fast, expected):
        assert str(got.dtype) == str(want.dtype) and tuple(got.shape) == tuple(want.shape)
        assert np.array_equal(got.numpy(), want.numpy())
    for transform, target_transform in ((None, None), (ds.transform, int), (np.asarray, None)):
        ds_torch.transform, ds_torch.target_transform = transform, target_transform
        assert ds_torch._fetch_batch(indices) is NotImplemented
    ds.data = ds.data[:10]  # reassigned data is seen
    ds.targets = ds.targets[:10]
    assert len(ds) == 10 and ds._fetch_batch(np.array([9]))[1].tolist() == [int(ds.targets[9])]
    with pytest.raises(IndexError):
        ds._fetch_batch(np.array([10]))


def test_fetch_batch_with_real_transforms(mnist_test):
    t = real_transform()
    ds = datasets.MNIST(str(DATA), train=False, transform=t)
    indices = np.array([5, 1, 9999], dtype=np.int64)
    fast = ds._fetch_batch(indices)
    slow = default_collate([ds[int(i)] for i in indices])
    assert fast[0].dtype is slow[0].dtype is torchlike.float32 and tuple(fast[0].shape) == (3, 1, 28, 28)
    np.testing.assert_allclose(fast[0].numpy(), slow[0].numpy(), rtol=0, atol=1e-6)
    assert fast[1].tolist() == slow[1].tolist()


def test_extract_archive(tmp_path):
    import zipfile
    from torchlike.vision.datasets.utils import extract_archive
    payload = (RAW / "t10k-labels-idx1-ubyte.gz").read_bytes()
    shutil.copy(RAW / "t10k-labels-idx1-ubyte.gz", tmp_path)
    assert extract_archive(str(tmp_path / "t10k-labels-idx1-ubyte.gz")) == str(tmp_path)
    assert (tmp_path / "t10k-labels-idx1-ubyte").read_bytes() == gzip.decompress(payload)
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as z:
        z.writestr("d/x.txt", "hello")
    extract_archive(str(tmp_path / "a.zip"), str(tmp_path / "out"), remove_finished=True)
    assert (tmp_path / "out" / "d" / "x.txt").read_text() == "hello" and not (tmp_path / "a.zip").exists()
    (tmp_path / "plain.txt").write_text("x")
    with pytest.raises(RuntimeError, match="Couldn't detect the archive type"):
        extract_archive(str(tmp_path / "plain.txt"))
