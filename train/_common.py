"""What every experiment shares: its options, the device, seeding, the progress bar, metrics.json,
checkpoints and plots. The training loops themselves stay in each experiment, written as PyTorch code."""
import argparse
import json
import os
import pathlib
import platform
import random
import time

import jax
import numpy as np
from tqdm import tqdm

import torchlike as torch

MNIST_MEAN, MNIST_STD = (0.1307,), (0.3081,)


def parser(name, description, *, epochs, smoke_epochs, batch_size, lr):
    """The options every experiment takes; ``name`` picks the default results folder ``results/<name>``.
    Read them with ``parse_args``, which fills in the epoch count (``smoke_epochs`` under --smoke)."""
    p = argparse.ArgumentParser(prog=f"python -m train.{name}", description=description)
    p.set_defaults(full_epochs=epochs, smoke_epochs=smoke_epochs)
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "gpu", "tpu"),
                   help="auto: the accelerator JAX sees, else the CPU")
    p.add_argument("--epochs", type=int, default=None, help=f"default {epochs} ({smoke_epochs} with --smoke)")
    p.add_argument("--batch-size", type=int, default=batch_size)
    p.add_argument("--lr", type=float, default=lr)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data-root", type=pathlib.Path, default=pathlib.Path(os.environ.get("TORCHLIKE_DATA", "./data")),
                   help="holds MNIST/raw/ (torchvision's layout) and USPS/ (usps.t.bz2, usps.h5); "
                        "default $TORCHLIKE_DATA, else ./data")
    p.add_argument("--out", type=pathlib.Path, default=pathlib.Path("results") / name, help="results folder")
    p.add_argument("--download", action="store_true", help="download missing datasets")
    p.add_argument("--eager", action="store_true", help="run the training step eagerly, not through torch.compile")
    p.add_argument("--smoke", action="store_true", help="a few dozen steps on small subsets, end to end (CI)")
    p.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    p.add_argument("--log-every", type=int, default=50, help="refresh the progress bar's running loss every N steps")
    return p


def parse_args(parser, argv=None):
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = args.smoke_epochs if args.smoke else args.full_epochs
    del args.full_epochs, args.smoke_epochs
    return args


def select_device(name):
    """--device auto|cpu|gpu|tpu as a torch.device; 'gpu' is torch's 'cuda'."""
    if name == "auto":
        return torch.accelerator.current_accelerator() or torch.device("cpu")
    device = torch.device("cuda" if name == "gpu" else name)
    try:
        torch.empty(0, device=device)
    except RuntimeError as error:  # names the devices JAX can see
        raise SystemExit(f"--device {name}: {error}") from None
    return device


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def compiled(fn, args):
    """``torch.compile(fn)``, or ``fn`` itself under --eager."""
    return fn if args.eager else torch.compile(fn)


def subset(dataset, n, smoke):
    """The first ``n`` samples under --smoke, else the whole dataset."""
    return torch.utils.data.Subset(dataset, range(min(n, len(dataset)))) if smoke else dataset


class Progress:
    """tqdm over ``iterable`` that shows running means of the loss tensors passed to ``log``; it reads
    them back from the device only every ``every`` steps, so compiled steps run ahead asynchronously."""

    def __init__(self, iterable, desc, every, total=None):
        self.bar = tqdm(iterable, desc=desc, total=total, dynamic_ncols=True, mininterval=0.5)
        self.every, self.values, self.shown = max(1, every), {}, 0

    def __iter__(self):
        yield from self.bar
        self._refresh()
        self.bar.close()

    def log(self, **losses):
        for name, value in losses.items():
            self.values.setdefault(name, []).append(value.detach())
        if len(next(iter(self.values.values()))) % self.every == 0:
            self._refresh()

    def _refresh(self):
        if self.values:
            window = {k: torch.stack(v[self.shown:]).mean().item() for k, v in self.values.items()
                      if len(v) > self.shown}
            if window:
                self.bar.set_postfix({k: f"{v:.4f}" for k, v in window.items()}, refresh=False)
            self.shown = len(next(iter(self.values.values())))

    def history(self):
        """Every logged value as floats, one list per name (one read-back)."""
        return {k: torch.stack(v).tolist() for k, v in self.values.items()}


class Run:
    """Timing and the metrics.json of one experiment run."""

    def __init__(self, name, args, device):
        self.name, self.args, self.device = name, args, device
        self.start = time.perf_counter()
        self.metrics, self.epoch_times, self.steps, self.train_seconds = {}, [], 0, 0.0
        args.out.mkdir(parents=True, exist_ok=True)

    def timed_epoch(self, steps, seconds):
        self.epoch_times.append(seconds)
        self.steps += steps
        self.train_seconds += seconds

    def write(self):
        """Write ``metrics.json``: the experiment's numbers plus run facts; returns its path."""
        wall = time.perf_counter() - self.start
        record = {
            "experiment": self.name, **self.metrics,
            "wall_time_s": wall, "train_steps": self.steps,
            "steps_per_s": self.steps / self.train_seconds if self.train_seconds else None,
            "time_per_epoch_s": self.epoch_times,
            "mean_time_per_epoch_s": float(np.mean(self.epoch_times)) if self.epoch_times else None,
            "device": str(self.device), "jax_backend": jax.default_backend(),
            "compiled": not self.args.eager, "torchlike_version": torch.__version__, "jax_version": jax.__version__,
            "python": platform.python_version(), "seed": self.args.seed,
            "args": {k: str(v) if isinstance(v, pathlib.Path) else v for k, v in vars(self.args).items()},
        }
        path = self.args.out / "metrics.json"
        path.write_text(json.dumps(record, indent=2) + "\n")
        return path


def plot(path, series, *, xlabel, ylabel, title):
    """Line plot of ``{label: (xs, ys)}`` saved as a PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for label, (xs, ys) in series.items():
        ax.plot(xs, ys, label=label, marker="o" if len(xs) <= 20 else None)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
