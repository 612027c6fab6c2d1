"""Pointwise ops (torch docs' "Pointwise Ops"), their in-place forms and Python operators.

Every op is one Kernel: its inputs are cast to torch's result dtype inside the compiled
function, so promotion costs nothing at run time.
"""
import jax
import jax.numpy as jnp

from .. import _dtype
from .._dispatch import Kernel, apply
from .._tensor import Tensor, tensor_method
from ._util import as_operand, binary_dtype, float_dtype, inplace_variant, write_out

__all__ = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "neg", "negative", "pow",
           "exp", "log", "sqrt", "abs", "absolute", "sigmoid", "tanh", "clamp", "clip"]


def _register(fn, names=(), inplace=None):
    """Expose ``fn`` as Tensor methods ``names`` (default: its name) and its in-place form."""
    tensor_method(*(names or (fn.__name__,)))(fn)
    if inplace:
        setattr(Tensor, inplace, inplace_variant(fn, inplace))
    return fn


def binary(name, jfn, grad_name, result_dtype=binary_dtype, compute_dtype=None):
    """A binary op ``name(input, other, *, out=None)`` computing ``jfn`` in the promoted dtype
    (or ``compute_dtype`` of it), returning ``result_dtype``."""
    k = Kernel(lambda dtype, a, b: jfn(a.astype(dtype), b.astype(dtype)), grad_name)

    def op(input, other, *, out=None):
        other = as_operand(other)
        dt = result_dtype(input, other)
        if compute_dtype is not None:
            dt = compute_dtype(dt)
        return write_out(out, apply(k, (input, other), (dt.jax,)))
    op.__name__ = name
    op.__doc__ = f"torch.{name}(input, other): elementwise, with torch's type promotion."
    return op


def unary(name, jfn, grad_name, to_float=True):
    """A unary op; ``to_float`` ops (exp, sqrt, ...) turn integer inputs into the default float."""
    k = Kernel(lambda dtype, a: jfn(a.astype(dtype)), grad_name)

    def op(input, *, out=None):
        dt = float_dtype(input.dtype) if to_float else input.dtype
        return write_out(out, apply(k, (input,), (dt.jax,)))
    op.__name__ = name
    op.__doc__ = f"torch.{name}(input): elementwise."
    return op


# ---- arithmetic ----------------------------------------------------------------------
_add = binary("add", jnp.add, "AddBackward0")
_sub = binary("sub", jnp.subtract, "SubBackward0")
_scaled_add = Kernel(lambda dtype, a, b, alpha: (a.astype(dtype) + alpha * b.astype(dtype)).astype(dtype),
                     "AddBackward0")


def _check_sub(input, other):
    if (isinstance(input, Tensor) and input.dtype is _dtype.bool) or \
            (isinstance(other, Tensor) and other.dtype is _dtype.bool) or isinstance(other, bool):
        if isinstance(input, Tensor) and isinstance(other, (Tensor, bool)) and \
                getattr(other, "dtype", _dtype.bool) is _dtype.bool and input.dtype is _dtype.bool:
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                               "Use the `^` or `logical_xor()` operator instead.")
        if isinstance(other, bool) or (isinstance(other, Tensor) and other.dtype is _dtype.bool):
            raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                               "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def add(input, other, *, alpha=1, out=None):
    """torch.add(input, other, alpha=1): input + alpha * other."""
    if alpha == 1:
        return _add(input, other, out=out)
    other = as_operand(other)
    dt = binary_dtype(input, other)
    return write_out(out, apply(_scaled_add, (input, other, alpha), (dt.jax,)))


def sub(input, other, *, alpha=1, out=None):
    """torch.sub(input, other, alpha=1): input - alpha * other."""
    _check_sub(input, other)
    if alpha == 1:
        return _sub(input, other, out=out)
    return add(input, other, alpha=-alpha, out=out)


