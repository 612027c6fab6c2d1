"""optimizer.step() cost, torchlike vs torch, on a 10-layer MLP (20 parameter tensors).

Grads are filled once by a backward pass; each timed call is one ``optimizer.step()``.
Also counts the compiled dispatches per torchlike step (calls of the jitted group update).

    python -m benchmarks.bench_optim [--quick]
"""
import argparse
import time

import jax
import torch

import torchlike
import torchlike.optim.optimizer as optimizer_module

CASES = [("SGD momentum", "SGD", dict(lr=1e-3, momentum=0.9)), ("Adam", "Adam", dict(lr=1e-3))]


def build(lib, width, layers=10):
    lib.manual_seed(0)
    m = lib.nn.Sequential(*[lib.nn.Linear(width, width) for _ in range(layers)])
    m(lib.randn(8, width)).sum().backward()
    return m


def per_step(opt, repeat):
    """Best-of-3 mean seconds per step (torchlike: waiting for JAX's async results)."""
    def sync():
        if isinstance(opt, torchlike.optim.Optimizer):
            jax.block_until_ready([p._data for g in opt.param_groups for p in g["params"]])
    opt.step()  # warm-up (compiles)
    sync()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            opt.step()
        sync()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best * 1e6


def count_dispatches(opt):
    calls, original = [0], optimizer_module._compiled

    def counting(*key):
        fn = original(*key)

        def call(*args):
            calls[0] += 1
            return fn(*args)
        return call
    optimizer_module._compiled = counting
    try:
        opt.step()
    finally:
        optimizer_module._compiled = original
    return calls[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="tiny sizes and few repeats (smoke test)")
    args = parser.parse_args()
    widths, repeat = ([16], 3) if args.quick else ([64, 512], 200)
    print(f"{'optimizer':<14}{'width':>6}{'torch us':>11}{'torchlike us':>14}{'ratio':>8}{'dispatches':>12}")
    for label, name, kwargs in CASES:
        for width in widths:
            ref = getattr(torch.optim, name)(build(torch, width).parameters(), **kwargs)
            opt = getattr(torchlike.optim, name)(build(torchlike, width).parameters(), **kwargs)
            t_us, l_us = per_step(ref, repeat), per_step(opt, repeat)
            print(f"{label:<14}{width:>6}{t_us:>11.1f}{l_us:>14.1f}{l_us / t_us:>8.2f}{count_dispatches(opt):>12}")


if __name__ == "__main__":
    main()
