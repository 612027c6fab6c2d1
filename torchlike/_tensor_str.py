"""Tensor printing, formatted like torch's (torch/_tensor_str.py)."""
import numpy as np


def tensor_repr(t):
    body = np.array2string(np.asarray(t._data), separator=", ")
    suffix = ""
    if t.grad_fn is not None:
        suffix = f", grad_fn=<{t.grad_fn.name()}>"
    elif t.requires_grad:
        suffix = ", requires_grad=True"
    return f"tensor({body}{suffix})"
