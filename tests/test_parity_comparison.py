"""Parity rows for torch's Comparison Ops and the Python comparison operators."""
import numpy as np
import pytest

from parity import Case, check, expect_error, rand

A = rand(3, 4)                                   # distinct values: no ties for index outputs
B = rand(3, 4, seed=1)
I = rand(3, 4, dtype="int64", low=-5, high=5)
SPECIAL = np.array([1.0, np.nan, np.inf, -np.inf, -0.0, 2.5], "float32")
REVERSED = SPECIAL[::-1].copy()
TIES = np.array([[2.0, 1.0, 2.0, np.nan, 1.0], [0.0, 0.0, 3.0, 0.0, -1.0]], "float32")

CASES = [
    Case("compare_tensors", lambda L, a, b: (L.eq(a, b), a.ne(b), L.lt(a, b), a.le(a), L.gt(a, b), a.ge(b),
                                            L.greater(a, b), a.greater_equal(b), L.less(a, b), a.less_equal(b),
                                            L.not_equal(a, a)), (A, B)),
    Case("compare_scalars_promotion", lambda L, a, i: (i < 0.5, i == 2, a > 0, L.ge(i, 1.5), L.eq(i, a), i != a[0]),
         (A, I)),
    Case("compare_operators", lambda L, a, b, i: (a == b, a != b, a < b, a <= b, a > b, a >= b, 0 < a, 1.5 >= a,
                                                 2 == i, a == a[0], i > a), (A, B, I)),
    Case("compare_nan", lambda L, a: (a == a, a != a, a < 1, a >= float("inf")), (SPECIAL,)),
    Case("compare_inplace", lambda L, a, b: (a.clone().eq_(b), a.clone().lt_(0), a.clone().greater_(b),
                                            a.clone().ge_(b), a.clone().ne_(0.5), a.clone().less_equal_(b)),
         (A, B), grad=False),
    Case("compare_inplace_int", lambda L, i: (i.clone().gt_(0), i.clone().not_equal_(1), i.clone().le_(2.5)),
         (I,), grad=False),
    Case("equal", lambda L, a, b, i: (L.equal(a, a.clone()), a.equal(b), L.equal(i, i.double()),
                                     L.equal(a, a[:2])), (A, B, I)),
    Case("isclose_allclose", lambda L, a, b: (L.isclose(a, a + 1e-6), a.isclose(b, atol=2.0), L.allclose(a, a + 1e-9),
                                             a.allclose(b), L.allclose(a, b, rtol=10.0, atol=4.0)), (A, B)),
    Case("isclose_special", lambda L, a, r: (L.isclose(a, a), a.isclose(r, equal_nan=True)), (SPECIAL, REVERSED)),
    Case("isclose_int", lambda L, i: L.isclose(i, i + 1, atol=1), (I,)),
    Case("predicates", lambda L, a: (L.isfinite(a), a.isinf(), L.isposinf(a), a.isneginf(), L.isnan(a),
                                     a.isreal()), (SPECIAL,)),
    Case("predicates_int_complex", lambda L, i, c: (L.isfinite(i), i.isnan(), L.isreal(i), c.isreal(),
                                                    L.isreal(c.real.to(L.complex64))),
         (I, rand(3, dtype="complex64"))),
    Case("isin", lambda L, i, t: (L.isin(i, t), L.isin(i, t, invert=True), L.isin(i, 3), L.isin(2, t),
                                  L.isin(i.float(), t, assume_unique=True)),
         (I, np.array([3, -2, 0], "int64"))),
    Case("maximum_minimum", lambda L, a, b, i: (L.maximum(a, b), a.minimum(b), L.maximum(i, a), L.minimum(i, i[0])),
         (A, B, I)),
    Case("maximum_nan", lambda L, a, r: (L.maximum(a, r), L.minimum(a, L.zeros(6))), (SPECIAL, REVERSED),
         grad=False),
    Case("fmax_fmin", lambda L, a, b: (L.fmax(a, b), a.fmin(b)), (A, B)),
    Case("fmax_fmin_nan", lambda L, a, r: (L.fmax(a, r), L.fmin(a, r)), (SPECIAL, REVERSED), grad=False),
    Case("sort", lambda L, a: (a.sort(), L.sort(a, 0), a.sort(descending=True), L.sort(a, dim=0, descending=True),
                               a.sort(stable=True, dim=-1)), (A,)),
    Case("sort_int_3d", lambda L, x: (L.sort(x, dim=1, stable=True), x.argsort(dim=0, stable=True, descending=True)),
         (rand(2, 3, 4, dtype="int64", low=0, high=100),)),
    Case("sort_stable_ties_nan", lambda L, a: (L.sort(a, stable=True), a.sort(descending=True, stable=True),
                                               L.argsort(a, stable=True), a.argsort(descending=True, stable=True)),
         (TIES,), grad=False),
    Case("argsort_msort", lambda L, a: (a.argsort(), L.argsort(a, 0, descending=True), L.msort(a), a.msort()), (A,)),
    Case("topk", lambda L, a: (a.topk(2), L.topk(a, 3, 0), a.topk(2, largest=False), L.topk(a, 1, dim=0, largest=False),
                               a.topk(4, sorted=True), a.topk(0)), (A,)),
    Case("topk_int", lambda L, i: L.topk(i.flatten().unique(), 3), (I,)),
    Case("kthvalue", lambda L, a: (a.kthvalue(2), L.kthvalue(a, 1, 0), a.kthvalue(3, 0, keepdim=True),
                                   L.kthvalue(a, 4, dim=-1)), (A,)),
    Case("sort_scalar", lambda L, a: (a.sort(), a.topk(1), a.kthvalue(1), a.argsort()), (np.array(1.5, "float32"),)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)


def test_operators_with_non_tensors():
    import torchlike
    t = torchlike.tensor(A)
    assert (t == None) is False and (t != None) is True  # noqa: E711
    assert t in {t} and hash(t) == hash(t)
    with pytest.raises(TypeError):
        t < "a"


ERRORS = [
    lambda L: L.tensor(A).sort(2),
    lambda L: L.tensor(A).topk(5),
    lambda L: L.tensor(A).topk(-1),
    lambda L: L.tensor(A).kthvalue(5),
    lambda L: L.tensor(A).kthvalue(0, 0),
    lambda L: L.isclose(L.tensor(A), L.tensor(A).double()),
    lambda L: L.maximum(L.tensor(A), 2),
    lambda L: L.fmin(L.tensor(A), 1.0),
    lambda L: L.tensor(A).argsort(-3),
    lambda L: L.tensor([1j]) < L.tensor([2j]),
    lambda L: L.tensor(A) == L.tensor(B)[:2],
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err).split("\n")[0] == str(t_err).split("\n")[0]
