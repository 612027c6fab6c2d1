"""jit.trace / jit.trace_module: record what the code does on example inputs.

The traced object runs the original Python under ``jax.jit`` (one compiled program of
the parameters, buffers and inputs). What the trace cannot follow, the conversion of a
tensor to a Python value (``bool(t)`` in an ``if``, ``t.item()``), is recorded during an
eager run on the example inputs, with torch's TracerWarning, and replayed as a constant:
a data-dependent branch is frozen to the path the example took, as in torch.
"""
import inspect
import warnings

import numpy as np

from .._tensor import Tensor
from ..nn.modules.module import Module
from . import _module
from ._program import flatten
from ._state import TracerWarning


class TracingCheckError(Exception):
    """torch.jit.TracingCheckError."""


def _as_call(example_inputs, example_kwarg_inputs=None):
    if example_kwarg_inputs is not None:
        if not isinstance(example_kwarg_inputs, dict):
            raise RuntimeError("example_kwarg_inputs should be a dict")
        return (), dict(example_kwarg_inputs)
    if example_inputs is None:
        raise RuntimeError("example_kwarg_inputs or example_inputs must be provided")
    return (tuple(example_inputs) if isinstance(example_inputs, (tuple, list)) else (example_inputs,)), {}


def _check(traced, expected, call, check_inputs, check_tolerance, run_python):
    """torch's check_trace: the compiled program agrees with the Python code; warns otherwise."""
    checks = [(call, expected)] + [(c, None) for c in check_inputs or ()]
    for (args, kwargs), want in checks:
        got = traced(*args, **kwargs)
        if want is None:
            want = run_python(args, kwargs)
        got_leaves, want_leaves = flatten(got)[0], flatten(want)[0]
        for i, (g, w) in enumerate(zip(got_leaves, want_leaves)):
            if isinstance(g, Tensor) and isinstance(w, Tensor) and not np.allclose(
                    np.asarray(g._data), np.asarray(w._data), rtol=check_tolerance, atol=check_tolerance,
                    equal_nan=True):
                warnings.warn(f"Output nr {i + 1}. of the traced function does not match the corresponding output of "
                              "the Python function. Detailed error:\nTensor-likes are not close!", TracerWarning,
                              stacklevel=3)


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None, example_kwarg_inputs=None,
          _store_inputs=True):
    """torch.jit.trace: a ScriptFunction (for a function) or TopLevelTracedModule (for a
    module) running the operations ``func`` performs on ``example_inputs`` as one compiled
    program; Python control flow on tensor values is frozen to the example's path, with a
    TracerWarning. ``strict``/``optimize`` are accepted; deviation: ``check_trace``
    compares outputs only (torch also compares the recorded graphs)."""
    if isinstance(func, (_module.ScriptModule, _module.ScriptFunction)):
        warnings.warn("The input to trace is already a ScriptModule, tracing it is a no-op. Returning the object as "
                      "is.", stacklevel=2)
        return func
    if isinstance(func, Module):
        return _trace_module(func, _as_call(example_inputs, example_kwarg_inputs), check_trace, check_inputs,
                             check_tolerance)
    if inspect.ismethod(func) and isinstance(func.__self__, Module) and func.__name__ == "forward":
        return trace(func.__self__, example_inputs, optimize, check_trace, check_inputs, check_tolerance, strict,
                     example_kwarg_inputs=example_kwarg_inputs)
    if not callable(func):
        raise TypeError(f"trace expected a function or Module, got {type(func).__name__}")
    args, kwargs = _as_call(example_inputs, example_kwarg_inputs)
    traced = _module.ScriptFunction(func, func, "trace")
    expected = traced._record(args, kwargs)
    traced.__dict__["_example"] = (args, kwargs)
    if check_trace:
        _check(traced, expected, (args, kwargs), [_as_call(c) for c in check_inputs or ()], check_tolerance,
               lambda a, k: func(*a, **k))
    return traced


def trace_module(mod, inputs, check_trace=True, check_inputs=None, check_tolerance=1e-5, strict=True,
                 _force_outplace=False, _module_class=None, _compilation_unit=None, example_inputs_is_kwarg=False,
                 _store_inputs=True):
    """torch.jit.trace_module: ``inputs`` maps method names to example inputs. Deviation:
    only ``forward`` is traced (torch traces every named method)."""
    if not isinstance(mod, Module):
        raise AttributeError("expected torch.nn.Module as the first argument")
    if not isinstance(inputs, dict):
        raise AttributeError("expected a dictionary of (method_name, input) pairs")
    if set(inputs) - {"forward"}:
        raise NotImplementedError("torchlike.jit.trace_module traces only 'forward'")
    example = inputs["forward"]
    call = ((), dict(example)) if example_inputs_is_kwarg else _as_call(example)
    return _trace_module(mod, call, check_trace, check_inputs, check_tolerance)


def _trace_module(mod, call, check_trace, check_inputs, check_tolerance):
    traced = _module.traced_module(mod)
    handles = _module.trace_submodule_inputs(traced)
    try:
        expected = traced._record(*call)
    finally:
        for h in handles:
            h.remove()
    traced.__dict__["_example"] = call
    if check_trace:
        _check(traced, expected, call, [_as_call(c) for c in check_inputs or ()], check_tolerance,
               lambda a, k: traced._record(a, k, keep=False))
    return traced
