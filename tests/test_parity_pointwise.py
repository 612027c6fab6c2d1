"""Parity rows for the pointwise ops, their in-place forms and Python operators.

Shapes are shared between rows (mostly (2, 3)) so compiled kernels are reused.
"""
import numpy as np
import pytest

from parity import Case, check, expect_error, positive, rand

X = rand(2, 3)                                      # float32 in [-2, 2)
Y = rand(2, 3, seed=1)
P = positive(2, 3)                                  # float32 in [0.1, 3)
U = rand(2, 3, low=-0.9, high=0.9, seed=2)          # inside (-1, 1)
I = rand(2, 3, dtype="int64", low=-5, high=6)
J = rand(2, 3, dtype="int64", low=1, high=4, seed=3)  # non-zero divisors
B = rand(2, 3, dtype="bool")
B2 = rand(2, 3, dtype="bool", seed=5)
SPECIAL = np.array([np.nan, np.inf, -np.inf, 1.5, -0.0, 0.0], np.float32).reshape(2, 3)

_FLOAT_UNARY = {  # name: domain sample
    "acos": U, "arccos": U, "acosh": P + 1, "arccosh": P + 1, "asin": U, "arcsin": U, "asinh": X, "arcsinh": X,
    "atan": X, "arctan": X, "atanh": U, "arctanh": U, "cos": X, "cosh": X, "sin": X, "sinh": X, "tan": U, "tanh": X,
    "sinc": X, "exp": X, "exp2": X, "expm1": X, "log": P, "log10": P, "log1p": P, "log2": P, "sqrt": P, "rsqrt": P,
    "reciprocal": P, "sigmoid": X, "deg2rad": X, "rad2deg": X, "erf": X, "erfc": X, "erfinv": U, "lgamma": P,
    "digamma": P, "i0": X, "logit": U * 0.5 + 0.5, "angle": X,
}
_SAME_UNARY = ["abs", "absolute", "neg", "negative", "sign", "sgn", "square", "ceil", "floor", "trunc", "fix", "frac",
               "relu", "positive", "conj_physical", "real", "round"]

CASES = [Case(f"{n}", lambda L, a, n=n: getattr(L, n)(a), (x,)) for n, x in _FLOAT_UNARY.items()]
# torch's sgn gradient is a ZeroTensor, which the harness cannot read
CASES += [Case(f"{n}_method", lambda L, a, n=n: getattr(a, n)(), (X,), grad=n != "sgn") for n in _SAME_UNARY
          if n != "real"]
