"""OpInfo entries: elementwise ops (unary, binary, comparisons) and nn.functional's activations."""
import numpy as np
import torch

from opinfo import OpInfo, Sample, T, call_in, grid, layouts_of, shapes_of, special_values, torch_forms


# ---- unary ----------------------------------------------------------------------------------------
def unary_samples(kinks=(), **kwargs):
    def samples(dtype):
        vals = special_values(dtype, kinks)
        for t in layouts_of(vals, dtype):
            yield Sample((t,), kwargs)
        for v in shapes_of(dtype)[:3]:  # 0-d, empty, size-1
            yield Sample((T(v, dtype),), kwargs)
        yield Sample((T(np.resize(vals, (3, 4)), dtype, "transposed"),), kwargs)
        yield Sample((T(vals[:4].reshape(1, 4), dtype, "expanded"),), kwargs)
    return samples


UNARY = {
    # name: kinks (points where a piecewise function's derivative jumps, or its domain ends)
    "abs": (0,), "absolute": (0,), "acos": (1, -1), "arccos": (1, -1), "acosh": (1,), "arccosh": (1,),
    "asin": (1, -1), "arcsin": (1, -1), "asinh": (), "arcsinh": (), "atan": (), "arctan": (), "atanh": (1, -1),
    "arctanh": (1, -1), "bitwise_not": (), "ceil": (0.5, 1), "cos": (), "cosh": (), "deg2rad": (), "digamma": (0, -1),
    "erf": (), "erfc": (), "erfinv": (1, -1), "exp": (88.7, 709.8), "exp2": (128,), "expm1": (), "fix": (0.5,),
    "floor": (0.5, 1), "frac": (1,), "i0": (), "lgamma": (0, -1, 2), "log": (0,), "log10": (0,), "log1p": (-1,),
    "log2": (0,), "logical_not": (), "neg": (), "negative": (), "positive": (), "rad2deg": (), "reciprocal": (0,),
    "round": (0.5, 1.5, 2.5), "rsqrt": (0,), "sigmoid": (), "sign": (0,), "sgn": (0,), "signbit": (0,), "sin": (),
    "sinc": (0,), "sinh": (), "sqrt": (0,), "square": (), "tan": (), "tanh": (), "trunc": (0.5,), "relu": (0,),
    "angle": (0,), "conj_physical": (), "isfinite": (), "isinf": (), "isnan": (), "isneginf": (), "isposinf": (),
    "isreal": (), "nan_to_num": (), "logit": (0, 1), "frexp": (), "conj": (), "resolve_conj": (), "resolve_neg": (),
    "selu": (0,), "celu": (0,), "rrelu": (0,), "hardshrink": (0.5, -0.5), "threshold": (),
    "special.expit": (), "special.erfcx": (), "special.ndtr": (), "special.ndtri": (0, 1), "special.log_ndtr": (),
    "special.i0e": (), "special.i1": (), "special.i1e": (), "special.entr": (0,), "special.sinc": (0,),
}
# ops whose torch form takes more arguments than the input
UNARY_ARGS = {"threshold": dict(threshold=0.5, value=-2.0), "hardshrink": {}, "logit": {}}


def unary_ops():
    ops = []

    def off_poles(dtype):
        """Special values without polygamma's poles (0, -1, -2 ...), where both libraries return rounding noise."""
        v = special_values(dtype, (0.5, -0.5))
        return v[~((v <= 0) & (v == np.round(v)))] if dtype != "bool" else v[v]

    def polygamma_samples(dtype):
        for n in (0, 1, 2):
            for t in layouts_of(off_poles(dtype), dtype):
                yield Sample((n, t))
    ops.append(OpInfo("polygamma", polygamma_samples, forms=("torch", "out")))
    ops.append(OpInfo("polygamma", lambda dtype: (Sample((t, n)) for n in (1, 2)
                                                  for t in layouts_of(off_poles(dtype), dtype)),
                      forms=("method", "inplace")))
    for name in ("real", "imag"):
        ops.append(OpInfo(name, lambda dtype: (Sample((t,)) for t in layouts_of(special_values(dtype), dtype)),
                          forms=("torch",), view=False))
    for name, kinks in UNARY.items():
        if "." in name:
            ops.append(OpInfo(name, unary_samples(kinks), forms=("torch",), call=call_in(name), kinks=kinks))
            continue
        kwargs = UNARY_ARGS.get(name, {})
        forms = torch_forms(name)
        if name == "threshold":
            forms = ("torch", "F")  # positional (threshold, value) in both
        ops.append(OpInfo(name, unary_samples(kinks, **kwargs), forms=forms, kinks=kinks))
    ops.append(OpInfo("logit", unary_samples((0, 1), eps=1e-6), forms=torch_forms("logit")))
    ops.append(OpInfo("nan_to_num", unary_samples(nan=1.5, posinf=2.0, neginf=-3.0), forms=torch_forms("nan_to_num")))
    ops.append(OpInfo("round", unary_samples((0.05, 0.15), decimals=1), forms=torch_forms("round")))
    return ops


