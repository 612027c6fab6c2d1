"""Parity rows for torch.special (torchlike/special.py): values (special values included), dtypes,
gradients where torch has them, scalar/tensor argument forms, errors; and the one-kernel-per-op
rule (torch.special's names for torch's own ops are the same functions)."""
import math

import numpy as np
import pytest
import torch

import torchlike
from parity import Case, check, expect_error, rand

SPECIAL = np.array([-math.inf, -2.5, -1.0, -0.0, 0.0, 1e-30, 0.5, 1.0, 3.0, math.inf, math.nan])
GRID64 = np.concatenate([np.linspace(-20, 20, 41), np.linspace(-3, 3, 13), SPECIAL])
GRID32 = GRID64.astype("float32")
X64, X32 = rand(2, 5, dtype="float64", low=-3, high=3), rand(2, 5, low=-3, high=3, seed=1)
P64 = rand(2, 5, dtype="float64", low=0.01, high=0.99, seed=2)
POS64 = rand(2, 5, dtype="float64", low=0.1, high=4.0, seed=3)
XPOLY = np.concatenate([np.linspace(-2, 2, 17), [1.0, -1.0, 0.0, 0.5, 0.3]])
NPOLY = np.array([-1, 0, 1, 2, 3, 5, 7, 9, 12])

DIFFERENTIABLE = ["entr", "erfcx", "i0e", "i1", "i1e", "ndtr", "log_ndtr", "expit", "gammaln", "psi", "digamma",
                  "erf", "erfc", "exp2", "expm1", "log1p", "sinc", "i0", "modified_bessel_i0"]
NOT_DIFFERENTIABLE = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i1", "modified_bessel_k0",
                      "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
                      "spherical_bessel_j0"]
POLYNOMIALS = [f"{p}chebyshev_polynomial_{k}" for p in ("", "shifted_") for k in "tuvw"] + [
    "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p"]


def _all(names, **kw):
    return lambda L, x: tuple(getattr(L.special, n)(x, **kw) for n in names)


def _polys(L, x, n):
    return tuple(getattr(L.special, p)(x[:, None], n) for p in POLYNOMIALS)


def _poly_forms(L, x, n):
    s = L.special
    return (s.chebyshev_polynomial_t(x, 3), s.legendre_polynomial_p(0.5, n), s.hermite_polynomial_h(x, 2.7),
            s.laguerre_polynomial_l(x.long(), n), s.chebyshev_polynomial_u(x, n.double()), s.hermite_polynomial_he(
                x, L.tensor([float("nan"), float("inf"), 600.0, 3.0])[:, None]))


