"""Creation ops: tensor, zeros, ones, full, empty, arange, linspace, eye, the *_like and new_* forms."""
import builtins
import math
import numbers

import jax
import jax.numpy as jnp
import numpy as np

from .. import _device, _dtype
from .._dispatch import kernel, run
from .._size import Size
from .._tensor import Tensor, tensor_method

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty", "zeros_like",
           "ones_like", "full_like", "empty_like", "arange", "range", "linspace", "logspace", "eye",
           "empty_strided", "scalar_tensor", "complex", "polar"]


def sizes_arg(size):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(torch.Size([2, 3]))."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, numbers.Integral) or isinstance(s, bool):
            raise TypeError(f"empty(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__} at pos {len(out)}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(int(s))
    return tuple(out)


def finish(t, device=None, requires_grad=False):
    """Place a freshly made tensor on ``device`` and set requires_grad, as factory functions do."""
    if device is not None:
        jdev = _device.to_jax(device)
        if jdev is not None and jdev not in t._data.devices():
            t._data = jax.device_put(t._data, jdev)
    if requires_grad:
        t.requires_grad = True
    return t


@kernel("FullBackward0")
def _full(shape, dtype, value):
    return jnp.full(shape, value, dtype)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    if dtype is None:
        dtype = _dtype.scalar_dtype(fill_value.item() if isinstance(fill_value, Tensor) else fill_value)
    value = fill_value._data if isinstance(fill_value, Tensor) else fill_value
    t = Tensor._from_array(run(_full, (value,), (sizes_arg((size,)), dtype.jax)))
    return finish(t, device, requires_grad)


def _filled(value):
    def factory(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
                memory_format=None):
        dtype = dtype or _dtype.get_default_dtype()
        t = Tensor._from_array(run(_full, (value,), (sizes_arg(size), dtype.jax)))
        return finish(t, device, requires_grad)
    return factory


zeros = _filled(0)
zeros.__name__, zeros.__doc__ = "zeros", "torch.zeros(*size, dtype=None, device=None, requires_grad=False)"
ones = _filled(1)
ones.__name__, ones.__doc__ = "ones", "torch.ones(*size, dtype=None, device=None, requires_grad=False)"
empty = _filled(0)
empty.__name__ = "empty"
empty.__doc__ = "torch.empty: JAX has no uninitialised memory, so the tensor is zero-filled."


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    return empty(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def _like(value):
    def factory(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
        dtype = dtype or input.dtype
        t = Tensor._from_array(run(_full, (value,), (tuple(input.shape), dtype.jax)))
        return finish(t, device, requires_grad)
    return factory


zeros_like, ones_like, empty_like = _like(0), _like(1), _like(0)
zeros_like.__name__, ones_like.__name__, empty_like.__name__ = "zeros_like", "ones_like", "empty_like"


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return full(tuple(input.shape), fill_value, dtype=dtype or input.dtype, device=device,
                requires_grad=requires_grad)


def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    return full((), s, dtype=dtype or _dtype.get_default_dtype(), device=device, requires_grad=requires_grad)


def _infer_dtype(data):
    """torch.tensor's dtype inference for Python data (bool < int64 < default float < complex)."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        return _dtype.from_jax(data.dtype)
    if isinstance(data, (list, tuple)):
        found = None
        for item in data:
            d = _infer_dtype(item)
            found = d if found is None or d.category > found.category else found
        return found or _dtype.get_default_dtype()
    if isinstance(data, (bool, np.bool_)):
        return _dtype.bool
    if isinstance(data, numbers.Integral):
        return _dtype.int64
    if isinstance(data, numbers.Complex) and not isinstance(data, numbers.Real):
        return _dtype.get_default_dtype().to_complex()
    if isinstance(data, numbers.Real):
        return _dtype.get_default_dtype()
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _to_numpy(data, dtype):
    if isinstance(data, Tensor):
        return np.asarray(data._data)
    if isinstance(data, (list, tuple)):
        data = [_to_numpy(d, dtype) if isinstance(d, (Tensor, list, tuple)) else d for d in data]
    try:
        return np.asarray(data, dtype=dtype.jax)
    except (ValueError, TypeError) as e:
        raise ValueError(f"expected sequence of equal-length lists, got ragged data ({e})") from None


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """torch.tensor: always copies; infers int64/float32/bool/complex64 like torch."""
    if isinstance(data, Tensor):
        array = data._data if dtype is None else data._data.astype(dtype.jax)
        return finish(Tensor._from_array(array), device, requires_grad)
    dtype = dtype or _infer_dtype(data)
    array = _to_numpy(data, dtype)
    return finish(Tensor._from_array(jnp.asarray(array)), device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """torch.as_tensor: returns ``data`` itself when it already matches."""
    if isinstance(data, Tensor):
        t = data if dtype is None or dtype is data.dtype else data.to(dtype)
        return t.to(device) if device is not None else t
    return tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    t = as_tensor(obj, dtype=dtype, device=device)
    if copy:
        t = t.clone()
    return t.requires_grad_(requires_grad) if requires_grad else t


def from_numpy(ndarray):
    """torch.from_numpy. JAX arrays cannot alias NumPy memory, so this copies; later writes
    to the NumPy array are not seen by the tensor (a documented deviation)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_jax(ndarray.dtype)  # raises torch's TypeError for unsupported dtypes
    return Tensor._from_array(jnp.asarray(ndarray))


def _range_dtype(values, dtype):
    if dtype is not None:
        return dtype
    if all(isinstance(v, numbers.Integral) or (isinstance(v, Tensor) and v.dtype.category < 2) for v in values):
        return _dtype.int64
    return _dtype.get_default_dtype()


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
           pin_memory=False):
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    dtype = _range_dtype((start, end, step), dtype)
    start, end, step = values
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    n = builtins.max(0, math.ceil((end - start) / step))
    array = (np.arange(n, dtype=np.float64) * step + start) if dtype.category >= 2 else \
        np.arange(start, start + n * step, step)[:n]
    return finish(Tensor._from_array(jnp.asarray(array.astype(dtype.jax))), device, requires_grad)


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Deprecated torch.range: includes ``end``; default float dtype."""
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    array = np.arange(n, dtype=np.float64) * step + start
    dtype = dtype or _dtype.get_default_dtype()
    return finish(Tensor._from_array(jnp.asarray(array.astype(dtype.jax))), device, requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = dtype or _dtype.get_default_dtype()
    start, end = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    # torch fills the first half from ``start`` and the second half from ``end``
    step = (end - start) / (steps - 1) if steps > 1 else 0
    i = np.arange(steps, dtype=np.float64)
    half = steps // 2
    values = np.where(i < half, start + step * i, end - step * (steps - 1 - i))
    if dtype.category < 2:
        values = np.trunc(values)
    return finish(Tensor._from_array(jnp.asarray(values.astype(dtype.jax))), device, requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    exponents = linspace(start, end, steps, dtype=_dtype.float64)
    dtype = dtype or _dtype.get_default_dtype()
    values = np.power(base, np.asarray(exponents._data))
    return finish(Tensor._from_array(jnp.asarray(values.astype(dtype.jax))), device, requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    m = n if m is None else m
    dtype = dtype or _dtype.get_default_dtype()
    return finish(Tensor._from_array(jnp.eye(n, m, dtype=dtype.jax)), device, requires_grad)


def complex(real, imag, *, out=None):
    """torch.complex(real, imag): both float tensors of the same dtype."""
    from .pointwise import complex_
    return complex_(real, imag)


def polar(abs, angle, *, out=None):
    from .pointwise import polar_
    return polar_(abs, angle)


# ---- Tensor.new_* -------------------------------------------------------------------
@tensor_method()
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


@tensor_method()
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False):
    return full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


def _new_filled(factory, name):
    def method(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
        return factory(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)
    method.__name__ = name
    return tensor_method()(method)


new_zeros = _new_filled(zeros, "new_zeros")
new_ones = _new_filled(ones, "new_ones")
new_empty = _new_filled(empty, "new_empty")
