"""torch.jit: XLA compilation in TorchScript's role.

- ``trace(fn_or_module, example_inputs)`` records what the code does on the example
  inputs: Python control flow on tensor values is frozen to the example's path (with a
  ``TracerWarning``); the result runs as one ``jax.jit`` program of the parameters,
  buffers and inputs, shares the original's parameters, and differentiates (its backward
  is the program's VJP).
- ``script(fn_or_module)`` converts the source (``if``/``for ... in range``/``while`` on
  tensors become ``lax.cond``/``fori_loop``/``while_loop``, see ``_script``), so both
  branches live in the program. Traced and scripted code nest both ways.
- ``.graph`` is the program's jaxpr for the latest inputs; ``.code`` is the traced ops as
  torch-style Python, or the scripted function's source.
- ``save``/``load``: one zip file with the ``jax.export`` program (StableHLO, symbolic
  leading dimensions), the parameters and buffers, and metadata; loading needs no Python
  source of the model.
- ``fork``/``wait``: futures on a thread pool (JAX's asynchronous dispatch overlaps the work).

Deviations: ``@ignore`` functions stay Python but still run inside the compiled program,
so they must not convert traced tensors to Python values; ``assert`` on a traced tensor is
not checked; loaded modules run forward only (no autograd, submodules not callable).
"""
import inspect
import typing

from . import frontend
from ._future import Future, fork, wait
from ._module import (RecursiveScriptModule, ScriptFunction, ScriptModule, TopLevelTracedModule, TracedModule,
                      script_module, source_text)
from ._serialize import load, save
from ._state import TracerWarning, is_scripting, is_tracing
from ._trace import TracingCheckError, trace, trace_module

__all__ = ["trace", "trace_module", "script", "save", "load", "fork", "wait", "Future", "ScriptModule",
           "ScriptFunction", "RecursiveScriptModule", "TopLevelTracedModule", "TracedModule", "TracerWarning",
           "TracingCheckError", "ignore", "unused", "export", "is_scripting", "is_tracing", "annotate", "Final",
           "freeze", "optimize_for_inference", "frontend"]

Final = typing.Final


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """torch.jit.script: a RecursiveScriptModule (for a module: its forward and the methods
    it calls converted, submodules scripted recursively, traced/scripted ones kept) or a
    ScriptFunction (for a function). Unsupported constructs raise
    ``frontend.NotSupportedError`` naming the source line."""
    from ..nn.modules.module import Module
    from . import _script
    if isinstance(obj, (ScriptModule, ScriptFunction)):
        return obj
    if isinstance(obj, Module):
        return script_module(obj, {})
    if inspect.isclass(obj):
        if issubclass(obj, Module):
            raise RuntimeError(f"Type '{obj}' cannot be compiled since it inherits from nn.Module, pass an instance "
                               "instead")
        raise frontend.NotSupportedError("torchlike.jit.script compiles functions and Module instances, not classes")
    if inspect.isfunction(obj) or inspect.ismethod(obj):
        if getattr(obj, "_torchscript_modifier", None) in ("ignore", "unused"):
            return obj
        return ScriptFunction(obj, _script.convert(obj), "script", source_text(obj))
    raise RuntimeError(f"Type '{type(obj)}' cannot be compiled")


def _modifier(kind):
    def mark(fn):
        fn._torchscript_modifier = kind
        return fn
    return mark


def ignore(drop=False, **kwargs):
    """torch.jit.ignore: leave the function as Python; it is called as is (inside a compiled
    program, with traced tensors). ``@ignore(drop=True)`` is ``@unused``."""
    if callable(drop):
        return _modifier("ignore")(drop)
    return _modifier("unused" if drop else "ignore")


def unused(fn):
    """torch.jit.unused: compiled code that calls it raises instead."""
    return _modifier("unused")(fn)


def export(fn):
    """torch.jit.export: compile this method too, even if forward does not call it."""
    return _modifier("export")(fn)


def annotate(the_type, the_value):
    """torch.jit.annotate: returns ``the_value``."""
    return the_value


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """torch.jit.freeze: a compiled module in eval mode, returned as is (its parameters are
    already inputs of one XLA program)."""
    if not isinstance(mod, ScriptModule):
        raise RuntimeError("Freezing expects a ScriptModule as input. Please use torch.jit.script or "
                           "torch.jit.trace to script your 'nn.Module'.")
    if mod.training:
        raise RuntimeError("Freezing is currently only implemented for modules in eval mode. Please call .eval() on "
                           "your module before freezing.")
    return mod


def optimize_for_inference(mod, other_methods=None):
    """torch.jit.optimize_for_inference: the module in eval mode (XLA already optimizes)."""
    if not isinstance(mod, ScriptModule):
        raise RuntimeError("optimize_for_inference expects a ScriptModule as input. Please use torch.jit.script or "
                           "torch.jit.trace to script your 'nn.Module'.")
    return mod.eval()
