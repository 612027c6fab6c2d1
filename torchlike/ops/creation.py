"""Creation ops (torch docs' "Creation Ops"): tensor, zeros, ones, full, empty, arange,
linspace, logspace, eye, complex, polar, the *_like and Tensor.new_* forms.

Every factory fills its tensor with one cached kernel whose shape and dtype are statics and
whose start/step/fill values are traced, so new values never recompile. Deviations from
torch: ``empty*`` tensors are zero-filled (JAX has no uninitialised memory), ``from_numpy``
and ``as_tensor`` copy (a jax.Array cannot alias NumPy memory), ``empty_strided`` reports
contiguous strides, and torch's uint16/uint32/uint64/complex32 dtypes do not exist here.
"""
import builtins
import collections.abc
import math
import numbers
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _device, _dtype
from .._dispatch import Kernel, apply, run
from .._tensor import _TYPE_NAMES, Tensor, tensor_method
from . import _pieces
from ._util import check_scalar_fits, host_array, write_out

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty", "zeros_like",
           "ones_like", "full_like", "empty_like", "arange", "range", "linspace", "logspace", "eye",
           "empty_strided", "scalar_tensor", "complex", "polar", "set_default_device", "get_default_device",
           "frombuffer", "from_dlpack", "empty_permuted", "from_jax"]


# ---- argument helpers shared by the factories (also used by ops.random) -------------
def sizes_arg(size, name="empty"):
    """A size given as f(2, 3), f((2, 3)), f([2, 3]) or f(torch.Size([2, 3])), checked as torch does."""
    if not size:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size, packed = size[0], True
    else:
        packed = len(size) > 1
    out = []
    for i, s in enumerate(size):
        if isinstance(s, Tensor) and s.numel() == 1 and s.dtype.category <= 1:
            s = s.item()
        if not isinstance(s, numbers.Integral):
            if not packed:
                raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not "
                                f"{type(s).__name__}")
            raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos {i + 1} with error "
                            f'"type must be tuple of ints,but got {type(s).__name__}"')
        if s < 0:
            if name == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(builtins.int(s))
    return tuple(out)


