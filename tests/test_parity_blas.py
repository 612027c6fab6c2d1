"""Parity rows for the BLAS/matmul family (torchlike.ops.blas)."""
import warnings

import numpy as np
import pytest

from parity import Case, check, expect_error, rand

A, B, C = rand(2, 3), rand(3, 4, seed=1), rand(2, 4, seed=2)
V2, V3, V4 = rand(2, seed=3), rand(3, seed=4), rand(4, seed=5)
BA, BB = rand(5, 2, 3, seed=6), rand(5, 3, 4, seed=7)
SQ = rand(3, 3, seed=8) / 2 + np.eye(3, dtype="float32") * 2
I23, I34 = rand(2, 3, dtype="int64", low=-3, high=4), rand(3, 4, dtype="int64", low=-3, high=4, seed=1)


def _chain(L, a, b, c):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return L.chain_matmul(a, b, c.T), L.chain_matmul(a)


def _imatmul(a, b):
    """``x @= b`` rebinds x (torch has no in-place matmul): a keeps its values."""
    x = a
    x @= b
    return x, a


CASES = [
    Case("mm", lambda L, a, b: (L.mm(a, b), a.mm(b), a @ b), (A, B)),
    Case("mm_int", lambda L, a, b: L.mm(a, b), (I23, I34)),
    Case("mm_f64", lambda L, a, b: L.mm(a, b), (A.astype("float64"), B.astype("float64"))),
    Case("bmm", lambda L, a, b: (L.bmm(a, b), a.bmm(b)), (BA, BB)),
    Case("mv", lambda L, a, v: (L.mv(a, v), a.mv(v)), (A, V3)),
    Case("dot_vdot", lambda L, a, b: (L.dot(a, b), a.dot(b), L.vdot(a, b), a.vdot(b)), (V3, rand(3, seed=9))),
    Case("vdot_complex", lambda L, a, b: (L.vdot(a, b), L.dot(a, b)),
         (rand(3, dtype="complex64"), rand(3, dtype="complex64", seed=1)), grad=False),
    Case("matmul_1d_1d", lambda L, a, b: L.matmul(a, b), (V3, rand(3, seed=9))),
    Case("matmul_2d_1d", lambda L, a, v: L.matmul(a, v), (A, V3)),
    Case("matmul_1d_2d", lambda L, v, b: (L.matmul(v, b), v @ b), (V3, B)),
    Case("matmul_3d_2d", lambda L, a, b: L.matmul(a, b), (BA, B)),
    Case("matmul_3d_1d", lambda L, a, v: L.matmul(a, v), (BA, V3)),
    Case("matmul_1d_3d", lambda L, v, b: L.matmul(v, b), (V3, BB)),
    Case("matmul_2d_3d", lambda L, a, b: L.matmul(a, b), (A, BB)),
    Case("matmul_broadcast_batch", lambda L, a, b: L.matmul(a, b), (rand(5, 1, 2, 3), rand(4, 3, 4, seed=1))),
    Case("matmul_out", lambda L, a, b: L.matmul(a, b, out=L.empty(0)), (A, B), grad=False),
    Case("rmatmul_imatmul", lambda L, a, b: (a.__rmatmul__(b), _imatmul(a, b.T)), (SQ, rand(2, 3, seed=3))),
    Case("inner", lambda L, a, b: (L.inner(a, b), a.inner(b), L.inner(a[0], b[1])), (A, rand(4, 3, seed=1))),
    Case("inner_scalar", lambda L, a: L.inner(a, L.tensor(2.5)), (A,)),
    Case("outer_ger", lambda L, a, b: (L.outer(a, b), a.outer(b), L.ger(a, b), a.ger(b)), (V2, V3)),
    Case("outer_promote", lambda L, a, b: L.outer(a, b), (V2, rand(3, dtype="int64"))),
    Case("addmm", lambda L, c, a, b: (L.addmm(c, a, b), L.addmm(c, a, b, beta=0.5, alpha=-2),
                                      c.addmm(a, b, alpha=3)), (C, A, B)),
    Case("addmm_bias_broadcast", lambda L, c, a, b: L.addmm(c, a, b, beta=2), (V4, A, B)),
    Case("addmm_beta0_ignores_nan", lambda L, c, a, b: L.addmm(c * float("nan"), a, b, beta=0), (C, A, B)),
    Case("addmm_int_scalars_truncate", lambda L, c, a, b: L.addmm(c, a, b, beta=1.5, alpha=2.7),
         (rand(2, 4, dtype="int64"), I23, I34)),
    Case("addmm_inplace", lambda L, c, a, b: c.clone().addmm_(a, b, beta=0.5), (C, A, B)),
    Case("addmv", lambda L, c, a, v: (L.addmv(c, a, v), L.addmv(c, a, v, beta=-1, alpha=0.5), c.clone().addmv_(a, v)),
         (V2, A, V3)),
    Case("addr", lambda L, c, a, b: (L.addr(c, a, b), L.addr(c, a, b, beta=2, alpha=0.5), c.clone().addr_(a, b)),
         (A, V2, V3)),
    # torch's own addr backward fails on mixed dtypes, so values only
    Case("addr_promote", lambda L, c, a, b: L.addr(c, a, b), (A, V2, V3.astype("float64")), grad=False),
    Case("addr_bool", lambda L, c, a, b: L.addr(c, a, b), (rand(2, 3, dtype="bool"), rand(2, dtype="bool"),
                                                           rand(3, dtype="bool", seed=2))),
    Case("addbmm", lambda L, c, a, b: (L.addbmm(c, a, b), L.addbmm(c, a, b, beta=0.5, alpha=2),
                                       c.clone().addbmm_(a, b)), (C, BA, BB)),
    Case("baddbmm", lambda L, c, a, b: (L.baddbmm(c, a, b), L.baddbmm(c, a, b, beta=0.5, alpha=2),
                                        c.clone().expand(5, 2, 4).clone().baddbmm_(a, b)), (C, BA, BB)),
    Case("chain_matmul", _chain, (A, B, rand(5, 4, seed=3))),
    Case("matrix_power", lambda L, a: (L.matrix_power(a, 0), a.matrix_power(1), L.matrix_power(a, 3),
                                       L.matrix_power(a, 6)), (SQ,)),
    Case("matrix_power_negative_batched", lambda L, a: L.matrix_power(a, -2),
         (np.stack([SQ, SQ.T]),), tol=(1e-4, 1e-5)),
    Case("matrix_power_int", lambda L, a: L.matrix_power(a, 3), (rand(3, 3, dtype="int64"),)),
    Case("einsum_matmul", lambda L, a, b: (L.einsum("ij,jk->ik", a, b), L.einsum("ij,jk", [a, b]),
                                           L.einsum(" ij , jk -> ki ", (a, b))), (A, B)),
    Case("einsum_implicit_order", lambda L, a, b: L.einsum("bA,Ab", a, b.T), (A, rand(2, 3, seed=1))),
    Case("einsum_batched_ellipsis", lambda L, a, b: (L.einsum("...ij,...jk->...ik", a, b),
                                                     L.einsum("bij,bjk", a, b)), (BA, BB)),
    Case("einsum_trace_diag_sum", lambda L, a: (L.einsum("ii", a), L.einsum("ii->i", a), L.einsum("ij->", a),
                                                L.einsum("ij->ji", a), L.einsum("...", a)), (SQ,)),
    Case("einsum_outer_three", lambda L, a, b, c: L.einsum("i,j,k->ijk", a, b, c), (V2, V3, V4)),
    Case("einsum_broadcast_size1", lambda L, a, b: (L.einsum("bi,bi->b", a, b), L.einsum("ij,jk->ik", a, b.T)),
         (rand(2, 3), rand(1, 3, seed=1))),
    Case("einsum_sublist", lambda L, a, b: (L.einsum(a, [0, 1], b, [1, 2], [0, 2]),
                                            L.einsum(a, [Ellipsis, 1], b, [1, 2])), (A, B)),
    Case("einsum_int_and_bool", lambda L, a, m: (L.einsum("ij,jk", a, a.T), L.einsum("ij->i", m),
                                                 L.einsum("ij->ji", m)), (I23, rand(2, 3, dtype="bool"))),
    Case("tensordot", lambda L, a, b: (L.tensordot(a, b, 1), L.tensordot(a, a.T, dims=([0, 1], [1, 0])),
                                       L.tensordot(a, a, 2), L.tensordot(a, b, dims=0)), (A, B)),
    Case("tensordot_3d", lambda L, a, b: L.tensordot(a, b, dims=([2, 0], [1, 0])), (BA, BB)),
    Case("kron", lambda L, a, b: (L.kron(a, b), a.kron(b[0])), (A, rand(2, 2, seed=1))),
    Case("kron_promote", lambda L, a, b: L.kron(a, b), (V2, rand(3, dtype="int64"))),
    Case("trace", lambda L, a: (L.trace(a), a.trace(), L.trace(a[:, :2])), (A,)),
    Case("trace_int", lambda L, a: L.trace(a), (rand(3, 3, dtype="int32"),)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)


F, D = rand(2, 3), rand(3, 2, dtype="float64")
ERRORS = [
    ("mm_shape", lambda L: L.mm(L.tensor(A), L.tensor(A))),
    ("mm_dtype", lambda L: L.mm(L.tensor(F), L.tensor(D))),
    ("mm_1d", lambda L: L.mm(L.tensor(V3), L.tensor(B))),
    ("mm_bool", lambda L: L.mm(L.ones(2, 3, dtype=L.bool), L.ones(3, 2, dtype=L.bool))),
    ("bmm_2d", lambda L: L.bmm(L.tensor(A), L.tensor(B))),
    ("bmm_batch_mismatch", lambda L: L.bmm(L.tensor(BA), L.tensor(BB[:2]))),
    ("mv_shape", lambda L: L.mv(L.tensor(A), L.tensor(V4))),
    ("dot_dtype", lambda L: L.dot(L.tensor(V3), L.tensor(V3).double())),
    ("dot_size", lambda L: L.dot(L.tensor(V3), L.tensor(V4))),
    ("matmul_0d", lambda L: L.matmul(L.tensor(1.0), L.tensor(V3))),
    ("matmul_batch_mismatch", lambda L: L.matmul(L.tensor(BA), L.tensor(BB[:2]))),
    ("matmul_folded_mismatch", lambda L: L.matmul(L.tensor(BA), L.tensor(C))),
    ("matmul_batch_vector_mismatch", lambda L: L.matmul(L.tensor(BA), L.tensor(V4))),
    ("einsum_ellipsis_broadcast", lambda L: L.einsum("i...,i...", L.tensor(A), L.tensor(C))),
    ("matmul_dtype", lambda L: L.tensor(F) @ L.tensor(D)),
    ("addmm_input_shape", lambda L: L.addmm(L.ones(3, 3), L.tensor(A), L.tensor(B))),
    ("addmm_input_dtype", lambda L: L.addmm(L.ones(2, 4, dtype=L.float64), L.tensor(A), L.tensor(B))),
    ("addr_int_float_beta", lambda L: L.addr(L.ones(2, 3, dtype=L.long), L.ones(2, dtype=L.long),
                                             L.ones(3, dtype=L.long), beta=0.5)),
    ("baddbmm_dtype", lambda L: L.baddbmm(L.ones(2, 4, dtype=L.float64), L.tensor(BA), L.tensor(BB))),
    ("chain_matmul_empty", lambda L: L.chain_matmul()),
    ("matrix_power_nonsquare", lambda L: L.matrix_power(L.tensor(A), 2)),
    ("matrix_power_int_negative", lambda L: L.matrix_power(L.ones(2, 2, dtype=L.long), -1)),
    ("einsum_bad_char", lambda L: L.einsum("ij;jk", L.tensor(A), L.tensor(B))),
    ("einsum_operand_count", lambda L: L.einsum("ij,jk->ik", L.tensor(A))),
    ("einsum_dims", lambda L: L.einsum("ijk->i", L.tensor(A))),
    ("einsum_size", lambda L: L.einsum("ij,jk->ik", L.tensor(A), L.tensor(C))),
    ("einsum_output_repeat", lambda L: L.einsum("ij,jk->ii", L.tensor(A), L.tensor(B))),
    ("einsum_output_unknown", lambda L: L.einsum("ij->iz", L.tensor(A))),
    ("einsum_dot", lambda L: L.einsum("i.j", L.tensor(A))),
    ("einsum_sublist_range", lambda L: L.einsum(L.tensor(A), [0, 60])),
    ("einsum_dtype", lambda L: L.einsum("ij,jk", L.tensor(F), L.tensor(D))),
    ("tensordot_size", lambda L: L.tensordot(L.tensor(A), L.tensor(A), 1)),
    ("tensordot_lists", lambda L: L.tensordot(L.tensor(A), L.tensor(B), ([1], [0, 1]))),
    ("tensordot_int_pair", lambda L: L.tensordot(L.tensor(A), L.tensor(B), (1, 0))),
    ("tensordot_dtype", lambda L: L.tensordot(L.tensor(F), L.tensor(D), 1)),
    ("inner_size", lambda L: L.inner(L.tensor(A), L.tensor(B))),
    ("outer_2d", lambda L: L.outer(L.tensor(A), L.tensor(V3))),
    ("trace_1d", lambda L: L.trace(L.tensor(V3))),
]


@pytest.mark.parametrize("fn", [f for _, f in ERRORS], ids=[n for n, _ in ERRORS])
def test_error_parity(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err).split("\n")[0][:40] == str(t_err).split("\n")[0][:40]


def test_matrix_power_singular_raises():
    import torchlike
    with pytest.raises(RuntimeError, match="singular"):
        torchlike.matrix_power(torchlike.zeros(2, 2), -1)


def test_grad_fn_names():
    import torchlike
    a = torchlike.tensor(A, requires_grad=True)
    assert "MmBackward0" in repr(torchlike.mm(a, torchlike.tensor(B)))
    assert "AddmmBackward0" in repr(torchlike.addmm(torchlike.tensor(C), a, torchlike.tensor(B)))
