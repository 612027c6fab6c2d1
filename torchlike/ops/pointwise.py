"""Pointwise ops (torch docs' "Pointwise Ops"), their in-place forms and Python operators.

Every op is one Kernel: its inputs are cast to torch's result dtype inside the compiled
function, so promotion costs nothing at run time. Dtypes torch's CPU kernels lack raise
torch's NotImplementedError. Deviations: ``real``/``imag`` of complex tensors are copies,
not views; ``floor_divide`` has a zero gradient where torch's backward raises.
"""
import collections
import functools
import math

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp

from .. import _dtype
from .._dispatch import Kernel, apply, run
from .._tensor import _TYPE_NAMES, Tensor, tensor_method
from ._zeta import hurwitz_zeta
from ._util import (_KINDS, as_operand, binary_dtype, check_kind as _check_kind, float_dtype, functional_inplace,
                    inplace_variant, refuse_complex_autograd, require_tensor, torch_derivative, write_out)

__all__ = [
    "abs", "absolute", "acos", "arccos", "acosh", "arccosh", "add", "addcdiv", "addcmul", "angle", "asin", "arcsin",
    "asinh", "arcsinh", "atan", "arctan", "atanh", "arctanh", "atan2", "arctan2", "bitwise_not", "bitwise_and",
    "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "ceil", "clamp", "clip", "clamp_min",
    "clamp_max", "conj_physical", "copysign", "cos", "cosh", "deg2rad", "div", "divide", "digamma", "erf", "erfc",
    "erfinv", "exp", "exp2", "expm1", "fix", "float_power", "floor", "floor_divide", "fmod", "frac", "frexp", "imag",
    "real", "ldexp", "lerp", "lgamma", "log", "log10", "log1p", "log2", "logaddexp", "logaddexp2", "logical_and",
    "logical_not", "logical_or", "logical_xor", "logit", "hypot", "i0", "igamma", "igammac", "mul", "multiply",
    "mvlgamma", "nan_to_num", "neg", "negative", "nextafter", "polygamma", "positive", "pow", "rad2deg", "reciprocal",
    "remainder", "round", "rsqrt", "sigmoid", "sign", "sgn", "signbit", "sin", "sinc", "sinh", "sqrt", "square", "sub",
    "subtract", "tan", "tanh", "true_divide", "trunc", "xlogy", "relu", "rsub", "heaviside", "gradient",
]

frexp_result = collections.namedtuple("frexp", ["mantissa", "exponent"])


def _kernels(fn, names):
    """Kernels sharing ``fn``, one per torch grad_fn name: ``names`` is one name, or the names for
    (tensor, tensor), (tensor, number) and (number, tensor) operands."""
    return tuple(Kernel(fn, n) for n in ((names,) if isinstance(names, str) else names))


def _pick(kernels, a, b):
    if len(kernels) == 1 or isinstance(a, Tensor) and isinstance(b, Tensor):
        return kernels[0]
    return kernels[1] if isinstance(a, Tensor) else kernels[2]


def _is_int(a):
    return not jnp.issubdtype(a.dtype, jnp.inexact)


