"""torch.compiler: the compile entry point and the queries and markers programs put around it.

There is one compiler here (torchlike.compile, see _compile.py); the markers that steer
torch's Dynamo are accepted and return the function unchanged, so inside a compiled step the
function is traced like the rest of it (a Python side effect or ``.item()`` there is a graph
break, as anywhere in the step).
"""
from ._compile import compile, is_compiling

__all__ = ["compile", "is_compiling", "is_dynamo_compiling", "is_exporting", "disable", "allow_in_graph",
           "assume_constant_result", "reset", "cudagraph_mark_step_begin"]


def is_dynamo_compiling():
    """torch.compiler.is_dynamo_compiling: :func:`is_compiling` (tracing is torchlike.compile's)."""
    return is_compiling()


def is_exporting():
    """torch.compiler.is_exporting: False (torch.export is not implemented)."""
    return False


def disable(fn=None, recursive=True, *, reason=None):
    """torch.compiler.disable, as a decorator with or without arguments: the function unchanged
    (see the module docstring)."""
    if fn is None:
        return lambda f: f
    return fn


def allow_in_graph(fn):
    """torch.compiler.allow_in_graph: the function unchanged."""
    return fn


def assume_constant_result(fn):
    """torch.compiler.assume_constant_result: the function unchanged (its result is traced)."""
    return fn


def reset():
    """torch.compiler.reset: nothing to reset; each torchlike.compile object holds its own cache."""


def cudagraph_mark_step_begin():
    """torch.compiler.cudagraph_mark_step_begin: no CUDA graphs here, nothing to mark."""
