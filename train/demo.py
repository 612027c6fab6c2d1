"""A quick demo until the LeNet experiment lands: softmax regression on real MNIST,
written the PyTorch way (tensors, autograd, a manual SGD step) on ``torchlike``.

    python -m train.demo [--steps 300] [--batch 100] [--lr 0.5]
"""
import argparse
import gzip
import pathlib
import time

import numpy as np

import torchlike as torch

DATA = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "data" / "MNIST" / "raw"


def read_idx(path):
    """Read an IDX file (gzip'd), as distributed by the MNIST authors."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load(split, root=DATA):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(root / f"{prefix}-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255.0
    labels = read_idx(root / f"{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy((images - 0.1307) / 0.3081), torch.from_numpy(labels)


def main():
    parser = argparse.ArgumentParser(description="softmax regression on MNIST with torchlike")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--data", type=pathlib.Path, default=DATA)
    args = parser.parse_args()

    torch.manual_seed(0)
    x_train, y_train = load("train", args.data)
    x_test, y_test = load("test", args.data)
    w = torch.zeros(784, 10, requires_grad=True)
    b = torch.zeros(10, requires_grad=True)

    start = time.perf_counter()
    for step in range(1, args.steps + 1):
        idx = torch.randint(0, x_train.shape[0], (args.batch,))
        logits = x_train[idx] @ w + b
        loss = (logits.logsumexp(1) - logits.gather(1, y_train[idx].unsqueeze(1)).squeeze(1)).mean()
        loss.backward()
        with torch.no_grad():
            w -= args.lr * w.grad / 10
            b -= args.lr * b.grad / 10
            w.grad = None
            b.grad = None
        if step % 100 == 0 or step == args.steps:
            print(f"step {step:4d}  loss {loss.item():.4f}")
    with torch.no_grad():
        accuracy = ((x_test @ w + b).argmax(1) == y_test).float().mean().item()
    print(f"test accuracy {accuracy:.4f}  ({args.steps} steps in {time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
