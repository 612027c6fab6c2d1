"""Per-thread state of torchlike.jit: which kind of program is being traced, and how a
tensor's conversion to a Python value (``bool(t)``, ``t.item()``, ``t.tolist()``) is served.

A program traces its Python under ``jax.jit``; inside it, ScriptModules run their Python
inline (``inline()``) instead of calling their own compiled program. Tensor-to-Python
conversions are routed through the innermost *concretizer*: the eager pass of
``jit.trace`` records each value (warning with ``TracerWarning``), the traced pass replays
them, and a scripted program refuses them on traced values with a pointer to the line.
Tensor's conversion methods are swapped for routing ones only while some thread has a
concretizer active, so ordinary eager code pays nothing.
"""
import contextlib
import threading
import traceback
import warnings

import jax

from .._tensor import Tensor

_local = threading.local()
_lock = threading.Lock()
_installed = 0
_ORIGINAL = {name: getattr(Tensor, name) for name in ("__bool__", "item", "tolist")}
_WHAT = {"__bool__": "a Python boolean", "item": "a Python number", "tolist": "a Python list"}


class TracerWarning(Warning):
    """torch.jit.TracerWarning: the trace may not generalize to other inputs."""


def _modes():
    modes = getattr(_local, "modes", None)
    if modes is None:
        modes = _local.modes = []
    return modes


@contextlib.contextmanager
def mode(kind):
    """Run the block as part of a ``kind`` ('trace', 'script', 'record') program."""
    modes = _modes()
    modes.append(kind)
    try:
        yield
    finally:
        modes.pop()


def current_mode():
    modes = _modes()
    return modes[-1] if modes else None


def inline():
    """Whether a ScriptModule called now runs its Python inside an enclosing program trace."""
    return current_mode() in ("trace", "script")


def is_tracing():
    """torch.jit.is_tracing(): True while ``jit.trace`` runs the traced code."""
    return current_mode() in ("trace", "record")


def is_scripting():
    """torch.jit.is_scripting(): True while a scripted program is being compiled."""
    return current_mode() == "script"


class Recorder:
    """Eager pass of jit.trace: convert for real, remember the value, warn."""

    def __init__(self):
        self.values = []

    def convert(self, name, tensor, *args):
        value = _ORIGINAL[name](tensor, *args)
        self.values.append(value)
        warnings.warn(f"Converting a tensor to {_WHAT[name]} might cause the trace to be incorrect. We can't record "
                      "the data flow of Python values, so this value will be treated as a constant in the future. "
                      "This means that the trace might not generalize to other inputs!", TracerWarning, stacklevel=3)
        return value


class Replayer:
    """Traced pass of jit.trace: serve the values the eager pass recorded, in order."""

    def __init__(self, values):
        self.values, self.next = values, 0

    def convert(self, name, tensor, *args):
        if self.next >= len(self.values):
            raise RuntimeError("torchlike.jit.trace: the traced code converted more tensors to Python values than "
                               "it did on the example inputs; its Python control flow depends on something the "
                               "trace cannot see")
        value = self.values[self.next]
        self.next += 1
        return value


class Refuser:
    """Scripted program: a traced tensor has no Python value; say where and what to do."""

    def convert(self, name, tensor, *args):
        if not isinstance(tensor._data, jax.core.Tracer):
            return _ORIGINAL[name](tensor, *args)
        from .frontend import NotSupportedError
        frame = next((f for f in reversed(traceback.extract_stack()[:-2]) if "/torchlike/" not in f.filename), None)
        where = f'\n  File "{frame.filename}", line {frame.lineno}\n    {frame.line}' if frame else ""
        raise NotSupportedError(f"Converting a tensor computed inside a compiled program to {_WHAT[name]} is not "
                                "supported: its value is only known when the program runs. Use it in an `if`/`while` "
                                "condition of scripted code (converted to lax.cond/while_loop) or keep it a tensor"
                                + where)


def _routed(name):
    original = _ORIGINAL[name]

    def convert(self, *args):
        stack = getattr(_local, "concretizers", None)
        if not stack or stack[-1] is None:
            return original(self, *args)
        return stack[-1].convert(name, self, *args)
    convert.__name__ = name
    return convert


_ROUTED = {name: _routed(name) for name in _ORIGINAL}


@contextlib.contextmanager
def concretizer(c):
    """Serve Tensor-to-Python conversions in this thread with ``c`` (None: as usual)."""
    global _installed
    stack = getattr(_local, "concretizers", None)
    if stack is None:
        stack = _local.concretizers = []
    with _lock:
        if _installed == 0:
            for name, fn in _ROUTED.items():
                setattr(Tensor, name, fn)
        _installed += 1
    stack.append(c)
    try:
        yield c
    finally:
        stack.pop()
        with _lock:
            _installed -= 1
            if _installed == 0:
                for name, fn in _ORIGINAL.items():
                    setattr(Tensor, name, fn)
