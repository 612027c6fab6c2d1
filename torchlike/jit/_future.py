"""torch.jit.fork / wait: run a function asynchronously, returning a Future.

Work runs on a small thread pool; JAX dispatches compiled programs asynchronously, so
forked calls overlap with each other and with the caller.
"""
import concurrent.futures
import threading

_pool = None
_lock = threading.Lock()


class Future:
    """torch.futures.Future as torch.jit.fork returns it."""

    def __init__(self, future):
        self._future = future

    def wait(self):
        """The result, blocking until it is ready (re-raises the function's exception)."""
        return self._future.result()

    def value(self):
        """The result of a completed future (blocks if it is not yet done)."""
        return self._future.result()

    def done(self):
        return self._future.done()


def fork(func, *args, **kwargs):
    """torch.jit.fork: ``func(*args, **kwargs)`` asynchronously; returns a Future."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="torchlike.jit.fork")
    return Future(_pool.submit(func, *args, **kwargs))


def wait(future):
    """torch.jit.wait: the result of a Future from fork."""
    return future.wait()
