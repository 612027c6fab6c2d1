"""What scoping JAX's 64-bit mode to torchlike's calls costs per eager op, side by side.

    python -m benchmarks.bench_x64 [--quick]

Each mode runs in its own process, alternately, and the medians are compared in one table:
- *global*: ``jax_enable_x64`` switched on for the whole process before ``import torchlike``
  (torchlike's wrappers then only read the flag: the old behaviour, JAX's defaults changed);
- *scoped*: the default: JAX's defaults untouched, every torchlike entry switches the mode on
  for its thread (``torchlike/_x64.py``);
- PyTorch eager, for scale.
Also the price of the primitives: JAX's ``with jax.enable_x64(True)`` context manager and the
thread-local swap torchlike uses.
"""
import argparse
import json
import statistics
import subprocess
import sys
import textwrap
import time

CASE = textwrap.dedent("""
    import json, statistics, sys, time
    mode, number = sys.argv[1], int(sys.argv[2])
    if mode == "global":
        import jax
        jax.config.update("jax_enable_x64", True)
    if mode == "torch":
        import torch as tl
        import torch.nn.functional as F
    else:
        import torchlike as tl
        import torchlike.nn.functional as F
    a, b = tl.randn(8, 8), tl.randn(8, 8)
    g = tl.randn(8, 8, requires_grad=True)
    lin, x = tl.nn.Linear(8, 8), tl.randn(4, 8)
    cases = {"a + b": lambda: a + b, "a + b (grad)": lambda: g + b, "x[0]": lambda: a[0],
             "F.relu(a)": lambda: F.relu(a), "a.sum(0)": lambda: a.sum(0), "a.view(64)": lambda: a.view(64),
             "Linear(x)": lambda: lin(x), "a.shape": lambda: a.shape}

    def timeit(fn):
        for _ in range(number // 10):
            fn()
        blocks = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(number):
                fn()
            blocks.append((time.perf_counter() - start) / number * 1e6)
        return statistics.median(blocks)
    print(json.dumps({name: timeit(fn) for name, fn in cases.items()}))
""")


def primitives(number):
    import jax
    flag = jax.enable_x64

    def context():
        with jax.enable_x64(True):
            pass

    def swap():
        flag.set_local(flag.swap_local(True))

    out = {}
    for name, fn in (("with jax.enable_x64(True)", context), ("thread-local swap + restore", swap)):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        out[name] = (time.perf_counter() - start) / number * 1e6
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    number = 2000 if parser.parse_args().quick else 20000
    runs = {"global": [], "scoped": [], "torch": []}
    for _ in range(3):  # alternate the modes, so drift on a shared machine hits all of them
        for mode in runs:
            out = subprocess.run([sys.executable, "-c", CASE, mode, str(number)], capture_output=True, text=True,
                                 check=True)
            runs[mode].append(json.loads(out.stdout.strip().splitlines()[-1]))
    median = {mode: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for mode, rs in runs.items()}
    print("| eager op (µs) | 64-bit global | 64-bit scoped (default) | scoped - global | PyTorch |")
    print("|---|---|---|---|---|")
    for name in median["global"]:
        g, s, t = median["global"][name], median["scoped"][name], median["torch"][name]
        print(f"| {name} | {g:.2f} | {s:.2f} | {s - g:+.2f} | {t:.2f} |")
    print()
    for name, us in primitives(number * 10).items():
        print(f"{name}: {us:.3f} µs")


if __name__ == "__main__":
    main()
