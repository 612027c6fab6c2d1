"""Activation functions of torch.nn.functional: each one compiled kernel; ``inplace=True``
rebinds the input's contents (``Tensor._inplace_``) as torch's in-place variants do."""
import math
import warnings

import jax
import jax.numpy as jnp

from ... import _dtype
from ..._dispatch import Kernel, apply
from ..._tensor import _wrap_dim, tensor_method
from ...ops import pointwise as _ops
from ...ops._util import check_kind, check_scalar_fits, refuse_complex_autograd, torch_derivative
from ...ops.random import sample

__all__ = ["elu", "elu_", "selu", "selu_", "celu", "celu_", "hardshrink", "hardsigmoid", "hardtanh", "hardtanh_",
           "hardswish", "leaky_relu", "leaky_relu_", "logsigmoid", "prelu", "relu", "relu_", "relu6", "rrelu",
           "rrelu_", "gelu", "sigmoid", "silu", "mish", "softplus", "softshrink", "softsign", "tanh", "tanhshrink",
           "threshold", "threshold_", "glu", "softmax", "softmin", "log_softmax", "gumbel_softmax",
           "scaled_dot_product_attention"]

_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


# Piecewise functions differentiate by torch's formulas (torch_derivative): at the kinks, at
# NaN and where an untaken branch overflows, JAX's traced derivative differs.
def _elu_derivative(x, alpha, scale, input_scale, out):
    negative = alpha * scale * input_scale * jnp.exp(jnp.where(x < 0, x, 0) * input_scale)  # no overflow
    # torch's first derivative takes the negative branch at 0, its second derivative does not
    at_zero = jax.lax.stop_gradient(negative)
    return jnp.where(x < 0, negative, jnp.where(x == 0, at_zero, scale)).astype(x.dtype)


_elu = torch_derivative(
    lambda x, alpha, scale, input_scale: jnp.where(x <= 0, jnp.expm1(x * input_scale) * (alpha * scale), x * scale),
    _elu_derivative, None, None, None)
# clamp to [lo, hi]; the gradient passes strictly inside only (not at the bounds, nor at NaN)
_hardtanh = torch_derivative(lambda x, lo, hi: jnp.clip(x, lo, hi).astype(x.dtype),
                             lambda x, lo, hi, out: ((x > lo) & (x < hi)).astype(x.dtype), None, None)
_hardsigmoid = torch_derivative(lambda x: (jnp.clip(x + 3, 0, 6) / 6).astype(x.dtype),
                                lambda x, out: (((x > -3) & (x < 3)) / 6).astype(x.dtype))
# x * relu6(x + 3) / 6 (NaN at -inf, as torch's); the derivative is 0 up to -3, x / 3 + 1/2, then 1 from 3
_hardswish = torch_derivative(lambda x: (x * jnp.clip(x + 3, 0, 6) / 6).astype(x.dtype),
                              lambda x, out: jnp.where(x <= -3, 0, jnp.where(x < 3, x / 3 + 0.5, 1)).astype(x.dtype))

# 0 on [-lambd, lambd] (NaN passes through); the gradient flows only strictly outside it
_hardshrink = torch_derivative(lambda x, lambd: jnp.where((x >= -lambd) & (x <= lambd), 0, x).astype(x.dtype),
                               lambda x, lambd, out: ((x < -lambd) | (x > lambd)).astype(x.dtype), None)
_softshrink = torch_derivative(
    lambda x, lambd: jnp.where((x >= -lambd) & (x <= lambd), 0, jnp.where(x > 0, x - lambd, x + lambd)).astype(x.dtype),
    lambda x, lambd, out: ((x < -lambd) | (x > lambd)).astype(x.dtype), None)
def _in_float32(fn):
    """``fn`` computed in float32 for float16/bfloat16 inputs and rounded once, as torch's CPU
    kernels do (exp(20) overflows float16)."""
    def half_safe(x, *args):
        if x.dtype in (jnp.float16, jnp.bfloat16):
            return fn(x.astype(jnp.float32), *args).astype(x.dtype)
        return fn(x, *args)
    return half_safe


# linear above threshold / beta; the derivative there is 1 and sigmoid(beta x) below (no overflow)
_softplus = torch_derivative(
    _in_float32(lambda x, beta, threshold: jnp.where(x * beta > threshold, x, jnp.log1p(jnp.exp(x * beta)) / beta)),
    lambda x, beta, threshold, out: jnp.where(x * beta > threshold, 1, jax.nn.sigmoid(x * beta)).astype(x.dtype),
    None, None)