def alias(op, name):
    """torch's alias ``name`` of ``op`` (arccos of acos ...): the same function and kernel."""
    def fn(*args, **kwargs):
        return op(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.{name}: alias of torch.{op.__name__}."
    if hasattr(op, "check_dtype"):
        fn.check_dtype = op.check_dtype
    return fn


def _cast(x, dtype):
    """``x`` as ``dtype``. A bool converted to a number goes through an optimization barrier: XLA
    rewrites convert(pred) / y into select(pred, 1 / y, 0), which is 0 where torch's 0 / 0 is NaN."""
    if x.dtype == jnp.bool_ and dtype != jnp.bool_:
        return jax.lax.optimization_barrier(x.astype(dtype))
    return x.astype(dtype)


def binary(name, jfn, grad_name, result_dtype=binary_dtype, compute_dtype=None, kinds="bifc", kernel_name=None,
           tensor_other=False, check=None):
    """A binary op ``name(input, other, *, out=None)`` computing ``jfn`` in the promoted dtype (or
    ``compute_dtype`` of it). ``kinds`` are the promoted dtype categories torch accepts,
    ``tensor_other`` ops refuse a Python number ``other``, ``check(input, other, dtype)`` adds
    torch's value checks."""
    kernels = _kernels(lambda dtype, a, b: jfn(_cast(a, dtype), _cast(b, dtype)), grad_name)
    kernel_name = kernel_name or f"{name}_cpu"

    def check_args(input, other, **kwargs):
        require_tensor(name, "other", 2, other)

    def op(input, other, *, out=None):
        if tensor_other:
            check_args(input, other)
        input, other = as_operand(input), as_operand(other)
        dt = result_dtype(input, other)
        _check_kind(dt, kinds, kernel_name)
        if check is not None:
            check(input, other, dt)
        if compute_dtype is not None:
            dt = compute_dtype(dt)
        return write_out(out, apply(_pick(kernels, input, other), (input, other), (dt.jax,)))
    op.__name__ = name
    op.__doc__ = f"torch.{name}(input, other): elementwise, with torch's type promotion."
    if tensor_other:
        op.check_args = check_args
    return op


def _refusals(refuse):
    """A check raising torch's own error for the dtype categories in ``refuse`` ({"b": (type,
    message)}, letters as for check_kind): errors torch raises before its kernel dispatch, and so
    before an in-place write's overlap check."""
    def check(input):
        error = refuse.get(_KINDS[input.dtype.category])
        if error is not None:
            raise error[0](error[1])
    return check


def unary(name, jfn, grad_name, compute=float_dtype, kinds="bifc", kernel_name=None, refuse=None):
    """A unary op computing ``jfn`` in ``compute(input dtype)`` (default: ints and bool go to the
    default float; None keeps the dtype). ``kinds``: input dtype categories torch's kernel takes;
    ``refuse``: torch's explicit errors for some categories (see :func:`_refusals`), also the
    op's ``check_dtype`` for its in-place form."""
    k = Kernel(lambda dtype, a: jfn(a.astype(dtype)), grad_name)
    kernel_name = kernel_name or f"{name}_cpu"
    check_dtype = _refusals(refuse) if refuse else None

    def op(input, *, out=None):
        if check_dtype is not None:
            check_dtype(input)
        dt = input.dtype
        _check_kind(dt, kinds, kernel_name)
        if compute is not None:
            dt = compute(dt)
        return write_out(out, apply(k, (input,), (dt.jax,)))
    op.__name__ = name
    op.__doc__ = f"torch.{name}(input): elementwise."
    if check_dtype is not None:
        op.check_dtype = check_dtype
    return op


# ---- arithmetic ----------------------------------------------------------------------
def _check_sub(input, other, dt):
    if isinstance(input, Tensor) and input.dtype is _dtype.bool and isinstance(other, (Tensor, bool)) and \
            getattr(other, "dtype", _dtype.bool) is _dtype.bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if any(isinstance(x, bool) or isinstance(x, Tensor) and x.dtype is _dtype.bool for x in (input, other)):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


_has_zero = Kernel(lambda b: jnp.any(b == 0), "AnyBackward0")


def _check_divisor(input, other, dt):
    """Integer division by zero raises, as on torch's CPU (this reads the divisor's values)."""
    if dt.category > 1:
        return
    if isinstance(other, Tensor):
        if isinstance(other._data, jax.core.Tracer) or not bool(run(_has_zero, (other._data,))):
            return
    elif other != 0:
        return
    raise RuntimeError("ZeroDivisionError")


def _check_pow(input, other, dt):
    if isinstance(input, Tensor) and dt.category == 1 and type(other) is int and other < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")


# torch's derivatives: none through a zero exponent, none to the exponent from a zero base
_real_pow = torch_derivative(jnp.power, lambda a, b, out: jnp.where(b == 0, 0, b * jnp.power(a, b - 1)),
                             lambda a, b, out: jnp.where((a == 0) & (b >= 0), 0, out * jnp.log(a)))


def _pow(a, b):
    """Integer powers with negative exponents give 0, or +-1 for bases +-1, as in torch."""
    if jnp.iscomplexobj(a):
        return jnp.power(a, b)
    if not _is_int(a):
        return _real_pow(a, b)
    neg = b < 0
    small = jnp.where(a == 1, 1, jnp.where(a == -1, 1 - 2 * (b & 1), 0))
    return jnp.where(neg, small, _wrapping_power(a, jnp.where(neg, 0, b).astype(a.dtype))).astype(a.dtype)


def _wrapping_power(base, exponent):
    """base ** exponent (exponent >= 0) by repeated squaring, wrapping on overflow as torch's
    integer pow does: one step per bit of the dtype, so the program's size is fixed."""
    result = jnp.ones_like(base)
    for _ in range(jnp.iinfo(base.dtype).bits):
        result = jnp.where(exponent & 1, result * base, result)
        base, exponent = base * base, exponent >> 1
    return result


_add = binary("add", jnp.add, "AddBackward0")
_sub = binary("sub", jnp.subtract, ("SubBackward0", "SubBackward0", "RsubBackward1"), check=_check_sub)
_scaled_add = Kernel(lambda dtype, a, b, alpha: (a.astype(dtype) + alpha * b.astype(dtype)).astype(dtype),
                     "AddBackward0")


def add(input, other, *, alpha=1, out=None):
    """torch.add(input, other, alpha=1): input + alpha * other."""
    if alpha == 1:
        return _add(input, other, out=out)
    other = as_operand(other)
    dt = binary_dtype(input, other)
    return write_out(out, apply(_scaled_add, (input, other, alpha), (dt.jax,)))


def sub(input, other, *, alpha=1, out=None):
    """torch.sub(input, other, alpha=1): input - alpha * other."""
    if alpha == 1:
        return _sub(input, other, out=out)
    _check_sub(input, other, None)
    return add(input, other, alpha=-alpha, out=out)


subtract = sub
mul = binary("mul", jnp.multiply, "MulBackward0")
multiply = mul
_true_div = binary("div", jnp.true_divide, ("DivBackward0", "DivBackward0", "MulBackward0"),
                   compute_dtype=float_dtype)
_trunc_div = binary("div", lambda a, b: jax.lax.div(*jnp.broadcast_arrays(a, b)) if _is_int(a) else jnp.trunc(a / b),
                    "DivBackward1", kinds="if", kernel_name="div_trunc_cpu", check=_check_divisor)
_floor_div = binary("div", jnp.floor_divide, "DivBackward1", kinds="if", kernel_name="div_floor_cpu",
                    check=_check_divisor)


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


def floor_divide(input, other, *, out=None):
    """torch.floor_divide: division rounded down (Python's ``//``); ints stay ints."""
    return _floor_div(input, other, out=out)


def _rounded_quotient_derivative(quotient):
    """d/db of a - b * quotient(a, b) (remainder: floor division, fmod: truncated): -quotient(a, b)."""
    return lambda a, b, out: -quotient(a, b)


def _float_only(fn, jfn):
    """``fn`` (a torch_derivative) on float arrays, ``jfn`` on integer ones (no derivative there)."""
    return lambda a, b: jfn(a, b) if _is_int(a) else fn(a, b)


remainder = binary("remainder", _float_only(torch_derivative(jnp.remainder, lambda a, b, out: jnp.ones_like(a),
                                                             _rounded_quotient_derivative(jnp.floor_divide)),
                                            jnp.remainder),
                   ("RemainderBackward1", "RemainderBackward0", "RemainderBackward1"), kinds="if", check=_check_divisor)
fmod = binary("fmod", _float_only(torch_derivative(jnp.fmod, lambda a, b, out: jnp.ones_like(a),
                                                   _rounded_quotient_derivative(lambda a, b: jnp.trunc(a / b))),
                                  jnp.fmod),
              ("FmodBackward1", "FmodBackward0", "FmodBackward1"), kinds="if", check=_check_divisor)
pow = binary("pow", _pow, ("PowBackward1", "PowBackward0", "PowBackward2"), kinds="ifc", kernel_name="pow",
             check=_check_pow)
float_power = binary("float_power", _pow, ("PowBackward1", "PowBackward0", "PowBackward2"),
                     compute_dtype=lambda dt: _dtype.complex128 if dt.category == 3 else _dtype.float64)


def _float_power_(self, exponent):
    """In-place float_power: only a float64/complex128 tensor can hold its result, as in torch."""
    result = float_power(self, exponent)
    if result.dtype is not self.dtype:
        raise RuntimeError(f"the base given to float_power_ has dtype {_TYPE_NAMES[self.dtype]} but the operation's "
                           f"result requires dtype {_TYPE_NAMES[result.dtype]}")
    return self._inplace_(result)


def _xlogy_value(x, y):
    return jnp.where(jnp.isnan(y), y, jnp.where(x == 0, 0, x * jnp.log(y)).astype(x.dtype))


# d/dx: log(y), but 0 where x is 0 and y <= 0 (torch's mask); d/dy: x / y
_xlogy = torch_derivative(_xlogy_value, lambda x, y, out: jnp.where((x == 0) & (y <= 0), 0, jnp.log(y)),
                          lambda x, y, out: x / y)
# |a| with b's sign; the derivative is out / a, and 0 where a is 0, as torch's (its own derivative is 0)
_copysign = torch_derivative(lambda a, b: jnp.abs(a) * jnp.where(jnp.signbit(b), -1, 1).astype(a.dtype),
                             lambda a, b, out: jax.lax.stop_gradient(jnp.where(a == 0, 0, out / a)), None)


def _masked_reciprocal(x):
    r = 1 / x
    return jnp.where(jnp.isinf(r), 0, r)


_atan2 = torch_derivative(jnp.arctan2, lambda a, b, out: b * _masked_reciprocal(a * a + b * b),
                          lambda a, b, out: -a * _masked_reciprocal(a * a + b * b))
_hypot = torch_derivative(jnp.hypot, lambda a, b, out: a / out, lambda a, b, out: b / out)
_logaddexp = torch_derivative(jnp.logaddexp, lambda a, b, out: 1 / (1 + jnp.exp(b - a)),
                              lambda a, b, out: 1 / (1 + jnp.exp(a - b)))
_logaddexp2 = torch_derivative(jnp.logaddexp2, lambda a, b, out: 1 / (1 + jnp.exp2(b - a)),
                               lambda a, b, out: 1 / (1 + jnp.exp2(a - b)))
_nextafter = torch_derivative(jnp.nextafter, lambda a, b, out: (a != b).astype(a.dtype), None)


xlogy = binary("xlogy", _xlogy, ("XlogyBackward0", "XlogyBackward2", "XlogyBackward1"), compute_dtype=float_dtype,
               kinds="bif")
copysign = binary("copysign", _copysign, ("CopysignBackward0", "CopysignBackward1"), compute_dtype=float_dtype,
                  kinds="bif")
atan2 = binary("atan2", _atan2, "Atan2Backward0", compute_dtype=float_dtype, kinds="bif", tensor_other=True)
ldexp = binary("ldexp", lambda a, b: a * jnp.exp2(b), "LdexpBackward0", compute_dtype=float_dtype, tensor_other=True)
hypot = binary("hypot", _hypot, "HypotBackward0", kinds="f", tensor_other=True)
logaddexp = binary("logaddexp", _logaddexp, "LogaddexpBackward0", kinds="f", tensor_other=True)
logaddexp2 = binary("logaddexp2", _logaddexp2, "Logaddexp2Backward0", kinds="f", tensor_other=True)
nextafter = binary("nextafter", _nextafter, "NextafterBackward0", kinds="f", tensor_other=True)
def _no_input_gradient(op):
    """``op`` with no derivative w.r.t. its first argument, as torch has none for igamma/igammac
    (differentiating it there is a RuntimeError in both; JAX's series for it never ends at inf/NaN)."""
    def fn(input, other, *, out=None):
        return op(input.detach() if isinstance(input, Tensor) else input, other, out=out)
    fn.__name__, fn.__doc__ = op.__name__, op.__doc__ + " Not differentiable w.r.t. ``input``, as in torch."
    return fn


def _at_zero_order(jfn, value):
    """torch's value ``value`` of the regularised incomplete gamma at a = 0 (x > 0), where JAX's is NaN."""
    return lambda a, x: jnp.where((a == 0) & (x > 0), value, jfn(a, x)).astype(x.dtype)


igamma = _no_input_gradient(binary("igamma", _at_zero_order(jsp.gammainc, 1), "IgammaBackward0", kinds="f",
                                   tensor_other=True))
igammac = _no_input_gradient(binary("igammac", _at_zero_order(jsp.gammaincc, 0), "IgammacBackward0", kinds="f",
                                    tensor_other=True))


def _as_bool(dt):
    return _dtype.bool


logical_and = binary("logical_and", jnp.logical_and, "LogicalAndBackward0", compute_dtype=_as_bool, tensor_other=True)
logical_or = binary("logical_or", jnp.logical_or, "LogicalOrBackward0", compute_dtype=_as_bool, tensor_other=True)
logical_xor = binary("logical_xor", jnp.logical_xor, "LogicalXorBackward0", compute_dtype=_as_bool, tensor_other=True)
bitwise_and = binary("bitwise_and", jnp.bitwise_and, "BitwiseAndBackward0", kinds="bi")
bitwise_or = binary("bitwise_or", jnp.bitwise_or, "BitwiseOrBackward0", kinds="bi")
bitwise_xor = binary("bitwise_xor", jnp.bitwise_xor, "BitwiseXorBackward0", kinds="bi")
bitwise_left_shift = binary("bitwise_left_shift", jnp.left_shift, "BitwiseLeftShiftBackward0", kinds="i",
                            kernel_name="lshift_cpu")
bitwise_right_shift = binary("bitwise_right_shift", jnp.right_shift, "BitwiseRightShiftBackward0", kinds="i",
                             kernel_name="rshift_cpu")


# ---- unary -----------------------------------------------------------------------------
def _keep_ints(jfn):
    """Rounding functions leave integer tensors as they are."""
    return lambda a: a if _is_int(a) else jfn(a)


def _abs(a):
    if _is_int(a):
        return jnp.abs(a)
    if jnp.iscomplexobj(a):  # |z| is inf when a part is, even with a NaN other part (C99's hypot, as torch)
        return jnp.where(jnp.isinf(a.real) | jnp.isinf(a.imag), jnp.inf, jnp.abs(a)).astype(a.real.dtype)
    return _abs_real(a)


def _sign(a):
    """torch's sign: (a > 0) - (a < 0), so NaN gives 0; complex sgn is a / |a|."""
    if a.dtype == jnp.bool_:
        return a
    if jnp.iscomplexobj(a):  # z / |z|, differentiable as torch's sgn (JAX's sign has a zero derivative)
        return jnp.where(a == 0, 0, a / jnp.where(a == 0, 1, jnp.abs(a))).astype(a.dtype)
    return (a > 0).astype(a.dtype) - (a < 0).astype(a.dtype)


def _angle(a):
    if jnp.iscomplexobj(a):
        return jnp.angle(a)
    return _angle_real(a)


_angle_real = torch_derivative(lambda a: jnp.where(jnp.isnan(a), a, jnp.where(a < 0, jnp.pi, 0).astype(a.dtype)),
                               None)


def _digamma(a):
    """torch's digamma: -+inf at +-0, and a zero gradient at +-inf (which never reach jsp.digamma)."""
    value = jsp.digamma(jnp.where(jnp.isinf(a), 1, a))
    value = jnp.where(a == 0, jnp.where(jnp.signbit(a), jnp.inf, -jnp.inf), value)
    return jnp.where(jnp.isinf(a), jnp.where(a > 0, jnp.inf, jnp.nan), value)


_abs_real = torch_derivative(jnp.abs, lambda a, out: _sign(a))  # sign(nan) is 0: torch's |x|' at NaN
_lgamma = torch_derivative(jax.lax.lgamma, lambda a, out: _digamma(a))
_i0 = torch_derivative(jsp.i0, lambda a, out: jsp.i1(a))
_atanh = torch_derivative(jnp.arctanh, lambda a, out: 1 / (1 - a * a))
# sinc' = (cos(pi x) - sinc(x)) / x, 0 at 0 (torch's formula; JAX's derivative loses all precision at large x)
_sinc = torch_derivative(jnp.sinc, lambda a, out: jnp.where(a == 0, 0, (jnp.cos(jnp.pi * a) - out) / a))
_rsqrt = torch_derivative(jax.lax.rsqrt, lambda a, out: -0.5 * out * out * out)

_NEG_BOOL = ("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, "
             "use the `~` or `logical_not()` operator instead.")
neg = unary("neg", jnp.negative, "NegBackward0", compute=None, refuse={"b": (RuntimeError, _NEG_BOOL)})
abs = unary("abs", _abs, "AbsBackward0", compute=None, kinds="ifc")
sign = unary("sign", _sign, "SignBackward0", compute=None, kinds="bif",
             refuse={"c": (NotImplementedError, "Unlike NumPy, torch.sign is not intended to support complex numbers. "
                                                "Please use torch.sgn instead.")})
sgn = unary("sgn", _sign, "SgnBackward0", compute=None)
square = unary("square", jnp.square, "PowBackward0", compute=lambda dt: _dtype.int64 if dt is _dtype.bool else dt)
ceil, floor, trunc = (unary(name, _keep_ints(fn), f"{name.capitalize()}Backward0", compute=None, kinds="if",
                             kernel_name=f"{name}_vml_cpu",
                             refuse={"c": (NotImplementedError, f"{name} is not supported for complex inputs")})
                       for name, fn in (("ceil", jnp.ceil), ("floor", jnp.floor), ("trunc", jnp.trunc)))
frac = unary("frac", lambda a: a - jnp.trunc(a), "FracBackward0", compute=None, kinds="f")
signbit = unary("signbit", lambda a: a < 0 if _is_int(a) else jnp.signbit(a), "SignbitBackward0", compute=None,
                kinds="bif")
bitwise_not = unary("bitwise_not", jnp.invert, "BitwiseNotBackward0", compute=None, kinds="bi")
logical_not = unary("logical_not", jnp.logical_not, "LogicalNotBackward0", compute=None)
relu = unary("relu", lambda a: jnp.where(a <= 0, jnp.zeros((), a.dtype), a), "ReluBackward0", compute=None,
             kinds="bif", refuse={"b": (RuntimeError, "Boolean inputs not supported for relu"),
                                  "c": (NotImplementedError, "clamp is not supported for complex types")})
angle = unary("angle", _angle, "AngleBackward0")

# float-valued: integer and bool tensors give the default float
acos = unary("acos", jnp.arccos, "AcosBackward0")
acosh = unary("acosh", jnp.arccosh, "AcoshBackward0")
asin = unary("asin", jnp.arcsin, "AsinBackward0")
asinh = unary("asinh", jnp.arcsinh, "AsinhBackward0")
atan = unary("atan", jnp.arctan, "AtanBackward0")
atanh = unary("atanh", _atanh, "AtanhBackward0")
cos = unary("cos", jnp.cos, "CosBackward0")
cosh = unary("cosh", jnp.cosh, "CoshBackward0")
sin = unary("sin", jnp.sin, "SinBackward0")
sinh = unary("sinh", jnp.sinh, "SinhBackward0")
tan = unary("tan", jnp.tan, "TanBackward0")
tanh = unary("tanh", jnp.tanh, "TanhBackward0")
sinc = unary("sinc", _sinc, "SincBackward0")
exp = unary("exp", jnp.exp, "ExpBackward0")
exp2 = unary("exp2", jnp.exp2, "Exp2Backward0")
expm1 = unary("expm1", jnp.expm1, "Expm1Backward0")
log = unary("log", jnp.log, "LogBackward0")
log10 = unary("log10", jnp.log10, "Log10Backward0")
log1p = unary("log1p", jnp.log1p, "Log1PBackward0")
log2 = unary("log2", jnp.log2, "Log2Backward0")
sqrt = unary("sqrt", jnp.sqrt, "SqrtBackward0")
rsqrt = unary("rsqrt", _rsqrt, "RsqrtBackward0")
reciprocal = unary("reciprocal", jnp.reciprocal, "ReciprocalBackward0")
sigmoid = unary("sigmoid", jax.nn.sigmoid, "SigmoidBackward0")
deg2rad = unary("deg2rad", lambda a: a * (math.pi / 180), "Deg2RadBackward0",
                refuse={"c": (RuntimeError, "deg2rad is not supported for complex tensors.")})
rad2deg = unary("rad2deg", lambda a: a * (180 / math.pi), "Rad2DegBackward0",
                refuse={"c": (RuntimeError, "rad2deg is not supported for complex tensors.")})
erf = unary("erf", jax.lax.erf, "ErfBackward0", kinds="bif", kernel_name="erf_vml_cpu")
erfc = unary("erfc", jax.lax.erfc, "ErfcBackward0", kinds="bif", kernel_name="erfc_vml_cpu")
erfinv = unary("erfinv", jax.lax.erf_inv, "ErfinvBackward0", kinds="bif", kernel_name="erfinv_vml_cpu")
lgamma = unary("lgamma", _lgamma, "LgammaBackward0", kinds="bif", kernel_name="lgamma_vml_cpu")
digamma = unary("digamma", _digamma, "DigammaBackward0", kinds="bif", kernel_name="digamma")
i0 = unary("i0", _i0, "I0Backward0", kinds="bif", kernel_name="i0_vml_cpu")


def positive(input):
    """torch.positive: returns ``input`` itself (bool tensors refused)."""
    if input.dtype is _dtype.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def conj_physical(input, *, out=None):
    """torch.conj_physical: the conjugate of a complex tensor; a real tensor is returned as is."""
    if input.dtype.category < 3:
        return write_out(out, input) if out is not None else input
    return write_out(out, _conj(input))


_conj = unary("conj_physical", jnp.conj, "ConjPhysicalBackward0", compute=None)
_real = unary("real", jnp.real, "RealBackward0", compute=None)
_imag = unary("imag", jnp.imag, "ImagBackward0", compute=None)


def real(input):
    """torch.real: a real tensor itself; for a complex one its real part (a copy, not a view as in torch)."""
    return _real(input) if input.dtype.category == 3 else input


def imag(input):
    """torch.imag: the imaginary part of a complex tensor (a copy, not a view as in torch)."""
    if input.dtype.category != 3:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return _imag(input)


def _round_fn(decimals, a):
    if _is_int(a) or decimals == 0:
        return _keep_ints(jnp.round)(a)
    if decimals > 0:
        return jnp.round(a * 10.0 ** decimals) / 10.0 ** decimals
    return jnp.round(a / 10.0 ** -decimals) * 10.0 ** -decimals


_rounds = _kernels(lambda decimals, dtype, a: _round_fn(decimals, a.astype(dtype)),
                   ("RoundBackward0", "RoundBackward1"))


def round(input, *, decimals=0, out=None):
    """torch.round: half to even, optionally to ``decimals`` decimal places (float tensors only)."""
    _check_kind(input.dtype, "if" if decimals == 0 else "f", "round_vml_cpu" if decimals == 0 else "round_cpu")
    return write_out(out, apply(_rounds[decimals != 0], (input,), (int(decimals), input.dtype.jax)))


def _logit_derivative(clamped):
    """torch's: 1 / (p (1 - p)) inside the domain; outside it NaN, or 0 where eps clamps p."""
    def d(a, eps, out):
        if clamped:  # NaN falls outside [eps, 1 - eps] too
            return jnp.where((a >= eps) & (a <= 1 - eps), 1 / (a * (1 - a)), 0)
        return jnp.where((a < 0) | (a > 1), jnp.nan, 1 / (a * (1 - a)))
    return d


def _logit_value(clamped):
    def value(a, eps):
        p = jnp.clip(a, eps, 1 - eps).astype(a.dtype) if clamped else a
        return jnp.log(p / (1 - p))
    return value


_logits = {c: torch_derivative(_logit_value(c), _logit_derivative(c), None) for c in (False, True)}


def _logit_fn(dtype, clamped, a, eps):
    return _logits[clamped](a.astype(dtype), eps)


_logit = Kernel(_logit_fn, "LogitBackward0")


def logit(input, eps=None, *, out=None):
    """torch.logit: log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given."""
    _check_kind(input.dtype, "bif", "logit_cpu")
    dt = float_dtype(input.dtype)
    return write_out(out, apply(_logit, (input, 0.0 if eps is None else eps), (dt.jax, eps is not None)))


_nan_to_num = Kernel(lambda a, nan, posinf, neginf: jnp.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf),
                     "NanToNumBackward0")


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """torch.nan_to_num: NaN, +inf and -inf replaced (infinities by the dtype's extremes by default)."""
    refuse_complex_autograd("nan_to_num", input)
    return write_out(out, apply(_nan_to_num, (input, nan, posinf, neginf)))


