"""``.code`` of a traced program: its ops as Python, one line each, under torch's names.

The tape holds one entry per dispatched kernel (``_dispatch.observer``) and per
converted control-flow construct: ``(kernel, statics, args, out)``. Ops whose results do
not reach an output are left out, as a frozen branch's condition is in torch's trace.
"""
import inspect
import re

import jax
import numpy as np

from .._tensor import Tensor

# kernels whose grad_fn name is not the function a user calls
_BY_FUNCTION = {"_linear": "torch.nn.functional.linear"}


def torch_name(kernel):
    fn = getattr(kernel, "fn", None)
    if getattr(fn, "__name__", None) in _BY_FUNCTION:
        return _BY_FUNCTION[fn.__name__]
    base = re.sub(r"Backward\d*$", "", kernel.name)
    return "torch." + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base).lower()


def _static_names(kernel, n):
    try:
        params = list(inspect.signature(kernel.fn).parameters.values())[:n]
    except (TypeError, ValueError, AttributeError):
        return [None] * n
    if len(params) < n or any(p.kind is p.VAR_POSITIONAL for p in params):
        return [None] * n
    return [p.name for p in params]


def _outs(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def render(tape, names, outputs, arg_names, method="forward"):
    """Python text of ``def forward(self, <arg_names>)`` computing ``outputs`` from the
    arrays named in ``names`` (id -> name)."""
    produced = {id(o): i for i, entry in enumerate(tape) for o in _outs(entry[3])}
    live, stack = set(), [id(o) for o in outputs]
    while stack:
        i = produced.get(stack.pop())
        if i is not None and i not in live:
            live.add(i)
            stack.extend(id(a._data) for a in tape[i][2] if isinstance(a, Tensor))
    names, constants = dict(names), []

    def ref(x):
        data = x._data if isinstance(x, Tensor) else x
        if id(data) in names:
            return names[id(data)]
        if isinstance(data, (jax.Array, np.ndarray)) and not isinstance(data, jax.core.Tracer):
            if data.size == 1:
                return repr(np.asarray(data).item())
            names[id(data)] = f"CONSTANTS.c{len(constants)}"
            constants.append(data)
            return names[id(data)]
        if isinstance(data, jax.core.Tracer):  # made outside a kernel (a factory like torch.zeros)
            return f"<{data.dtype}{list(data.shape)} value>"
        return repr(data)

    lines, counter = [], 0
    for i in sorted(live):
        kernel, statics, args, out = tape[i]
        rendered = [ref(a) for a in args]
        rendered += [f"{n}={s!r}" if n else repr(s) for n, s in zip(_static_names(kernel, len(statics)), statics)
                     if not isinstance(s, (np.dtype, type))]
        targets = []
        for o in _outs(out):
            names[id(o)] = f"_{counter}"
            targets.append(f"_{counter}")
            counter += 1
        lines.append(f"  {', '.join(targets)} = {torch_name(kernel)}({', '.join(rendered)})")
    result = [ref(o) for o in outputs]
    lines.append("  return " + (result[0] if len(result) == 1 else f"({', '.join(result)})"))
    return f"def {method}(self, {', '.join(arg_names)}):\n" + "\n".join(lines) + "\n"


class Construct:
    """Tape stand-in for a converted ``if``/``for``/``while``: ``.name`` gives torch.cond etc."""

    fn = None

    def __init__(self, name):
        self.name = name
