"""torch.utils.data.DataLoader: single-process loading, or worker processes as in torch.

Workers (``num_workers > 0``) follow torch's protocol: an index pipe per worker, one result
queue, ``prefetch_factor`` batches in flight per worker, round-robin dispatch, in-order
delivery unless ``in_order=False``, ``persistent_workers``, ``worker_init_fn(worker_id)``,
``get_worker_info()`` for sharding an IterableDataset, per-worker seeds ``base_seed + id``
(``base_seed`` drawn from the loader's generator, or the global one, for every iterator),
worker errors re-raised with the worker's traceback, a dead worker or ``timeout`` reported
as torch's RuntimeError. The sampler runs in the main process, so a fixed
``torchlike.manual_seed`` gives the same batches for every ``num_workers``.

Beyond torch, a map-style dataset may offer ``_fetch_batch(indices)`` (``indices`` an int64
NumPy array) returning the already collated batch, equal to ``default_collate`` of its samples,
or ``NotImplemented``. With the default ``collate_fn`` and auto-batching the loader uses it
instead of per-sample ``__getitem__`` calls: one vectorised gather per batch. Such a dataset
is served from the main process even when ``num_workers > 0`` (no workers are started when
its first batch comes back), since a gather is cheaper than starting a worker; results are
identical to the per-sample path.

Deviations: JAX is multithreaded, so forking a process that has started it can deadlock
(measured here: a forked child's first XLA computation hangs). Workers therefore start
(``multiprocessing_context=None``) from Python's fork server, which this module starts with
NumPy and JAX imported but no JAX backend started, ``__main__`` not preloaded and JAX on the
CPU (about a second per worker on two cores, against three to four for ``spawn``), or with
``spawn`` if some other code started the fork server first; torch forks on Linux. As with torch's
``spawn``/``forkserver`` contexts, the dataset, ``collate_fn`` and ``worker_init_fn`` must
be picklable (no lambdas) and the main script needs an ``if __name__ == "__main__":`` guard.
An explicit ``'fork'`` context works only for workers that never run JAX. Workers run JAX on
the CPU (``JAX_PLATFORMS=cpu``); batches come back as host arrays and land on JAX's default
device in the main process, asynchronously, so ``pin_memory`` has no further effect (torch's
warning without an accelerator). Shuffled orders and worker seeds are reproducible but differ
from torch's (different PRNG); NumPy's worker seed comes from a SeedSequence of (id,
base_seed). torch's warning when an IterableDataset yields more than its ``len`` is not given.
"""
import atexit
import contextlib
import itertools
import multiprocessing
import multiprocessing.connection
import multiprocessing.forkserver
import os
import pickle
import sys
import time
import types
import warnings

import jax
import numpy as np

from ... import _dtype
from ...ops.creation import empty
from . import _worker
from ._collate import default_collate, default_convert
from ._worker import get_worker_info
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info"]

_FORKSERVER_PRELOAD = ["numpy", "jax", "jax.numpy", "PIL.Image"]
_forkserver_pid = None  # the fork server this module started (JAX on CPU, no backend yet)
_exiting = []  # non-empty once the interpreter exits: multiprocessing then ends the (daemonic) workers itself
atexit.register(_exiting.append, True)


