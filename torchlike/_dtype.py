"""torch dtypes, their JAX counterparts, and torch's type-promotion rules."""
import jax.numpy as jnp
import numpy as np

__all__ = [
    "dtype", "float32", "float", "float64", "double", "float16", "half", "bfloat16",
    "complex64", "cfloat", "complex128", "cdouble", "uint8", "int8", "int16", "short",
    "int32", "int", "int64", "long", "bool",
    "get_default_dtype", "set_default_dtype", "promote_types", "result_type", "can_cast",
    "is_floating_point", "is_complex", "finfo", "iinfo", "uint16", "uint32", "uint64", "float8_e4m3fn",
    "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu",
]

_BOOL, _INT, _FLOAT, _COMPLEX = range(4)


class dtype:
    """A torch dtype: `torch.float32` and friends. Compares by identity like torch's."""

    __slots__ = ("name", "jax", "category", "itemsize", "is_signed", "_rank")

    def __init__(self, name, jax_dtype, category, rank):
        self.name = name
        self.jax = np.dtype(jax_dtype)
        self.category = category
        self.itemsize = self.jax.itemsize
        self.is_signed = category != _BOOL and not name.startswith("uint") and name != "float8_e8m0fnu"
        self._rank = rank

    @property
    def is_floating_point(self):
        return self.category == _FLOAT

    @property
    def is_complex(self):
        return self.category == _COMPLEX

    def to_real(self):
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self):
        return {float64: complex128}.get(self, complex64) if self.category != _COMPLEX else self

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return self.name  # pickled by reference to the module-level name


bool = dtype("bool", np.bool_, _BOOL, 0)
uint8 = dtype("uint8", np.uint8, _INT, 1)
int8 = dtype("int8", np.int8, _INT, 1)
int16 = short = dtype("int16", np.int16, _INT, 2)
int32 = int = dtype("int32", np.int32, _INT, 3)
int64 = long = dtype("int64", np.int64, _INT, 4)
float16 = half = dtype("float16", jnp.float16, _FLOAT, 1)
bfloat16 = dtype("bfloat16", jnp.bfloat16, _FLOAT, 1)
float32 = float = dtype("float32", np.float32, _FLOAT, 2)
float64 = double = dtype("float64", np.float64, _FLOAT, 3)
complex64 = cfloat = dtype("complex64", np.complex64, _COMPLEX, 2)
complex128 = cdouble = dtype("complex128", np.complex128, _COMPLEX, 3)

ALL = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64, complex128)
_FROM_JAX = {d.jax: d for d in ALL}

# Storage and conversion dtypes: torch creates, converts and prints them, but its kernels mostly
# lack them and promotion with any other dtype is an error. Here ops on them run in JAX.
uint16 = dtype("uint16", np.uint16, _INT, 2)
uint32 = dtype("uint32", np.uint32, _INT, 3)
uint64 = dtype("uint64", np.uint64, _INT, 4)
float8_e4m3fn = dtype("float8_e4m3fn", jnp.float8_e4m3fn, _FLOAT, 0)
float8_e4m3fnuz = dtype("float8_e4m3fnuz", jnp.float8_e4m3fnuz, _FLOAT, 0)
float8_e5m2 = dtype("float8_e5m2", jnp.float8_e5m2, _FLOAT, 0)
float8_e5m2fnuz = dtype("float8_e5m2fnuz", jnp.float8_e5m2fnuz, _FLOAT, 0)
float8_e8m0fnu = dtype("float8_e8m0fnu", jnp.float8_e8m0fnu, _FLOAT, 0)
EXTRA = (uint16, uint32, uint64, float8_e4m3fn, float8_e4m3fnuz, float8_e5m2, float8_e5m2fnuz, float8_e8m0fnu)
EXTRA_NAMES = {uint16: "UInt16", uint32: "UInt32", uint64: "UInt64", float8_e4m3fn: "Float8_e4m3fn",
               float8_e4m3fnuz: "Float8_e4m3fnuz", float8_e5m2: "Float8_e5m2", float8_e5m2fnuz: "Float8_e5m2fnuz",
               float8_e8m0fnu: "Float8_e8m0fnu"}
_FROM_JAX.update({d.jax: d for d in EXTRA})


def from_jax(jax_dtype):
    """The torch dtype of a JAX/NumPy dtype; raises TypeError for dtypes torch lacks."""
    try:
        return _FROM_JAX[jax_dtype]
    except KeyError:
        d = np.dtype(jax_dtype)
        if d in _FROM_JAX:
            return _FROM_JAX[d]
        raise TypeError(f"unsupported dtype {d}")


