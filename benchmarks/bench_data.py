"""MNIST epoch throughput (images/s): torch's DataLoader vs torchlike's, in one run.

The seed's pipeline: the 60000 MNIST training images, ``ToTensor()`` + ``Normalize((0.1307,),
(0.3081,))``, batch 50, for ``num_workers`` 0 and 2. torchlike runs it two ways: the seed's code
unchanged, which takes the in-memory fast path (``MNIST._fetch_batch``: one gather and one batched
transform per batch, served from the main process), and with a custom ``collate_fn``, which forces
torch's per-sample path (``__getitem__`` per image, in the worker processes when there are any).
torchvision is not installed next to torch here, so the torch side is a minimal Dataset over the same IDX files
(``../shared/data/MNIST/raw``) doing what torchvision does per sample: PIL image -> uint8 array ->
float tensor / 255 -> normalize. The torchlike side is ``torchlike.vision.datasets.MNIST`` with
``torchlike.vision.transforms``. Each timing runs from ``iter(loader)`` to the last batch
(worker start included; torch forks its workers, torchlike starts them from a fork server) and
waits for every torchlike batch's arrays.

    python -m benchmarks.bench_data [--limit N] [--root DIR]
"""
import argparse
import gzip
import itertools
import os
import time
import warnings

import jax
import numpy as np
from PIL import Image

import torchlike.utils.data as ldata
from torchlike.vision import datasets, transforms

MEAN, STD, BATCH = 0.1307, 0.3081, 50
DEFAULT_ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")


def per_sample_collate(batch):
    """default_collate under another name: the DataLoader then takes the per-sample path."""
    return ldata.default_collate(batch)


def read_idx_gz(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = tuple(int(n) for n in np.frombuffer(data, ">u4", ndim, 4))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def torch_dataset(root):
    import torch

    class MNISTRaw(torch.utils.data.Dataset):
        """The training split as torchvision's MNIST + ToTensor + Normalize computes each sample."""

        def __init__(self):
            raw = os.path.join(root, "MNIST", "raw")
            self.images = read_idx_gz(os.path.join(raw, "train-images-idx3-ubyte.gz"))
            self.targets = read_idx_gz(os.path.join(raw, "train-labels-idx1-ubyte.gz"))

        def __len__(self):
            return len(self.images)

        def __getitem__(self, i):
            img = Image.fromarray(self.images[i])  # mode "L", as torchvision
            x = torch.from_numpy(np.array(img, np.uint8, copy=True)).view(1, img.size[1], img.size[0])
            x = x.to(torch.get_default_dtype()).div(255)
            return x.sub(MEAN).div(STD), int(self.targets[i])

    return torch, MNISTRaw()


def timed(loader, limit, wait):
    """Images per second over the first ``limit`` images (the whole epoch when None)."""
    batches = None if limit is None else -(-limit // BATCH)
    start, images = time.perf_counter(), 0
    for x, _ in itertools.islice(loader, batches):
        wait(x)
        images += len(x)
    return images / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="time only the first N images of the epoch")
    parser.add_argument("--root", default=DEFAULT_ROOT, help="folder holding MNIST/raw/*.gz")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", "os.fork", RuntimeWarning)  # torch's workers fork; they never run JAX

    torch, tds = torch_dataset(args.root)
    lds = datasets.MNIST(args.root, train=True,
                         transform=transforms.Compose([transforms.ToTensor(), transforms.Normalize((MEAN,), (STD,))]))

    def wait_torchlike(x):
        jax.block_until_ready(x._data)

    def run_torch(num_workers):
        return timed(torch.utils.data.DataLoader(tds, batch_size=BATCH, shuffle=True, num_workers=num_workers),
                     args.limit, lambda x: None)

    def run_torchlike(num_workers, collate_fn=per_sample_collate):
        loader = ldata.DataLoader(lds, batch_size=BATCH, shuffle=True, num_workers=num_workers,
                                  collate_fn=collate_fn)
        return timed(loader, args.limit, wait_torchlike)

    timed(ldata.DataLoader(lds, batch_size=BATCH, collate_fn=per_sample_collate), 2 * BATCH, wait_torchlike)
    timed(ldata.DataLoader(lds, batch_size=BATCH), 2 * BATCH, wait_torchlike)  # compile the kernels first
    rows = [(n, run_torch(n), run_torchlike(n, collate_fn=None), run_torchlike(n)) for n in (0, 2)]
    scope = "full epoch" if args.limit is None else f"first {args.limit} images"
    print(f"MNIST train, ToTensor + Normalize, batch {BATCH}, shuffled, {scope}; images/s\n")
    print("| num_workers | PyTorch | torchlike, the seed's code (batched fast path) | ratio | "
          "torchlike, per-sample path (custom collate_fn) | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, t, fast, per_sample in rows:
        print(f"| {n} | {t:,.0f} | {fast:,.0f} | {fast / t:.2f} | {per_sample:,.0f} | {per_sample / t:.2f} |")


if __name__ == "__main__":
    main()
