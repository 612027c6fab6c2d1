"""Gradient-recording switches: no_grad, enable_grad, set_grad_enabled, inference_mode.

Each is a context manager and a decorator (``@no_grad()``, and as in torch also
``@no_grad`` / ``@inference_mode`` without parentheses).
"""
import functools


class _State:
    enabled = True     # grad mode
    inference = False  # inference mode


state = _State()


def is_grad_enabled():
    return state.enabled


def is_inference_mode_enabled():
    return state.inference


class _Mode:
    """Context manager and decorator that sets (grad mode, inference mode), restoring both on exit."""

    def __enter__(self):
        self._prev = state.enabled, state.inference
        state.enabled, state.inference = self._target

    def __exit__(self, *exc):
        state.enabled, state.inference = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class _NoParamMode(_Mode):
    """Also a decorator when used without parentheses."""

    def __new__(cls, orig_func=None):
        return super().__new__(cls) if orig_func is None else cls()(orig_func)


class no_grad(_NoParamMode):
    """torch.no_grad: ops record no graph inside it."""

    def __enter__(self):
        self._prev = state.enabled, state.inference
        state.enabled = False


class enable_grad(_NoParamMode):
    """torch.enable_grad: recording on, even inside no_grad."""

    def __enter__(self):
        self._prev = state.enabled, state.inference
        state.enabled = True


class set_grad_enabled(_Mode):
    """torch.set_grad_enabled(mode): takes effect immediately, also usable as a context
    manager or (without changing the mode now) as a decorator."""

    def __init__(self, mode):
        self._prev = state.enabled, state.inference
        self._mode = bool(mode)
        state.enabled = self._mode

    def __enter__(self):
        state.enabled = self._mode

    def __call__(self, fn):
        state.enabled = self._prev[0]
        return super().__call__(fn)

    def clone(self):
        return self.__class__(self._mode)


class inference_mode(_Mode):
    """torch.inference_mode(mode=True): no_grad plus ``is_inference_mode_enabled()``;
    ``inference_mode(False)`` turns grad mode on. Deviation: tensors made inside are
    ordinary tensors (torch marks them as inference tensors that autograd refuses)."""

    def __new__(cls, mode=True):
        return super().__new__(cls) if isinstance(mode, bool) else cls()(mode)

    def __init__(self, mode=True):
        self._mode = mode
        self._target = (not mode, mode)

    def clone(self):
        return self.__class__(self._mode)