@functools.cache
def _higher_polygamma(n):
    """polygamma(n >= 2) as torch computes it, (-1)^(n+1) n! zeta(n + 1, x) (so its values at
    the poles are torch's), differentiated as torch: polygamma(n + 1, x)."""
    def value(a):
        return ((-1) ** (n + 1) * math.factorial(n) * hurwitz_zeta(jnp.full_like(a, n + 1), a)).astype(a.dtype)
    return torch_derivative(value, lambda a, out: _higher_polygamma(n + 1)(a))


def _polygamma_fn(n, dtype, a):
    a = a.astype(jnp.float32 if dtype in (jnp.float16, jnp.bfloat16) else dtype)  # torch's opmath for halves
    if n == 0:
        return _digamma(a).astype(dtype)
    if n == 1:  # torch's trigamma is 0 at +inf (the limit)
        return jnp.where(jnp.isposinf(a), 0, jsp.polygamma(n, a)).astype(dtype)
    return _higher_polygamma(n)(a).astype(dtype)


_polygamma = Kernel(_polygamma_fn, "PolygammaBackward0")


def polygamma(n, input, *, out=None):
    """torch.polygamma(n, input): the n-th derivative of digamma."""
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    _check_kind(input.dtype, "bif", "polygamma")
    return write_out(out, apply(_polygamma, (input,), (n, float_dtype(input.dtype).jax)))


