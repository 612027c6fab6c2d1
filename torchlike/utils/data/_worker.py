"""What runs inside a DataLoader worker process (and the fetchers the main process shares).

A worker receives ``(task_idx, index)`` messages on its own index pipe, fetches and collates
that batch with the same fetcher the single-process loader uses, and puts ``(task_idx,
pickled batch)`` on the shared result queue. It pickles the batch itself, so a batch that
cannot be pickled comes back as an error instead of being lost in the queue's feeder thread.
Workers run JAX on its CPU backend only (the main process starts them with
``JAX_PLATFORMS=cpu``): an accelerator stays the main process's, and batches reach it as
host arrays inside pickled Tensors.
"""
import dataclasses
import os
import pickle
import random
import sys
import traceback

import numpy as np

from ..._x64 import scoped

__all__ = ["WorkerInfo", "get_worker_info"]

STATUS_CHECK_INTERVAL = 5.0  # seconds between checks that the main process is still alive


@dataclasses.dataclass(frozen=True)
class WorkerInfo:
    """torch.utils.data.WorkerInfo: ``id``, ``num_workers``, ``seed`` (``base_seed + id``) and
    ``dataset`` (this worker's copy)."""
    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


_worker_info = None


def get_worker_info():
    """The current worker's WorkerInfo in a DataLoader worker process; None in the main process."""
    return _worker_info


class ExceptionWrapper:
    """An exception and its formatted traceback, carried from a worker to the main process."""

    def __init__(self, where):
        exc_type, exc, tb = sys.exc_info()
        self.exc_type, self.where = exc_type, where
        self.exc_msg = "".join(traceback.format_exception(exc_type, exc, tb))

    def reraise(self):
        """Raise the same exception type (RuntimeError where it cannot be built from a message),
        with torch's "Caught X in DataLoader worker process N. Original Traceback ..." message."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:  # KeyError repr()s its message; keep the traceback readable
            msg = _KeyErrorMessage(msg)
        try:
            exc = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exc


class _KeyErrorMessage(str):
    def __repr__(self):
        return self


@dataclasses.dataclass(frozen=True)
class IterableDatasetStopIteration:
    """A worker's iterable dataset is exhausted."""
    worker_id: int


class ResumeIteration:
    """Sent to persistent workers at the start of a new epoch; echoed back once reset."""


class MapFetcher:
    """Samples of a map-style dataset: ``dataset[i]`` per index (or ``__getitems__``), collated."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset, self.auto_collation, self.collate_fn = dataset, auto_collation, collate_fn

    def fetch(self, index):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[index])
        getitems = getattr(self.dataset, "__getitems__", None)
        return self.collate_fn(getitems(index) if getitems else [self.dataset[i] for i in index])


class IterableFetcher:
    """The next ``len(index)`` items of an iterable dataset (one item without auto-collation);
    StopIteration once it is exhausted (or would give a short batch under ``drop_last``)."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.items, self.ended = iter(dataset), False
        self.auto_collation, self.collate_fn, self.drop_last = auto_collation, collate_fn, drop_last

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.items))
        batch = []
        for _ in index:
            try:
                batch.append(next(self.items))
            except StopIteration:
                self.ended = True
                break
        if not batch or (self.drop_last and len(batch) < len(index)):
            raise StopIteration
        return self.collate_fn(batch)


def seed_worker(base_seed, worker_id):
    """Seed Python's ``random``, torchlike's default generator (``base_seed + worker_id``, as torch)
    and NumPy's global RNG (from a SeedSequence of both, as torch seeds it from both)."""
    from ... import random as _random
    seed = base_seed + worker_id
    random.seed(seed)
    _random.manual_seed(seed)
    np.random.seed(np.random.SeedSequence([worker_id, base_seed]).generate_state(4))
    return seed


@scoped  # a process's entry point: 64-bit JAX as in the main process's torchlike calls
def worker_loop(dataset, fetcher_cls, auto_collation, collate_fn, drop_last, base_seed, init_fn, index_pipe,
                result_queue, done_event, worker_id, num_workers):
    """A worker's main loop: serve ``(task_idx, index)`` messages until ``None`` arrives or the main
    process goes away."""
    global _worker_info
    try:
        seed = seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        init_error = fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = fetcher_cls(dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_error = ExceptionWrapper(f"in DataLoader worker process {worker_id}")
        iteration_end, parent = False, os.getppid()
        while os.getppid() == parent:
            if not index_pipe.poll(STATUS_CHECK_INTERVAL):
                continue
            message = index_pipe.recv()
            if isinstance(message, ResumeIteration):
                iteration_end = False
                fetcher = fetcher_cls(dataset, auto_collation, collate_fn, drop_last)
                result_queue.put((message, None))
                continue
            if message is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            task_idx, index = message
            if init_error is not None:
                data, init_error = init_error, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    data, iteration_end = IterableDatasetStopIteration(worker_id), True
                except Exception:
                    data = ExceptionWrapper(f"in DataLoader worker process {worker_id}")
            try:
                blob = pickle.dumps(data, pickle.HIGHEST_PROTOCOL)
            except Exception:
                blob = pickle.dumps(ExceptionWrapper(f"in DataLoader worker process {worker_id}"))
            result_queue.put((task_idx, blob))
            del data, blob, message
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        result_queue.cancel_join_thread()
        result_queue.close()