# ---- binary ---------------------------------------------------------------------------------------
OTHER_DTYPES = {"bool": "int64", "uint8": "int8", "int8": "int16", "int16": "int32", "int32": "int64",
                "int64": "float32", "float16": "bfloat16", "bfloat16": "float32", "float32": "float64",
                "float64": "complex64", "complex64": "float64", "complex128": "bool"}


def binary_samples(kinks=(), scalars=(2, 2.5, True, -0.0), **kwargs):
    def samples(dtype):
        x, y = grid(dtype, kinks=kinks)
        yield Sample((T(x, dtype), T(y, dtype)), kwargs)
        yield Sample((T(x[:12], dtype, "strided"), T(y[:12], dtype)), kwargs)
        a, b = shapes_of(dtype)[3:5]
        yield Sample((T(a, dtype, "transposed"), T(b, dtype)), kwargs)                   # broadcasting
        yield Sample((T(a.reshape(3, 4, 1)[:, :1], dtype), T(b, dtype)), kwargs)         # (3, 1, 1) x (1, 4)
        yield Sample((T(a, dtype), T(np.asarray(b[0, 1]), dtype)), kwargs)                # 0-d other
        yield Sample((T(np.zeros((0, 4), a.dtype), dtype), T(b, dtype)), kwargs)          # empty
        other = OTHER_DTYPES[dtype]
        yield Sample((T(x, dtype), T(special_values(other)[:1].repeat(len(x)), other)), kwargs)  # promotion
        yield Sample((T(a, dtype), T(np.asarray(special_values(other)[2]), other)), kwargs)     # 0-d of another kind
        for s in scalars:
            yield Sample((T(x, dtype), s), kwargs)
    return samples


BINARY = {
    "add": (), "sub": (), "subtract": (), "mul": (), "multiply": (), "div": (0,), "divide": (0,), "true_divide": (0,),
    "floor_divide": (0,), "remainder": (0,), "fmod": (0,), "pow": (0,), "float_power": (0,), "atan2": (0,),
    "arctan2": (0,), "hypot": (0,), "copysign": (0,), "nextafter": (), "logaddexp": (), "logaddexp2": (),
    "xlogy": (0,), "ldexp": (), "maximum": (), "minimum": (), "fmax": (), "fmin": (), "eq": (), "ne": (), "lt": (),
    "le": (), "gt": (), "ge": (), "greater": (), "greater_equal": (), "less": (), "less_equal": (), "not_equal": (),
    "logical_and": (), "logical_or": (), "logical_xor": (), "bitwise_and": (), "bitwise_or": (), "bitwise_xor": (),
    "bitwise_left_shift": (), "bitwise_right_shift": (), "igamma": (0,), "igammac": (0,), "heaviside": (0,),
    "rsub": (), "gcd": (), "lcm": (),
    "special.xlog1py": (0, -1), "special.zeta": (1,), "special.xlogy": (0,),
}


