"""Copies and dtype/device conversion: clone, to, type, float()/long()/..., copy_, fill_, zero_."""
import jax
import jax.numpy as jnp

from .. import _device, _dtype
from .._dispatch import Kernel, apply
from .._legacy import TYPE_NAME, TYPES
from .._tensor import Tensor, tensor_method

__all__ = ["clone", "fill", "fill_", "zero_", "detach", "detach_", "to_dlpack", "to_jax"]

_clone = Kernel(lambda a: jnp.array(a, copy=True), "CloneBackward0")
def _astype(a, dtype):
    """``a`` cast to ``dtype`` as torch's CPU casts do: a float (or a complex's real part) becomes an
    integer through int32 (int64 for int64), NaN and out-of-range values giving that type's minimum,
    then wraps into narrower types (-1.0 -> 255 as uint8, 300.0 -> 44). XLA would saturate instead."""
    dtype = jnp.dtype(dtype)
    if not jnp.issubdtype(dtype, jnp.integer) or not jnp.issubdtype(a.dtype, jnp.inexact):
        return a.astype(dtype)
    a = jnp.real(a)
    wide = jnp.int64 if dtype == jnp.int64 else jnp.int32
    bound = float(2 ** (jnp.iinfo(wide).bits - 1))
    ok = (a >= -bound) & (a < bound)
    whole = jnp.where(ok, jnp.where(ok, a, 0).astype(wide), jnp.iinfo(wide).min)
    return whole.astype(dtype)


_cast = Kernel(lambda dtype, a: _astype(a, dtype), "ToCopyBackward0")
_copy_into = Kernel(lambda a, src: jnp.broadcast_to(_astype(src, a.dtype), a.shape), "CopyBackwards")
_fill = Kernel(lambda a, value: jnp.full_like(a, value), "FillBackward0")


@tensor_method()
def clone(input, *, memory_format=None):
    """A copy with its own storage, differentiable."""
    return apply(_clone, (input,))


def _convert(self, dtype=None, device=None, copy=False):
    out = self
    if dtype is not None and dtype is not self.dtype:
        out = apply(_cast, (out,), (dtype.jax,))
    if device is not None and not isinstance(out._data, jax.core.Tracer):  # traced: the compiled program places it
        jdev = _device.to_jax(device)
        if jdev not in out._data.devices():
            moved = apply(_clone, (out,))
            moved._data = jax.device_put(moved._data, jdev)
            out = moved
    if copy and out is self:
        out = apply(_clone, (self,))
    return out


@tensor_method()
def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None):
    """Tensor.to(dtype) / to(device, dtype=None) / to(other): returns self when nothing changes."""
    for a in args:
        if isinstance(a, _dtype.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        elif isinstance(a, (str, _device.device, int)) and not isinstance(a, bool):
            device = a
        elif isinstance(a, bool):
            continue  # non_blocking: transfers are asynchronous in JAX anyway
        else:
            raise TypeError(f"to() received an invalid combination of arguments - got ({type(a).__name__})")
    return _convert(self, dtype, device, copy)


@tensor_method()
def cpu(self, memory_format=None):
    return _convert(self, device="cpu")


@tensor_method()
def cuda(self, device=None, non_blocking=False, memory_format=None):
    return _convert(self, device=_device.device("cuda", device if isinstance(device, int) else None)
                    if not isinstance(device, (str, _device.device)) else device)


@tensor_method()
def type(self, dtype=None, non_blocking=False, **kwargs):
    """Tensor.type(): 'torch.FloatTensor'; Tensor.type(torch.DoubleTensor or 'torch.DoubleTensor') converts."""
    if dtype is None:
        return TYPE_NAME[self.dtype]
    if isinstance(dtype, str):
        name = dtype.rsplit(".", 1)[-1]
        if name not in TYPES:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = TYPES[name].dtype
    elif not isinstance(dtype, _dtype.dtype):
        dtype = dtype.dtype
    return _convert(self, dtype)


@tensor_method()
def type_as(self, other):
    return _convert(self, other.dtype)


def _caster(target, name):
    def method(self, memory_format=None):
        return _convert(self, target)
    method.__name__ = name
    method.__doc__ = f"self.to({target!r})"
    tensor_method()(method)


for _name, _target in [("float", _dtype.float32), ("double", _dtype.float64), ("half", _dtype.float16),
                       ("bfloat16", _dtype.bfloat16), ("long", _dtype.int64), ("int", _dtype.int32),
                       ("short", _dtype.int16), ("char", _dtype.int8), ("byte", _dtype.uint8), ("bool", _dtype.bool),
                       ("cfloat", _dtype.complex64), ("cdouble", _dtype.complex128)]:
    _caster(_target, _name)


@tensor_method()
def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast, cast) into self, in place."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {type(src).__name__}")
    return self._inplace_(apply(_copy_into, (self, src)))


@tensor_method()
def fill_(self, value):
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions.")
    return self._inplace_(apply(_fill, (self, value)))


@tensor_method()
def zero_(self):
    return fill_(self, 0)


def fill(input, value):
    """torch.fill: a new tensor shaped like ``input`` holding ``value`` (a number or 0-d tensor)."""
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"fill only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions.")
    return apply(_fill, (input, value))


def detach(input):
    """torch.detach: ``input.detach()``, a view sharing data without autograd history."""
    return input.detach()


def detach_(input):
    """torch.detach_: ``input.detach_()``."""
    return input.detach_()


def to_dlpack(tensor):
    """torch.to_dlpack: a DLPack capsule sharing the tensor's memory (JAX's ``__dlpack__``)."""
    return tensor._data.__dlpack__()


def to_jax(tensor):
    """The ``jax.Array`` holding ``tensor``'s values, without copying (for a view, the array of
    the view's values). JAX arrays are immutable: a later in-place op gives the tensor a new
    array and leaves this one as it was. No torch counterpart; ``torchlike.from_jax`` wraps
    an array back. 64-bit tensors give 64-bit arrays, which JAX code outside torchlike reads
    as 32-bit unless it runs in JAX's 64-bit mode."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_jax expects a Tensor, got {tensor.__class__.__name__}")
    return tensor._data


Tensor.__dlpack__ = lambda self, *args, **kwargs: self._data.__dlpack__(*args, **kwargs)
Tensor.__dlpack_device__ = lambda self: self._data.__dlpack_device__()
