"""Parity rows for torch's "Other Operations" (torchlike.ops.other)."""
import warnings

import numpy as np
import pytest

from parity import Case, check, expect_error, positive, rand

X, Y = rand(3, 4), rand(3, 4, seed=1)
V3, V4 = rand(3, seed=2), rand(4, seed=3)
X3 = rand(2, 3, 4, seed=4)
I34 = rand(3, 4, dtype="int64", low=-4, high=5)
TIES = np.array([1.0, 1.0, 0.0, 1.0, np.nan, 2.0, np.nan, 3.0], "float32")


def _cross_default(L, a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return L.cross(a, b)


CASES = [
    Case("atleast_nd", lambda L, s, v, m: (L.atleast_1d(s), L.atleast_1d(s, v), L.atleast_2d([s, v, m]),
                                           L.atleast_3d(s), L.atleast_3d((v, m, m[None]))),
         (np.array(1.5, "float32"), V3, X)),
    Case("bincount", lambda L, i, w: (L.bincount(i), i.bincount(minlength=9), L.bincount(i, w),
                                      L.bincount(i, w.double()), L.bincount(i, i)),
         (np.array([1, 3, 1, 0, 5]), rand(5, seed=1)), grad=False),
    Case("block_diag", lambda L, a, v, s, i: (L.block_diag(a, v, s, i), L.block_diag(a), L.block_diag()),
         (X, V3, np.array(2.0, "float32"), rand(2, 2, dtype="int64"))),
    Case("broadcast_tensors", lambda L, a, b, c: L.broadcast_tensors(a, b, c),
         (rand(3, 1), V4, np.array(1.0, "float32"))),
    Case("broadcast_shapes", lambda L: (L.broadcast_shapes((2, 1), (3,)), L.broadcast_shapes((2, 1), 3, (1, 1, 1)),
                                        L.broadcast_shapes(), L.broadcast_shapes((0, 1), (4,)))),
    Case("bucketize", lambda L, x, b: (L.bucketize(x, b), L.bucketize(x, b, right=True, out_int32=True),
                                       L.bucketize(0.5, b)),
         (np.array([[-1.0, 0.0, 0.5], [1.0, 2.5, 9.0]], "float32"), np.array([0.0, 0.5, 1.0, 2.5], "float32"))),
    Case("searchsorted", lambda L, s, v, b, o: (L.searchsorted(s, v), L.searchsorted(s, v, right=True),
                                                L.searchsorted(s, v, side="right"), L.searchsorted(s[0], 0.5),
                                                L.searchsorted(b, v, out_int32=True), L.searchsorted(b, v, sorter=o)),
         (np.array([[0.0, 0.5, 1.0, 2.5], [-1.0, 0.0, 1.0, 3.0]], "float32"),
          np.array([[-1.0, 0.0, 0.5], [1.0, 2.5, 9.0]], "float32"), np.array([0.0, 0.5, 1.0, 2.5], "float32"),
          np.array([0, 1, 2, 3]))),
    Case("searchsorted_int_seq_float_values", lambda L, s, v: L.searchsorted(s, v),
         (np.array([1, 3, 5]), np.array([3.5, 4.0, 0.0], "float32"))),
    Case("cartesian_prod", lambda L, a, b: (L.cartesian_prod(a, b), L.cartesian_prod(a, b, a[:2]),
                                            L.cartesian_prod(a)), (V3, V4)),
    Case("cdist", lambda L, a, b: (L.cdist(a, b), L.cdist(a, b, p=1), L.cdist(a, b, p=3), L.cdist(a, b, p=0),
                                   L.cdist(a, b, p=float("inf"))), (X, rand(2, 4, seed=5))),
    Case("cdist_batched_zero_distance", lambda L, a, b: L.cdist(a, b), (X3, X3[:1, :2])),
    Case("combinations", lambda L, a: (L.combinations(a), L.combinations(a, 3, with_replacement=True),
                                       L.combinations(a, 0), L.combinations(a[:2], 3)), (V4,)),
    Case("cov_corrcoef", lambda L, a: (L.cov(a), a.cov(correction=0), L.corrcoef(a), a.corrcoef(),
                                       L.cov(a[0]), L.corrcoef(a[0])), (X,)),
    Case("cov_weights", lambda L, a, fw, aw: (L.cov(a, fweights=fw), L.cov(a, aweights=aw),
                                              L.cov(a, correction=2, fweights=fw, aweights=aw)),
         (X, np.array([1, 2, 0, 3]), positive(4, seed=1))),
    Case("cov_int", lambda L, a: (L.cov(a), L.corrcoef(a)), (I34,)),
    Case("cross", lambda L, a, b: (L.cross(a, b, dim=0), a.cross(b, dim=0), L.cross(a.T, b[:, :1].T, dim=-1)),
         (rand(3, 4), rand(3, 4, seed=1))),
    Case("cross_default_dim", _cross_default, (rand(2, 3, 3), rand(2, 3, 3, seed=1))),
    Case("cummax_cummin", lambda L, a: (L.cummax(a, 1), a.cummin(0), L.cummax(a, -1).values, L.cummin(a, 1).indices),
         (X,)),
    Case("cummax_ties_nan", lambda L, a: (L.cummax(a, 0), L.cummin(a, 0)), (TIES,)),
    Case("cummax_int_bool_0d", lambda L, i, b, s: (L.cummax(i, 1), L.cummin(i, 0), L.cummax(b, 0), L.cummin(s, 0)),
         (I34, rand(5, dtype="bool"), np.array(2.0, "float32"))),
    Case("cumsum_cumprod", lambda L, a: (L.cumsum(a, 1), a.cumsum(0), L.cumprod(a, 1), a.cumprod(-1),
                                         L.cumsum(a, 1, dtype=L.float64)), (X,)),
    Case("cumsum_int", lambda L, i, b: (L.cumsum(i, 1), L.cumprod(i, 0), L.cumsum(b, 0), L.cumsum(i.int(), 1)),
         (I34, rand(5, dtype="bool"))),
    Case("cumsum_inplace", lambda L, a, i: (a.clone().cumsum_(1), a.clone().cumprod_(0), i.int().cumsum_(0)),
         (X, I34)),
    Case("logcumsumexp", lambda L, a: (L.logcumsumexp(a, 1), a.logcumsumexp(0)), (X,)),
    Case("diag", lambda L, a, v: (L.diag(a), a.diag(1), L.diag(a, -2), L.diag(a, 5), L.diag(v), v.diag(-1)), (X, V3)),
    Case("diag_embed", lambda L, a: (L.diag_embed(a), a.diag_embed(1, 0, 2), L.diag_embed(a, -1, -1, -2)), (X,)),
    Case("diagflat", lambda L, a: (L.diagflat(a), a.diagflat(-2), L.diagflat(a[0, 0])), (rand(2, 3),)),
    Case("diff", lambda L, a, p: (L.diff(a), a.diff(n=2, dim=0), L.diff(a, n=3, prepend=p, append=p),
                                  L.diff(a, n=0), L.diff(a, n=9)), (X, rand(3, 1, seed=1))),
    Case("diff_promote_bool", lambda L, i, p, b: (L.diff(i, prepend=p), L.diff(b)),
         (I34, rand(3, 1, seed=1), rand(2, 4, dtype="bool"))),
    Case("flips", lambda L, a: (L.flip(a, (0, 2)), a.flip([-1]), L.fliplr(a), a.flipud()), (X3,)),
    Case("rot90", lambda L, a: (L.rot90(a), a.rot90(2), L.rot90(a, -1), L.rot90(a, 3, [1, 0]),
                                L.rot90(a[None], 1, [0, 2])), (X,)),
    Case("roll", lambda L, a: (L.roll(a, 1), a.roll(-2, 1), L.roll(a, (1, -1), (0, 1)), L.roll(a, [5], [1])), (X,)),
    Case("gcd_lcm", lambda L, a, b: (L.gcd(a, b), a.lcm(b), a.clone().gcd_(b), a.clone().lcm_(b)),
         (np.array([4, -6, 0, 9, 7]), np.array([6, 4, 0, -12, 0]))),
    Case("gcd_promote", lambda L, a, b: L.lcm(a, b), (np.array([4, 6], "uint8"), np.array([6, -4], "int8"))),
    Case("histc", lambda L, a: (L.histc(a, bins=4), a.histc(3, min=-1, max=1), L.histc(a[0, :1], bins=2),
                                L.histc(a.double(), 5, 0, 10)), (X,)),
    Case("meshgrid", lambda L, a, b, s: (L.meshgrid(a, b, indexing="ij"), L.meshgrid([a, b], indexing="xy"),
                                         L.meshgrid(a, s, b, indexing="xy"), L.meshgrid(a, indexing="xy")),
         (V3, V4, np.array(1.0, "float32"))),
    Case("ravel", lambda L, a: (L.ravel(a), a.T.ravel()), (X,)),
    Case("renorm", lambda L, a: (L.renorm(a, 2, 0, 1.5), a.renorm(1, 1, 2.0), L.renorm(a, float("inf"), 0, 1.0),
                                 a.clone().renorm_(3, 1, 0.5)), (X,)),
    Case("repeat_interleave", lambda L, a, r, c: (L.repeat_interleave(a, 2), a.repeat_interleave(2, dim=1),
                                                  L.repeat_interleave(a, r, dim=0),
                                                  L.repeat_interleave(a, r, dim=0, output_size=6),
                                                  L.repeat_interleave(a, L.tensor(2), dim=-1),
                                                  L.repeat_interleave(c)),
         (X, np.array([1, 0, 5]), np.array([2, 0, 1, 3]))),
    Case("tril_triu", lambda L, a: (L.tril(a), a.tril(1), L.triu(a, -1), a.triu(2), L.tril(a[0], -1)), (X3,)),
    Case("tril_triu_inplace", lambda L, a: (a.clone().tril_(), a.clone().triu_(1)), (X,)),
    Case("tril_triu_indices", lambda L: (L.tril_indices(3, 4), L.tril_indices(3, 4, 1, dtype=L.int32),
                                         L.triu_indices(3, 4, -1), L.triu_indices(4, 3), L.triu_indices(0, 4))),
    # torch 2.13's own vander backward fails (an in-place op in its graph): values here,
    # gradients in test_vander_grad
    Case("vander", lambda L, x, i: (L.vander(x), L.vander(x, 2, increasing=True), L.vander(x, 0), L.vander(i),
                                    L.vander(x, N=5)), (np.array([0.0, 1.5, -2.0], "float32"), rand(3, dtype="int32")),
         grad=False),
    Case("view_as_real_complex", lambda L, z, x: (L.view_as_real(z), L.view_as_complex(x),
                                                  L.view_as_complex(x.double())),
         (rand(3, dtype="complex64"), rand(3, 2)), grad=False),
    Case("view_as_complex_grad", lambda L, x: L.view_as_complex(x).abs(), (rand(3, 2),)),
    Case("resolve", lambda L, a: (L.resolve_conj(a), a.resolve_neg(), a.resolve_conj()), (X,)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)


def test_cummax_namedtuple():
    import torchlike
    out = torchlike.cummax(torchlike.tensor(X), 1)
    values, indices = out
    assert out.values is values and out.indices is indices and type(out).__name__ == "cummax"


def test_resolve_returns_self():
    import torchlike
    t = torchlike.tensor(X)
    assert t.resolve_conj() is t and torchlike.resolve_neg(t) is t


def test_vander_grad():
    """d/dx sum(vander(x, 4)) = 1 + 2x + 3x^2 (torch cannot be the reference here)."""
    import torchlike
    x = np.array([0.0, 1.5, -2.0])
    t = torchlike.tensor(x, requires_grad=True)
    torchlike.vander(t, 4).sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), 1 + 2 * x + 3 * x ** 2, rtol=1e-12)