# name: (kernel, torch's grad_fn name, the dtype kinds torch's kernel takes, its name in torch's errors)
_K = {name: (Kernel(fn, grad_name), kinds, cpu_name) for name, fn, grad_name, kinds, cpu_name in [
    ("elu", _elu, "EluBackward0", "f", "elu_cpu"),
    ("hardshrink", _hardshrink, "HardshrinkBackward0", "f", "hardshrink_cpu"),
    ("hardsigmoid", _hardsigmoid, "HardsigmoidBackward0", "f", "hardsigmoid_cpu"),
    ("hardtanh", _hardtanh, "HardtanhBackward0", "if", "clamp"),
    ("hardswish", _hardswish, "HardswishBackward0", "f", "hardswish_cpu"),
    ("leaky_relu", lambda x, s: jnp.where(x > 0, x, x * s), "LeakyReluBackward0", "f", "leaky_relu_cpu"),
    ("logsigmoid", jax.nn.log_sigmoid, "LogSigmoidBackward0", "f", "log_sigmoid_cpu"),
    ("gelu", lambda approximate, x: _in_float32(lambda y: jax.nn.gelu(y, approximate=approximate))(x), "GeluBackward0",
     "f", "GeluKernelImpl"),
    ("silu", jax.nn.silu, "SiluBackward0", "fc", "silu_cpu"),
    ("mish", lambda x: x * jnp.tanh(jax.nn.softplus(x)), "MishBackward0", "f", "mish_cpu"),
    ("softplus", _softplus, "SoftplusBackward0", "f", "softplus_cpu"),
    ("softshrink", _softshrink, "SoftshrinkBackward0", "f",
     "softshrink_check"),
    ("threshold", lambda x, t, v: jnp.where(x <= t, v, x).astype(x.dtype), "ThresholdBackward0", "if", "threshold_cpu"),
]}


def _refuse_explicitly(input, cpu_name):
    """torch's own checks before its kernel dispatch (and before an in-place overlap check)."""
    if cpu_name == "clamp":
        if input.dtype is _dtype.bool:
            raise RuntimeError("Bool inputs not supported for hardtanh")
        if input.dtype.category == 3:
            raise NotImplementedError("clamp is not supported for complex types")


def _check_dtype(input, kinds, cpu_name):
    """torch's refusal of dtypes its kernel lacks (bool to hardtanh/clamp is a RuntimeError)."""
    _refuse_explicitly(input, cpu_name)
    check_kind(input.dtype, kinds, cpu_name)


def _run(name, input, *args, inplace=False):
    kernel, kinds, cpu_name = _K[name]
    if inplace:  # torch's order: autograd's checks, its own checks, the overlap, the kernel's dtypes
        input._check_inplace(overlap=False)
        _refuse_explicitly(input, cpu_name)
        input._check_inplace()
    _check_dtype(input, kinds, cpu_name)
    out = apply(kernel, (input, *args))
    return input._inplace_(out) if inplace else out


def _torch_op(op, input, inplace=False):
    """nn.functional's form of an op the torch namespace has: the same kernel and backward (and
    its in-place form, with torch's checks in torch's order)."""
    return getattr(input, op.__name__ + "_")() if inplace else op(input)


def elu(input, alpha=1.0, inplace=False):
    """torch.nn.functional.elu."""
    return _run("elu", input, alpha, 1.0, 1.0, inplace=inplace)


def selu(input, inplace=False):
    return _run("elu", input, _SELU_ALPHA, _SELU_SCALE, 1.0, inplace=inplace)


def celu(input, alpha=1.0, inplace=False):
    return _run("elu", input, alpha, 1.0, 1.0 / alpha, inplace=inplace)


def hardshrink(input, lambd=0.5):
    return _run("hardshrink", input, lambd)