def _mvlgamma_fn(p, dtype, a):
    a = a.astype(dtype)
    shifts = jnp.arange(p, dtype=dtype) * -0.5
    return jax.lax.lgamma(a[..., None] + shifts).sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


_mvlgamma = Kernel(_mvlgamma_fn, "MvlgammaBackward0")


def mvlgamma(input, p, *, out=None):
    """torch.mvlgamma: the multivariate log-gamma function of dimension ``p``."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    _check_kind(input.dtype, "bif", "mvlgamma")
    return write_out(out, apply(_mvlgamma, (input,), (int(p), float_dtype(input.dtype).jax)))


def _frexp_fn(a):
    mantissa, exponent = jnp.frexp(a)
    return mantissa, exponent.astype(jnp.int32)


_frexp = Kernel(_frexp_fn, "FrexpBackward0")


def frexp(input, *, out=None):
    """torch.frexp: (mantissa, int32 exponent) with input = mantissa * 2**exponent."""
    if input.dtype.category != 2:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    result = frexp_result(*apply(_frexp, (input,)))
    if out is None:
        return result
    return frexp_result(*(write_out(o, r) for o, r in zip(out, result)))


# ---- clamp -------------------------------------------------------------------------------
def _clamp_fn(dtype, a, lo, hi):
    """min(max(a, lo), hi), in torch's way: a bound that is NaN gives NaN, and at a tie the
    gradient goes to ``a``; a NaN ``a`` passes no gradient anywhere."""
    a = a.astype(dtype)
    if jnp.issubdtype(dtype, jnp.inexact):
        a = jnp.where(jnp.isnan(a), jax.lax.stop_gradient(a), a)
    if lo is not None:
        lo = lo.astype(dtype)
        a = jnp.where((a < lo) | jnp.isnan(lo), lo, a)
    if hi is not None:
        hi = hi.astype(dtype)
        a = jnp.where((a > hi) | jnp.isnan(hi), hi, a)
    return a


# (number bounds, tensor bounds) for clamp, clamp_min, clamp_max
_clamps = {name: _kernels(_clamp_fn, names) for name, names in [
    ("clamp", ("ClampBackward1", "ClampBackward0")), ("clamp_min", ("ClampMinBackward0", "ClampMinBackward1")),
    ("clamp_max", ("ClampMaxBackward0", "ClampMaxBackward1"))]}


def _clamp(name, input, min, max, out):
    min, max = (None if b is None else as_operand(b) for b in (min, max))
    dt = _dtype.result_type_of((input, min, max))
    if dt.category == 3:
        raise NotImplementedError("clamp is not supported for complex types")
    _check_kind(dt, "if", f"{name}_scalar_cpu")
    k = _clamps[name][isinstance(min, Tensor) or isinstance(max, Tensor)]
    return write_out(out, apply(k, (input, min, max), (dt.jax,)))


def clamp(input, min=None, max=None, *, out=None):
    """torch.clamp(input, min=None, max=None); min/max may be numbers or tensors (promoting the result)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return _clamp("clamp", input, min, max, out)


