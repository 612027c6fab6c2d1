"""Ops over many pieces or many tensors, torchlike vs PyTorch eager, measured side by side in one run.

    python -m benchmarks.bench_iter [--quick]

Rows: iterating over a 50 000-element tensor, unbind and split(1) of it, torch.stack and
torch.tensor of 10 000 0-d tensors, torch.cat of 10 000 (1, 8) tensors, and unbind + stack of
10 000 rows with their backward, and a growing ``acc = torch.cat([acc, row])`` loop. Each is timed as
a median of repeated runs (after a warm-up run, whose time, compilation included, is the "first run"
column) and given in microseconds per element; torchlike's times include waiting for the device's results.
"""
import argparse
import statistics
import time

import jax
import numpy as np
import torch

import torchlike as tl


def timeit(fn, repeat):
    """(first run in ms, median of ``repeat`` later runs in s)."""
    start = time.perf_counter()
    fn()
    first = (time.perf_counter() - start) * 1e3
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return first, statistics.median(runs)


def _wait(x):
    """Block until torchlike's asynchronous work behind ``x`` (a tensor or the last of a tuple) is done."""
    t = x[-1] if isinstance(x, (tuple, list)) else x
    jax.block_until_ready(t._data)


def rows(repeat):
    big = np.arange(50_000, dtype=np.float32)
    tb, lb = torch.tensor(big), tl.tensor(big)
    t0d = [torch.tensor(float(i)) for i in range(10_000)]
    l0d = [tl.tensor(float(i)) for i in range(10_000)]
    parts = np.random.default_rng(0).standard_normal((10_000, 1, 8)).astype(np.float32)
    tparts, lparts = [torch.tensor(p) for p in parts], [tl.tensor(p) for p in parts]
    grid = np.ones((10_000, 4), np.float32)

    def iterate(t, wait):
        y = None
        for y in t:
            pass
        wait(y)

    def growing_cat(lib, wait):
        acc, row = lib.zeros(0, 8), lib.ones(1, 8)
        for _ in range(1_000):
            acc = lib.cat([acc, row])
        wait(acc)

    def unbind_stack_backward(lib, wait):
        x = lib.tensor(grid, requires_grad=True)
        lib.stack([r * 2 for r in x.unbind(0)[::2]]).sum().backward()
        wait(x.grad)

    none = lambda x: None  # noqa: E731 - torch's results are ready when it returns
    cases = [
        ("for y in t (50 000 elements)", 50_000, lambda: iterate(lb, _wait), lambda: iterate(tb, none)),
        ("t.unbind(0) (50 000)", 50_000, lambda: _wait(lb.unbind(0)), lambda: tb.unbind(0)),
        ("t.split(1) (50 000)", 50_000, lambda: _wait(lb.split(1)), lambda: tb.split(1)),
        ("torch.stack(10 000 0-d tensors)", 10_000, lambda: _wait(tl.stack(l0d)), lambda: torch.stack(t0d)),
        ("torch.tensor(10 000 0-d tensors)", 10_000, lambda: _wait(tl.tensor(l0d)), lambda: torch.tensor(t0d)),
        ("torch.cat(10 000 (1, 8) tensors)", 10_000, lambda: _wait(tl.cat(lparts)), lambda: torch.cat(tparts)),
        ("acc = torch.cat([acc, row]), 1 000 times", 1_000, lambda: growing_cat(tl, _wait),
         lambda: growing_cat(torch, none)),
        ("x.unbind(0) of 10 000 rows, stack half, backward", 10_000, lambda: unbind_stack_backward(tl, _wait),
         lambda: unbind_stack_backward(torch, none)),
    ]
    out = []
    for name, n, ours, theirs in cases:
        first, t_ours = timeit(ours, repeat)
        _, t_theirs = timeit(theirs, repeat)
        out.append((name, first, t_ours / n * 1e6, t_theirs / n * 1e6))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    table = rows(3 if args.quick else 9)
    print(f"torchlike {tl.__version__} | torch {torch.__version__} | jax {jax.__version__} | "
          f"device {jax.devices()[0].device_kind} | torch threads {torch.get_num_threads()}")
    header = (f"{'operation':50s} {'tl first run ms':>16s} {'torchlike us/elem':>18s} {'PyTorch us/elem':>16s} "
              f"{'tl/torch':>9s}")
    print(header)
    print("-" * len(header))
    for name, first, ours, theirs in table:
        print(f"{name:50s} {first:16.1f} {ours:18.2f} {theirs:16.2f} {ours / theirs:9.2f}")


if __name__ == "__main__":
    main()
