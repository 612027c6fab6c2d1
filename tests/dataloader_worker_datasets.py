"""Datasets that tests/test_dataloader_workers.py runs in torchlike DataLoader worker processes.

They live apart from the test module so that a worker unpickling them imports torchlike only,
not torch (which would add seconds to every worker's start). The torch twins subclass the
mixins in the test module.
"""
import os
import random
import signal
import time

import numpy as np

import torchlike
import torchlike.utils.data as ldata


class Samples:
    """Map-style: numpy, float, int and a tensor (of ``lib``, set per subclass) per sample."""

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return {"x": np.full(2, i, np.float32), "f": i / 2, "i": i, "t": self.lib.tensor([i, -i])}


class LSamples(Samples, ldata.Dataset):
    lib = torchlike


class Shards:
    """Iterable: worker ``k`` of ``n`` yields its share of ``sizes`` items (all of them without
    workers), each with the worker's id and count."""
    sizes = (5, 1)

    def __iter__(self):
        info = self.worker_info()
        wid, n = (0, 1) if info is None else (info.id, info.num_workers)
        start = sum(self.sizes[:wid])
        count = sum(self.sizes) if info is None else self.sizes[wid]
        return iter((start + k, wid, n) for k in range(count))


class LShards(Shards, ldata.IterableDataset):
    worker_info = staticmethod(ldata.get_worker_info)


class TwoArgError(Exception):
    def __init__(self, a, b):
        super().__init__(f"{a}{b}")


class Failing:
    """Index 1 raises ValueError, index 3 an exception that cannot be rebuilt from a message."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        if i == 1:
            raise ValueError(f"bad sample {i}")
        if i == 3:
            raise TwoArgError(i, "x")
        return i


class LFailing(Failing, ldata.Dataset):
    pass


def record_init(worker_id):
    os.environ["TL_TEST_INIT"] = str(worker_id)


class WorkerState(ldata.Dataset):
    """Index, process id, and what a worker sees: its id, worker_init_fn's mark, WorkerInfo
    fields and one draw each from random, torchlike and NumPy."""

    def __len__(self):
        return 6

    def __getitem__(self, i):
        info = ldata.get_worker_info()
        fields = [-1, -1, 0, 0, ""] if info is None else [
            info.id, int(os.environ.get("TL_TEST_INIT", -1)), info.num_workers, info.seed, type(info.dataset).__name__]
        return [i, os.getpid()] + fields + [random.random(), float(torchlike.rand(())), float(np.random.rand())]


class Stalling(ldata.Dataset):
    """Index 0 kills its worker (SIGKILL), or index 2 sleeps two seconds, by ``mode``."""

    def __init__(self, mode):
        self.mode = mode

    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 0 and self.mode == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if i == 2 and self.mode == "sleep":
            time.sleep(2)
        return i


class Counting(ldata.TensorDataset):
    """A TensorDataset that counts per-sample reads (none when batches come from _fetch_batch)."""
    reads = 0

    def __getitem__(self, index):
        Counting.reads += 1
        return super().__getitem__(index)


class Declining(Counting):
    def _fetch_batch(self, indices):
        return NotImplemented
