"""torch.multiprocessing: Python's multiprocessing API plus ``spawn``/``start_processes`` and the sharing
strategy switches.

Parity: the names of torch.multiprocessing; ``spawn(fn, args, nprocs, join, daemon, start_method)`` calls
``fn(i, *args)`` in process i and, when one fails, ends the others and raises ProcessRaisedException
(its traceback in the message) or ProcessExitedException in the parent, as torch does. Tensors pickle
(their values travel).

Deviations: the default start method is ``spawn`` (torch forks on Linux) because forking a process that
has started JAX can deadlock; ``set_start_method`` changes it as in torch. Process, Queue, Pool, Lock ...
here are made in that context. JAX arrays are immutable and processes do not share device memory, so
``Tensor.share_memory_()`` and ``Module.share_memory()`` return self and ``is_shared()`` is False: a tensor
sent to another process is copied, and writes made in a child are not seen by the parent (send results
back through a Queue). The sharing strategies are recorded only. A spawned child imports torchlike and
starts its own JAX backend (on a GPU machine each child claims GPU memory; set
``XLA_PYTHON_CLIENT_PREALLOCATE=false`` or ``JAX_PLATFORMS=cpu`` for CPU-only children).
"""
import multiprocessing
import multiprocessing.connection
import signal
import sys
import traceback
from multiprocessing import (AuthenticationError, BufferTooShort, ProcessError, TimeoutError,  # noqa: F401
                             active_children, cpu_count, current_process, freeze_support, get_all_start_methods,
                             get_logger, get_start_method, log_to_stderr, parent_process, set_executable,
                             set_forkserver_preload, set_start_method)
from multiprocessing.process import BaseProcess

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies", "spawn", "start_processes",
           "ProcessContext", "ProcessException", "ProcessRaisedException", "ProcessExitedException", "Process",
           "Queue", "SimpleQueue", "JoinableQueue", "Pool", "Pipe", "Lock", "RLock", "Event", "Condition",
           "Semaphore", "BoundedSemaphore", "Barrier", "Manager", "Value", "Array", "RawValue", "RawArray",
           "get_context", "get_start_method", "set_start_method", "get_all_start_methods", "cpu_count",
           "current_process", "active_children", "parent_process", "ProcessError", "TimeoutError"]


def get_context(method=None):
    """torch.multiprocessing.get_context: Python's context of ``method``; for None, the start method set
    with ``set_start_method``, else ``spawn`` (see the module docstring)."""
    return multiprocessing.get_context(method or get_start_method(allow_none=True) or "spawn")


class Process(BaseProcess):
    """torch.multiprocessing.Process: multiprocessing.Process started with ``get_context()``'s method."""

    @staticmethod
    def _Popen(process_obj):
        return get_context().Process._Popen(process_obj)


def _from_context(name):
    def make(*args, **kwargs):
        return getattr(get_context(), name)(*args, **kwargs)

    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"torch.multiprocessing.{name}: multiprocessing's, made in ``get_context()``."
    return make


(Queue, SimpleQueue, JoinableQueue, Pool, Pipe, Lock, RLock, Event, Condition, Semaphore, BoundedSemaphore, Barrier,
 Manager, Value, Array, RawValue, RawArray) = map(_from_context, (
    "Queue", "SimpleQueue", "JoinableQueue", "Pool", "Pipe", "Lock", "RLock", "Event", "Condition", "Semaphore",
    "BoundedSemaphore", "Barrier", "Manager", "Value", "Array", "RawValue", "RawArray"))

_sharing = {"strategy": "file_descriptor"}
_all_sharing = {"file_descriptor", "file_system"}


def set_sharing_strategy(new_strategy):
    """torch.multiprocessing.set_sharing_strategy: recorded only (tensors are copied between processes)."""
    assert new_strategy in _all_sharing
    _sharing["strategy"] = new_strategy


def get_sharing_strategy():
    """torch.multiprocessing.get_sharing_strategy: the strategy last set (default 'file_descriptor')."""
    return _sharing["strategy"]


def get_all_sharing_strategies():
    """torch.multiprocessing.get_all_sharing_strategies: torch's set on Linux."""
    return set(_all_sharing)


class ProcessException(Exception):
    """torch.multiprocessing.ProcessException(msg, error_index, error_pid)."""

    def __init__(self, msg, error_index, error_pid):
        super().__init__(msg)
        self.msg, self.error_index, self.pid = msg, error_index, error_pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.pid)


class ProcessRaisedException(ProcessException):
    """A spawned process raised; the message holds its traceback."""


class ProcessExitedException(ProcessException):
    """A spawned process exited with a non-zero code or a signal."""

    def __init__(self, msg, error_index, error_pid, exit_code, signal_name=None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code, self.signal_name = exit_code, signal_name

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.pid, self.exit_code, self.signal_name)


def _wrap(fn, i, args, error_queue):
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass
    except Exception:
        error_queue.put(traceback.format_exc())
        sys.exit(1)


class ProcessContext:
    """torch.multiprocessing.ProcessContext: the processes of one ``start_processes`` call; ``join``."""

    def __init__(self, processes, error_queues):
        self.processes, self.error_queues = processes, error_queues
        self.sentinels = {p.sentinel: i for i, p in enumerate(processes)}

    def pids(self):
        return [p.pid for p in self.processes]

    def join(self, timeout=None, grace_period=None):
        """Wait up to ``timeout`` s; True when all have ended, False while some run. When one has failed, end
        the others (SIGTERM, then SIGKILL after ``grace_period``, default 30 s) and raise its error."""
        if not self.sentinels:
            return True
        failed = None
        for sentinel in multiprocessing.connection.wait(self.sentinels.keys(), timeout=timeout):
            index = self.sentinels.pop(sentinel)
            self.processes[index].join()
            if self.processes[index].exitcode != 0:
                failed = index
                break
        if failed is None:
            return not self.sentinels
        for p in self.processes:
            if p.is_alive():
                p.terminate()
        for p in self.processes:
            p.join(30 if grace_period is None else grace_period)
            if p.is_alive():
                p.kill()
                p.join()
        process, queue = self.processes[failed], self.error_queues[failed]
        if queue.empty():
            code = process.exitcode
            if code < 0:
                try:
                    name = signal.Signals(-code).name
                except ValueError:
                    name = f"<Unknown signal {-code}>"
                raise ProcessExitedException(f"process {failed:d} terminated with signal {name}", failed,
                                             process.pid, code, name)
            raise ProcessExitedException(f"process {failed:d} terminated with exit code {code:d}", failed,
                                         process.pid, code)
        trace = queue.get()
        raise ProcessRaisedException(f"\n\n-- Process {failed:d} terminated with the following error:\n{trace}",
                                     failed, process.pid)


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """torch.multiprocessing.start_processes: run ``fn(i, *args)`` for i < nprocs in ``start_method``
    processes; joined (errors raised in the parent) if ``join``, else the ProcessContext is returned."""
    ctx = multiprocessing.get_context(start_method)
    queues, processes = [], []
    for i in range(nprocs):
        queue = ctx.SimpleQueue()
        process = ctx.Process(target=_wrap, args=(fn, i, args, queue), daemon=daemon)
        process.start()
        queues.append(queue)
        processes.append(process)
    context = ProcessContext(processes, queues)
    if not join:
        return context
    while not context.join():
        pass


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """torch.multiprocessing.spawn: ``start_processes`` (torch warns for a start method other than spawn)."""
    return start_processes(fn, args, nprocs, join, daemon, start_method)