clip = clamp


def clamp_min(input, min, *, out=None):
    """torch.clamp_min: max(input, min)."""
    return _clamp("clamp_min", input, min, None, out)


def clamp_max(input, max, *, out=None):
    """torch.clamp_max: min(input, max)."""
    return _clamp("clamp_max", input, None, max, out)


# ---- ternary ------------------------------------------------------------------------------
_C_TYPE_NAMES = {_dtype.bool: "bool", _dtype.uint8: "unsigned char", _dtype.int8: "signed char",
                 _dtype.int16: "short int", _dtype.int32: "int", _dtype.int64: "long int",
                 _dtype.float16: "c10::Half", _dtype.bfloat16: "c10::BFloat16", _dtype.float32: "float",
                 _dtype.float64: "double", _dtype.complex64: "c10::complex<float>",
                 _dtype.complex128: "c10::complex<double>"}


def _lerp_value(start, end, w):
    diff = end - start
    return jnp.where(jnp.abs(w) < 0.5, start + w * diff, end - diff * (1 - w))


# torch's derivatives: 1 - w, w and end - start (±inf at infinite ends, where tracing gives NaN)
_lerp = torch_derivative(_lerp_value, lambda s, e, w, out: 1 - w, lambda s, e, w, out: w,
                         lambda s, e, w, out: e - s)


