"""Reduction ops (torch docs' "Reduction Ops"): sum, mean, ... with dim as int or tuple and keepdim."""
import jax.numpy as jnp

from .. import _dtype
from .._dispatch import Kernel, apply
from .._tensor import tensor_method
from ._util import dims_arg, write_out

__all__ = ["sum", "mean"]


def _sum_dtype(dt):
    """torch sums bool and integer tensors into int64."""
    return _dtype.int64 if dt.category < 2 else dt


_sum = Kernel(lambda dims, keepdim, dtype, a: jnp.sum(a.astype(dtype), axis=dims, keepdims=keepdim), "SumBackward1")
_mean = Kernel(lambda dims, keepdim, dtype, a: jnp.mean(a.astype(dtype), axis=dims, keepdims=keepdim),
               "MeanBackward1")


@tensor_method()
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.sum(input, dim=None, keepdim=False, *, dtype=None)."""
    dt = dtype or _sum_dtype(input.dtype)
    return write_out(out, apply(_sum, (input,), (dims_arg(dim, input.ndim), bool(keepdim), dt.jax)))


@tensor_method()
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.mean: floating or complex inputs only (or pass ``dtype``), as in torch."""
    dt = dtype or input.dtype
    if dt.category < 2:
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {_TYPE_NAME(dt)}")
    return write_out(out, apply(_mean, (input,), (dims_arg(dim, input.ndim), bool(keepdim), dt.jax)))


def _TYPE_NAME(dt):
    from .._tensor import _TYPE_NAMES
    return _TYPE_NAMES[dt]


@tensor_method()
def sum_to_size(self, *size):
    """Sum a broadcast tensor back down to ``size`` (it must be expandable to self's shape)."""
    size = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    shape = tuple(self.shape)
    lead = len(shape) - len(size)
    if lead < 0 or any(s != 1 and s != n for s, n in zip(size, shape[lead:])):
        raise RuntimeError(f"size {{{', '.join(map(str, size))}}} is not expandable to size "
                           f"{{{', '.join(map(str, shape))}}}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and shape[lead + i] != 1)
    out = sum(self, dims, keepdim=True) if dims else self
    return out.reshape(size) if lead else out