def _moderate(samples):
    """``samples`` without magnitudes above 1e6: JAX's igamma series runs for ~sqrt(a) steps and
    igamma(1e30, 1e30) never returns (a known gap, see the README); torch's asymptotic expansion does."""
    def clip(a):
        if isinstance(a, T) and np.issubdtype(np.asarray(a.values).dtype, np.floating):
            v = np.asarray(a.values)
            return T(np.where(np.abs(v) > 1e6, 7.25, v), a.dtype, a.layout, a.grad)
        return a
    return lambda dtype: (Sample(tuple(clip(a) for a in s.args), s.kwargs, s.grad) for s in samples(dtype))


def _no_int_min(samples):
    """``samples`` without the minimum of the signed integer types: torch's kernels divide it by -1
    (gcd/lcm after |INT_MIN| overflows, div with a rounding mode), and the process dies of SIGFPE."""
    def clip(a):
        v = np.asarray(a.values) if isinstance(a, T) else None
        if v is not None and a.dtype in ("int8", "int16", "int32", "int64"):
            return T(np.where(v == np.iinfo(a.dtype).min, 0, v), a.dtype, a.layout, a.grad)
        return a
    return lambda dtype: (Sample(tuple(clip(a) for a in s.args), s.kwargs, s.grad) for s in samples(dtype))


def binary_ops():
    ops = []
    for name, kinks in BINARY.items():
        if name in ("igamma", "igammac"):
            ops.append(OpInfo(name, _moderate(binary_samples(kinks)), forms=torch_forms(name), kinks=kinks))
            continue
        if name in ("gcd", "lcm"):
            ops.append(OpInfo(name, _no_int_min(binary_samples(kinks)), forms=torch_forms(name), kinks=kinks))
            continue
        if "." in name:
            ops.append(OpInfo(name, binary_samples(kinks), forms=("torch",), call=call_in(name), kinks=kinks))
        else:
            ops.append(OpInfo(name, binary_samples(kinks), forms=torch_forms(name), kinks=kinks))
    ops.append(OpInfo("add", binary_samples(alpha=2), forms=torch_forms("add")))
    ops.append(OpInfo("sub", binary_samples(alpha=2), forms=torch_forms("sub")))
    for mode in ("trunc", "floor"):  # torch's integer INT_MIN // -1 dies of SIGFPE
        ops.append(OpInfo("div", _no_int_min(binary_samples((0,), rounding_mode=mode)), forms=torch_forms("div")))
    return ops


# ---- ternary --------------------------------------------------------------------------------------
def ternary_samples(**kwargs):
    def samples(dtype):
        x, y = grid(dtype)
        z = np.roll(y, 5)
        yield Sample((T(x, dtype), T(y, dtype), T(z, dtype)), kwargs)
        a, b = shapes_of(dtype)[3:5]
        yield Sample((T(a, dtype, "transposed"), T(b, dtype), T(np.asarray(b[0, 2]), dtype)), kwargs)
    return samples


def ternary_ops():
    ops = []
    for name in ("addcmul", "addcdiv", "lerp"):
        ops.append(OpInfo(name, ternary_samples(), forms=torch_forms(name)))
    ops.append(OpInfo("addcmul", ternary_samples(value=0.5), forms=torch_forms("addcmul")))
    ops.append(OpInfo("lerp", lambda dtype: (Sample((T(x, dtype), T(y, dtype), 0.25))
                                              for x, y in [grid(dtype)]), forms=torch_forms("lerp")))

    def clamp_samples(dtype):
        vals = special_values(dtype, (-1, 1))
        lo, hi = (-1, 1) if dtype != "bool" else (False, True)
        for t in layouts_of(vals, dtype):
            yield Sample((t, lo, hi))
        yield Sample((T(vals, dtype),), dict(min=lo))
        yield Sample((T(vals, dtype),), dict(max=hi))
        yield Sample((T(vals, dtype), T(np.full_like(vals, lo), dtype), T(np.full_like(vals, hi), dtype)))
        yield Sample((T(vals, dtype), 2, 1))  # min > max: every element is max
        yield Sample((T(vals, dtype), 0.5, 1.5))
    for name in ("clamp", "clip"):
        ops.append(OpInfo(name, clamp_samples, forms=torch_forms(name), kinks=(-1, 1)))
    for name, bound in (("clamp_min", -1), ("clamp_max", 1)):
        ops.append(OpInfo(name, lambda dtype, bound=bound: (Sample((t, bound)) for t in layouts_of(
            special_values(dtype, (bound,)), dtype)), forms=torch_forms(name), kinks=(bound,)))
    return ops