CASES += [
    # integer / bool inputs: which ops keep the dtype and which go to float32
    Case("float_ops_int", lambda L, a: tuple(getattr(L, n)(a) for n in ("exp", "sqrt", "sin", "reciprocal",
                                                                          "sigmoid", "angle", "deg2rad", "erf")),
         (J,)),
    Case("float_ops_bool", lambda L, a: (L.exp(a), L.log1p(a), L.atan(a), L.rsqrt(a), L.lgamma(a)), (B,)),
    Case("same_ops_int", lambda L, a: (L.abs(a), -a, L.sign(a), L.square(a), L.floor(a), L.ceil(a), L.round(a),
                                       L.trunc(a), L.relu(a), L.sgn(a), L.fix(a), L.positive(a)), (I,)),
    Case("same_ops_bool", lambda L, a: (L.sign(a), L.square(a), L.sgn(a), L.conj_physical(a), L.real(a)), (B,)),
    Case("signbit_logical_not", lambda L, a, i, b: (L.signbit(a), L.signbit(i), L.signbit(b), L.logical_not(a),
                                                     L.logical_not(i), L.logical_not(b)), (SPECIAL, I, B)),
    Case("round_decimals", lambda L, a: (L.round(a * 100, decimals=1), a.round(decimals=2),
                                         L.round(a * 1000, decimals=-2)), (X,)),
    Case("logit_eps", lambda L, a: (L.logit(a, eps=0.2), a.logit(0.1)), (U * 0.5 + 0.5,)),
    Case("nan_to_num", lambda L, a: (L.nan_to_num(a), a.nan_to_num(nan=1.0, posinf=2.0), L.nan_to_num(a, neginf=-5.0)),
         (SPECIAL,)),
    Case("nan_to_num_half_int", lambda L, a, i: (L.nan_to_num(a.half()), L.nan_to_num(i, nan=2.0)), (SPECIAL, I)),
    Case("special_values", lambda L, a: (L.sign(a), L.angle(a), L.frac(a), L.relu(a), L.sqrt(a), L.digamma(a),
                                         L.sigmoid(a), L.rsqrt(a)), (SPECIAL,)),
    Case("digamma_lgamma_poles", lambda L, a: (L.digamma(a), L.lgamma(a)),
         (np.array([0.0, -1.0, -2.5, 1.0], np.float32),)),
    Case("polygamma", lambda L, a: (L.polygamma(0, a), L.polygamma(1, a), L.polygamma(2, a), a.polygamma(1)), (P,),
         tol=(1e-4, 1e-4)),
    Case("mvlgamma", lambda L, a: (L.mvlgamma(a, 1), L.mvlgamma(a + 1, 2), (a + 2).mvlgamma(3)), (P,),
         tol=(1e-4, 1e-4)),
    Case("frexp", lambda L, a: (L.frexp(a), a.frexp().exponent, L.frexp(a.double()).mantissa), (X,)),
    Case("float64_half", lambda L, a: (L.exp(a.double()), L.tanh(a.half()), L.log1p(a.abs().half())), (X,),
         tol=(1e-2, 1e-2)),
    # binary float ops
    Case("atan2", lambda L, a, b: (L.atan2(a, b), L.arctan2(a, b)), (X, Y)),
    Case("atan2_int", lambda L, a, b: L.atan2(a, b), (I, J)),
    Case("hypot_logaddexp", lambda L, a, b: (L.hypot(a, b), L.logaddexp(a, b), L.logaddexp2(a, b)), (X, Y)),
    Case("copysign", lambda L, a, b: (L.copysign(a, b), L.copysign(a, -1.0), a.copysign(2)), (X, Y)),
    Case("copysign_int", lambda L, a, b: L.copysign(a, b), (I, J)),
    Case("xlogy", lambda L, a, b: (L.xlogy(a, b), L.xlogy(a, 2.0), L.xlogy(3, b)), (X, P)),
    Case("xlogy_special", lambda L, a, b: L.xlogy(a, b),
         (np.array([0.0, 0.0, 1.0, 2.0], np.float32), np.array([np.nan, 0.0, 0.0, np.inf], np.float32)), grad=False),
    # torch's ldexp gradient computes 2 ** other in integers (0 for negative exponents): non-negative ones here
    Case("ldexp", lambda L, a, e: (L.ldexp(a, e), a.ldexp(e - 1)), (X, J)),
    Case("ldexp_int", lambda L, a, e: L.ldexp(a, e), (I, J)),
    Case("igamma", lambda L, a, x: (L.igamma(a.detach(), x), L.igammac(a.detach(), x)), (P, P * 0.7)),
    Case("nextafter", lambda L, a, b: L.nextafter(a, b) - a, (X, Y), grad=False),
    Case("float_power", lambda L, a, b, i: (L.float_power(a, b), L.float_power(a, 2), L.float_power(i, 2),
                                            L.float_power(2, a)), (P, X, I)),
    Case("pow_variants", lambda L, a, b: (L.pow(a, b), a.pow(3), L.pow(2.0, b), a ** -0.5), (P, X)),
    Case("pow_int", lambda L, a, b, c: (L.pow(a, b), a ** 2, 2 ** b, L.pow(c, -1.5), L.pow(a, 0.5)),
         (I, J, J)),
    Case("pow_int_negative_tensor_exponent", lambda L, a, b: L.pow(a, b),
         (np.array([1, -1, -1, 2, 0, 3], np.int64), np.array([-1, -1, -2, -1, 2, -3], np.int64))),
    Case("pow_bool", lambda L, a: (a ** 2, L.pow(True, a.long())), (B,)),
    # integer-valued division family
    Case("floor_divide", lambda L, a, b: (L.floor_divide(a, b), a // 0.7, 3.0 // b), (X, P), grad=False),
    Case("floor_divide_int", lambda L, a, b: (L.floor_divide(a, b), a // b, a // -2, 7 // b, a // 2.5), (I, J)),
    Case("remainder", lambda L, a, b: (L.remainder(a, b), a % 0.7, a % -0.7, 2.5 % b.detach()), (X, P)),
    Case("remainder_int", lambda L, a, b: (L.remainder(a, b), a % -2, 7 % b, a.remainder(3), -7.5 % b), (I, J)),
    Case("fmod", lambda L, a, b: (L.fmod(a, b), L.fmod(a, -0.7), a.fmod(b)), (X, P)),
    Case("fmod_int", lambda L, a, b: (L.fmod(a, b), L.fmod(a, -2), L.fmod(a, 2.5)), (I, J)),
    Case("div_modes_int", lambda L, a, b: (L.div(a, b), L.div(a, b, rounding_mode="trunc"),
                                           L.true_divide(a, 2), L.divide(a, b, rounding_mode="floor")), (I, J)),
    Case("float_zero_division", lambda L, a: (L.remainder(a, 0.0), L.fmod(a, 0.0), a // 0.0, a / 0), (X,),
         grad=False),
    # bitwise / logical
    Case("bitwise_int", lambda L, a, b: (L.bitwise_and(a, b), L.bitwise_or(a, b), L.bitwise_xor(a, b), a & 6, 3 | a,
                                         a ^ b, ~a, L.bitwise_not(a), a & True), (I, J)),
    Case("bitwise_bool", lambda L, a, b: (a & b, a | b, a ^ b, ~a, L.bitwise_xor(a, True), a & 2), (B, B2)),
    Case("shifts", lambda L, a, b: (a << b, a >> b, L.bitwise_left_shift(a, 2), a >> 1, 1 << b, 64 >> b,
                                    L.bitwise_right_shift(a, 70), L.bitwise_left_shift(a, 70), a >> -1), (I, J)),
    Case("shifts_small_ints", lambda L, a: (a.to(L.uint8) << 7, a.to(L.int8) >> 2, a.to(L.int16) << 15,
                                            a.to(L.uint8) >> 1), (I,)),
    Case("bitwise_mixed_dtypes", lambda L, a, b: (a.to(L.uint8) & b.to(L.int8), a.int() | b, a.to(L.uint8) ^ True),
         (I, J)),
    Case("logical", lambda L, a, i, b: (L.logical_and(a, i), L.logical_or(a, b), L.logical_xor(i, b),
                                        a.logical_and(b)), (SPECIAL, I, B)),
    # ternary
    Case("lerp", lambda L, a, b, w: (L.lerp(a, b, 0.3), L.lerp(a, b, 0.8), L.lerp(a, b, w), a.lerp(b, -1.5)),
         (X, Y, rand(3, seed=7))),
    Case("addcmul_addcdiv", lambda L, a, b, c: (L.addcmul(a, b, c), L.addcmul(a, b, c, value=-0.5),
                                                L.addcdiv(a, b, c), a.addcdiv(b, c, value=2)), (X, Y, P)),
    Case("addcmul_int", lambda L, a, b, c: (L.addcmul(a, b, c, value=2), L.addcmul(a, b, c, value=2.5),
                                            L.addcmul(a.float(), b, c, value=0.5)), (I, J, J)),
    Case("addcdiv_mixed", lambda L, a, b, c: L.addcdiv(a, b, c), (I, X, P)),
    # clamp
    Case("clamp_tensor_bounds", lambda L, a, lo, hi: (L.clamp(a, lo, hi), L.clamp(a, min=lo), L.clip(a, max=hi),
                                                      L.clamp_min(a, lo), L.clamp_max(a, hi)), (X, Y - 1, Y + 1)),
    Case("clamp_min_max_scalar", lambda L, a: (L.clamp_min(a, 0.1), L.clamp_max(a, -0.2), L.clamp(a, 1.0, 0.0),
                                               a.clamp_min(0.3), a.clamp_max(0.3)), (X,)),
    Case("clamp_int_promotes", lambda L, i, x: (L.clamp(i, x), L.clamp(i, 0.5), L.clamp(i, -1, 2), L.clamp_min(i, 1.5),
                                                L.clamp_max(i, 1), L.clamp(i, max=L.tensor(2.5))), (I, X)),
    Case("clamp_bool", lambda L, b: L.clamp(b, 0), (B,)),
    Case("clamp_nan", lambda L, a: (L.clamp(a, -1.0, 1.0), L.clamp(a, min=float("nan"))), (SPECIAL,), grad=False),
    # promotion and alpha
    Case("add_sub_mul_mixed", lambda L, i, x, b: (i + x, i * 2.5, b + b, b * i, x - i, L.sub(i, x, alpha=2),
                                                  L.add(i, 3, alpha=2), L.multiply(b, True), L.subtract(x, 1.5)),
         (I, X, B)),
    Case("zero_dim_promotion", lambda L, x, i: (x + L.tensor(1.0, dtype=L.float64), i + L.tensor(1.5),
                                                x.half() * L.tensor(2.0), i.int() + L.tensor(3)), (X, I)),
    Case("rsub_rdiv", lambda L, a: (1 - a, 2 / a, 3 // a.detach() + a, -a), (P,)),
    Case("complex_inputs", lambda L, z: (L.abs(z), L.sgn(z), L.angle(z), L.real(z), L.imag(z), z.imag, L.exp(z),
                                         L.sqrt(z), L.conj_physical(z), z * 2.5, L.square(z)),
         (rand(2, 3, dtype="complex64"),), grad=False),
    # relu/abs gradient at zero
    Case("grad_at_zero", lambda L, a: (L.relu(a), L.abs(a), L.copysign(a, -1.0), L.clamp(a, 0.0, 1.0)),
         (np.array([0.0, -0.0, 1.0, -1.0], np.float32),)),
]


_INPLACE_FLOAT = [  # (input index, in-place call): inputs are (x, y, p, u) as in the row below
    (0, lambda t, y, p: t.mul_(y)), (0, lambda t, y, p: t.add_(y, alpha=2)), (0, lambda t, y, p: t.sub_(1)),
    (0, lambda t, y, p: t.div_(p)), (0, lambda t, y, p: t.clamp_(-1, 1)), (0, lambda t, y, p: t.exp_()),
    (2, lambda t, y, p: t.sqrt_()), (2, lambda t, y, p: t.log_()), (0, lambda t, y, p: t.abs_()),
    (0, lambda t, y, p: t.neg_()), (0, lambda t, y, p: t.sigmoid_()), (0, lambda t, y, p: t.lerp_(y, 0.3)),
    (0, lambda t, y, p: t.addcmul_(y, p, value=0.5)), (3, lambda t, y, p: t.tanh_()), (3, lambda t, y, p: t.asin_()),
    (0, lambda t, y, p: t.pow_(2)), (0, lambda t, y, p: t.clamp_min_(0.01)), (3, lambda t, y, p: t.logit_(0.02)),
    (0, lambda t, y, p: t.relu_()), (0, lambda t, y, p: t.remainder_(0.7)), (0, lambda t, y, p: t.fmod_(p)),
    (0, lambda t, y, p: t.copysign_(y)), (0, lambda t, y, p: t.hypot_(y)), (2, lambda t, y, p: t.xlogy_(p)),
    (0, lambda t, y, p: t.square_()), (0, lambda t, y, p: t.round_(decimals=1)), (0, lambda t, y, p: t.clip_(max=p)),
]


def _inplace(L, x, y, p, u):
    """Each in-place method on its own clone; gradients flow back through the clones."""
    inputs = (x, y, p, u)
    out = [op(inputs[i].clone(), y, p) for i, op in _INPLACE_FLOAT]
    e = x.clone()
    e += y
    e -= 1
    e *= p
    e /= 2
    e **= 2
    e %= 0.7
    f = x.detach().clone()  # floor_divide has no derivative in torch
    f.floor_divide_(0.5)
    f //= 0.3
    return out, e, f


def _inplace_int(L, i, j, b):
    a, c, d = i.clone(), b.clone(), i.clone()
    a.bitwise_and_(j).bitwise_or_(3).bitwise_xor_(j).bitwise_left_shift_(2).bitwise_right_shift_(1)
    a.floor_divide_(j).remainder_(j).abs_().neg_().square_().clamp_max_(5).sign_()
    c.logical_not_().logical_or_(b).bitwise_not_()
    d &= j
    d |= 8
    d ^= j
    d <<= j
    d >>= 1
    d //= 2
    d %= 5
    return a, c, d


CASES += [
    Case("inplace_float", _inplace, (X, Y, P, U)),
    Case("inplace_int_bool", _inplace_int, (I, J, B)),
    Case("inplace_view_write", lambda L, a: (lambda t: (t[0].mul_(3), t[:, 1].exp_(), t))(a.clone()), (X,)),
    Case("float_power_inplace", lambda L, a: a.double().float_power_(2), (X,)),
    Case("out_argument", lambda L, a, b: (lambda o: (L.atan2(a, b, out=o), o))(L.empty(2, 3)), (X, Y), grad=False),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)


def test_same_object_returns():
    """torch returns the input itself from positive, real and conj_physical of real tensors."""
    import torchlike as L
    x = L.tensor([1.0, -2.0])
    assert L.positive(x) is x and L.real(x) is x and x.real is x and L.conj_physical(x) is x and +x is x
    assert L.trunc(x) is not x


def test_methods_match_torch():
    """Every op is a Tensor method, with an in-place form exactly where torch has one."""
    import torch
    import torchlike
    from torchlike.ops import pointwise
    for name in pointwise.__all__:
        assert hasattr(torchlike, name)
        for attr in (name, name + "_"):
            assert hasattr(torchlike.Tensor, attr) == hasattr(torch.Tensor, attr), attr


ERRORS = {
    "invert_float": lambda L: ~L.tensor([1.5]),
    "sub_bool": lambda L: L.tensor([True]) - L.tensor([False]),
    "sub_bool_scalar": lambda L: L.tensor([1, 2]) - True,
    "neg_bool": lambda L: -L.tensor([True]),
    "pos_bool": lambda L: +L.tensor([True]),
    "relu_bool": lambda L: L.relu(L.tensor([True])),
    "abs_bool": lambda L: L.abs(L.tensor([True])),
    "floor_bool": lambda L: L.floor(L.tensor([True])),
    "frac_int": lambda L: L.frac(L.tensor([1])),
    "round_decimals_int": lambda L: L.round(L.tensor([1]), decimals=1),
    "bitwise_float": lambda L: L.bitwise_and(L.tensor([1.0]), 1),
    "or_float_scalar": lambda L: L.tensor([1]) | 1.5,
    "bitwise_not_float": lambda L: L.tensor([1.0]).bitwise_not(),
    "shift_bool": lambda L: L.tensor([True]) << L.tensor([True]),
    "pow_bool": lambda L: L.pow(L.tensor([True]), L.tensor([True])),
    "pow_int_negative_scalar": lambda L: L.tensor([2]) ** -1,
    "remainder_int_zero": lambda L: L.tensor([3]) % 0,
    "floor_divide_int_zero_tensor": lambda L: L.tensor([3, 4]) // L.tensor([1, 0]),
    "fmod_int_zero": lambda L: L.fmod(L.tensor([3]), 0),
    "div_trunc_int_zero": lambda L: L.div(L.tensor([3]), 0, rounding_mode="trunc"),
    "div_bad_mode": lambda L: L.div(L.tensor([3.0]), 2, rounding_mode="round"),
    "hypot_int": lambda L: L.hypot(L.tensor([3]), L.tensor([4])),
    "hypot_scalar": lambda L: L.hypot(L.tensor([3.0]), 4.0),
    "atan2_scalar": lambda L: L.atan2(L.tensor([3.0]), 4),
    "logical_and_scalar": lambda L: L.logical_and(L.tensor([3.0]), 1),
    "lerp_dtype": lambda L: L.lerp(L.tensor([1.0]), L.tensor([2.0], dtype=L.float64), 0.5),
    "lerp_weight_dtype": lambda L: L.lerp(L.tensor([1.0]), L.tensor([2.0]), L.tensor([1])),
    "lerp_int": lambda L: L.lerp(L.tensor([1]), L.tensor([2]), 0.5),
    "addcdiv_int": lambda L: L.addcdiv(L.tensor([1.0]), L.tensor([1]), L.tensor([2])),
    "addcmul_bool": lambda L: L.addcmul(L.tensor([True]), L.tensor([True]), L.tensor([True])),
    "clamp_none": lambda L: L.clamp(L.tensor([1.0])),
    "polygamma_negative": lambda L: L.polygamma(-1, L.tensor([1.0])),
    "polygamma_float_n": lambda L: L.polygamma(1.0, L.tensor([1.0])),
    "mvlgamma_p0": lambda L: L.mvlgamma(L.tensor([3.0]), 0),
    "frexp_int": lambda L: L.frexp(L.tensor([3])),
    "imag_real_tensor": lambda L: L.imag(L.tensor([3.0])),
    "sqrt_inplace_int": lambda L: L.tensor([4]).sqrt_(),
    "float_power_inplace_float32": lambda L: L.tensor([4.0]).float_power_(2),
    "inplace_broadcast": lambda L: L.tensor([4.0]).add_(L.tensor([1.0, 2.0])),
    "shape_mismatch": lambda L: L.tensor([1.0, 2.0]) * L.tensor([1.0, 2.0, 3.0]),
    "sign_complex": lambda L: L.sign(L.tensor([1j])),
    "clamp_complex": lambda L: L.clamp(L.tensor([1j]), 0),
}


@pytest.mark.parametrize("name", ERRORS)
def test_error_parity(name):
    t_err, l_err = expect_error(ERRORS[name])
    if name not in ("shape_mismatch", "sign_complex"):  # torch's wording there is not matched
        assert str(l_err).split("\n")[0][:40] == str(t_err).split("\n")[0][:40]
