"""torch.multiprocessing: Python's multiprocessing API plus ``spawn``/``start_processes`` and the sharing
strategy switches.

Parity: the names of torch.multiprocessing; ``spawn(fn, args, nprocs, join, daemon, start_method)`` calls
``fn(i, *args)`` in process i and, when one fails, ends the others and raises ProcessRaisedException
(its traceback in the message) or ProcessExitedException in the parent, as torch does. Tensors pickle
(their values travel).

Deviations: the default start method is ``spawn`` (torch forks on Linux) because forking a process that
has started JAX can deadlock, and ``get_start_method()`` reports it; ``set_start_method`` (this module's)
changes it as in torch. Process, Queue, Pool, Lock ... here are made in that context.
JAX arrays are immutable and processes do not share device memory, so
``Tensor.share_memory_()`` and ``Module.share_memory()`` return self and ``is_shared()`` is False: a tensor
sent to another process is copied, and writes made in a child are not seen by the parent (send results
back through a Queue). The sharing strategies are recorded only. A spawned child imports torchlike and
starts its own JAX backend (on a GPU machine each child claims GPU memory; set
``XLA_PYTHON_CLIENT_PREALLOCATE=false`` or ``JAX_PLATFORMS=cpu`` for CPU-only children).
"""
import multiprocessing
from multiprocessing import (AuthenticationError, BufferTooShort, ProcessError, TimeoutError,  # noqa: F401
                             active_children, cpu_count, current_process, freeze_support, get_all_start_methods,
                             get_logger, log_to_stderr, parent_process, set_executable, set_forkserver_preload)
from multiprocessing.process import BaseProcess

from .spawn import (ProcessContext, ProcessException, ProcessExitedException, ProcessRaisedException,  # noqa: F401
                    spawn, start_processes)

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies", "spawn", "start_processes",
           "ProcessContext", "ProcessException", "ProcessRaisedException", "ProcessExitedException", "Process",
           "Queue", "SimpleQueue", "JoinableQueue", "Pool", "Pipe", "Lock", "RLock", "Event", "Condition",
           "Semaphore", "BoundedSemaphore", "Barrier", "Manager", "Value", "Array", "RawValue", "RawArray",
           "get_context", "get_start_method", "set_start_method", "get_all_start_methods", "cpu_count",
           "current_process", "active_children", "parent_process", "ProcessError", "TimeoutError"]


_chosen = []  # the start method set here (Python fixes its own default to 'fork' as a side effect of spawning)


def set_start_method(method, force=False):
    """torch.multiprocessing.set_start_method: Python's, also recorded as the method of this module's
    Process/Queue/Pool (set it here, not with ``multiprocessing.set_start_method``)."""
    multiprocessing.set_start_method(method, force)
    _chosen[:] = [method] if method is not None else []


def get_start_method(allow_none=False):
    """torch.multiprocessing.get_start_method: the method set with ``set_start_method``; else None with
    ``allow_none``, otherwise 'spawn' (torch: Python's default, 'fork' on Linux)."""
    return _chosen[0] if _chosen else None if allow_none else "spawn"


def get_context(method=None):
    """torch.multiprocessing.get_context: Python's context of ``method``; for None, that of
    ``get_start_method()`` (see the module docstring)."""
    return multiprocessing.get_context(method or get_start_method())


class Process(BaseProcess):
    """torch.multiprocessing.Process: multiprocessing.Process started with ``get_context()``'s method."""

    _start_method = None

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