class _InfiniteConstantSampler(Sampler):
    """The sampler of an IterableDataset: ``None`` forever (the dataset decides what comes next)."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Iterate over ``dataset`` in batches, as torch.utils.data.DataLoader (see module doc)."""

    _frozen = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                             "to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        multiprocessing_context = _check_context(multiprocessing_context, num_workers)
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            for name, value in (("shuffle", shuffle), ("sampler", sampler), ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, "
                                     f"but got {name}={value}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None:
            if iterable:
                sampler = _InfiniteConstantSampler()
            else:
                sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset, self.batch_size, self.drop_last, self.sampler, self.batch_sampler = (
            dataset, batch_size, drop_last, sampler, batch_sampler)
        self.num_workers, self.prefetch_factor, self.pin_memory, self.pin_memory_device = (
            num_workers, prefetch_factor, pin_memory, pin_memory_device)
        self.timeout, self.worker_init_fn, self.multiprocessing_context, self.generator = (
            timeout, worker_init_fn, multiprocessing_context, generator)
        self.persistent_workers, self.in_order = persistent_workers, in_order
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self._iterator = None
        self._initialized = True

    def __setattr__(self, attr, val):
        if getattr(self, "_initialized", False) and attr in self._frozen:
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    @property
    def _fast_path(self):
        """Whether batches may come from ``dataset._fetch_batch`` (see module doc)."""
        return (self._auto_collation and self.collate_fn is default_collate and not isinstance(
            self.dataset, IterableDataset) and callable(getattr(self.dataset, "_fetch_batch", None)))

    def __iter__(self):
        if not (self.persistent_workers and self.num_workers > 0):
            return self._get_iterator()
        if self._iterator is not None:
            self._iterator._reset(self)
            return self._iterator
        iterator = self._get_iterator()
        if isinstance(iterator, _MultiProcessIter):
            self._iterator = iterator
        return iterator

    def _get_iterator(self):
        if self.num_workers == 0:
            if self.timeout != 0:
                raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
            return _SingleProcessIter(self)
        if not self._fast_path:
            return _MultiProcessIter(self)
        main = _SingleProcessIter(self)
        if main._take_first_batch():
            return main
        return _MultiProcessIter(self, main._base_seed, main._sampler_iter)

    def __len__(self):
        if isinstance(self.dataset, IterableDataset):
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self._index_sampler)


def _check_context(context, num_workers):
    """torch's checks of ``multiprocessing_context``; a start method name becomes its context."""
    if context is None:
        return None
    if num_workers == 0:
        raise ValueError("multiprocessing_context can only be used with multi-process loading (num_workers > 0), "
                         f"but got num_workers={num_workers}")
    if isinstance(context, str):
        methods = multiprocessing.get_all_start_methods()
        if context not in methods:
            raise ValueError(f"multiprocessing_context option should specify a valid start method in {methods!r}, "
                             f"but got multiprocessing_context={context!r}")
        context = multiprocessing.get_context(context)
    if not isinstance(context, multiprocessing.context.BaseContext):
        raise TypeError("multiprocessing_context option should be a valid context object or a string specifying "
                        f"the start method, but got multiprocessing_context={context}")
    return context


@contextlib.contextmanager
def _cpu_jax_environment():
    """Processes started inside see ``JAX_PLATFORMS=cpu`` (see module doc)."""
    old = os.environ.get("JAX_PLATFORMS")
    os.environ["JAX_PLATFORMS"] = "cpu"
    try:
        yield
    finally:
        if old is None:
            del os.environ["JAX_PLATFORMS"]
        else:
            os.environ["JAX_PLATFORMS"] = old


@contextlib.contextmanager
def _main_hidden_unless_needed(payload):
    """Workers started inside re-run the main script (as ``__mp_main__``) only when ``payload``
    refers to something defined there. A script without an ``if __name__ == "__main__":`` guard
    then works as under torch's fork, and workers start faster."""
    try:
        needed = b"__main__" in pickle.dumps(payload)
    except Exception:  # noqa: BLE001  (unpicklable: starting the worker reports it)
        needed = True
    main = sys.modules.get("__main__")
    if needed or main is None:
        yield
        return
    sys.modules["__main__"] = types.ModuleType("__main__")  # what spawn's preparation data reads
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _default_context():
    """A fork server started here (preloaded NumPy/JAX, no JAX backend, CPU only), else spawn."""
    global _forkserver_pid
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    server = multiprocessing.forkserver._forkserver  # the module's singleton; no public handle exists
    if server._forkserver_pid is None:
        server.set_forkserver_preload(_FORKSERVER_PRELOAD)
        with _cpu_jax_environment():
            server.ensure_running()
        _forkserver_pid = server._forkserver_pid
    if server._forkserver_pid == _forkserver_pid:
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def _draw_seed(generator):
    """torch's base seed: one int64 from ``generator`` (the global generator when None)."""
    return int(empty((), dtype=_dtype.int64).random_(generator=generator).item())


