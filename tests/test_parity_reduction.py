"""Parity rows for torch's Reduction Ops: values, dtypes, shapes, gradients and errors."""
import numpy as np
import pytest

from parity import Case, check, expect_error, rand

A = rand(3, 4)                                   # distinct values: no ties for index outputs
B = rand(3, 4, seed=1)
I = rand(3, 4, dtype="int64", low=-5, high=5)
NAN = np.array([[1.0, np.nan, 3.0, 0.5], [2.0, -1.0, 4.0, 0.0], [np.nan, np.nan, np.nan, np.nan]], "float32")
MODE = np.array([[1, 2, 2, 3], [5, 4, 4, 4], [0, 0, 7, 0]], "int64")
Q = np.array([0.0, 0.25, 0.6, 1.0], "float32")

CASES = [
    Case("sum_mean", lambda L, a: (a.sum(), a.sum(1), a.mean((0, 1), keepdim=True), L.mean(a, -1), a.sum(())), (A,)),
    Case("sum_prod_int", lambda L, a: (a.sum(0), a.prod(), L.prod(a, 1, keepdim=True), a.bool().sum()), (I,)),
    Case("prod", lambda L, a: (a.prod(), a.prod(0), L.prod(a, dim=1, keepdim=True, dtype=L.float64)), (A,)),
    Case("nansum_nanmean", lambda L, a: (a.nansum(), L.nansum(a, 1), a.nanmean(0), L.nanmean(a, (0, 1), True)),
         (NAN[:2],)),
    Case("count_nonzero", lambda L, i, n: (L.count_nonzero(i), i.count_nonzero(1), L.count_nonzero(i, (0, 1)),
                                          n.count_nonzero(0), (n * 0.1).all(1), L.any(n * 0.1, 0)), (I, NAN)),
    Case("logsumexp", lambda L, a, i: (a.logsumexp(1), L.logsumexp(a, (0, 1), keepdim=True), L.logsumexp(i, 0)),
         (A, I)),
    Case("all_any", lambda L, a, i: (a.all(), L.any(a > 1, 1), i.all(0, keepdim=True), L.any(i, (0, 1)),
                                    i.to(L.uint8).all(), L.all(a)), (A, I)),
    Case("amax_amin", lambda L, a: (a.amax(), L.amax(a, 1), a.amin((0, 1), keepdim=True), L.amin(a, -1)), (A,)),
    Case("amax_ties_grad", lambda L, a: (a.amax(1), a.amin()), (np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], "f4"),)),
    Case("aminmax", lambda L, a, i: (L.aminmax(a), a.aminmax(dim=1, keepdim=True), L.aminmax(i, dim=0)), (A, I)),
    Case("max_min", lambda L, a: (a.max(), L.min(a), a.max(1), L.min(a, 0, keepdim=True), L.max(a, dim=-1)), (A,)),
    Case("max_min_binary", lambda L, a, b: (L.max(a, b), a.min(b), L.maximum(a, b)), (A, B)),
    Case("max_int_nan", lambda L, i, n: (i.max(), i.min(1), n.max(), n.max(1)), (I, NAN[:2])),
    Case("argmax_argmin", lambda L, a, i: (a.argmax(), L.argmin(a, 1), a.argmax(0, keepdim=True),
                                          L.argmax(a, keepdim=True), i.argmin()), (A, I)),
    Case("std_var", lambda L, a: (a.std(), a.var(1), L.std(a, 0, unbiased=False), a.var(False),
                                 L.var(a, (0, 1), keepdim=True, correction=2), a.std(dim=1, correction=0)), (A,)),
    Case("std_var_mean", lambda L, a: (L.std_mean(a), L.var_mean(a, 1, keepdim=True), L.std_mean(a, 0, False),
                                      L.var_mean(a, dim=(0, 1), correction=0)), (A,)),
    Case("var_one_element", lambda L, a: (a[:1, :1].var(), a[:1, :1].std(correction=0)), (A,), grad=False),
    Case("var_complex", lambda L, a: (a.var(), a.std(1)), (rand(3, 4, dtype="complex64"),), grad=False),
    Case("norm", lambda L, a: (a.norm(), L.norm(a, 1), a.norm(p=2, dim=1), a.norm(3.5, (0, 1), keepdim=True),
                              a.norm("fro", dim=0), a.norm(float("inf")), L.norm(a, -float("inf"), 1),
                              a.norm(0), a.norm(dtype=L.float64)), (A,)),
    Case("norm_nuc", lambda L, a: (a.norm("nuc"), a[None].norm("nuc", dim=(1, 2), keepdim=True)), (A,)),
    Case("norm_zero_grad", lambda L, a: (a.norm(), a.norm(3)), (np.zeros(3, "float32"),)),
    Case("norm_complex", lambda L, a: (a.norm(), a.norm(1, dim=0)), (rand(3, 4, dtype="complex64"),), grad=False),
    Case("dist", lambda L, a, b: (L.dist(a, b), a.dist(b[0], 1), L.dist(a, b, float("inf")), L.dist(a, b, 0.5)),
         (A, B)),
    Case("median", lambda L, a: (a.median(), L.median(a, 1), a.median(0, keepdim=True), a[:, :3].median(1)), (A,)),
    Case("median_int", lambda L, i: L.median(i), (I,)),
    Case("median_nan", lambda L, a: (a.median(), L.median(a, 1), a.nanmedian(), L.nanmedian(a, 1).values,
                                  L.nanmedian(a[:2], 1)), (NAN,),
         grad=False),
    Case("nanmedian_grad", lambda L, a: (a.nanmedian(), a.nanmedian(1, keepdim=True)), (NAN[:2],)),
    Case("mode", lambda L, i, a: (L.mode(i), i.mode(0), i.mode(1, keepdim=True), a.mode(1)), (MODE, A)),
    Case("quantile", lambda L, a, q: (a.quantile(0.3), L.quantile(a, 0.6, dim=1), a.quantile(q, 0, keepdim=True),
                                     L.quantile(a, q[1], keepdim=True)), (A, Q)),
    Case("quantile_modes", lambda L, a, q: tuple(L.quantile(a, q, 1, interpolation=m)
                                                 for m in ("linear", "lower", "higher", "midpoint", "nearest")),
         (A, Q)),
    Case("nanquantile", lambda L, a, q: (a.quantile(0.4, 1), L.nanquantile(a, 0.4, 1),
                                        a.nanquantile(q, 1, interpolation="nearest"), a[:2].nanquantile(0.5)),
         (NAN, Q), grad=False),
    Case("nanquantile_grad", lambda L, a: (a.nanquantile(0.3, 1), L.nanquantile(a, 0.7)), (NAN[:2],)),
    Case("unique", lambda L, i: (L.unique(i), i.unique(return_inverse=True), L.unique(i, return_counts=True),
                                 L.unique(i, sorted=False, return_inverse=True, return_counts=True)), (I,),
         grad=False),
    Case("unique_dim", lambda L, i: (L.unique(i, dim=0, return_inverse=True, return_counts=True),
                                     L.unique(i, dim=1)), (MODE[[0, 2, 0]],), grad=False),
    Case("unique_float", lambda L, a: L.unique(a, return_counts=True), (np.array([2.5, -1.0, 2.5, 0.0], "f4"),),
         grad=False),
    Case("unique_consecutive", lambda L, i: (L.unique_consecutive(i), i.unique_consecutive(return_inverse=True),
                                             L.unique_consecutive(i, return_counts=True, dim=1)), (MODE,),
         grad=False),
    Case("scalar_input", lambda L, a: (a.sum(0), a.max(0), a.argmax(), a.median(), a.std(correction=0), a.amax(-1)),
         (np.array(1.5, "float32"),)),
    Case("empty_median", lambda L, a: (a.median(), a.nanmedian()), (np.zeros(0, "float32"),), grad=False),
    Case("empty_sum", lambda L, a: (a.sum(), a.sum(0), a.prod(1), a.amax(1), a.mean(0)), (np.zeros((0, 3), "f4"),),
         grad=False),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)


