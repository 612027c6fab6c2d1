"""torch.special: the functions torch also has at the top level are the same objects (one kernel
per op: ``special.expit`` is ``torch.sigmoid``, ``special.gammaln`` is ``torch.lgamma`` ...); the
rest are kernels on jax.scipy.special, or short series/integrals where JAX has no such function.

The Bessel functions, Airy Ai and the orthogonal polynomials are not differentiable in torch
(their results do not require grad), and here neither. They are computed in float64 and rounded
to the result dtype:

- J0, J1, Y0, Y1: power series for |x| <= 12.5, Hankel's asymptotic expansion beyond;
- K0, K1 (and their scaled forms): power series for x <= 1, else the integral
  K_v(x) = int_0^inf exp(-x cosh t) cosh(v t) dt by the trapezoidal rule (which converges
  geometrically for this integrand);
- Ai: the Maclaurin series for -8 <= x <= 1, Ai(x) = sqrt(x/3) K_{1/3}(2/3 x^{3/2}) / pi above,
  the asymptotic expansion below;
- the polynomials by their three-term recurrences up to the largest degree in the batch (the
  closed trigonometric forms where torch uses them), with torch's values at the interval ends,
  0 for negative (or non-finite) degrees, NaN for Hermite degrees above torch's limit.

torch gives NaN at x = +-inf for J0/J1/Y0/Y1/Ai (its Cephes kernels do); so does this module.
"""
import math

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np
from jax import lax

from . import _dtype
from ._dispatch import Kernel, run
from ._tensor import _TYPE_NAMES, Tensor
from .nn import functional as _F
from .ops import pointwise as _pw
from .ops import reduction as _reduction
from .ops._zeta import hurwitz_zeta
from .ops._util import as_operand, float_dtype, not_implemented_derivative, torch_derivative, write_out

__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
    "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma", "entr", "erf", "erfc",
    "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln", "hermite_polynomial_h",
    "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l", "legendre_polynomial_p", "log1p",
    "log_ndtr", "log_softmax", "logit", "logsumexp", "modified_bessel_i0", "modified_bessel_i1",
    "modified_bessel_k0", "modified_bessel_k1", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round",
    "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "sinc",
    "softmax", "spherical_bessel_j0", "xlog1py", "xlogy", "zeta",
]

# ---- torch's own ops under their special names ------------------------------------------------------
digamma = psi = _pw.digamma
erf, erfc, erfinv = _pw.erf, _pw.erfc, _pw.erfinv
exp2, expm1, log1p = _pw.exp2, _pw.expm1, _pw.log1p
expit = _pw.sigmoid
gammaln = _pw.lgamma
gammainc, gammaincc = _pw.igamma, _pw.igammac
i0 = _pw.i0
logit, polygamma, sinc, xlogy = _pw.logit, _pw.polygamma, _pw.sinc, _pw.xlogy
multigammaln = _pw.mvlgamma
logsumexp = _reduction.logsumexp


def softmax(input, dim, *, dtype=None):
    """torch.special.softmax: torch.nn.functional.softmax."""
    return _F.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """torch.special.log_softmax: torch.nn.functional.log_softmax."""
    return _F.log_softmax(input, dim, dtype=dtype)


# ---- differentiable functions on jax.scipy.special ----------------------------------------------------
@jax.custom_jvp
def _entr(x):
    safe = jnp.where(x > 0, x, 1)
    value = jnp.where(x > 0, -x * jnp.log(safe), jnp.where(x == 0, 0, -jnp.inf).astype(x.dtype))
    return jnp.where(jnp.isnan(x), x, value)


# torch's derivative -(1 + log x) everywhere: NaN below 0, +inf at 0
_entr.defjvp(lambda primals, tangents: (_entr(primals[0]), -(1 + jnp.log(primals[0])) * tangents[0]))


def _xlog1py_value(x, y):
    """x log1p(y): 0 where x == 0 (NaN where y is), with no NaN gradient from the unused branch."""
    safe_y = jnp.where(x == 0, 0, y)
    return jnp.where(jnp.isnan(y), y, jnp.where(x == 0, 0, x * jnp.log1p(safe_y)).astype(x.dtype))


