"""Parity rows for torch.linalg and torch's top-level decompositions (torchlike/linalg.py, ops/lapack.py).

Inputs are small well-conditioned matrices in float64, float32 and complex128 (shared shapes, so the
compiled kernels are reused). Eigen and singular vectors are only defined up to a sign (a phase for
complex input), so rows compare gauge-invariant forms of them (absolute values, reconstructions), and
gradients flow only through such forms, as torch requires.
"""
import math
import warnings

import numpy as np
import pytest
import torch

import torchlike
from parity import Case, check, expect_error, rand


def _spd(n, dtype, seed, batch=()):
    a = rand(*batch, n, n, dtype=dtype, seed=seed)
    eye = np.eye(n, dtype=dtype)
    return (a @ np.swapaxes(a, -1, -2).conj() / n + eye).astype(dtype)


def _general(n, dtype, seed, batch=()):
    return (rand(*batch, n, n, dtype=dtype, seed=seed) + 3 * np.eye(n, dtype=dtype)).astype(dtype)


G64, G32, GC = _general(3, "float64", 1), _general(3, "float32", 2), _general(3, "complex128", 3)
GB = _general(3, "float64", 4, (2,))
S64, S32, SC, SB = _spd(3, "float64", 5), _spd(3, "float32", 6), _spd(3, "complex128", 7), _spd(3, "float64", 8, (2,))
TALL, WIDE = rand(4, 3, dtype="float64", seed=9), rand(3, 4, dtype="float64", seed=10)
R32 = rand(3, 2, dtype="float64", seed=11)
V3 = rand(3, dtype="float64", seed=12)
SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
# distinct, well separated eigenvalues for eig/eigh/svd gradients
DIAGONALISABLE = np.array([[4.0, 1.0, 0.5], [0.2, 2.0, 0.3], [0.1, 0.4, -1.0]])