def size_param(size, name, position=1):
    """The ``size`` parameter of full/new_full/randint...: a sequence, never a bare int."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{name}(): argument 'size' (position {position}) must be tuple of ints, not "
                        f"{type(size).__name__}")
    return sizes_arg((size,), name)


def factory_dtype(dtype, out, default):
    """The dtype of a factory's result: ``dtype``, else ``out``'s, else ``default``."""
    if out is None:
        return dtype or default
    if dtype is not None and dtype is not out.dtype:
        raise RuntimeError(f"dtype {_TYPE_NAMES[dtype]} does not match dtype of out parameter "
                           f"({_TYPE_NAMES[out.dtype]})")
    return out.dtype


_default_device = [None]  # set_default_device's device; None: JAX's default device


def set_default_device(device):
    """torch.set_default_device: the device factory functions (zeros, tensor, arange, rand ...)
    place tensors on when given no ``device``; None restores the default."""
    _default_device[0] = None if device is None else _device.device(device)


def get_default_device():
    """torch.get_default_device: the device set by set_default_device, else the device JAX
    places new arrays on (the CPU unless JAX runs on an accelerator)."""
    if _default_device[0] is not None:
        return _default_device[0]
    return _device.from_jax(jax.config.jax_default_device or jax.devices()[0])


def finish(t, device=None, requires_grad=False, out=None):
    """Place a freshly made tensor on ``device`` (default: set_default_device's), set
    requires_grad, honour ``out=``."""
    device = _default_device[0] if device is None else device
    if device is not None and not isinstance(t._data, jax.core.Tracer):  # traced: the compiled program places it
        jdev = _device.to_jax(device)
        if jdev not in t._data.devices():
            t._data = jax.device_put(t._data, jdev)
    if requires_grad:
        if t.dtype.category < 2:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._requires_grad = True
    return write_out(out, t)


def as_number(value):
    """A Python number from a Python/NumPy number or a one-element tensor."""
    if isinstance(value, (Tensor, np.generic)):
        return value.item()
    return value


# ---- constant fills -----------------------------------------------------------------
_full = Kernel(lambda shape, dtype, value: jnp.full(shape, value, dtype), "FullBackward0")


def _filled(shape, value, dtype, device, requires_grad, out=None):
    return finish(Tensor._from_array(run(_full, (value,), (shape, dtype.jax))), device, requires_grad, out)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """torch.full: the dtype follows the fill value (bool, int64, default float/complex) unless given."""
    value = as_number(fill_value)
    dtype = factory_dtype(dtype, out, _dtype.scalar_dtype(value))
    if dtype.category == 1 and isinstance(value, numbers.Real):  # torch's scalar conversion checks overflow
        value = _integer_bound(value, dtype)
    return _filled(size_param(size, "full"), value, dtype, device, requires_grad, out)


def _constant_factory(value, name, doc):
    def factory(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
                memory_format=None):
        dtype = factory_dtype(dtype, out, _dtype.get_default_dtype())
        return _filled(sizes_arg(size, name), value, dtype, device, requires_grad, out)
    factory.__name__, factory.__doc__ = name, doc
    return factory


zeros = _constant_factory(0, "zeros", "torch.zeros(*size, out=None, dtype=None, device=None, requires_grad=False)")
ones = _constant_factory(1, "ones", "torch.ones(*size, out=None, dtype=None, device=None, requires_grad=False)")
empty = _constant_factory(0, "empty", "torch.empty: zero-filled, as JAX has no uninitialised memory.")


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad=False,
                   pin_memory=False):
    """torch.empty_permuted: an uninitialised (here zero) tensor of ``size``; ``physical_layout``
    (torch's memory order of the dims) is checked and otherwise ignored, data stay row-major."""
    if sorted(physical_layout) != list(builtins.range(len(size))):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the physical_layout; "
                           f"or physical_layout is not a permutation: {list(physical_layout)}")
    return empty(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """torch.empty_strided: zero-filled; the tensor is contiguous (``stride`` is not honoured)."""
    return empty(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """torch.scalar_tensor: a 0-dim tensor of the default float dtype unless ``dtype`` is given."""
    return _filled((), as_number(s), dtype or _dtype.get_default_dtype(), device, requires_grad)


def _check_tensor(input, name):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


def _like_factory(value, name):
    def factory(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
        _check_tensor(input, name)
        return _filled(input._data.shape, value, dtype or input.dtype, device or input.device, requires_grad)
    factory.__name__ = name
    factory.__doc__ = f"torch.{name}: shape (and by default dtype and device) of ``input``."
    return factory


zeros_like, ones_like, empty_like = _like_factory(0, "zeros_like"), _like_factory(1, "ones_like"), \
    _like_factory(0, "empty_like")


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """torch.full_like: ``input``'s dtype (not the fill value's) unless ``dtype`` is given."""
    _check_tensor(input, "full_like")
    return _filled(input._data.shape, as_number(fill_value), dtype or input.dtype, device or input.device,
                   requires_grad)


# ---- torch.tensor and friends: Python/NumPy data ------------------------------------
_NUMPY_TYPES = ("float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, uint32, "
                "uint16, uint8, and bool")


def _numpy_dtype(np_dtype):
    """The torch dtype of a NumPy dtype, with torch's TypeError for the ones it cannot hold."""
    try:
        return _dtype.from_jax(np_dtype)
    except TypeError:
        raise TypeError(f"can't convert np.ndarray of type numpy.{np_dtype.type.__name__}. The only supported "
                        f"types are: {_NUMPY_TYPES}.") from None


def _is_sequence(x):
    return isinstance(x, (collections.abc.Sequence, np.ndarray)) and not isinstance(x, (str, bytes))


def _sizes(data):
    """The shape torch.tensor gives nested data, read along the first elements."""
    shape = []
    while _is_sequence(data):
        if isinstance(data, np.ndarray):
            return shape + list(data.shape)
        shape.append(len(data))
        if not data:
            break
        data = data[0]
    if shape and isinstance(data, str):  # torch reads a leading string as one more (unsizeable) dim
        raise ValueError("too many dimensions 'str'")
    return shape


def _scalar_dtype(x, tensors):
    if isinstance(x, Tensor):
        if x.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        tensors.append(x)
        return x.dtype
    if isinstance(x, np.generic):
        return _numpy_dtype(x.dtype)
    if isinstance(x, np.ndarray):
        raise TypeError("len() of unsized object")
    if isinstance(x, (bool, builtins.int, builtins.float, builtins.complex)):
        return _dtype.scalar_dtype(x)
    if isinstance(x, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
    if _is_sequence(x):
        raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as a number")
    raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")


def _scan(data, shape, dim, tensors):
    """Check nested ``data`` against ``shape`` from ``dim`` on and return the promotion of
    its element dtypes (torch's rule: promote_types over all elements)."""
    if dim == len(shape):
        return _scalar_dtype(data, tensors)
    if not _is_sequence(data):
        raise TypeError("not a sequence")
    if isinstance(data, np.ndarray):
        if data.shape != tuple(shape[dim:]):
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(data)})")
        return _numpy_dtype(data.dtype)
    if len(data) != shape[dim]:
        raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(data)})")
    found = None
    for item in data:
        d = _scan(item, shape, dim + 1, tensors)
        found = d if found is None else _dtype.promote_types(found, d)
    return found or _dtype.get_default_dtype()


def _plain(data, values):
    """``data`` with its one-element tensors replaced by the next of ``values`` (an iterator
    over their Python numbers, in the order _scan met them)."""
    if isinstance(data, Tensor):
        return next(values)
    if _is_sequence(data) and not isinstance(data, np.ndarray):
        return [_plain(x, values) for x in data]
    return data


def _data_array(data, dtype):
    """A jax.Array of nested Python/NumPy data, with torch.tensor's dtype inference."""
    if isinstance(data, np.ndarray):
        inferred = _numpy_dtype(data.dtype)
    else:
        tensors = []
        inferred = _scan(data, _sizes(data), 0, tensors)
        if tensors:  # their values come to the host together, one transfer per dtype
            data = _plain(data, iter(_pieces.host_values(tensors)))
    try:
        return host_array(np.asarray(data, dtype=(dtype or inferred).jax))
    except OverflowError:
        raise ValueError("Overflow when unpacking long long") from None


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """torch.tensor: always copies, never records autograd; infers the dtype as torch does
    (bool < int64 < default float < default complex; NumPy and tensor elements keep theirs)."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        array = data._data if dtype is None else data._data.astype(dtype.jax)
    else:
        array = _data_array(data, dtype)
    return finish(Tensor._from_array(array), device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """torch.as_tensor: returns ``data`` itself when it is a tensor of that dtype and device
    (NumPy arrays are copied, not shared)."""
    if isinstance(data, Tensor):
        t = data if dtype is None or dtype is data.dtype else data.to(dtype)
        return t.to(device) if device is not None else t
    return finish(Tensor._from_array(_data_array(data, dtype)), device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """torch.asarray: as_tensor, plus ``copy=True`` and ``requires_grad``."""
    t = as_tensor(obj, dtype=dtype, device=device)
    if copy and t is obj:
        t = t.clone()
    return t.requires_grad_(requires_grad) if requires_grad else t


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """torch.frombuffer: a 1-D tensor of ``dtype`` read from a Python buffer (bytes, bytearray,
    memoryview, array.array). A copy here, not a view of the buffer's memory (a jax.Array
    cannot alias it)."""
    view = memoryview(buffer).cast("B")
    length = len(view) - offset
    if length <= 0 or offset < 0:
        raise ValueError(f"both buffer length ({len(view)}) and offset ({offset}) must be positive, and offset must "
                         f"be less than the buffer length")
    if count <= 0 and count != -1:
        raise ValueError(f"'count' must be either -1 or a positive number, but got {count}")
    if count == -1:
        if length % dtype.itemsize:
            raise ValueError(f"buffer length ({length} bytes) after offset ({offset} bytes) must be a multiple of "
                             f"element size ({dtype.itemsize})")
        count = length // dtype.itemsize
    elif count * dtype.itemsize > length:
        raise ValueError(f"requested buffer length ({count} * {dtype.itemsize} bytes) after offset ({offset} bytes) "
                         f"must not be greater than actual buffer length ({len(view)} bytes)")
    array = np.frombuffer(view, dtype.jax, count, offset)
    return finish(Tensor._from_array(host_array(array)), None, requires_grad)


def from_dlpack(ext_tensor):
    """torch.from_dlpack: a tensor sharing the memory of any object with ``__dlpack__`` (NumPy,
    JAX, PyTorch tensors ...), or of a DLPack capsule (``to_dlpack``'s legacy form); JAX copies
    when it cannot share (an unaligned buffer). Deviation: a capsule says nothing of its device,
    so capsules are taken only when JAX runs on the CPU; pass the tensor itself elsewhere."""
    if type(ext_tensor).__name__ == "PyCapsule":
        if jax.default_backend() != "cpu":
            raise TypeError("from_dlpack: a DLPack capsule is taken only on the CPU; pass the tensor itself "
                            "(any object with __dlpack__ and __dlpack_device__)")
        ext_tensor = _Capsule(ext_tensor)
    return Tensor._from_array(jax.dlpack.from_dlpack(ext_tensor))


class _Capsule:
    """A legacy DLPack capsule as the protocol object JAX reads (a CPU buffer)."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, stream=None, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return 1, 0  # kDLCPU, device 0


def from_jax(array, *, requires_grad=False):
    """A tensor on a ``jax.Array`` (tracers included), sharing it: no copy, same device and dtype
    (a float32 array from 32-bit JAX code gives a float32 tensor, an int32 one an int32 tensor).
    No torch counterpart; :func:`torchlike.to_jax` is the way back."""
    if not isinstance(array, jax.Array):
        raise TypeError(f"from_jax expects a jax.Array, got {type(array).__name__} "
                        "(torch.as_tensor or torch.from_numpy take NumPy arrays)")
    return Tensor._from_array(array).requires_grad_(requires_grad)


def from_numpy(ndarray):
    """torch.from_numpy. A jax.Array cannot alias NumPy memory, so this copies: later writes
    to the NumPy array are not seen by the tensor (a documented deviation)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _numpy_dtype(ndarray.dtype)
    return Tensor._from_array(host_array(ndarray))


# ---- ranges ---------------------------------------------------------------------------
_arange = Kernel(lambda n, dtype, acc, start, step: (jnp.asarray(start, acc) + jnp.asarray(step, acc)
                                                     * jnp.arange(n, dtype=acc)).astype(dtype), "ArangeBackward0")


def _range_dtype(values, dtype, out):
    integral = all(isinstance(v, numbers.Integral) or (isinstance(v, Tensor) and v.dtype.category < 2)
                   for v in values)
    dtype = factory_dtype(dtype, out, _dtype.int64 if integral else _dtype.get_default_dtype())
    if dtype.category in (0, 3):
        raise NotImplementedError(f'"arange_cpu" not implemented for \'{_TYPE_NAMES[dtype]}\'')
    return dtype


def _check_range(start, end, step):
    if any(isinstance(v, builtins.complex) for v in (start, end, step)):
        raise RuntimeError("value cannot be converted to type double without overflow")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start:g} -> {end:g}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")


def _range_values(n, dtype, start, step, device, requires_grad, out):
    """Fill ``start + step * i`` in torch's accumulate type (int64, float64; float32 for 16-bit)."""
    if dtype.category == 1:
        acc, start, step = np.int64, builtins.int(start), builtins.int(step)
    else:
        acc = np.float32 if dtype.itemsize == 2 else np.float64
    return finish(Tensor._from_array(run(_arange, (start, step), (n, dtype.jax, np.dtype(acc)))), device,
                  requires_grad, out)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
           pin_memory=False):
    """torch.arange: int64 when start/end/step are all integers, else the default float. The
    length is ceil((end - start) / step): in exact integer arithmetic on the truncated bounds
    for int64 (as torch), in float64 on the given bounds otherwise (so arange(0, 1, 0.1) has 10
    elements). Values are ``start + i * step`` in the accumulate type; torch's vectorised CPU
    kernel can differ from that in the last bit for fractional steps."""
    if end is None:
        start, end = 0, start
    dtype = _range_dtype((start, end, step), dtype, out)
    start, end, step = (as_number(v) for v in (start, end, step))
    _check_range(start, end, step)
    if dtype is _dtype.int64:
        start, end, step = builtins.int(start), builtins.int(end), builtins.int(step)
        if step == 0:
            raise ValueError("step must be nonzero")
        n = builtins.max(-((start - end) // step), 0)
    else:
        n = math.ceil((end - start) / step)
    return _range_values(n, dtype, start, step, device, requires_grad, out)


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Deprecated torch.range: includes ``end`` and defaults to the default float dtype; the
    length is trunc((end - start) / step) + 1 in the accumulate type (integer division on the
    truncated bounds for integer dtypes)."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    dtype = factory_dtype(dtype, out, _dtype.get_default_dtype())
    start, end, step = (as_number(v) for v in (start, end, step))
    _check_range(start, end, step)
    if dtype.category == 1:
        start, end, step = builtins.int(start), builtins.int(end), builtins.int(step)
        if step == 0:  # torch divides by the truncated step and crashes the process
            raise RuntimeError("step must be nonzero")
        n = builtins.abs(end - start) // builtins.abs(step) + 1
    else:
        acc = np.float32 if dtype.itemsize == 2 else np.float64
        n = builtins.int((acc(end) - acc(start)) / acc(step) + acc(1))
    return _range_values(n, dtype, start, step, device, requires_grad, out)


def _spaced_fn(n, dtype, compute, log, start, end, step, base):
    """torch's linspace/logspace kernel: the first half counts up from ``start``, the second
    half down from ``end``, in ``compute`` precision (the dtype itself, float64 for ints)."""
    s, e, step = jnp.asarray(start, compute), jnp.asarray(end, compute), jnp.asarray(step, compute)
    i = jnp.arange(n).astype(compute)
    values = s if n == 1 else jnp.where(i < n // 2, s + step * i, e - step * (n - 1 - i))
    if log:
        values = jnp.power(jnp.asarray(base, compute), values)
    if jnp.issubdtype(dtype, jnp.integer):
        values = _c_cast(values, dtype)
    return jnp.broadcast_to(values, (n,)).astype(dtype)


def _c_cast(values, dtype):
    """Floats to an integer dtype as torch's C++ casts do on x86: truncated to int (int64 for
    int64), an out-of-range value becoming that type's minimum, then wrapped to the dtype."""
    via = jnp.int64 if jnp.dtype(dtype).itemsize == 8 else jnp.int32
    info = jnp.iinfo(via)
    fits = (values > float(info.min) - 1) & (values < float(info.max) + 1)
    return jnp.where(fits, jnp.trunc(jnp.where(fits, values, 0)).astype(via), info.min).astype(dtype)


_spaced = Kernel(_spaced_fn, "LinspaceBackward0")


def _integer_bound(value, dtype):
    """A linspace/logspace bound converted to an integer dtype as torch converts scalars:
    truncated, negative ints wrapping into unsigned types, anything else out of range a RuntimeError."""
    check_scalar_fits(value, dtype)
    info = np.iinfo(dtype.jax)
    return builtins.int(value) % (info.max + 1) if info.min == 0 else builtins.int(value)


def _spaced_tensor(name, start, end, steps, base, dtype, out, device, requires_grad):
    start, end, steps = as_number(start), as_number(end), as_number(steps)
    if not isinstance(steps, numbers.Integral):
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({type(start).__name__}, "
                        f"{type(end).__name__}, {type(steps).__name__}), but expected (Number start, Number end, "
                        "int steps)")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    default = _dtype.get_default_dtype()
    if isinstance(start, builtins.complex) or isinstance(end, builtins.complex):
        default = default.to_complex()
    dtype = factory_dtype(dtype, out, default)
    if dtype is _dtype.bool and steps > 1:  # torch fills 0 or 1 values without its kernel
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'Bool\'')
    if dtype is _dtype.bool:
        compute = np.dtype(np.float64)
    elif dtype.category == 1:
        compute = np.dtype(np.float64)
        if steps and name == "linspace":  # torch converts the bounds only when there are values to compute
            start, end = _integer_bound(start, dtype), _integer_bound(end, dtype)
        elif steps:  # logspace checks that they fit, and computes with them as given
            for bound in (start, end):
                check_scalar_fits(bound, dtype)
    elif dtype in (_dtype.float16, _dtype.bfloat16):
        compute = np.dtype(np.float32)  # torch's opmath type for half precision
    else:
        compute = dtype.jax
    # the step is divided here, exactly in ``compute``: XLA would multiply by a rounded reciprocal
    s, e = np.asarray(start, compute), np.asarray(end, compute)
    step = ((e - s) / np.asarray(builtins.max(steps - 1, 1), compute)).item()
    array = run(_spaced, (start, end, step, base), (builtins.int(steps), dtype.jax, compute, name == "logspace"))
    return finish(Tensor._from_array(array), device, requires_grad, out)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """torch.linspace, with torch's CPU arithmetic (integer dtypes truncate start/end, negative ints
    wrapping into unsigned types, then each value). Deviation: torch's compiled CPU kernel fuses
    ``start + step * i`` into one rounding (FMA), so an integer value that lands within an ulp of
    an integer can truncate one lower here (linspace(2, -10, 10, dtype=int64)[3]: -2, torch -1)."""
    return _spaced_tensor("linspace", start, end, steps, 10.0, dtype, out, device, requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """torch.logspace: ``base ** linspace(start, end, steps)`` computed as torch does."""
    return _spaced_tensor("logspace", start, end, steps, base, dtype, out, device, requires_grad)


_eye = Kernel(lambda n, m, dtype: jnp.eye(n, m, dtype=dtype), "EyeBackward0")


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """torch.eye(n, m=n): ones on the diagonal."""
    m = n if m is None else m
    for name, v in (("n", n), ("m", m)):
        if not isinstance(v, numbers.Integral):
            raise TypeError(f"eye(): argument '{name}' (position 1) must be int, not {type(v).__name__}")
        if v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    dtype = factory_dtype(dtype, out, _dtype.get_default_dtype())
    return finish(Tensor._from_array(run(_eye, (), (builtins.int(n), builtins.int(m), dtype.jax))), device,
                  requires_grad, out)


# ---- complex numbers from parts ---------------------------------------------------------
_complex = Kernel(lambda re, im: jax.lax.complex(*jnp.broadcast_arrays(re, im)), "ComplexBackward0")
def _polar_fn(r, theta):
    """abs * (cos + i sin); where abs == 0 the unit factor is 0 * itself (same value), so the
    derivative by abs there is 0, as torch's (it divides the result by abs, masking 0/0)."""
    cos, sin = (jnp.where(r == 0, 0 * f, f) for f in (jnp.cos(theta), jnp.sin(theta)))
    return jax.lax.complex(*jnp.broadcast_arrays(r * cos, r * sin))


_polar = Kernel(_polar_fn, "PolarBackward0")


def _complex_parts(kernel, a, b, out):
    if a.dtype not in (_dtype.float32, _dtype.float64) or b.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError("Expected both inputs to be Half, Float or Double tensors but got "
                           f"{_TYPE_NAMES[a.dtype]} and {_TYPE_NAMES[b.dtype]}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"Expected object of scalar type {_TYPE_NAMES[a.dtype]} but got scalar type "
                           f"{_TYPE_NAMES[b.dtype]} for second argument")
    return write_out(out, apply(kernel, (a, b)))


def complex(real, imag, *, out=None):
    """torch.complex(real, imag): float32/float64 parts of one dtype (no complex32 here)."""
    return _complex_parts(_complex, real, imag, out)


def polar(abs, angle, *, out=None):
    """torch.polar(abs, angle): abs * (cos(angle) + i sin(angle))."""
    return _complex_parts(_polar, abs, angle, out)


# ---- Tensor.new_* ---------------------------------------------------------------------
@tensor_method()
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """Tensor.new_tensor: torch.tensor with this tensor's dtype and device by default."""
    return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


@tensor_method()
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False):
    return _filled(size_param(size, "new_full"), as_number(fill_value), dtype or self.dtype, device or self.device,
                   requires_grad)


def _new_constant(value, name):
    def method(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
        return _filled(sizes_arg(size, name), value, dtype or self.dtype, device or self.device, requires_grad)
    method.__name__ = name
    method.__doc__ = f"Tensor.{name}(*size): this tensor's dtype and device by default."
    return tensor_method()(method)


new_zeros, new_ones, new_empty = _new_constant(0, "new_zeros"), _new_constant(1, "new_ones"), \
    _new_constant(0, "new_empty")
