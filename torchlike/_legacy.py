"""Legacy typed constructors: torch.FloatTensor, torch.LongTensor, ... and torch.Tensor(...).

``torch.FloatTensor([1, 2])`` builds a float32 tensor from data, ``torch.FloatTensor(2, 3)``
an uninitialised (here: zero-filled) one of that size, and ``isinstance(t, torch.FloatTensor)``
checks the dtype, as in torch.
"""
import numbers

from . import _dtype


def legacy_new(cls, dtype, args, device=None):
    from .ops.creation import tensor, zeros
    from ._tensor import Tensor
    if len(args) == 1 and isinstance(args[0], Tensor):
        return args[0].to(dtype)
    if not args or all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in args):
        return zeros(*args, dtype=dtype, device=device)
    if len(args) == 1 and type(args[0]).__name__ == "Size":
        return zeros(args[0], dtype=dtype, device=device)
    if len(args) == 1:
        return tensor(args[0], dtype=dtype, device=device)
    raise TypeError(f"new(): invalid data type '{type(args[0]).__name__}'")


class _LegacyType(type):
    def __instancecheck__(cls, obj):
        from ._tensor import Tensor
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __call__(cls, *args, device=None):
        return legacy_new(None, cls.dtype, args, device)

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


LEGACY_NAMES = {
    "FloatTensor": _dtype.float32, "DoubleTensor": _dtype.float64, "HalfTensor": _dtype.float16,
    "BFloat16Tensor": _dtype.bfloat16, "ByteTensor": _dtype.uint8, "CharTensor": _dtype.int8,
    "ShortTensor": _dtype.int16, "IntTensor": _dtype.int32, "LongTensor": _dtype.int64, "BoolTensor": _dtype.bool,
    "ComplexFloatTensor": _dtype.complex64, "ComplexDoubleTensor": _dtype.complex128,
}
TYPES = {name: _LegacyType(name, (), {"dtype": dt}) for name, dt in LEGACY_NAMES.items()}
TYPE_NAME = {dt: "torch." + name for name, dt in LEGACY_NAMES.items()}