# ---- activations (nn.functional, and their torch/Tensor forms) ---------------------------------------
ACTIVATIONS = {
    # name: (kinks, kwargs variants)
    "relu": ((0,), [{}]), "relu6": ((0, 6), [{}]), "hardtanh": ((-1, 1), [{}, dict(min_val=-2.0, max_val=3.0)]),
    "hardsigmoid": ((-3, 3), [{}]), "hardswish": ((-3, 3), [{}]), "elu": ((0,), [{}, dict(alpha=0.5)]),
    "selu": ((0,), [{}]), "celu": ((0,), [{}, dict(alpha=2.0)]),
    "leaky_relu": ((0,), [{}, dict(negative_slope=0.2)]), "softplus": ((20, 0), [{}, dict(beta=2, threshold=5)]),
    "softshrink": ((0.5, -0.5), [{}, dict(lambd=1.0)]), "hardshrink": ((0.5, -0.5), [{}, dict(lambd=1.0)]),
    "logsigmoid": ((), [{}]), "silu": ((), [{}]), "mish": ((), [{}]), "gelu": ((), [{}, dict(approximate="tanh")]),
    "tanhshrink": ((), [{}]), "softsign": ((0,), [{}]), "sigmoid": ((), [{}]), "tanh": ((), [{}]),
    "rrelu": ((0,), [{}]),
}


def _takes_inplace(fn):
    code = getattr(fn, "__code__", None)
    return code is not None and "inplace" in code.co_varnames


def activation_ops():
    ops = []
    for name, (kinks, variants) in ACTIVATIONS.items():
        for kwargs in variants:
            ops.append(OpInfo(name, unary_samples(kinks, **kwargs), forms=("F",), kinks=kinks))
            if _takes_inplace(getattr(torch.nn.functional, name)):
                ops.append(OpInfo(name, unary_samples(kinks, **kwargs, inplace=True), forms=("F",), kinks=kinks))
        if hasattr(torch.nn.functional, name + "_"):
            ops.append(OpInfo(name + "_", unary_samples(kinks), forms=("F",), kinks=kinks, grad=False))

    def softmax_samples(dtype):
        vals = np.resize(special_values(dtype), (4, 5))
        for dim in (0, 1, -1):
            yield Sample((T(vals, dtype), dim))
        yield Sample((T(vals, dtype, "transposed"),), dict(dim=-1))
        yield Sample((T(vals, dtype),), dict(dim=1, dtype=torch.float64))
        yield Sample((T(np.zeros((0, 3)), dtype), 1))
        yield Sample((T(np.asarray(1.5), dtype), 0))
    for name in ("softmax", "log_softmax", "softmin"):
        ops.append(OpInfo(name, softmax_samples, forms=("F",) + (("torch", "method") if name != "softmin" else ())))

    def glu_samples(dtype):
        vals = np.resize(special_values(dtype), (4, 5))
        yield Sample((T(vals[:, :4], dtype),))
        yield Sample((T(vals, dtype), 0))
        yield Sample((T(vals, dtype), -1))  # odd size: an error
    ops.append(OpInfo("glu", glu_samples, forms=("F",)))

    def prelu_samples(dtype):
        vals = np.resize(special_values(dtype, (0,)), (2, 3, 4))
        yield Sample((T(vals, dtype), T(np.array([0.25]), dtype)))
        yield Sample((T(vals, dtype), T(np.array([0.25, -1.0, 2.0]), dtype)))
    ops.append(OpInfo("prelu", prelu_samples, forms=torch_forms("prelu"), kinks=(0,)))
    ops.append(OpInfo("threshold_", unary_samples((0.5,), threshold=0.5, value=-2.0), forms=("torch", "F"),
                      grad=False))

    def gumbel_samples(dtype):
        vals = np.resize(special_values(dtype), (4, 5))
        yield Sample((T(vals, dtype),), dict(tau=0.5))
        yield Sample((T(vals, dtype),), dict(hard=True, dim=0))
    ops.append(OpInfo("gumbel_softmax", gumbel_samples, forms=("F",), values=False, grad=False))
    return ops