CASES = [
    Case("differentiable_f64", _all(DIFFERENTIABLE), (X64,)),
    Case("differentiable_f32", _all(DIFFERENTIABLE), (X32,)),
    Case("differentiable_special_values", _all(DIFFERENTIABLE + ["ndtri", "logit"]), (SPECIAL,), grad=False),
    Case("unit_interval", lambda L, p: (L.special.ndtri(p), L.special.logit(p), L.special.logit(p, eps=0.1),
                                        L.special.erfinv(p)), (P64,)),
    Case("integer_inputs", _all(DIFFERENTIABLE + NOT_DIFFERENTIABLE + ["airy_ai"]),
         (rand(6, dtype="int64", low=-3, high=4),), grad=False),
    # torch's bessel_y1(6.0) is 1.3e-7 off (scipy: -0.1750103443003983; torchlike within 1e-12)
    Case("bessel_f64", _all(NOT_DIFFERENTIABLE), (GRID64,), tol=(1e-6, 1e-7)),
    Case("bessel_f32", _all(NOT_DIFFERENTIABLE), (GRID32,), tol=(2e-5, 1e-6)),
    # torch's airy_ai is itself about 2e-7 off near x = -2.5 (this one is within 1e-9 of scipy)
    Case("airy_ai", lambda L, x, y: (L.special.airy_ai(x), L.special.airy_ai(y)), (GRID64, GRID32),
         tol=(1e-6, 1e-6)),
    Case("polynomials_f64", _polys, (XPOLY, NPOLY)),
    # torch computes the float32 recurrences in float32, torchlike in float64 (rounded once)
    Case("polynomials_f32", _polys, (XPOLY.astype("float32"), NPOLY), tol=(5e-5, 2e-6)),
    Case("polynomial_argument_forms", _poly_forms, (XPOLY[:4, None].T.copy().reshape(4, 1), NPOLY[:4])),
    Case("xlog1py", lambda L, x, y: (L.special.xlog1py(x, y), L.special.xlog1py(x, 2.0), L.special.xlog1py(0, y),
                                     L.special.xlog1py(x * 0, y - 5), L.special.xlogy(x, y)), (X64, POS64)),
    Case("zeta", lambda L, x, q: (L.special.zeta(x + 1, q), L.special.zeta(2.0, q), L.special.zeta(x + 1, 1.5)),
         (POS64, POS64[::-1].copy()), grad=False),
    Case("gammainc", lambda L, a, x: (L.special.gammainc(a, x), L.special.gammaincc(a, x)), (POS64, POS64[::-1].copy()),
         grad=False),
    Case("softmax_family", lambda L, x: (L.special.softmax(x, 1), L.special.log_softmax(x, 0),
                                         L.special.softmax(x, -1, dtype=L.float64), L.special.logsumexp(x, 1),
                                         L.special.logsumexp(x, (0, 1), keepdim=True)), (X32,)),
    Case("gamma_family", lambda L, x: (L.special.multigammaln(x, 3), L.special.polygamma(2, x),
                                       L.special.round(x * 10, decimals=-1), L.special.round(x)), (POS64 + 2,)),
    Case("out", lambda L, x: (L.special.i1e(x, out=L.empty(0, dtype=L.float64)),
                              L.special.bessel_j0(x, out=L.empty(2, 5, dtype=L.float64))), (X64,), grad=False),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)


def test_same_kernels_as_torch_namespace():
    """torch.special's names for ops torch has at the top level are the same functions here."""
    s = torchlike.special
    pairs = [(s.expit, torchlike.sigmoid), (s.gammaln, torchlike.lgamma), (s.psi, torchlike.digamma),
             (s.digamma, torchlike.digamma), (s.erf, torchlike.erf), (s.erfinv, torchlike.erfinv),
             (s.multigammaln, torchlike.mvlgamma), (s.gammainc, torchlike.igamma), (s.gammaincc, torchlike.igammac),
             (s.i0, torchlike.i0), (s.logsumexp, torchlike.logsumexp),
             (s.xlogy, torchlike.xlogy), (s.sinc, torchlike.sinc), (s.polygamma, torchlike.polygamma)]
    for special_fn, torch_fn in pairs:
        assert special_fn is torch_fn, special_fn
    assert sorted(n for n in dir(torch.special) if not n.startswith("_") and callable(getattr(torch.special, n))
                  and n != "Tensor") == sorted(s.__all__)


def test_not_differentiable_like_torch():
    """torch's Bessel, Airy and polynomial results do not require grad; neither do torchlike's."""
    for lib in (torch, torchlike):
        x = lib.tensor([0.5, 1.5], requires_grad=True)
        assert not lib.special.bessel_j0(x).requires_grad
        assert not lib.special.airy_ai(x).requires_grad
        assert not lib.special.chebyshev_polynomial_t(x, 3).requires_grad
        assert lib.special.i1(x).requires_grad


ERRORS = [
    ("bessel_complex", lambda L: L.special.bessel_j0(L.ones(2, dtype=L.complex64))),
    ("bessel_half", lambda L: L.special.bessel_y1(L.ones(2, dtype=L.half))),
    ("i1_complex", lambda L: L.special.i1(L.ones(2, dtype=L.complex64))),
    ("gammainc_int", lambda L: L.special.gammainc(L.ones(2, dtype=L.long), L.ones(2, dtype=L.long))),
    ("polygamma_negative", lambda L: L.special.polygamma(-1, L.ones(2))),
    ("multigammaln_p", lambda L: L.special.multigammaln(L.ones(2), 0)),
]


@pytest.mark.parametrize("fn", [f for _, f in ERRORS], ids=[n for n, _ in ERRORS])
def test_error_parity(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err) == str(t_err)