def _lerp_fn(start, end, weight):
    return _lerp(start, end, weight.astype(start.dtype))


_lerps = _kernels(_lerp_fn, ("LerpBackward1", "LerpBackward0"))


def lerp(input, end, weight, *, out=None):
    """torch.lerp: input + weight * (end - input); ``end`` and a tensor ``weight`` must share input's dtype."""
    for arg, name in ((end, "end"), (weight, "weight")):
        if isinstance(arg, Tensor) and arg.dtype is not input.dtype:
            raise RuntimeError(f"expected dtype {_C_TYPE_NAMES[input.dtype]} for `{name}` but got dtype "
                               f"{_C_TYPE_NAMES[arg.dtype]}")
    tensor_weight = isinstance(weight, Tensor)
    _check_kind(input.dtype, "fc", "lerp_kernel_tensor" if tensor_weight else "lerp_kernel_scalar")
    return write_out(out, apply(_lerps[not tensor_weight], (input, end, as_operand(weight))))


# torch's derivatives (its double backward at a zero divisor is NaN where tracing gives 0 or -inf)
_addcmul_value = torch_derivative(lambda a, t1, t2, v: a + v * t1 * t2, lambda a, t1, t2, v, out: 1,
                                  lambda a, t1, t2, v, out: t2 * v, lambda a, t1, t2, v, out: t1 * v, None)