# torch's derivatives: d/dx log1p(y), zero only where x == 0 and y <= -1; d/dy x / (1 + y)
_xlog1py = torch_derivative(_xlog1py_value,
                                lambda x, y, out: jnp.where((x == 0) & (y <= -1), 0, jnp.log1p(y)),
                                lambda x, y, out: x / (y + 1))


# torch differentiates zeta in q only: -x zeta(x + 1, q)
_zeta = torch_derivative(hurwitz_zeta, not_implemented_derivative("zeta"),
                         lambda x, q, out: -x * hurwitz_zeta(x + 1, q))


entr = _pw.unary("entr", _entr, "SpecialEntrBackward0", kinds="bif", kernel_name="entr_cpu")
erfcx = _pw.unary("erfcx", jsp.erfcx, "SpecialErfcxBackward0", kinds="bid", kernel_name="erfcx_cpu")
i0e = _pw.unary("i0e", jsp.i0e, "SpecialI0EBackward0", kinds="bif", kernel_name="i0e_cpu")
# i1' = i0(x) - i1(x) / x, 1/2 at 0 (torch's formula; its derivative at 0 is then 0, as i1 is odd)
_i1 = torch_derivative(lambda x: jnp.where(jnp.isinf(x), jnp.nan, jsp.i1(x)),
                           lambda x, out: jnp.where(x == 0, 0.5, jsp.i0(x) - out / jnp.where(x == 0, 1, x)))
i1 = _pw.unary("i1", _i1, "SpecialI1Backward0", kinds="bif", kernel_name="i1_cpu")
i1e = _pw.unary("i1e", jsp.i1e, "SpecialI1EBackward0", kinds="bif", kernel_name="i1e_cpu")
# torch computes half-precision ndtr in float32 (JAX's ndtr has no float16/bfloat16)
ndtr = _pw.unary("ndtr", lambda x: jsp.ndtr(x.astype(jnp.promote_types(x.dtype, jnp.float32))).astype(x.dtype),
                 "MulBackward1", kinds="bif", kernel_name="ndtr_cpu")
# ndtri' = sqrt(2 pi) exp(ndtri(p)^2 / 2), torch's formula: inf at p = 0 and 1 (JAX's gives 0 there)
_ndtri = torch_derivative(jsp.ndtri, lambda p, out: jnp.sqrt(2 * jnp.pi) * jnp.exp(out * out / 2))
ndtri = _pw.unary("ndtri", _ndtri, "SpecialNdtriBackward0", kinds="bid", kernel_name="ndtri_cpu")
log_ndtr = _pw.unary("log_ndtr", jsp.log_ndtr, "SpecialLogNdtrBackward0", kinds="bid", kernel_name="log_ndtr_cpu")
xlog1py = _pw.binary("xlog1py", _xlog1py,
                     ("SpecialXlog1PyBackward0", "SpecialXlog1PyBackward2", "SpecialXlog1PyBackward1"),
                     compute_dtype=float_dtype, kinds="bif")
zeta = _pw.binary("zeta", _zeta, ("SpecialZetaBackward0", "SpecialZetaBackward2", "SpecialZetaBackward1"),
                  compute_dtype=float_dtype, kinds="bid")


# ---- non-differentiable kernels: float64 series and integrals --------------------------------------------
def _nondiff_unary(name, fn):
    """A unary torch.special function computed by ``fn`` in float64, rounded to the result dtype
    (ints and bool give the default float); the result does not require grad, as in torch."""
    k = Kernel(lambda dtype, x: fn(x.astype(jnp.float64)).astype(dtype), "NotDifferentiable")

    def op(input, *, out=None):
        if input.dtype.category not in (0, 1, 2) or input.dtype in (_dtype.float16, _dtype.bfloat16):
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_TYPE_NAMES[input.dtype]}'")
        return write_out(out, Tensor._from_array(run(k, (input._data,), (float_dtype(input.dtype).jax,))))
    op.__name__ = op.__qualname__ = name
    return op


_EULER = 0.5772156649015329
_SERIES_TERMS = 60
_HARMONIC = np.concatenate([[0.0], np.cumsum(1.0 / np.arange(1, _SERIES_TERMS + 2))])  # H_0 .. H_{N+1}