subtract = sub
mul = binary("mul", jnp.multiply, "MulBackward0")
multiply = mul
_true_div = binary("div", jnp.true_divide, "DivBackward0", compute_dtype=float_dtype)
_trunc_div = binary("div", lambda a, b: jnp.trunc(a / b) if jnp.issubdtype(a.dtype, jnp.inexact)
                    else jax.lax.div(a, b), "DivBackward1")
_floor_div = binary("div", jnp.floor_divide, "DivBackward1")


def div(input, other, *, rounding_mode=None, out=None):
    """torch.div: true division (ints give the default float), or rounding_mode 'trunc'/'floor'."""
    if rounding_mode is None:
        return _true_div(input, other, out=out)
    if rounding_mode == "trunc":
        return _trunc_div(input, other, out=out)
    if rounding_mode == "floor":
        return _floor_div(input, other, out=out)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                       f"'{rounding_mode}'")


divide = div
true_divide = _true_div
pow = binary("pow", jnp.power, "PowBackward1")

neg = unary("neg", jnp.negative, "NegBackward0", to_float=False)
negative = neg
abs = unary("abs", jnp.abs, "AbsBackward0", to_float=False)
absolute = abs
exp = unary("exp", jnp.exp, "ExpBackward0")
log = unary("log", jnp.log, "LogBackward0")
sqrt = unary("sqrt", jnp.sqrt, "SqrtBackward0")
sigmoid = unary("sigmoid", jax.nn.sigmoid, "SigmoidBackward0")
tanh = unary("tanh", jnp.tanh, "TanhBackward0")

_clamp = Kernel(lambda dtype, a, lo, hi: jnp.clip(a.astype(dtype), lo, hi).astype(dtype), "ClampBackward1")


def clamp(input, min=None, max=None, *, out=None):
    """torch.clamp(input, min=None, max=None); min/max may be numbers or tensors."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    dt = _dtype.result_type_of((input, min, max))
    return write_out(out, apply(_clamp, (input, min, max), (dt.jax,)))


clip = clamp

for _fn, _names, _inplace in [
    (add, (), "add_"), (sub, (), "sub_"), (subtract, ("subtract",), "subtract_"), (mul, (), "mul_"),
    (multiply, ("multiply",), "multiply_"), (div, (), "div_"), (divide, ("divide",), "divide_"),
    (true_divide, ("true_divide",), "true_divide_"), (pow, (), "pow_"), (neg, (), "neg_"),
    (negative, ("negative",), "negative_"), (abs, (), "abs_"), (absolute, ("absolute",), "absolute_"),
    (exp, (), "exp_"), (log, (), "log_"), (sqrt, (), "sqrt_"), (sigmoid, (), "sigmoid_"), (tanh, (), "tanh_"),
    (clamp, (), "clamp_"), (clip, ("clip",), "clip_"),
]:
    _register(_fn, _names, _inplace)


# ---- Python operators -------------------------------------------------------------------
def _reflected(fn):
    """``number <op> tensor``: the number stays a 'wrapped number' for promotion."""
    return lambda self, other: fn(as_operand(other), self)


Tensor.__add__ = lambda self, other: add(self, other)
Tensor.__radd__ = lambda self, other: add(self, other)
Tensor.__iadd__ = lambda self, other: self.add_(other)
Tensor.__sub__ = lambda self, other: sub(self, other)
Tensor.__rsub__ = _reflected(sub)
Tensor.__isub__ = lambda self, other: self.sub_(other)
Tensor.__mul__ = lambda self, other: mul(self, other)
Tensor.__rmul__ = lambda self, other: mul(self, other)
Tensor.__imul__ = lambda self, other: self.mul_(other)
Tensor.__truediv__ = lambda self, other: div(self, other)
Tensor.__rtruediv__ = _reflected(div)
Tensor.__itruediv__ = lambda self, other: self.div_(other)
Tensor.__pow__ = lambda self, other: pow(self, other)
Tensor.__rpow__ = _reflected(pow)
Tensor.__ipow__ = lambda self, other: self.pow_(other)
Tensor.__neg__ = neg
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = abs
