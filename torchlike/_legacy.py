"""Legacy typed constructors: torch.FloatTensor, torch.LongTensor, ... and torch.Tensor(...).

``torch.FloatTensor([1, 2])`` builds a float32 tensor from a sequence, ``torch.FloatTensor(2, 3)``
an uninitialised (here: zero-filled) one of that size, ``torch.FloatTensor()`` an empty one,
and ``isinstance(t, torch.FloatTensor)`` checks the dtype, as in torch.
"""
import numbers

from . import _dtype


def legacy_new(cls, dtype, args, device=None):
    """``cls(*args)`` for torch.Tensor (``cls`` is Tensor or a subclass; a tensor argument keeps
    its dtype) or a typed constructor (``cls`` None; a tensor argument must have ``dtype``)."""
    from ._tensor import Tensor
    from .ops.creation import _is_sequence, empty, sizes_arg, tensor
    if not args:
        return empty(0, dtype=dtype, device=device)
    if len(args) == 1 and isinstance(args[0], Tensor):
        if cls is None and args[0].dtype is not dtype:
            raise TypeError(f"expected {_options(dtype)} (got {_options(args[0].dtype)})")
        return args[0].detach()
    if all(isinstance(a, numbers.Integral) for a in args) or (len(args) == 1 and type(args[0]).__name__ == "Size"):
        return empty(*args, dtype=dtype, device=device)
    if len(args) > 1:
        if any(_is_sequence(a) for a in args):
            raise TypeError(f"new() received an invalid combination of arguments - got "
                            f"({', '.join(type(a).__name__ for a in args)})")
        return empty(sizes_arg(args, "new"), dtype=dtype, device=device)  # raises torch's size TypeError
    data = args[0]
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if not _is_sequence(data):
        raise TypeError(f"new(): data must be a sequence (got {_type_name(data)})")
    return tensor(data, dtype=dtype, device=device)


def _options(dtype):
    return (f"TensorOptions(dtype={_OPTION_NAMES[dtype]}, device=cpu, layout=Strided, requires_grad=false (default), "
            "pinned_memory=false (default), memory_format=(nullopt))")


def _type_name(x):
    module = type(x).__module__
    return type(x).__name__ if module == "builtins" else f"{module}.{type(x).__name__}"


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
_OPTION_NAMES = {_dtype.float32: "float", _dtype.float64: "double", _dtype.float16: "c10::Half",
                 _dtype.bfloat16: "c10::BFloat16", _dtype.uint8: "unsigned char", _dtype.int8: "signed char",
                 _dtype.int16: "short int", _dtype.int32: "int", _dtype.int64: "long int", _dtype.bool: "bool",
                 _dtype.complex64: "c10::complex<float>", _dtype.complex128: "c10::complex<double>"}
