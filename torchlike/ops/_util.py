"""Helpers shared by the op modules: argument normalisation and dtype decisions."""
import numbers

import jax
import numpy as np

from .. import _dtype
from .._tensor import _TYPE_NAMES, Tensor, _wrap_dim
from ..autograd.grad_mode import is_grad_enabled


def host_array(array):
    """A jax.Array copy of NumPy data. A device_put: jnp.asarray compiles a program for every
    new shape (~11 ms each), so torch.tensor of lists of ever new lengths kept compiling."""
    return jax.device_put(np.asarray(array), may_alias=False)


_KINDS = "bifc"  # dtype categories: bool, integer, floating, complex


def check_kind(dt, kinds, kernel_name):
    """torch's NotImplementedError for a dtype its kernel ``kernel_name`` lacks: ``kinds`` holds the
    category letters it takes (b bool, i integer, f floating, d floating but not float16/bfloat16,
    c complex)."""
    kind = _KINDS[dt.category]
    if not (kind in kinds or kind == "f" and "d" in kinds and dt not in (_dtype.float16, _dtype.bfloat16)):
        raise NotImplementedError(f"\"{kernel_name}\" not implemented for '{_TYPE_NAMES[dt]}'")


def wrap_dim(dim, ndim):
    return _wrap_dim(dim, ndim)


def dims_arg(dim, ndim):
    """A dim argument (None, int, or sequence) as a sorted tuple of non-negative dims, or None."""
    if dim is None:
        return None
    if isinstance(dim, numbers.Integral):
        return (_wrap_dim(dim, ndim),)
    dims = tuple(sorted(_wrap_dim(d, ndim) for d in dim))
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
    return dims


def binary_dtype(a, b):
    """torch's result dtype of a binary op between tensors and/or Python numbers."""
    if isinstance(a, Tensor):
        ad = a._data.dtype
        if isinstance(b, Tensor):
            if ad == b._data.dtype:
                return _dtype.from_jax(ad)
        elif type(b) is float and ad.kind in "fcV":
            return _dtype.from_jax(ad)
        elif type(b) is int and ad.kind in "fciuV":
            return _dtype.from_jax(ad)
    return _dtype.result_type_of((a, b))


def as_operand(x):
    """Tensors pass through; Python and NumPy numbers become Python numbers."""
    if isinstance(x, (Tensor, bool, int, float, complex)):
        return x
    if isinstance(x, numbers.Number):
        return x.item() if hasattr(x, "item") else x
    raise TypeError(f"unsupported operand type: {type(x).__name__}")


def float_dtype(dt):
    """The dtype a float-valued op (sqrt, div, mean) yields: ints and bool go to the default float."""
    return dt if dt.category >= 2 else _dtype.get_default_dtype()


def write_out(out, result):
    """Honour an ``out=`` argument: ``out`` takes the result's values (and shape), in place."""
    if out is None:
        return result
    if tuple(out.shape) != tuple(result.shape):
        out.data = result.to(out.dtype)
        return out
    return out._inplace_(result)


def inplace_variant(fn, name, promotes=True, check=None):
    """``x.op_(...)``: compute ``op(x, ...)`` and make it x's new contents. ``promotes``: the
    op's result has the operands' promoted dtype (comparisons' is bool), so torch checks first
    that it can be cast to x's. ``fn.check_args(x, ...)``, where the op has one, checks argument
    types first; ``check(x)`` raises torch's errors for an in-place form the out-of-place op accepts."""
    check_args = getattr(fn, "check_args", None)

    def method(self, *args, **kwargs):
        if check_args is not None:  # torch's order: argument types, autograd's checks, the op's own, the overlap
            check_args(self, *args, **kwargs)
        if check is not None:
            self._check_inplace(overlap=False)
            check(self)
        self._check_inplace()
        try:
            value = fn(self, *args, **kwargs)
        except NotImplementedError:
            _check_result_fits(self, args, promotes)  # torch checks the output's shape (and dtype) first
            raise
        return self._inplace_(value)
    method.__name__ = name
    method.__doc__ = f"In-place version of :meth:`{fn.__name__}`."
    return method


