"""Gradient-recording switches: no_grad, enable_grad, set_grad_enabled, inference_mode."""
import functools


class _State:
    enabled = True


state = _State()


def is_grad_enabled():
    return state.enabled


class _Mode:
    """Context manager and decorator that sets grad mode, restoring it on exit."""

    _target = True

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self._target

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args()):
                return fn(*args, **kwargs)
        return wrapper

    def _args(self):
        return ()

    def clone(self):
        return self.__class__(*self._args())


class no_grad(_Mode):
    """torch.no_grad: ops record no graph inside it."""
    _target = False


class enable_grad(_Mode):
    """torch.enable_grad: recording on, even inside no_grad."""
    _target = True


class set_grad_enabled(_Mode):
    """torch.set_grad_enabled(mode): takes effect immediately, also usable as a context manager."""

    def __init__(self, mode):
        self._prev = state.enabled
        self._target = bool(mode)
        state.enabled = self._target

    def _args(self):
        return (self._target,)

    def __enter__(self):
        state.enabled = self._target

    def __call__(self, fn):
        state.enabled = self._prev  # as a decorator it must not change the mode now
        return super().__call__(fn)


class inference_mode(_Mode):
    """torch.inference_mode(mode=True): same as no_grad here (JAX arrays carry no version counters)."""

    def __init__(self, mode=True):
        self._target = not mode

    def _args(self):
        return (not self._target,)


def is_inference_mode_enabled():
    return False
