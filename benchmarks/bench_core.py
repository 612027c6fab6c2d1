"""Core eager costs, torchlike vs PyTorch eager vs raw JAX, measured side by side in one run.

    python -m benchmarks.bench_core [--quick]

Rows: a small-tensor op with and without autograd recording, indexing and setitem, and the
LeNet conv2 layer (20->50 channels, 5x5, batch 50, 12x12) forward+backward run eagerly,
against the same conv as one jitted JAX forward plus one jitted VJP. Times are medians of
repeated blocks (microseconds per call); ratios are computed from the same run.
"""
import argparse
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np
import torch

import torchlike as tl
import torchlike.nn.functional as F


def timeit(fn, number, repeat=7):
    """Median microseconds per call over ``repeat`` blocks of ``number`` calls (after warm-up)."""
    for _ in range(max(3, number // 10)):
        fn()
    blocks = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        blocks.append((time.perf_counter() - start) / number * 1e6)
    return statistics.median(blocks)


def small_op_rows(n):
    a_np = np.random.default_rng(0).standard_normal((8, 8)).astype(np.float32)
    ta, tb = torch.tensor(a_np), torch.tensor(a_np)
    tg = torch.tensor(a_np, requires_grad=True)
    la, lb = tl.tensor(a_np), tl.tensor(a_np)
    lg = tl.tensor(a_np, requires_grad=True)
    ja, jb = jnp.asarray(a_np), jnp.asarray(a_np)

    def t_set():
        ta[0] = 1.0

    def l_set():
        la[0] = 1.0

    def j_set():
        return ja.at[0].set(1.0)

    block = lambda f: (lambda: f().block_until_ready())  # noqa: E731 - JAX work is asynchronous
    rows = [
        ("a + b (8x8)", timeit(lambda: la + lb, n), timeit(lambda: ta + tb, n), timeit(lambda: ja + jb, n)),
        ("a + b, a.requires_grad", timeit(lambda: lg + lb, n), timeit(lambda: tg + tb, n), timeit(lambda: ja + jb, n)),
        ("x[1:3]", timeit(lambda: la[1:3], n), timeit(lambda: ta[1:3], n), timeit(lambda: ja[1:3], n)),
        ("x[0]", timeit(lambda: la[0], n), timeit(lambda: ta[0], n), timeit(lambda: ja[0], n)),
        ("x[0] = 1.0", timeit(l_set, n), timeit(t_set, n), timeit(j_set, n // 10)),
        ("a + b, then wait for the result", timeit(block(lambda: (la + lb)._data), n), timeit(lambda: ta + tb, n),
         timeit(block(lambda: ja + jb), n)),
    ]
    return rows


def conv_rows(n):
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((50, 20, 12, 12)).astype(np.float32)
    w_np = rng.standard_normal((50, 20, 5, 5)).astype(np.float32) * 0.05
    b_np = rng.standard_normal(50).astype(np.float32)
    g_np = rng.standard_normal((50, 50, 8, 8)).astype(np.float32)

    tx, tw, tb, tg = (torch.tensor(v, requires_grad=i < 3) for i, v in enumerate((x_np, w_np, b_np, g_np)))
    lx, lw, lb, lg = (tl.tensor(v, requires_grad=i < 3) for i, v in enumerate((x_np, w_np, b_np, g_np)))

    def torch_step():
        for p in (tx, tw, tb):
            p.grad = None
        y = torch.nn.functional.conv2d(tx, tw, tb)
        y.backward(tg)
        return y

    def tl_step():
        for p in (lx, lw, lb):
            p.grad = None
        y = F.conv2d(lx, lw, lb)
        y.backward(lg)
        jax.block_until_ready((lx.grad._data, lw.grad._data, lb.grad._data))

    def conv(x, w, b):
        y = jax.lax.conv_general_dilated(x, w, (1, 1), "VALID", dimension_numbers=("NCHW", "OIHW", "NCHW"),
                                         precision=jax.lax.Precision.HIGHEST)
        return y + b[:, None, None]

    fwd = jax.jit(conv)
    bwd = jax.jit(lambda x, w, b, g: jax.vjp(conv, x, w, b)[1](g))
    jx, jw, jb, jg = (jnp.asarray(v) for v in (x_np, w_np, b_np, g_np))

    def jax_step():
        y = fwd(jx, jw, jb)
        jax.block_until_ready((y, bwd(jx, jw, jb, jg)))

    def jax_fwd():
        fwd(jx, jw, jb).block_until_ready()

    def tl_fwd():
        F.conv2d(lx.detach(), lw.detach(), lb.detach())._data.block_until_ready()

    return [
        ("LeNet conv2 forward (eager)", timeit(tl_fwd, n), timeit(lambda: torch.nn.functional.conv2d(tx, tw, tb), n),
         timeit(jax_fwd, n)),
        ("LeNet conv2 forward+backward (eager)", timeit(tl_step, n), timeit(torch_step, n), timeit(jax_step, n)),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    n_small, n_conv = (2000, 20) if args.quick else (20000, 100)
    rows = small_op_rows(n_small) + conv_rows(n_conv)
    print(f"torchlike {tl.__version__} | torch {torch.__version__} | jax {jax.__version__} | "
          f"device {jax.devices()[0].device_kind} | torch threads {torch.get_num_threads()}")
    header = (f"{'operation':40s} {'torchlike us':>13s} {'PyTorch us':>11s} {'raw JAX us':>11s} {'tl/JAX':>7s} "
              f"{'tl/torch':>9s}")
    print(header)
    print("-" * len(header))
    for name, ours, theirs, raw in rows:
        print(f"{name:40s} {ours:13.1f} {theirs:11.1f} {raw:11.1f} {ours / raw:7.2f} {ours / theirs:9.2f}")
    print("\nraw JAX: eager jax.numpy for the small ops (x.at[0].set for setitem); for the conv, one jitted\n"
          "forward plus one jitted VJP (jax.vjp inside jax.jit), the floor an eager autograd can reach.")


if __name__ == "__main__":
    main()