def test_meshgrid_default_warns():
    import torchlike
    with pytest.warns(UserWarning, match="indexing"):
        torchlike.meshgrid(torchlike.tensor(V3), torchlike.tensor(V4))


ERRORS = [
    ("bincount_negative", lambda L: L.bincount(L.tensor([-1, 2]))),
    ("bincount_float", lambda L: L.bincount(L.tensor([1.0, 2.0]))),
    ("bincount_weights", lambda L: L.bincount(L.tensor([1, 2]), L.tensor([1.0]))),
    ("block_diag_3d", lambda L: L.block_diag(L.ones(2, 2, 2))),
    ("broadcast_tensors", lambda L: L.broadcast_tensors(L.ones(2, 2), L.ones(3))),
    ("broadcast_shapes", lambda L: L.broadcast_shapes((2, 2), (3,))),
    ("broadcast_shapes_negative", lambda L: L.broadcast_shapes((2, -1), (3,))),
    ("bucketize_2d", lambda L: L.bucketize(L.ones(3), L.ones(2, 2))),
    ("searchsorted_shape", lambda L: L.searchsorted(L.ones(2, 3), L.ones(1, 3))),
    ("cartesian_dtype", lambda L: L.cartesian_prod(L.ones(2), L.ones(3, dtype=L.long))),
    ("combinations_2d", lambda L: L.combinations(L.ones(2, 2))),
    ("cdist_int", lambda L: L.cdist(L.ones(2, 3, dtype=L.long), L.ones(4, 3, dtype=L.long))),
    ("cdist_columns", lambda L: L.cdist(L.ones(2, 3), L.ones(4, 2))),
    ("cdist_negative_p", lambda L: L.cdist(L.ones(2, 3), L.ones(4, 3), p=-1)),
    ("corrcoef_3d", lambda L: L.corrcoef(L.ones(2, 2, 2))),
    ("cov_float_fweights", lambda L: L.cov(L.ones(2, 4), fweights=L.ones(4))),
    ("cov_negative_aweights", lambda L: L.cov(L.ones(2, 4), aweights=-L.ones(4))),
    ("cross_dtype", lambda L: L.cross(L.ones(3), L.ones(3, dtype=L.long), dim=0)),
    ("cross_dim_size", lambda L: L.cross(L.ones(2, 3), L.ones(2, 3), dim=0)),
    ("logcumsumexp_int", lambda L: L.logcumsumexp(L.ones(3, dtype=L.long), 0)),
    ("cumsum_dim", lambda L: L.cumsum(L.ones(3), 2)),
    ("diag_3d", lambda L: L.diag(L.ones(2, 2, 2))),
    ("diag_embed_same_dims", lambda L: L.diag_embed(L.ones(2, 3), 0, 1, 1)),
    ("diff_order", lambda L: L.diff(L.ones(3), n=-1)),
    ("diff_prepend_shape", lambda L: L.diff(L.ones(2, 4), prepend=L.ones(3, 1))),
    ("flip_int_dims", lambda L: L.flip(L.ones(2), 0)),
    ("flip_repeated", lambda L: L.flip(L.ones(2, 2), [0, 0])),
    ("fliplr_1d", lambda L: L.fliplr(L.ones(3))),
    ("rot90_same_dims", lambda L: L.rot90(L.ones(2, 2), 1, [0, 0])),
    ("roll_misaligned", lambda L: L.roll(L.ones(2, 3), (1, 2), 1)),
    ("gcd_float", lambda L: L.gcd(L.ones(2), L.ones(2))),
    ("gcd_scalar", lambda L: L.gcd(L.ones(2, dtype=L.long), 2)),
    ("histc_int", lambda L: L.histc(L.ones(3, dtype=L.long))),
    ("histc_range", lambda L: L.histc(L.ones(3), 4, 5, 2)),
    ("meshgrid_indexing", lambda L: L.meshgrid(L.ones(2), indexing="xx")),
    ("meshgrid_dtype", lambda L: L.meshgrid(L.ones(2), L.ones(2, dtype=L.float64), indexing="ij")),
    ("renorm_p", lambda L: L.renorm(L.ones(2, 2), 0, 0, 1.0)),
    ("renorm_int", lambda L: L.renorm(L.ones(2, 2, dtype=L.long), 2, 0, 1.0)),
    ("repeat_interleave_size", lambda L: L.repeat_interleave(L.ones(2, 3), L.tensor([1, 2]), dim=1)),
    ("repeat_interleave_negative", lambda L: L.repeat_interleave(L.ones(2, 3), L.tensor([1, -2]), dim=0)),
    ("tril_1d", lambda L: L.tril(L.ones(3))),
    ("tril_indices_float", lambda L: L.tril_indices(3, 3, dtype=L.float32)),
    ("vander_2d", lambda L: L.vander(L.ones(2, 2))),
    ("view_as_real_real", lambda L: L.view_as_real(L.ones(3))),
    ("view_as_complex_shape", lambda L: L.view_as_complex(L.ones(3, 3))),
]


@pytest.mark.parametrize("fn", [f for _, f in ERRORS], ids=[n for n, _ in ERRORS])
def test_error_parity(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err).split("\n")[0][:40] == str(t_err).split("\n")[0][:40]