OPS = unary_ops() + binary_ops() + ternary_ops() + activation_ops()

_NAN_LAYOUT = ("torch's gradient at NaN depends on where the NaN sits (0 inside its vectorised loop, the full "
               "gradient in the scalar loop over a strided input or a tail); torchlike's is always 0")
_POLE = ("within one ulp of a pole (digamma/lgamma' at -1 ± ulp), both values are rounding noise of size 1/ulp and "
         "differ by tens of percent")
COMPLEX_BRANCH = ("complex derivatives at branch points and on branch cuts (±1, ±i, 0, the cut of acosh): torch's "
                  "formulas give NaN or the other side's value, torchlike's JAX derivative 0 or this side's")
COMPLEX_BRANCH_GRADS = ("acos", "arccos", "asin", "arcsin", "asinh", "arcsinh", "atanh", "arctanh", "acosh",
                        "arccosh", "log", "log10", "log1p", "sgn")

XFAIL = {
    ("digamma", "*", "value"): (_POLE, "float64[24]"),
    ("digamma", "*", "grad"): (_POLE, "float64"),
    ("lgamma", "*", "grad"): (_POLE, "float64[27]"),
    ("lgamma", "*", "gradgrad"): (_POLE, "float64"),
    ("i0", "*", "gradgrad"): ("torch's i1(nan) is finite (≈ 0.45, a torch bug); torchlike's i0'' at NaN is NaN",
                              "float64"),
    **{(name, "*", "value"): ("a % b where a / b overflows or underflows in float32/bfloat16 (1e30 % 1e-30, "
                              "1e-30 % 1e30): torch's vectorised kernel computes a - b * floor(a / b) and gives NaN; "
                              "torchlike gives the exact remainder", lambda m: "float32" in m or "bfloat16" in m)
       for name in ("remainder", "fmod")},
    ("hypot", "*", "gradgrad"): ("at |x| ~ 1e-30 both second derivatives are cancellations of terms of size 1/|x|: "
                                 "torch gets 0 or ±1.4e14, torchlike other rounding of the same noise", "float64"),
    ("copysign", "*", "gradgrad"): ("torch differentiates its gradient formula result / self again (NaN at 0 and "
                                    "±inf); torchlike's gradient is the exact ±1, whose derivative is 0", "float64"),
    ("relu6", "F", "grad"): (_NAN_LAYOUT, "<strided>"),
    ("hardtanh", "F", "grad"): (_NAN_LAYOUT, "<strided>"),
    ("hardshrink", "*", "grad"): (_NAN_LAYOUT, "<strided>"),
    ("softshrink", "*", "grad"): (_NAN_LAYOUT, "<strided>"),
    ("mish", "F", "gradgrad"): ("at x = 1e30 torch's double backward gives NaN (inf * 0 in its formula); "
                                "torchlike's is 0, the limit", "float64"),
    ("gelu", "F", "value"): ("float32 gelu(±inf): torch's vectorised kernel gives NaN, torchlike the limit (inf, 0); "
                             "float64 agrees", "float32"),
    ("glu", "F", "gradgrad"): ("at an inf input torch's double backward gives inf, torchlike NaN (inf * 0)",
                               "float64[4x4]"),
    ("prelu", "*", "gradgrad"): ("torch's prelu double backward leaves out the input-weight cross term "
                                 "d(grad_weight)/d(input); torchlike's includes it", "float64"),
    ("sinc", "*", "gradgrad"): ("at ±0 and ±1e-30 torch's sinc double backward is NaN or 0 (cancellation in its "
                                "formula); torchlike gives the limit -pi^2/3 at ±1e-30 and 0 at ±0",
                                "float64"),
    **{(name, "*", "gradgrad"): ("pow's second derivative at a negative base or a zero base/exponent: torch's "
                                 "double-backward formulas special-case these (finite or inf), torchlike "
                                 "differentiates torch's first-derivative formula, NaN where log(base) is", "float64")
       for name in ("pow", "float_power")},
    **{(name, "*", "value"): ("complex powers with an infinite or NaN exponent (1 ** (inf + 0j)): torch gives "
                              "NaN, JAX 1", "complex") for name in ("pow", "float_power")},
    ("pow", "*", "error"): ("pow(bool tensor, True): torch computes it (bool ** bool), torchlike refuses every "
                            "bool base as torch does for tensor exponents", "bool[16], True"),
    ("special.sinc", "*", "gradgrad"): ("torch.special.sinc is torch.sinc: see sinc", "float64"),
    ("special.i1", "*", "grad"): ("torch's i1'(nan) is finite (≈ 0.45, a torch bug); torchlike's is NaN",
                                  "float64[20]"),
    ("special.i1", "*", "gradgrad"): ("at |x| ~ 1e30 torchlike's second derivative is rounding noise of "
                                      "i0(x) - i1(x)/x (≈ 1e14); torch's is 0", "float64[3x4]"),
    ("special.erfcx", "*", "gradgrad"): ("at x = 1e30 torchlike's second derivative is rounding noise (≈ 1e14, "
                                         "cancellation in 2x erfcx(x) - 2/sqrt(pi)); torch's is the true ≈ 1e-30",
                                         "float64"),
    ("special.log_ndtr", "*", "grad"): ("at x = -1e30 torch's derivative overflows to inf; torchlike's JAX "
                                        "derivative underflows (the true value ≈ 1e30)", "float64"),
    ("polygamma", "torch", "gradgrad"): ("digamma'' at +inf: torch gives NaN, torchlike 0 (the limit)", "float64"),
    **{(name, "*", "value"): ("the regularised incomplete gamma at special orders (a NaN, ±inf or negative with "
                              "x = 0 or inf): torch short-circuits to 0/1, JAX gives NaN", "float")
       for name in ("igamma", "igammac")},
    ("heaviside", "*", "grad"): ("torch marks heaviside's result as requiring grad although its backward raises "
                                 "'not implemented'; torchlike's result does not require grad", "float64"),
    ("threshold_", "*", "error"): ("torch writes an expanded integer or bool tensor in place without its overlap "
                                   "check (threshold_ leaves such values as they are); torchlike refuses every "
                                   "overlapping in-place write", "<expanded>"),
    **{(name, "inplace", "grad"): ("torch records no backward for the in-place logical ops (the gradient passes "
                                   "through as if nothing were written); torchlike's is 0, as torch's own eq_ gives",
                                   None) for name in ("logical_not", "logical_and", "logical_or", "logical_xor")},
    **{(name, "*", "grad"): (COMPLEX_BRANCH, "complex128") for name in COMPLEX_BRANCH_GRADS},
    ("copysign", "*", "value"): ("torch's bfloat16 NaN carries the sign bit (float NaN converts to 0xFFC0), so "
                                 "copysign(x, nan) is negative in torch; torchlike's NaN is positive", "bfloat16"),
    **{(name, "*", "value"): ("bfloat16 exp2: torch's vectorised kernel rounds 2^7.1875 (= 145.8) to 152 and "
                              "overflows to inf below bfloat16's maximum; torchlike rounds the float32 value, 148",
                              "bfloat16") for name in ("exp2", "ldexp")},
    ("gelu", "*", "value"): ("float16/bfloat16 gelu at +inf: torch's half-precision kernel gives NaN, torchlike "
                             "inf (as torch's float32)", "float16"),
    ("logaddexp", "*", "error"): ("torch implements logaddexp for complex tensors; torchlike refuses them "
                                  "(NotImplementedError, README)", "Complex"),
    ("pow", "*", "grad"): ("a complex base with a bool exponent: torch's backward raises (bool subtraction); "
                           "torchlike differentiates", "bool"),
    ("float_power", "*", "grad"): ("a complex base with a bool exponent: torch's gradient is NaN; torchlike's "
                                   "the derivative", "bool"),
    ("ldexp", "*", "grad"): ("a real tensor scaled by a complex exponent: torch's backward raises on the dtype "
                             "mix; torchlike differentiates", "complex64"),
}
