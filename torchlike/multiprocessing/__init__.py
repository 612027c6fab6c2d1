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
from multiprocessing import (AuthenticationError, BufferTooShort, ProcessError, TimeoutError,  # noqa: F401
                             active_children, cpu_count, current_process, freeze_support, get_all_start_methods,
                             get_logger, get_start_method, log_to_stderr, parent_process, set_executable,
                             set_forkserver_preload, set_start_method)
from multiprocessing.process import BaseProcess

from .spawn import (ProcessContext, ProcessException, ProcessExitedException, ProcessRaisedException,  # noqa: F401
                    spawn, start_processes)

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