def _check_result_fits(self, args, promotes):
    """torch's errors when a binary ``self.op_(other)``'s result could not be written into ``self``."""
    other = args[0] if len(args) == 1 and isinstance(args[0], (Tensor, numbers.Number)) else None
    if other is None:
        return
    if isinstance(other, Tensor):
        shape = tuple(np.broadcast_shapes(tuple(self.shape), tuple(other.shape)))
        if shape != tuple(self.shape):
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(shape)}")
    dt = binary_dtype(self, as_operand(other))
    if promotes and not _dtype.can_cast(dt, self.dtype):
        raise RuntimeError(f"result type {_TYPE_NAMES[dt]} can't be cast to the desired output type "
                           f"{_TYPE_NAMES[self.dtype]}")


def functional_inplace(name):
    """torch's top-level in-place function ``torch.op_(input, ...)``: the same as ``input.op_(...)``."""
    def fn(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.{name}: ``input.{name}(...)``, in place; returns ``input``."
    return fn


def copy_variant(view, name, complex_differentiable=True):
    """torch's ``*_copy`` form of a view op: ``view(input, ...)``'s result(s) as fresh tensors."""
    def fn(input, *args, **kwargs):
        if not complex_differentiable:
            refuse_complex_autograd(name, input)
        out = view(input, *args, **kwargs)
        return tuple(o.clone() for o in out) if isinstance(out, (tuple, list)) else out.clone()
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"torch.{name}: ``{view.__name__}(input, ...)`` as freshly allocated tensors, not views"
                  + ("; torch marks its result as requiring grad but has no backward for it, here it is detached"
                     if view.__name__ == "detach" else "; differentiable") + ".")
    return fn


def torch_derivative(fn, *partials):
    """``fn`` differentiated by torch's formulas rather than by tracing it: ``partials[i](*args, out)``
    is d out / d args[i]. JAX's traced derivative differs from torch's at kinks, ties, poles and
    NaN (max(a, a), atan2(0, 0), |nan|); the formulas are themselves differentiable, so
    second-order gradients follow them too. ``None`` marks an argument torch does not
    differentiate (a zero derivative), :func:`not_implemented_derivative` one whose derivative
    torch refuses. A partial is evaluated only for the arguments being differentiated."""
    f = jax.custom_jvp(fn)

    def jvp(primals, tangents):
        out = f(*primals)
        total = jax.numpy.zeros_like(out)
        for p, t in zip(partials, tangents):
            if p is not None and not isinstance(t, jax.custom_derivatives.SymbolicZero):
                total = total + (p(*primals, out) * t).astype(out.dtype)
        return out, total
    f.defjvp(jvp, symbolic_zeros=True)
    return f


def not_implemented_derivative(name):
    """A :func:`torch_derivative` partial raising torch's NotImplementedError for an argument
    torch has no derivative for, when a gradient with respect to it is asked."""
    def partial(*args):
        raise NotImplementedError(f"the derivative for '{name}' is not implemented.")
    return partial


def on_floats(fn, jfn):
    """A binary kernel body ``(dtype, a, b)``: ``fn`` (a torch_derivative) in a floating dtype, the
    plain ``jfn`` for integers and bool (which have no derivative)."""
    return lambda dtype, a, b: (fn if jax.numpy.issubdtype(dtype, jax.numpy.inexact) else jfn)(
        a.astype(dtype), b.astype(dtype))


_C_TYPES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
            "uint16": "uint16_t", "uint32": "uint32_t", "uint64": "uint64_t"}


def check_scalar_fits(value, dtype):
    """torch's overflow error for a Python number converted to the integer ``dtype`` (negative
    integers wrap into unsigned types, as in torch); other dtypes take any number."""
    if dtype.category != 1:
        return
    info = np.iinfo(dtype.jax)
    fits = info.min <= value <= info.max
    if isinstance(value, numbers.Integral) and info.min == 0:
        fits = -info.max <= value <= info.max
    if not fits:
        raise RuntimeError(f"value cannot be converted to type {_C_TYPES[dtype.name]} without overflow")


def require_tensor(fn_name, arg_name, position, value):
    """torch's TypeError for a non-Tensor passed where its signature takes only a Tensor."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn_name}(): argument '{arg_name}' (position {position}) must be Tensor, not "
                        f"{type(value).__name__}")


def refuse_complex_autograd(name, *tensors):
    """torch's error for an op it has no complex derivative for, when autograd would record one."""
    if is_grad_enabled() and any(isinstance(t, Tensor) and t.dtype.is_complex and t.requires_grad for t in tensors):
        raise RuntimeError(f"{name} does not support automatic differentiation for outputs with complex dtype.")