def test_return_types():
    import torch
    import torchlike
    t, l = torch.tensor(A).max(1), torchlike.tensor(A).max(1)
    assert type(l) is torchlike.return_types.max and l._fields == ("values", "indices")
    assert repr(l) == repr(t)
    assert torchlike.aminmax(torchlike.tensor(A)).max.item() == pytest.approx(A.max())


def test_dof_warning():
    import torchlike
    with pytest.warns(UserWarning, match=r"^std_mean\(\): degrees of freedom is <= 0"):
        torchlike.std_mean(torchlike.ones(1))


ERRORS = [
    lambda L: L.tensor(A).sum(2),
    lambda L: L.tensor(A).max(-3),
    lambda L: L.tensor(A).std((0, 0)),
    lambda L: L.tensor(I).mean(),
    lambda L: L.tensor(I).std(),
    lambda L: L.tensor(I).nanmean(),
    lambda L: L.tensor(I).norm(),
    lambda L: L.tensor(I).float().quantile(1.5),
    lambda L: L.tensor(A).quantile(L.tensor(Q, dtype=L.float64)),
    lambda L: L.tensor(A).quantile(0.5, interpolation="cubic"),
    lambda L: L.tensor(I).quantile(0.5),
    lambda L: L.zeros(0).max(),
    lambda L: L.zeros(0, 3).max(0),
    lambda L: L.zeros(0, 3).argmax(),
    lambda L: L.zeros(0).aminmax(),
    lambda L: L.zeros(0, 3).amin(),
    lambda L: L.tensor(A).prod((0, 1)),
    lambda L: L.tensor(A)[None].norm("nuc"),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err).split("\n")[0] == str(t_err).split("\n")[0] or isinstance(l_err, TypeError)