def _series(x, coefficient):
    """sum_k coefficient(k) * (x^2 / 4)^k for k < _SERIES_TERMS, with the coefficient a host array."""
    c = jnp.asarray([coefficient(k) for k in range(_SERIES_TERMS)], jnp.float64)
    return jnp.polyval(c[::-1], x * x / 4)


def _lgamma_int(k):
    return math.lgamma(k + 1)  # log(k!)


def _j_series(x, order, sign=-1):
    """J_order (sign -1) or I_order (sign +1) by the power series (x/2)^order sum (sign x^2/4)^k / (k! (k+order)!)."""
    s = _series(x, lambda k: sign ** k * math.exp(-_lgamma_int(k) - _lgamma_int(k + order)))
    return s * (x / 2) ** order


def _hankel(x, order):
    """(P, Q) of Hankel's asymptotic expansion of J/Y_order for large x."""
    mu = 4.0 * order * order
    p, q, term = 0.0, 0.0, 1.0
    for k in range(26):
        if k:
            term = term * (mu - (2 * k - 1) ** 2) / (k * 8 * x)
        if k % 2 == 0:
            p = p + (-1) ** (k // 2) * term
        else:
            q = q + (-1) ** (k // 2) * term
    return p, q


_ASYMPTOTIC_FROM = 12.5


def _bessel_jy(x, order, kind):
    """J_order(x) ('j') or Y_order(x) ('y') for order 0 or 1."""
    ax = jnp.abs(x)
    small = jnp.minimum(ax, _ASYMPTOTIC_FROM)
    big = jnp.maximum(ax, _ASYMPTOTIC_FROM)
    p, q = _hankel(big, order)
    chi = big - (order / 2 + 0.25) * jnp.pi
    amp = jnp.sqrt(2 / (jnp.pi * big))
    if kind == "j":
        near = _j_series(small, order)
        far = amp * (p * jnp.cos(chi) - q * jnp.sin(chi))
        value = jnp.where(ax <= _ASYMPTOTIC_FROM, near, far)
        if order == 1:
            value = jnp.where(x < 0, -value, value)  # J1 is odd
        return jnp.where(jnp.isinf(x), jnp.nan, value)
    safe = jnp.where(small > 0, small, 1.0)
    log_term = jnp.log(safe / 2) + _EULER
    if order == 0:
        series = _series(safe, lambda k: (-1) ** (k + 1) * _HARMONIC[k] * math.exp(-2 * _lgamma_int(k)))
        near = 2 / jnp.pi * (log_term * _j_series(safe, 0) + series)
    else:
        series = _series(safe, lambda k: (-1) ** k * (_HARMONIC[k] + _HARMONIC[k + 1] - 2 * _EULER)
                         * math.exp(-_lgamma_int(k) - _lgamma_int(k + 1)))
        near = (-2 / (jnp.pi * safe) + 2 / jnp.pi * jnp.log(safe / 2) * _j_series(safe, 1)
                - safe / (2 * jnp.pi) * series)
    far = amp * (p * jnp.sin(chi) + q * jnp.cos(chi))
    value = jnp.where(ax <= _ASYMPTOTIC_FROM, near, far)
    value = jnp.where(x == 0, -jnp.inf, value)
    return jnp.where((x < 0) | jnp.isinf(x), jnp.nan, value)


_TRAPEZOID_NODES = 64


def _k_integral_scaled(x, order):
    """exp(x) K_order(x) for x > 0 by the trapezoidal rule on exp(-x (cosh t - 1)) cosh(order t)."""
    top = jnp.arccosh(1 + 40 / x)
    h = top / _TRAPEZOID_NODES
    t = h[..., None] * jnp.arange(_TRAPEZOID_NODES + 1)
    f = jnp.exp(-2 * x[..., None] * jnp.sinh(t / 2) ** 2) * jnp.cosh(order * t)
    return h * (f.sum(-1) - f[..., 0] / 2)


def _bessel_k(x, order, scaled):
    """K_order(x) (times exp(x) when ``scaled``) for order 0 or 1: series for x <= 1, integral above."""
    small = jnp.clip(x, 1e-300, 1.0)
    big = jnp.maximum(x, 1.0)
    log_term = jnp.log(small / 2)
    if order == 0:
        near = -(log_term + _EULER) * _j_series(small, 0, 1) + _series(
            small, lambda k: _HARMONIC[k] * math.exp(-2 * _lgamma_int(k)))
    else:
        near = (1 / small + log_term * _j_series(small, 1, 1) - small / 4 * _series(
            small, lambda k: (_HARMONIC[k] + _HARMONIC[k + 1] - 2 * _EULER)
            * math.exp(-_lgamma_int(k) - _lgamma_int(k + 1))))
    if scaled:
        near = near * jnp.exp(small)
    far = _k_integral_scaled(big, order)
    far = far if scaled else far * jnp.exp(-big)
    value = jnp.where(x <= 1, near, far)
    value = jnp.where(x == 0, jnp.inf, value)
    value = jnp.where(jnp.isposinf(x), 0.0, value)
    return jnp.where(x < 0, jnp.nan, value)


_AI0 = 1 / (3 ** (2 / 3) * math.gamma(2 / 3))   # Ai(0)
_AIP0 = 1 / (3 ** (1 / 3) * math.gamma(1 / 3))  # -Ai'(0)


def _airy_ai(x):
    # Maclaurin: Ai = Ai(0) f - (-Ai'(0)) g, f = sum 3^k (1/3)_k x^(3k) / (3k)!, g = sum 3^k (2/3)_k x^(3k+1) / (3k+1)!
    f_c, g_c, f, g = [], [], 1.0, 1.0
    for k in range(40):
        f_c.append(f)
        g_c.append(g)
        f = f / ((3 * k + 2) * (3 * k + 3))
        g = g / ((3 * k + 3) * (3 * k + 4))
    mid = jnp.clip(x, -8.0, 1.0)
    cube = mid ** 3
    near = _AI0 * jnp.polyval(jnp.asarray(f_c[::-1]), cube) - _AIP0 * mid * jnp.polyval(jnp.asarray(g_c[::-1]), cube)
    # x > 1: sqrt(x/3) K_{1/3}(zeta) / pi, zeta = 2/3 x^(3/2)
    up = jnp.maximum(x, 1.0)
    zeta_up = 2 / 3 * up ** 1.5
    above = jnp.sqrt(up / 3) / jnp.pi * _k_integral_scaled(zeta_up, 1 / 3) * jnp.exp(-zeta_up)
    # x < -8: Ai(-z) ~ (cos(zeta - pi/4) P - ... ) / (sqrt(pi) z^(1/4)), coefficients u_k
    z = jnp.maximum(-x, 8.0)
    zeta = 2 / 3 * z ** 1.5
    p, q, u = 0.0, 0.0, 1.0
    for k in range(24):
        if k:
            u = u * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216 * k)
        term = (-1) ** (k // 2) * u / zeta ** k
        p, q = (p + term, q) if k % 2 == 0 else (p, q + term)
    below = (jnp.cos(zeta - jnp.pi / 4) * p + jnp.sin(zeta - jnp.pi / 4) * q) / (jnp.sqrt(jnp.pi) * z ** 0.25)
    value = jnp.where(x > 1, above, jnp.where(x < -8, below, near))
    return jnp.where(jnp.isinf(x), jnp.nan, value)


def _spherical_j0(x):
    small = jnp.abs(x) < 0.5
    safe = jnp.where(small, 1.0, x)
    series = _series(jnp.where(small, x, 0.0) * 2, lambda k: (-1) ** k / math.factorial(2 * k + 1))
    return jnp.where(jnp.isinf(x), 0.0, jnp.where(small, series, jnp.sin(safe) / safe))


bessel_j0 = _nondiff_unary("bessel_j0", lambda x: _bessel_jy(x, 0, "j"))
bessel_j1 = _nondiff_unary("bessel_j1", lambda x: _bessel_jy(x, 1, "j"))
bessel_y0 = _nondiff_unary("bessel_y0", lambda x: _bessel_jy(x, 0, "y"))
bessel_y1 = _nondiff_unary("bessel_y1", lambda x: _bessel_jy(x, 1, "y"))
modified_bessel_k0 = _nondiff_unary("modified_bessel_k0", lambda x: _bessel_k(x, 0, False))
modified_bessel_k1 = _nondiff_unary("modified_bessel_k1", lambda x: _bessel_k(x, 1, False))
scaled_modified_bessel_k0 = _nondiff_unary("scaled_modified_bessel_k0", lambda x: _bessel_k(x, 0, True))
scaled_modified_bessel_k1 = _nondiff_unary("scaled_modified_bessel_k1", lambda x: _bessel_k(x, 1, True))
modified_bessel_i0 = _nondiff_unary("modified_bessel_i0", jsp.i0)
modified_bessel_i1 = _nondiff_unary("modified_bessel_i1", jsp.i1)
airy_ai = _nondiff_unary("airy_ai", _airy_ai)
spherical_bessel_j0 = _nondiff_unary("spherical_bessel_j0", _spherical_j0)


# ---- orthogonal polynomials ---------------------------------------------------------------------------------
def _recurrence(x, n, first, step):
    """P_n(x) elementwise from P_0 = 1, P_1 = first(x) and P_{m+1} = step(m, x, P_{m-1}, P_m), looping
    to the largest n (P_n for n < 0 is handled by the caller)."""
    top = jnp.max(jnp.where(n > 1, n, 1), initial=1)

    def body(state):
        m, prev, cur = state
        nxt = step(m.astype(x.dtype), x, prev, cur)
        keep = m + 1 <= n
        return m + 1, jnp.where(keep, cur, prev), jnp.where(keep, nxt, cur)

    ones = jnp.ones_like(x)
    p1 = first(x)
    _, _, result = lax.while_loop(lambda s: s[0] < top, body, (jnp.asarray(1, n.dtype), ones, p1))
    return jnp.where(n == 0, ones, jnp.where(n == 1, p1, result))


_CHEBYSHEV_FIRST = {"t": lambda y: y, "u": lambda y: 2 * y, "v": lambda y: 2 * y - 1, "w": lambda y: 2 * y + 1}


def _chebyshev(kind, shifted, x, n):
    """Chebyshev polynomials of the four kinds (of 2x - 1 when ``shifted``), torch's branches."""
    y = 2 * x - 1 if shifted else x
    nf = n.astype(x.dtype)
    theta = jnp.arccos(jnp.clip(y, -1, 1))
    odd = n % 2 == 1
    parity = jnp.where(odd, -1.0, 1.0)
    # values at y = 1 (theta = 0) and y = -1 (theta = pi)
    at_one = {"t": 1.0, "u": nf + 1, "v": 1.0, "w": 2 * nf + 1}[kind]
    at_minus_one = parity * {"t": 1.0, "u": nf + 1, "v": 2 * nf + 1, "w": 1.0}[kind]
    if kind == "t":
        closed = jnp.cos(nf * theta)
    elif kind == "u":
        s = jnp.sin(theta)
        closed = jnp.where(s != 0, jnp.sin((nf + 1) * theta) / jnp.where(s != 0, s, 1),
                           (nf + 1) * jnp.cos((nf + 1) * theta) / y)
    elif kind == "v":
        c = jnp.cos(theta / 2)
        closed = jnp.where(jnp.sin(theta / 2) != 1, jnp.cos((nf + 0.5) * theta) / jnp.where(c != 0, c, 1),
                           at_minus_one)
    else:
        s = jnp.sin(theta / 2)
        closed = jnp.where(jnp.cos(theta / 2) != 1, jnp.sin((nf + 0.5) * theta) / jnp.where(s != 0, s, 1),
                           jnp.where(y > 0, at_one, at_minus_one))
    threshold = ({"t": 6, "u": 6, "v": 6, "w": 4} if shifted else {"t": 6, "u": 8, "v": 8, "w": 8})[kind]
    first = _CHEBYSHEV_FIRST[kind]
    rec = _recurrence(y, n, first, lambda m, y, prev, cur: (y + y) * cur - prev)
    value = jnp.where((n > threshold) & (jnp.abs(y) < 1), closed, rec)
    value = jnp.where(y == 1, at_one, jnp.where(y == -1, at_minus_one, value))
    return value


def _hermite_h(x, n):
    return _recurrence(x, n, lambda x: x + x, lambda m, x, prev, cur: (x + x) * cur - (m + m) * prev)


def _hermite_he(x, n):
    return _recurrence(x, n, lambda x: x, lambda m, x, prev, cur: x * cur - m * prev)


def _laguerre(x, n):
    value = _recurrence(x, n, lambda x: 1 - x, lambda m, x, prev, cur: ((m + m + (1 - x)) * cur - m * prev) / (m + 1))
    return jnp.where(x == 0, 1.0, value)


def _legendre(x, n):
    value = _recurrence(x, n, lambda x: x, lambda m, x, prev, cur: ((m + m + 1) * x * cur - m * prev) / (m + 1))
    return jnp.where(jnp.abs(x) == 1, jnp.where((x > 0) | (n % 2 == 0), 1.0, -1.0), value)


def _polynomial(name, fn, limit=None):
    """torch.special.<name>(input, n): ``fn`` on float64 x and int64 degrees (truncated; negative or
    non-finite degrees give 0), rounded to the promoted float dtype; no gradient, as torch."""
    def kernel(dtype, limit, x, n):
        x = jnp.asarray(x).astype(jnp.float64)
        n = jnp.asarray(n)
        if jnp.issubdtype(n.dtype, jnp.floating):
            n = jnp.where(jnp.isfinite(n), n, -1).astype(jnp.int64)
        x, n = jnp.broadcast_arrays(x, n.astype(jnp.int64))
        value = fn(x, n)
        if limit is not None:
            value = jnp.where(n > limit, jnp.nan, value)
        return jnp.where(n < 0, 0.0, value).astype(dtype)
    k = Kernel(kernel, "NotDifferentiable")

    def op(input, n, *, out=None):
        input, n = as_operand(input), as_operand(n)
        dt = float_dtype(_dtype.result_type_of((input, n)))
        arrays = [a._data if isinstance(a, Tensor) else a for a in (input, n)]
        cap = None if limit is None else limit[dt.name == "float64"]
        return write_out(out, Tensor._from_array(run(k, tuple(arrays), (dt.jax, cap))))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"torch.special.{name}(input, n): elementwise, input and n tensors or numbers; no gradient."
    return op


def _chebyshev_op(kind, shifted):
    name = f"{'shifted_' if shifted else ''}chebyshev_polynomial_{kind}"
    return _polynomial(name, lambda x, n: _chebyshev(kind, shifted, x, n))


chebyshev_polynomial_t, chebyshev_polynomial_u = _chebyshev_op("t", False), _chebyshev_op("u", False)
chebyshev_polynomial_v, chebyshev_polynomial_w = _chebyshev_op("v", False), _chebyshev_op("w", False)
shifted_chebyshev_polynomial_t, shifted_chebyshev_polynomial_u = _chebyshev_op("t", True), _chebyshev_op("u", True)
shifted_chebyshev_polynomial_v, shifted_chebyshev_polynomial_w = _chebyshev_op("v", True), _chebyshev_op("w", True)
hermite_polynomial_h = _polynomial("hermite_polynomial_h", _hermite_h, limit=(128, 512))
hermite_polynomial_he = _polynomial("hermite_polynomial_he", _hermite_he, limit=(128, 512))
laguerre_polynomial_l = _polynomial("laguerre_polynomial_l", _laguerre)
legendre_polynomial_p = _polynomial("legendre_polynomial_p", _legendre)

def round(input, *, decimals=0, out=None):  # noqa: A001 - torch's name
    """torch.special.round: torch.round, except that integer and bool inputs raise
    NotImplementedError (torch's special form goes to a floating-point kernel)."""
    if input.dtype.category < 2:
        kernel = "round_cpu" if decimals else "round_vml_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_TYPE_NAMES[input.dtype]}'")
    return _pw.round(input, decimals=decimals, out=out)


for _name in ("bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
              "modified_bessel_k0", "modified_bessel_k1",
              "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "airy_ai", "spherical_bessel_j0"):
    globals()[_name].__doc__ = f"torch.special.{_name}: elementwise, float64 inside; no gradient, as in torch."
for _fn in (entr, erfcx, i0e, i1, i1e, ndtr, ndtri, log_ndtr, xlog1py, zeta):
    _fn.__doc__ = f"torch.special.{_fn.__name__}: elementwise, jax.scipy.special's, differentiable."