_addcdiv_value = torch_derivative(lambda a, t1, t2, v: a + v * t1 / t2, lambda a, t1, t2, v, out: 1,
                                  lambda a, t1, t2, v, out: v / t2, lambda a, t1, t2, v, out: -v * t1 / (t2 * t2), None)
_addcmul = Kernel(lambda dtype, *args: _addcmul_value(*(x.astype(dtype) for x in args)), "AddcmulBackward0")
_addcdiv = Kernel(lambda dtype, *args: _addcdiv_value(*(x.astype(dtype) for x in args)), "AddcdivBackward0")


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """torch.addcmul: input + value * tensor1 * tensor2 (value cast to the result dtype)."""
    dt = _dtype.result_type_of((input, tensor1, tensor2))
    _check_kind(dt, "ifc", "addcmul_cpu_out")
    return write_out(out, apply(_addcmul, (input, tensor1, tensor2, as_operand(value)), (dt.jax,)))


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """torch.addcdiv: input + value * tensor1 / tensor2; integer tensor1 and tensor2 are refused, as in torch."""
    if tensor1.dtype.category < 2 and tensor2.dtype.category < 2:
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a "
            "true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value "
            "* torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
            "tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value "
            "* tensor1 / tensor2), for all dtypes.")
    dt = _dtype.result_type_of((input, tensor1, tensor2))
    return write_out(out, apply(_addcdiv, (input, tensor1, tensor2, as_operand(value)), (dt.jax,)))


def rsub(input, other, *, alpha=1):
    """torch.rsub: ``other - alpha * input``."""
    return sub(as_operand(other), input, alpha=alpha)


_heaviside = Kernel(lambda a, b: jnp.where(a == 0, b, a > 0).astype(a.dtype), "NotImplemented")


def heaviside(input, values, *, out=None):
    """torch.heaviside: ``values`` where input is zero, else 1 above zero and 0 otherwise (NaN
    included, as torch); not differentiable, as in torch."""
    require_tensor("heaviside", "values", 2, values)
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    if input.dtype.category == 3:
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    data = jnp.broadcast_arrays(input._data, values._data)
    return write_out(out, Tensor._from_array(run(_heaviside, tuple(data))))


def _gradient_fn(edge_order, dims, f, *spacing):
    """torch.gradient's estimates along each of ``dims``: second-order central differences inside,
    one-sided differences of ``edge_order`` at the ends; ``spacing`` holds a step (0-d) or the
    coordinates (1-d) per dim."""
    out = []
    for dim, h in zip(dims, spacing):
        g = jnp.moveaxis(f, dim, -1)
        x = h * jnp.arange(g.shape[-1], dtype=g.dtype) if h.ndim == 0 else h.astype(g.dtype)
        hd, hs = x[1:-1] - x[:-2], x[2:] - x[1:-1]
        inner = (-hs / (hd * (hd + hs)) * g[..., :-2] + (hs - hd) / (hd * hs) * g[..., 1:-1]
                 + hd / (hs * (hd + hs)) * g[..., 2:])
        if edge_order == 1:
            first = (g[..., 1] - g[..., 0]) / (x[1] - x[0])
            last = (g[..., -1] - g[..., -2]) / (x[-1] - x[-2])
        else:
            a, b = x[1] - x[0], x[2] - x[1]
            first = (-(2 * a + b) / (a * (a + b)) * g[..., 0] + (a + b) / (a * b) * g[..., 1]
                     - a / (b * (a + b)) * g[..., 2])
            a, b = x[-2] - x[-3], x[-1] - x[-2]
            last = (b / (a * (a + b)) * g[..., -3] - (a + b) / (a * b) * g[..., -2]
                    + (2 * b + a) / (b * (a + b)) * g[..., -1])
        out.append(jnp.moveaxis(jnp.concatenate([first[..., None], inner, last[..., None]], -1), -1, dim))
    return tuple(out)