def _quiet(fn):
    def wrapped(L, *args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(L, *args)
    return wrapped


def _eigh(L, a, uplo="L"):
    w, v = L.linalg.eigh(a, UPLO=uplo)
    return w, v.abs(), L.linalg.eigvalsh(a, uplo)


def _svd(L, a):
    u, s, vh = L.linalg.svd(a, full_matrices=False)
    return u.abs(), s, vh.abs(), (u * s.unsqueeze(-2)) @ vh, L.linalg.svdvals(a)


def _eig(L, a):
    w, v = L.linalg.eig(a)
    return w, v.abs(), L.linalg.eigvals(a)


def _lstsq(L, a, b, driver=None):
    r = L.linalg.lstsq(a, b, driver=driver)
    return r.solution, r.residuals, r.rank, r.singular_values


def _lu(L, a):
    P, Lo, U = L.linalg.lu(a)
    LU, piv = L.linalg.lu_factor(a)
    return P, Lo, U, LU, piv, L.linalg.lu_factor_ex(a), L.lu_unpack(LU, piv)


def _lu_solve(L, a, b):
    LU, piv = L.linalg.lu_factor(a)
    return (L.linalg.lu_solve(LU, piv, b), L.linalg.lu_solve(LU, piv, b, adjoint=True),
            L.linalg.lu_solve(LU, piv, b.mT, left=False), L.linalg.lu_solve(LU, piv, b.mT, left=False, adjoint=True))


def _legacy_svd(L, a):
    u, s, v = L.svd(a)
    uf, sf, vf = L.svd(a, some=False)
    return u.abs(), s, v.abs(), uf.abs(), sf, vf.abs(), L.svd(a, compute_uv=False), a.svd().S


def _householder(L, a):
    q, tau = L.geqrf(a.detach())  # geqrf has no derivative (in torch either)
    qd, taud = q.requires_grad_(), tau.requires_grad_()
    return L.linalg.householder_product(qd, taud), L.orgqr(qd, taud), q, tau


def _ormqr(L, a, c):
    q, tau = L.geqrf(a.detach())
    qd, taud = q.requires_grad_(), tau.requires_grad_()
    return (L.ormqr(qd, taud, c), L.ormqr(qd, taud, c, transpose=True),
            L.ormqr(qd, taud, c.mT, left=False), L.ormqr(qd, taud, c.mT, left=False, transpose=True))


def _norms(L, a):
    return (L.linalg.norm(a), L.linalg.norm(a, "fro"), L.linalg.norm(a, "nuc"), L.linalg.norm(a, 2),
            L.linalg.norm(a, -2), L.linalg.norm(a, 1), L.linalg.norm(a, -1), L.linalg.norm(a, math.inf),
            L.linalg.norm(a, -math.inf), L.linalg.norm(a, 3, dim=1), L.linalg.norm(a[0], 0.5),
            L.linalg.matrix_norm(a, keepdim=True), L.linalg.matrix_norm(a, 1, dim=(1, 0)),
            L.linalg.vector_norm(a, math.inf, dim=(0, 1), keepdim=True), L.linalg.vector_norm(a, 0),
            L.linalg.vector_norm(a, dim=-1, dtype=L.float64))


def _out_forms(L, a, b):
    x = L.empty(0, dtype=a.dtype)
    q, r = L.empty(0, dtype=a.dtype), L.empty(0, dtype=a.dtype)
    L.linalg.solve(a, b, out=x)
    L.linalg.qr(a, out=(q, r))
    return x, q, r, L.linalg.inv(a, out=L.empty(3, 3, dtype=a.dtype))


CASES = [
    # inverses, solvers, determinants: float64, float32, complex, batched
    Case("inv", lambda L, a: (L.linalg.inv(a), L.inverse(a), a.inverse(), L.linalg.inv_ex(a)), (G64,)),
    Case("inv_f32_complex", lambda L, a, c: (L.linalg.inv(a), L.linalg.inv(c)), (G32, GC)),
    Case("inv_batched", lambda L, a: L.linalg.inv_ex(a), (GB,)),
    Case("solve", lambda L, a, b, v: (L.linalg.solve(a, b), L.linalg.solve(a, v), L.linalg.solve(a, b.mT, left=False),
                                      L.linalg.solve_ex(a, b)), (G64, R32, V3)),
    Case("solve_batched_broadcast", lambda L, a, b: (L.linalg.solve(a, b), L.linalg.solve(a[0], b.expand(2, 3, 2))),
         (GB, R32)),
    Case("solve_complex", lambda L, a, b: L.linalg.solve(a, b), (GC, GC[:, :2].copy())),
    Case("det_slogdet_logdet", lambda L, a: (L.linalg.det(a), L.det(a), a.det(), L.linalg.slogdet(a), L.slogdet(a),
                                             a.logdet(), L.logdet(-a)), (G64,)),
    Case("det_f32_complex_batched", lambda L, a, c, b: (L.linalg.det(a), L.linalg.slogdet(c), L.linalg.det(b),
                                                        L.logdet(c)), (G32, GC, GB)),
    # det of an exactly singular matrix is 0 (-inf logabsdet); torch's gradient there goes through the
    # SVD, JAX's through a solve (NaN), so values only
    # (its slogdet sign and logabsdet depend on rounding in the LU: torch's is -1 and about -37 here)
    Case("det_singular", lambda L, a: L.linalg.det(a), (SINGULAR,), grad=False),
    Case("matrix_exp", lambda L, a, c: (L.linalg.matrix_exp(a), L.matrix_exp(a), a.matrix_exp(),
                                        L.linalg.matrix_exp(c)), (G64 / 3, GC / 3)),
    Case("matrix_exp_batched_f32", lambda L, a: L.linalg.matrix_exp(a), (G32[None] / 3,)),
    Case("matrix_power", lambda L, a: (L.linalg.matrix_power(a, -2), L.linalg.matrix_power(a, 3)), (G64,)),
    Case("pinv", lambda L, a, b, s: (L.linalg.pinv(a), L.linalg.pinv(b), L.pinverse(a), a.pinverse(),
                                     L.linalg.pinv(s, hermitian=True), L.linalg.pinv(a, rtol=0.3),
                                     L.linalg.pinv(a, atol=0.5)), (TALL, WIDE, S64)),
    # rank-deficient: the dropped singular value's derivative is not defined (torch's and the
    # fixed-rank formula differ), so values only
    Case("pinv_rank_deficient", lambda L, a: L.linalg.pinv(a), (SINGULAR,), grad=False),
    Case("matrix_rank", lambda L, a, s, t: (L.linalg.matrix_rank(a), L.linalg.matrix_rank(s),
                                            L.linalg.matrix_rank(s, hermitian=True), L.linalg.matrix_rank(t),
                                            L.linalg.matrix_rank(s, atol=1.5), L.linalg.matrix_rank(s, rtol=0.5),
                                            L.linalg.matrix_rank(s, tol=1.5)), (SINGULAR, S64, TALL), grad=False),
    Case("cond", lambda L, a, t: (L.linalg.cond(a), L.linalg.cond(a, -2), L.linalg.cond(t)), (G64, TALL)),
    # torch's own backward of cond through inv fails (an in-place write it then checks), so values only
    Case("cond_through_inverse", lambda L, a: (L.linalg.cond(a, "fro"), L.linalg.cond(a, "nuc"), L.linalg.cond(a, 1),
                                               L.linalg.cond(a, -math.inf)), (G64,), grad=False),
    Case("cond_singular", lambda L, a: (L.linalg.cond(a, "fro"), L.linalg.cond(a, 1)), (SINGULAR,), grad=False),
    # decompositions
    Case("cholesky", lambda L, a, b: (L.linalg.cholesky(a), L.linalg.cholesky(a, upper=True), L.linalg.cholesky_ex(b),
                                      L.linalg.cholesky(a.tril()).detach(),  # only the lower triangle is read
                                      _quiet(lambda L, a: (L.cholesky(a), a.cholesky(upper=True)))(L, a)),
         (S64, SB)),
    Case("cholesky_f32_complex", lambda L, a, c: (L.linalg.cholesky(a), L.linalg.cholesky(c)), (S32, SC)),
    Case("cholesky_solve_inverse", lambda L, a, b: (
        L.cholesky_solve(b, L.linalg.cholesky(a)), L.cholesky_solve(b, L.linalg.cholesky(a, upper=True), upper=True),
        L.cholesky_inverse(L.linalg.cholesky(a)), L.linalg.cholesky(a).cholesky_inverse(),
        L.cholesky_inverse(L.linalg.cholesky(a, upper=True), upper=True)), (S64, R32)),
    Case("qr", lambda L, a, t, w: (L.linalg.qr(a), L.linalg.qr(t), L.linalg.qr(w)), (G64, TALL, WIDE)),
    # torch cannot differentiate mode='r' (no Q), nor mode='complete' of a tall matrix
    Case("qr_legacy_r_complete", _quiet(lambda L, a: (L.qr(a), a.qr(some=False), L.linalg.qr(a, mode="r"),
                                                      L.linalg.qr(a, mode="complete"))), (TALL,), grad=False),
    Case("qr_complex_batched", lambda L, c, b: (L.linalg.qr(c), L.linalg.qr(b)), (GC, GB)),
    Case("eigh", _eigh, (S64,)),
    Case("eigh_upper_f32_complex", lambda L, a, c: (_eigh(L, a, "U"), _eigh(L, c)), (S32, SC)),
    Case("eigh_batched", _eigh, (SB,)),
    Case("eig", _eig, (DIAGONALISABLE,)),
    Case("eig_complex_pairs", lambda L, a: L.linalg.eigvals(a), (G64,)),
    Case("svd", _svd, (DIAGONALISABLE,)),
    Case("svd_rect_batched_complex", lambda L, t, w, b, c: (_svd(L, t), _svd(L, w), _svd(L, b), _svd(L, c)),
         (TALL, WIDE, GB, GC)),
    Case("svd_full_and_legacy", lambda L, a: _legacy_svd(L, a), (TALL,), grad=False),
    Case("lu", _lu, (G64,)),
    Case("lu_rect_batched", lambda L, t, w, b: (L.linalg.lu(t), L.linalg.lu(w), L.linalg.lu_factor(b)),
         (TALL, WIDE, GB)),
    Case("lu_legacy", _quiet(lambda L, a: (L.lu(a), a.lu(get_infos=True))), (G64,), grad=False),
    Case("lu_solve", _lu_solve, (G64, R32)),
    Case("lu_solve_legacy", _quiet(lambda L, a, b: L.lu_solve(b, *L.linalg.lu_factor(a))), (G64, R32)),
    Case("solve_triangular", lambda L, a, b: (
        L.linalg.solve_triangular(a.triu(), b, upper=True), L.linalg.solve_triangular(a.tril(), b, upper=False),
        L.linalg.solve_triangular(a, b.mT, upper=True, left=False),
        L.linalg.solve_triangular(a, b, upper=False, unitriangular=True)), (G64, R32)),
    Case("triangular_solve_legacy", _quiet(lambda L, a, b: (
        L.triangular_solve(b, a), b.triangular_solve(a, upper=False, transpose=True),
        L.triangular_solve(b, a, unitriangular=True))), (G64, R32)),
    Case("householder", _householder, (TALL,)),
    Case("ormqr", _ormqr, (G64, R32)),
    Case("lstsq", lambda L, a, b, v: (_lstsq(L, a, b), _lstsq(L, a, b, "gelsd"), _lstsq(L, a, b, "gelss"),
                                      _lstsq(L, a, b, "gels"), L.linalg.lstsq(a, v).solution),
         (TALL, rand(4, 2, dtype="float64", seed=3), rand(4, dtype="float64", seed=4))),
    Case("lstsq_square_batched", lambda L, a, b: _lstsq(L, a, b), (GB, rand(2, 3, 2, dtype="float64"))),
    # norms and products
    Case("norms", _norms, (G64,)),
    Case("norms_complex_f32", lambda L, c, a: (L.linalg.norm(c), L.linalg.matrix_norm(c, "nuc"),
                                               L.linalg.vector_norm(a, 1.5, dim=(0, -1)),
                                               L.linalg.matrix_norm(a, -2)), (GC, G32)),
    Case("cross_vecdot", lambda L, a, b, c: (L.linalg.cross(a, b), L.linalg.cross(a.mT, b.mT, dim=0),
                                             L.linalg.vecdot(a, b), L.linalg.vecdot(a, b, dim=0),
                                             L.linalg.vecdot(c, c)), (G64, GB[0], GC)),
    Case("multi_dot", lambda L, a, b, v, w: (L.linalg.multi_dot([a, b, b.mT]), L.linalg.multi_dot([v, a, b]),
                                             L.linalg.multi_dot([a, b, w]), L.linalg.multi_dot((v, a, v))),
         (G64, R32, V3, rand(2, dtype="float64"))),
    Case("tensorinv_tensorsolve", lambda L, a, b: (
        L.linalg.tensorinv(a.reshape(3, 1, 3), ind=2), L.linalg.tensorinv(a.reshape(9, 1).reshape(3, 3), 1),
        L.linalg.tensorsolve(a, b[:, 0]), L.linalg.tensorsolve(a.mT, b[:, 0], dims=(0,))), (G64, R32)),
    Case("vander_diagonal", lambda L, v, a, i: (L.linalg.vander(v), L.linalg.vander(v, N=5), L.linalg.vander(i),
                                                L.linalg.diagonal(a), L.linalg.diagonal(a, offset=1, dim1=0, dim2=1),
                                                L.linalg.matmul(a, v)), (V3, GB, rand(2, 3, dtype="int64"))),
    Case("out_forms", _out_forms, (G64, R32), grad=False),
    Case("zero_size", lambda L, a, b: (L.linalg.inv(a), L.linalg.det(a), L.linalg.svdvals(b), L.linalg.qr(b),
                                       L.linalg.norm(b)), (np.zeros((0, 0)), np.zeros((2, 0, 3))), grad=False),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)


def test_svd_lowrank_pca_lowrank():
    """Randomized, so torch's and torchlike's bases differ; for an exactly rank-2 matrix both
    recover the same singular values, and U diag(S) V^H reconstructs it."""
    base = rand(6, 2, dtype="float64", seed=1) @ rand(2, 5, dtype="float64", seed=2)
    expected = torch.svd_lowrank(torch.tensor(base), q=3)[1][:2]
    torchlike.manual_seed(0)
    for A in (torchlike.tensor(base), torchlike.tensor(base.T.copy())):
        U, S, V = torchlike.svd_lowrank(A, q=3)
        np.testing.assert_allclose(S[:2].numpy(), expected.numpy(), rtol=1e-10)
        np.testing.assert_allclose((U * S) @ V.mT, A.numpy(), atol=1e-10)
    t_pca = torch.pca_lowrank(torch.tensor(base), q=2)[1]
    np.testing.assert_allclose(torchlike.pca_lowrank(torchlike.tensor(base), q=2)[1].numpy(), t_pca.numpy(),
                               rtol=1e-10)


def test_geqrf_not_differentiable():
    """torch's geqrf outputs carry a grad_fn whose backward raises NotImplementedError; so does this one."""
    for lib in (torch, torchlike):
        q, tau = lib.geqrf(lib.tensor(TALL, requires_grad=True))
        with pytest.raises(NotImplementedError):
            (q.sum() + tau.sum()).backward()


def _linalg_error(fn):
    """Both libraries raise their LinAlgError (a RuntimeError) with the same message."""
    errors = []
    for lib in (torch, torchlike):
        with pytest.raises(lib.linalg.LinAlgError) as info:
            fn(lib)
        errors.append(info.value)
    assert isinstance(errors[1], RuntimeError)
    assert str(errors[1]) == str(errors[0])


SINGULAR_BATCH = np.stack([np.eye(3), SINGULAR])
NOT_PD = np.array([[1.0, 2.0], [2.0, 1.0]])
LINALG_ERRORS = [
    ("inv", lambda L: L.linalg.inv(L.tensor(SINGULAR))),
    ("inv_batched", lambda L: L.linalg.inv(L.tensor(SINGULAR_BATCH))),
    ("inv_ex_check", lambda L: L.linalg.inv_ex(L.tensor(SINGULAR), check_errors=True)),
    ("inverse", lambda L: L.inverse(L.tensor(SINGULAR))),
    ("matrix_power_negative", lambda L: L.linalg.matrix_power(L.tensor(SINGULAR), -1)),
    ("solve", lambda L: L.linalg.solve(L.tensor(SINGULAR), L.ones(3, dtype=L.float64))),
    ("solve_batched", lambda L: L.linalg.solve(L.tensor(SINGULAR_BATCH), L.ones(2, 3, 1, dtype=L.float64))),
    ("cholesky", lambda L: L.linalg.cholesky(L.tensor(NOT_PD))),
    ("cholesky_batched", lambda L: L.linalg.cholesky(L.tensor(np.stack([np.eye(2), NOT_PD])))),
    ("cholesky_legacy", _quiet(lambda L: L.cholesky(L.tensor(NOT_PD)))),
    ("cholesky_ex_check", lambda L: L.linalg.cholesky_ex(L.tensor(NOT_PD), check_errors=True)),
    ("tensorinv", lambda L: L.linalg.tensorinv(L.tensor(SINGULAR), 1)),
]


@pytest.mark.parametrize("fn", [f for _, f in LINALG_ERRORS], ids=[n for n, _ in LINALG_ERRORS])
def test_linalg_error(fn):
    _linalg_error(fn)


def test_info_codes_without_raising():
    """The *_ex forms report LAPACK's info (int32) instead of raising, as torch's do."""
    def run(L):
        singular, not_pd = L.tensor(SINGULAR_BATCH), L.tensor(np.stack([np.eye(2), NOT_PD, -np.eye(2)]))
        return (L.linalg.inv_ex(singular).info, L.linalg.solve_ex(singular, L.ones(2, 3, dtype=L.float64)).info,
                L.linalg.cholesky_ex(not_pd).info, L.linalg.lu_factor_ex(L.zeros(2, 2)).info,
                _quiet(lambda L: L.lu(L.zeros(2, 2), get_infos=True))(L).info)
    for e, a in zip(run(torch), run(torchlike)):
        assert str(a.dtype) == str(e.dtype) and a.tolist() == e.tolist()


F64 = np.eye(3)
ERRORS = [
    ("int_input", lambda L: L.linalg.inv(L.eye(2, dtype=L.long))),
    ("int_det", lambda L: L.linalg.det(L.ones(2, 2, dtype=L.long))),
    ("half", lambda L: L.linalg.inv(L.eye(2, dtype=L.half))),
    ("not_square", lambda L: L.linalg.det(L.ones(2, 3))),
    ("one_dim", lambda L: L.linalg.svd(L.ones(3))),
    ("solve_dtypes", lambda L: L.linalg.solve(L.eye(2), L.ones(2, dtype=L.float64))),
    ("solve_shapes", lambda L: L.linalg.solve(L.eye(2), L.ones(3, 1))),
    ("lu_factor_singular", lambda L: L.linalg.lu_factor(L.tensor(SINGULAR))),
    ("lu_factor_no_pivot", lambda L: L.linalg.lu_factor(L.eye(2), pivot=False)),
    ("eigh_uplo", lambda L: L.linalg.eigh(L.eye(2), UPLO="X")),
    ("svd_driver", lambda L: L.linalg.svd(L.eye(2), driver="gesvd")),
    ("qr_mode", lambda L: L.linalg.qr(L.eye(2), mode="full")),
    ("matrix_norm_ord", lambda L: L.linalg.matrix_norm(L.eye(2), 3)),
    ("norm_3d_ord", lambda L: L.linalg.norm(L.ones(2, 2, 2), 2)),
    ("vander_N", lambda L: L.linalg.vander(L.ones(3), N=1)),
    ("householder_shape", lambda L: L.linalg.householder_product(L.ones(2, 3), L.ones(2))),
    ("lstsq_driver", lambda L: L.linalg.lstsq(L.eye(2), L.ones(2, 1), driver="foo")),
    ("vecdot_dtypes", lambda L: L.linalg.vecdot(L.ones(3), L.ones(3, dtype=L.float64))),
    ("removed_eig", lambda L: L.eig(L.eye(2))),
    ("removed_symeig", lambda L: L.eye(2).symeig()),
    ("removed_solve", lambda L: L.solve(L.eye(2), L.eye(2))),
    ("removed_lstsq", lambda L: L.lstsq(L.eye(2), L.eye(2))),
    ("removed_matrix_rank", lambda L: L.matrix_rank(L.eye(2))),
]


@pytest.mark.parametrize("fn", [f for _, f in ERRORS], ids=[n for n, _ in ERRORS])
def test_error_parity(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err) == str(t_err)


def test_deprecation_warnings():
    """The deprecated top-level forms warn (UserWarning) as torch does."""
    a = torchlike.tensor(S64)
    for fn in (lambda: torchlike.cholesky(a), lambda: torchlike.qr(a), lambda: torchlike.lu(a),
               lambda: torchlike.lu_solve(a, *torchlike.linalg.lu_factor(a)),
               lambda: torchlike.triangular_solve(a, a)):
        with pytest.warns(UserWarning, match="is deprecated in favor of"):
            fn()


def test_return_types_and_names():
    a = torchlike.tensor(S64, requires_grad=True)
    r = torchlike.linalg.slogdet(a)
    assert type(r).__name__ == "linalg_slogdet" and r._fields == ("sign", "logabsdet")
    assert repr(r).startswith("torch.return_types.linalg_slogdet(")
    assert torchlike.linalg.svd(a)._fields == ("U", "S", "Vh") and torchlike.svd(a)._fields == ("U", "S", "V")
    assert torchlike.linalg.inv(a).grad_fn.name() == "LinalgInvExBackward0"
    assert torchlike.linalg.LinAlgError.__mro__[1] is RuntimeError