def _warn_pin_memory(loader):
    if not loader.pin_memory:
        return
    if loader.pin_memory_device:
        warnings.warn("pin_memory_device is deprecated, the current accelerator will be used as the device,"
                      f"ignore pin_memory_device='{loader.pin_memory_device}'.", stacklevel=4)
    if jax.default_backend() == "cpu":
        warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                      "memory won't be used.", stacklevel=4)


class _BaseIter:
    def __init__(self, loader, base_seed=None, sampler_iter=None):
        self._dataset, self._collate_fn, self._drop_last = loader.dataset, loader.collate_fn, loader.drop_last
        self._auto_collation, self._index_sampler = loader._auto_collation, loader._index_sampler
        self._num_workers, self._timeout = loader.num_workers, loader.timeout
        self._fetcher_cls = _worker.IterableFetcher if isinstance(loader.dataset, IterableDataset) else \
            _worker.MapFetcher
        self._sampler_iter = iter(self._index_sampler) if sampler_iter is None else sampler_iter
        self._base_seed = _draw_seed(loader.generator) if base_seed is None else base_seed
        if sampler_iter is None:
            _warn_pin_memory(loader)

    def __iter__(self):
        return self

    def __next__(self):
        return self._next_data()

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError(f"{type(self).__name__} cannot be pickled")


_NONE = object()


class _SingleProcessIter(_BaseIter):
    """Batches fetched in the main process (``dataset._fetch_batch`` first where allowed)."""

    def __init__(self, loader):
        super().__init__(loader)
        self._fetcher = self._fetcher_cls(self._dataset, self._auto_collation, self._collate_fn, self._drop_last)
        self._fast, self._first = loader._fast_path, _NONE

    def _take_first_batch(self):
        """Fetch the first batch through ``_fetch_batch``; False (nothing consumed) if it declines."""
        index = next(self._sampler_iter, _NONE)
        if index is _NONE:
            return True
        batch = self._dataset._fetch_batch(np.asarray(index, dtype=np.int64))
        if batch is NotImplemented:
            self._sampler_iter = itertools.chain([index], self._sampler_iter)
            return False
        self._first = batch
        return True

    def _next_data(self):
        if self._first is not _NONE:
            batch, self._first = self._first, _NONE
            return batch
        index = next(self._sampler_iter)
        if self._fast:
            batch = self._dataset._fetch_batch(np.asarray(index, dtype=np.int64))
            if batch is not NotImplemented:
                return batch
        return self._fetcher.fetch(index)