_gradient = Kernel(_gradient_fn, "GradientBackward0")


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """torch.gradient: a tuple with the estimated derivative of ``input`` along each of ``dim``
    (default: all dims). ``spacing`` is one step for all dims, a step per dim, or a 1-d
    coordinate tensor per dim; ``edge_order`` 1 or 2. Integer inputs give the default float."""
    dims = tuple(range(input.ndim)) if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    dims = tuple(d % input.ndim for d in dims)
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    spacing = list(spacing) if isinstance(spacing, (list, tuple)) else [spacing] * len(dims)
    if len(spacing) != len(dims):
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim "
                           f"arguments to have the same length, but got a spacing argument of length {len(spacing)} "
                           f"and a dim argument of length {len(dims)}.")
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    dt = float_dtype(input.dtype)
    spacing = [s if isinstance(s, Tensor) else Tensor._from_array(jnp.asarray(s, dt.jax)) for s in spacing]
    return apply(_gradient, (input.to(dt), *spacing), (edge_order, dims))



# torch's alias names: the same op (and kernel) under another name
arctan2 = alias(atan2, "arctan2")
negative = alias(neg, "negative")
absolute = alias(abs, "absolute")
fix = alias(trunc, "fix")
arccos = alias(acos, "arccos")
arccosh = alias(acosh, "arccosh")
arcsin = alias(asin, "arcsin")
arcsinh = alias(asinh, "arcsinh")
arctan = alias(atan, "arctan")
arctanh = alias(atanh, "arctanh")


# ---- Tensor methods --------------------------------------------------------------------------
_WITH_INPLACE = (
    "abs absolute acos arccos acosh arccosh add addcdiv addcmul asin arcsin asinh arcsinh atan arctan atanh arctanh "
    "atan2 arctan2 bitwise_not bitwise_and bitwise_or bitwise_xor bitwise_left_shift bitwise_right_shift ceil clamp "
    "clip clamp_min clamp_max copysign cos cosh deg2rad div divide digamma erf erfc erfinv exp exp2 expm1 fix floor "
    "floor_divide fmod frac ldexp lerp lgamma log log10 log1p log2 logical_and logical_not logical_or logical_xor "
    "logit hypot i0 igamma igammac mul multiply nan_to_num neg negative nextafter pow rad2deg reciprocal remainder "
    "round rsqrt sigmoid sign sgn sin sinc sinh sqrt square sub subtract tan tanh true_divide trunc xlogy relu").split()


_real_abs_only = _refusals({"c": (RuntimeError, "In-place abs is not supported for complex tensors.")})
_INPLACE_CHECKS = {"abs": _real_abs_only, "absolute": _real_abs_only}
for _name in _WITH_INPLACE:
    _op = globals()[_name]
    tensor_method(_name)(_op)
    _check = _INPLACE_CHECKS.get(_name, getattr(_op, "check_dtype", None))
    setattr(Tensor, _name + "_", inplace_variant(_op, _name + "_", check=_check))
for _name in "angle frexp logaddexp logaddexp2 positive signbit float_power heaviside".split():
    tensor_method(_name)(globals()[_name])


def _conj_physical_(self):
    self._check_inplace(overlap=self.dtype.category == 3)  # real tensors are left as they are
    return self if self.dtype.category < 3 else self._inplace_(_conj(self))


def _polygamma_method(self, n):
    return polygamma(n, self)


def _nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
    """In place; integer and bool tensors hold no NaN or inf and are left unwritten, as in torch."""
    if self.dtype.category < 2:
        self._check_inplace(overlap=False)
        return self
    return self._inplace_(nan_to_num(self, nan, posinf, neginf))


Tensor.float_power_ = _float_power_
Tensor.nan_to_num_ = _nan_to_num_
Tensor.heaviside_ = inplace_variant(heaviside, "heaviside_")
Tensor.conj_physical = conj_physical
Tensor.conj_physical_ = _conj_physical_
Tensor.polygamma = _polygamma_method
Tensor.polygamma_ = lambda self, n: self._inplace_(polygamma(n, self))
Tensor.mvlgamma = mvlgamma
Tensor.mvlgamma_ = inplace_variant(mvlgamma, "mvlgamma_")
Tensor.real = property(real)
Tensor.imag = property(imag)


# ---- Python operators -------------------------------------------------------------------
def _reflected(fn):
    """``number <op> tensor``: the number stays a 'wrapped number' for promotion."""
    return lambda self, other: fn(as_operand(other), self)


def _invert(self):
    if self.dtype.category > 1:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(self)


for _op, _fn, _commutes in [("add", add, True), ("sub", sub, False), ("mul", mul, True), ("truediv", div, False),
                            ("floordiv", floor_divide, False), ("mod", remainder, False), ("pow", pow, False),
                            ("and", bitwise_and, True), ("or", bitwise_or, True), ("xor", bitwise_xor, True),
                            ("lshift", bitwise_left_shift, False), ("rshift", bitwise_right_shift, False)]:
    setattr(Tensor, f"__{_op}__", lambda self, other, _fn=_fn: _fn(self, other))
    setattr(Tensor, f"__r{_op}__", (lambda self, other, _fn=_fn: _fn(self, other)) if _commutes else _reflected(_fn))
    setattr(Tensor, f"__i{_op}__", lambda self, other, _fn=_fn: self._inplace_(_fn(self, other)))
Tensor.__neg__ = neg
Tensor.__pos__ = positive
Tensor.__abs__ = abs
Tensor.__invert__ = _invert


# ---- torch's top-level in-place forms (torch.abs_(x) is x.abs_()) --------------------------------
_FUNCTIONAL_INPLACE = (
    "abs acos acosh arccos arccosh arcsin arcsinh arctan arctanh asin asinh atan atanh ceil clamp clamp_max "
    "clamp_min clip conj_physical cos cosh deg2rad erf erfc exp exp2 expm1 fix floor frac gcd i0 lcm ldexp log "
    "log10 log1p log2 logit nan_to_num neg negative rad2deg reciprocal round rsqrt sigmoid sin sinc sinh sqrt "
    "square tan tanh trunc xlogy").split()
for _name in _FUNCTIONAL_INPLACE:
    globals()[_name + "_"] = functional_inplace(_name + "_")
__all__ += [_name + "_" for _name in _FUNCTIONAL_INPLACE]