def hardsigmoid(input, inplace=False):
    return _run("hardsigmoid", input, inplace=inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """torch.nn.functional.hardtanh: input clamped to [min_val, max_val]."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input.dtype is _dtype.uint8 and min_val < 0:
        raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
    return _run("hardtanh", input, min_val, max_val, inplace=inplace)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def hardswish(input, inplace=False):
    return _run("hardswish", input, inplace=inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _run("leaky_relu", input, negative_slope, inplace=inplace)


def logsigmoid(input):
    return _run("logsigmoid", input)


def relu(input, inplace=False):
    """torch.nn.functional.relu: torch.relu's kernel (gradient 0 at 0, as torch)."""
    return _torch_op(_ops.relu, input, inplace)


def gelu(input, approximate="none"):
    """torch.nn.functional.gelu; ``approximate`` is 'none' (erf) or 'tanh'."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    kernel, kinds, cpu_name = _K["gelu"]
    _check_dtype(input, kinds, cpu_name)
    return apply(kernel, (input,), (approximate == "tanh",))


def sigmoid(input):
    """torch.nn.functional.sigmoid: torch.sigmoid (integer input gives the default float)."""
    return _ops.sigmoid(input)


def silu(input, inplace=False):
    return _run("silu", input, inplace=inplace)


def mish(input, inplace=False):
    return _run("mish", input, inplace=inplace)


def softplus(input, beta=1.0, threshold=20.0):
    return _run("softplus", input, beta, threshold)


def softshrink(input, lambd=0.5):
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return _run("softshrink", input, lambd)


def softsign(input):
    """torch.nn.functional.softsign: input / (1 + |input|), composed of torch ops as in torch."""
    return input / (_ops.abs(input) + 1)


def tanh(input):
    """torch.nn.functional.tanh: torch.tanh."""
    return _ops.tanh(input)


def tanhshrink(input):
    """torch.nn.functional.tanhshrink: input - tanh(input), composed of torch ops as in torch."""
    return _ops.sub(input, _ops.tanh(input))


def threshold(input, threshold, value, inplace=False):
    """torch.nn.functional.threshold: ``value`` where input <= threshold; integer tensors keep
    their dtype (both numbers must fit it, as in torch)."""
    if input.dtype.category == 1:
        check_scalar_fits(threshold, input.dtype)
        check_scalar_fits(value, input.dtype)
    return _run("threshold", input, threshold, value, inplace=inplace)


def _inplace(fn):
    f = lambda input, *args, **kwargs: fn(input, *args, **kwargs, inplace=True)  # noqa: E731
    f.__name__ = fn.__name__ + "_"
    return f


elu_, selu_, celu_, hardtanh_, leaky_relu_, relu_, threshold_ = map(
    _inplace, (elu, selu, celu, hardtanh, leaky_relu, relu, threshold))


_prelu_broadcast = torch_derivative(lambda x, w: jnp.where(x > 0, x, w * x),
                                    lambda x, w, out: jnp.where(x > 0, 1, w).astype(x.dtype),
                                    lambda x, w, out: jnp.where(x > 0, 0, x).astype(x.dtype))


def _prelu(x, w):
    return _prelu_broadcast(x, w.reshape(w.shape + (1,) * (x.ndim - 2)) if x.ndim >= 2 else w)


_prelu_k = Kernel(_prelu, "PreluKernelBackward0")


def prelu(input, weight):
    """torch.nn.functional.prelu: ``weight`` has 1 or C (= input.shape[1]) elements."""
    _check_dtype(input, "f", "prelu_cpu")
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() not in (1, channels):
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                           f"{weight.numel()} and channel size = {channels}.")
    return apply(_prelu_k, (input, weight.reshape(-1)))


def _rrelu(training, key, x, lower, upper):
    if not training:
        return key, jnp.where(x > 0, x, x * ((lower + upper) / 2))
    key, sub = jax.random.split(key)
    slope = jax.random.uniform(sub, x.shape, x.dtype, lower, upper)
    return key, jnp.where(x > 0, x, x * slope)


_rrelu_k = Kernel(_rrelu, "RreluWithNoiseBackward0")


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """torch.nn.functional.rrelu: random negative slopes in U(lower, upper) when training,
    (lower + upper) / 2 otherwise. The slopes come from this library's RNG, not torch's."""
    if inplace:
        input._check_inplace()
    _check_dtype(input, "f", "leaky_relu_cpu")
    out = sample(_rrelu_k, None, (input, lower, upper), (bool(training),))
    return input._inplace_(out) if inplace else out


rrelu_ = _inplace(rrelu)


def _glu(dim, x):
    a, b = jnp.split(x, 2, axis=dim)
    return a * jax.nn.sigmoid(b)


_glu_k = Kernel(_glu, "GluBackward0")


def glu(input, dim=-1):
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = _wrap_dim(dim, input.ndim)
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size {input.shape[dim]}")
    _check_dtype(input, "f", "glu_cpu")
    return apply(_glu_k, (input,), (dim,))


def _softmax_fn(log, negate, dim, dtype, x):
    x = -x if negate else x  # negated before the cast, as torch's softmin(x, dtype=) = softmax(-x, dtype=)
    x = x.astype(dtype) if dtype is not None else x
    if x.ndim == 0:  # a scalar is its own (one-element) dim 0
        return _softmax_fn(log, False, 0, None, x.reshape(1)).reshape(())
    return jax.nn.log_softmax(x, axis=dim) if log else jax.nn.softmax(x, axis=dim)


_softmax_k = {log: Kernel(_softmax_fn, "LogSoftmaxBackward0" if log else "SoftmaxBackward0") for log in (False, True)}


def _softmax(name, log, negate, input, dim, stacklevel, dtype):
    if dim is None:
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                      "as an argument.", UserWarning, stacklevel=stacklevel)
        dim = 0 if input.ndim in (0, 1, 3) else 1
    dim = _wrap_dim(dim, input.ndim)
    if negate and input.dtype is _dtype.bool:
        raise RuntimeError(_ops._NEG_BOOL)
    if dtype is None and not input.numel():  # no kernel runs (and refuses complex): only autograd's check
        refuse_complex_autograd("_log_softmax" if log else "_softmax", input)
        return input.clone()  # torch returns an empty input as it is, whatever its dtype
    if dtype is None:
        _check_dtype(input, "f", f"{'log_' if log else ''}softmax_lastdim_kernel_impl")
    return apply(_softmax_k[log], (input,), (log, negate, dim, None if dtype is None else dtype.jax))


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """torch.nn.functional.softmax (``dtype`` casts the input first)."""
    return _softmax("softmax", False, False, input, dim, _stacklevel, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    return _softmax("softmin", False, True, input, dim, _stacklevel, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    return _softmax("log_softmax", True, False, input, dim, _stacklevel, dtype)


def _gumbel(hard, dim, key, logits, tau):
    key, sub = jax.random.split(key)
    gumbels = -jnp.log(jax.random.exponential(sub, logits.shape, logits.dtype))
    y = jax.nn.softmax((logits + gumbels) / tau, axis=dim)
    if hard:
        onehot = jax.nn.one_hot(jnp.argmax(y, axis=dim), y.shape[dim], dtype=y.dtype, axis=dim)
        y = onehot - jax.lax.stop_gradient(y) + y
    return key, y


_gumbel_k = Kernel(_gumbel, "SoftmaxBackward0")


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """torch.nn.functional.gumbel_softmax (``eps`` is unused, as in torch); the noise comes
    from this library's RNG."""
    return sample(_gumbel_k, None, (logits, tau), (bool(hard), _wrap_dim(dim, logits.ndim)))


def _sdpa(mask_kind, is_causal, dropout, *args):
    key, (q, k, v, scale, p, *mask) = (args[0], args[1:]) if dropout else (None, args)
    hi = jax.lax.Precision.HIGHEST
    s = jnp.einsum("...ld,...sd->...ls", q, k, precision=hi) * scale
    if is_causal:
        s = jnp.where(jnp.tril(jnp.ones(s.shape[-2:], bool)), s, -jnp.inf)
    if mask_kind == "bool":
        s = jnp.where(mask[0], s, -jnp.inf)
    elif mask_kind == "float":
        s = s + mask[0]
    w = jax.nn.softmax(s, -1)
    if dropout:
        key, sub = jax.random.split(key)
        w = jnp.where(jax.random.bernoulli(sub, 1 - p, w.shape), w / (1 - p), 0)
    out = jnp.einsum("...ls,...sd->...ld", w, v, precision=hi).astype(q.dtype)
    return (key, out) if dropout else out


_sdpa_k = Kernel(_sdpa, "ScaledDotProductAttentionBackward0")


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """torch.nn.functional.scaled_dot_product_attention as one kernel (math path: boolean masks
    select, float masks add; attention dropout uses this library's RNG)."""
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    if enable_gqa and query.shape[-3] != key.shape[-3]:
        rep = query.shape[-3] // key.shape[-3]
        key, value = key.repeat_interleave(rep, -3), value.repeat_interleave(rep, -3)
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    kind = "none" if attn_mask is None else "bool" if attn_mask.dtype.category == 0 else "float"
    args = (query, key, value, scale, dropout_p) + (() if attn_mask is None else (attn_mask,))
    if dropout_p > 0:
        return sample(_sdpa_k, None, args, (kind, bool(is_causal), True))
    return apply(_sdpa_k, args, (kind, bool(is_causal), False))


for _fn in (softmax, log_softmax, hardshrink, prelu):  # torch exposes these as Tensor methods too
    tensor_method()(_fn)