class _MultiProcessIter(_BaseIter):
    """Batches from worker processes, torch's dispatch and delivery protocol (see module doc)."""

    def __init__(self, loader, base_seed=None, sampler_iter=None):
        super().__init__(loader, base_seed, sampler_iter)
        if loader.prefetch_factor <= 0:
            raise AssertionError("prefetch_factor must be greater than 0 for MultiProcessingDataLoaderIter")
        self._prefetch_factor, self._in_order = loader.prefetch_factor, loader.in_order
        self._persistent = loader.persistent_workers
        ctx = loader.multiprocessing_context or _default_context()
        self._result_queue, self._done_event = ctx.Queue(), ctx.Event()
        # Index messages go through one pipe per worker, written synchronously: unlike a Queue's
        # feeder thread, a pipe still delivers the final None when the iterator is collected in a cycle.
        self._index_pipes, self._workers, self._shutdown = [], [], False
        try:
            with _cpu_jax_environment(), _main_hidden_unless_needed(
                    (self._dataset, self._collate_fn, loader.worker_init_fn)):
                for worker_id in range(self._num_workers):
                    receiver, sender = ctx.Pipe(duplex=False)
                    worker = ctx.Process(target=_worker.worker_loop, daemon=True, args=(
                        self._dataset, self._fetcher_cls, self._auto_collation, self._collate_fn, self._drop_last,
                        self._base_seed, loader.worker_init_fn, receiver, self._result_queue, self._done_event,
                        worker_id, self._num_workers))
                    worker.start()
                    self._index_pipes.append((receiver, sender))
                    self._workers.append(worker)
        except BaseException:
            self._shutdown_workers()
            raise
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        if not first_iter:
            self._sampler_iter = iter(self._index_sampler)
        self._send_idx = self._rcvd_idx = self._tasks_outstanding = 0
        self._task_info = {}  # task idx -> (worker id,) while outstanding, (worker id, data) once stashed
        self._workers_status = [True] * self._num_workers
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            for _, sender in self._index_pipes:
                sender.send(_worker.ResumeIteration())
            waiting = self._num_workers
            while waiting:  # results still queued from an abandoned epoch are dropped
                waiting -= isinstance(self._get_data()[0], _worker.ResumeIteration)
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_put_index(self):
        max_tasks = self._prefetch_factor * self._num_workers
        try:
            index = next(self._sampler_iter)
        except StopIteration:
            return
        for _ in range(self._num_workers):  # the next active worker (with capacity when not in order)
            worker_id = next(self._worker_cycle)
            if self._workers_status[worker_id] and (
                    self._in_order or self._workers_num_tasks[worker_id] < max_tasks // sum(self._workers_status)):
                break
        else:
            return
        self._index_pipes[worker_id][1].send((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_id,)
        self._workers_num_tasks[worker_id] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _get_data(self):
        """The next ``(task idx, data)`` from the result queue; RuntimeError if an active worker
        died or ``timeout`` passed first."""
        reader = self._result_queue._reader  # mp.Queue's receiving end, waited on with the workers' sentinels
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            active = [w for w, up in zip(self._workers, self._workers_status) if up]
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready = multiprocessing.connection.wait([reader] + [w.sentinel for w in active], left)
            if reader in ready:
                idx, blob = self._result_queue.get()
                return idx, (None if blob is None else pickle.loads(blob))
            dead = [(i, w) for i, w in enumerate(self._workers) if self._workers_status[i] and not w.is_alive()]
            if dead:
                for worker_id, _ in dead:
                    self._mark_worker_as_unavailable(worker_id)
                pids = ", ".join(str(w.pid) for _, w in dead)
                raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly")
            if not ready:
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")

    def _next_data(self):
        while True:
            while self._rcvd_idx < self._send_idx:  # skip tasks sent to workers that have since run dry
                info = self._task_info.get(self._rcvd_idx)
                if info and (len(info) == 2 or self._workers_status[info[0]]):
                    break
                self._task_info.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            else:
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                worker_id, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if isinstance(data, _worker.IterableDatasetStopIteration):
                if self._persistent:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx and self._in_order:
                self._task_info[idx] += (data,)
                continue
            worker_id = self._task_info.pop(idx)[0]
            if idx == self._rcvd_idx:
                self._rcvd_idx += 1
            return self._process_data(data, worker_id)

    def _process_data(self, data, worker_id):
        self._workers_num_tasks[worker_id] -= 1
        self._try_put_index()
        if isinstance(data, _worker.ExceptionWrapper):
            data.reraise()
        return data

    def _mark_worker_as_unavailable(self, worker_id):
        self._index_pipes[worker_id][1].send(None)
        self._workers_status[worker_id] = False

    def _shutdown_workers(self):
        if self._shutdown:
            return
        self._shutdown = True
        try:
            self._done_event.set()
            for worker_id, (_, sender) in enumerate(self._index_pipes):
                if self._persistent or self._workers_status[worker_id]:
                    sender.send(None)
            for worker in self._workers:
                worker.join(timeout=_worker.STATUS_CHECK_INTERVAL)
            for pipe in self._index_pipes:
                for end in pipe:
                    end.close()
        finally:
            for worker in self._workers:
                if worker.is_alive():
                    worker.terminate()
                    worker.join(timeout=_worker.STATUS_CHECK_INTERVAL)
            self._result_queue.cancel_join_thread()
            self._result_queue.close()

    def __del__(self):
        if hasattr(self, "_shutdown") and not _exiting:
            self._shutdown_workers()
