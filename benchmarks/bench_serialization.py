"""torch.load vs torchlike.load on one ~100 MB state dict saved by torch, side by side.

The state dict holds 4 large float32 tensors (80 MB) and 400 small ones (20 MB), like a
model's. The file is read once first so both sides load from the page cache; each time is
the best of ``--repeat`` loads, torchlike's waiting for its arrays to be ready.

    python -m benchmarks.bench_serialization [--repeat N]
"""
import argparse
import os
import tempfile
import time

import jax
import torch

import torchlike


def state_dict():
    gen = torch.Generator().manual_seed(0)
    sd = {f"big.{i}": torch.randn(5_000_000, generator=gen) for i in range(4)}
    sd.update({f"small.{i}.weight": torch.randn(125, 100, generator=gen) for i in range(400)})
    return sd


def best_time(load, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        out = load()
        jax.block_until_ready([t._data for t in out.values() if isinstance(t, torchlike.Tensor)])
        best = min(best, time.perf_counter() - start)
        del out
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "state.pt")
        torch.save(state_dict(), path)
        size_mb = os.path.getsize(path) / 1e6
        rows = []
        for label, kwargs in (("load", {}), ("load, mmap=True", {"mmap": True})):
            torch_s = best_time(lambda: torch.load(path, weights_only=True, **kwargs), args.repeat)
            tl_s = best_time(lambda: torchlike.load(path, weights_only=True, **kwargs), args.repeat)
            rows.append((label, torch_s, tl_s))
    print(f"state dict: {size_mb:.0f} MB file, 404 tensors; best of {args.repeat}, ms")
    print("| operation | PyTorch | torchlike | torchlike/PyTorch |")
    print("|---|---:|---:|---:|")
    for label, torch_s, tl_s in rows:
        print(f"| {label} | {torch_s * 1e3:.1f} | {tl_s * 1e3:.1f} | {tl_s / torch_s:.2f} |")


if __name__ == "__main__":
    main()