_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    """As torch: only floating dtypes may be the default."""
    if not isinstance(d, dtype) or d.category != _FLOAT:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def is_floating_point(t):
    return t.dtype.category == _FLOAT


def is_complex(t):
    return t.dtype.category == _COMPLEX


def _promote(a, b):
    if a is b:
        return a
    hi, lo = (a, b) if (a.category, a._rank) >= (b.category, b._rank) else (b, a)
    if hi.category != lo.category:
        if hi.category == _COMPLEX and lo is float64:
            return complex128
        return hi
    if hi.category == _INT and uint8 in (a, b):
        other = b if a is uint8 else a
        return int16 if other is int8 else other
    if {a, b} == {float16, bfloat16}:
        return float32
    return hi


class _Promotions(dict):
    """promote_types over ALL; a pair with an EXTRA dtype promotes only with itself (torch's errors)."""

    def __missing__(self, key):
        a, b = key
        if a is b:
            return a
        from ._tensor import _TYPE_NAMES
        kind = "Float8 Types" if "float8" in a.name + b.name else "uint16, uint32, uint64 types"
        raise RuntimeError(f"Promotion for {kind} is not supported, attempted to promote {_TYPE_NAMES[a]} and "
                           f"{_TYPE_NAMES[b]}")


_PROMOTE = _Promotions({(a, b): _promote(a, b) for a in ALL for b in ALL})


def promote_types(type1, type2):
    return _PROMOTE[type1, type2]


def _combine(higher, lower):
    """c10's combine_categories: a higher-priority operand group keeps its dtype unless a
    lower-priority group brings a higher category (int tensor + 2.5 -> default float)."""
    if higher is None:
        return lower
    if lower is None or higher.category == _COMPLEX:
        return higher
    if lower.category == _COMPLEX:
        return higher.to_complex() if higher.category == _FLOAT else lower
    if higher.category == _FLOAT:
        return higher
    if higher is bool or lower.category == _FLOAT:
        return _PROMOTE[higher, lower]
    return higher


def scalar_dtype(value):
    """The dtype a Python number takes when it meets a tensor (torch's 'wrapped number')."""
    if isinstance(value, _builtins.bool):
        return bool
    if isinstance(value, _builtins.int):
        return int64
    if isinstance(value, _builtins.complex):
        return complex128 if _default[0] is float64 else complex64
    return _default[0]


def result_type_of(operands):
    """torch.result_type over tensors and Python numbers: dimensioned tensors outrank
    zero-dim tensors, which outrank Python numbers, within a category."""
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype):
            if x.ndim:
                dim = d if dim is None else _PROMOTE[dim, d]
            else:
                zero = d if zero is None else _PROMOTE[zero, d]
        elif x is not None:
            d = scalar_dtype(x)
            wrapped = d if wrapped is None else _PROMOTE[wrapped, d]
    return _combine(dim, _combine(zero, wrapped))


def result_type(tensor, other):
    return result_type_of((tensor, other))


def can_cast(from_, to):
    """torch.can_cast: no cast to a lower category (float->int, complex->float, int->bool)."""
    return from_.category <= to.category


class finfo:
    """torch.finfo for floating dtypes (NumPy/ml_dtypes supply the numbers)."""

    def __init__(self, type=None):
        type = type or _default[0]
        if type.category == _COMPLEX:
            type = type.to_real()
        if type.category != _FLOAT:
            raise TypeError("torch.finfo() requires a floating point input type. "
                            "Use torch.iinfo to handle 'torch.finfo'")
        info = jnp.finfo(type.jax)
        self.bits, self.dtype = info.bits, type.name
        self.eps, self.max, self.min = _builtins.float(info.eps), _builtins.float(info.max), _builtins.float(info.min)
        self.tiny = self.smallest_normal = _builtins.float(info.tiny)
        self.resolution = _builtins.float(info.resolution)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.tiny:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """torch.iinfo for integer dtypes."""

    def __init__(self, type):
        if type.category not in (_INT, _BOOL):
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        info = np.iinfo(type.jax) if type is not bool else None
        self.bits = type.itemsize * 8
        self.min, self.max = (_builtins.int(info.min), _builtins.int(info.max)) if info else (0, 1)
        self.dtype = type.name

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


import builtins as _builtins  # noqa: E402  (after the dtype names shadow int/float/bool)
