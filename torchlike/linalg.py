"""torch.linalg: decompositions, solvers, inverses and norms on jax.numpy.linalg / jax.lax.linalg
(LAPACK on CPU).

Every function is one compiled kernel (per static configuration) with JAX's VJPs as gradients.
Where torch raises for a singular or non-positive-definite input (inv, solve, cholesky,
lu_factor and the functions built on them), the kernel also returns LAPACK's ``info`` code and
the call raises :class:`LinAlgError` with torch's message; the ``*_ex`` forms return it. Results
come back as torch's named tuples (``torch.return_types.linalg_*``).

Deviations: eigenvectors and singular vectors are LAPACK's (JAX calls the same routines as torch
on CPU, so they normally agree, but their signs/phases are only defined up to a unit factor);
``cholesky_ex`` returns NaNs (not LAPACK's partial factor) where it reports failure; the gradient
of ``det`` at an exactly singular matrix is NaN (torch's is finite); ``lstsq`` computes the
minimum-norm solution through the SVD for every driver (gelsy/gels give the same solution for
full-rank input); ``ldl_factor``/``ldl_solve`` are not provided.
"""
import functools
import math
import numbers

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from . import _dtype
from ._dispatch import Kernel, apply, run
from ._tensor import _TYPE_NAMES, Tensor
from .ops import blas as _blas
from .ops import other as _other
from .ops._util import dims_arg, wrap_dim, write_out
from .ops.indexing import diagonal as _diagonal
from .ops.reduction import _NUCLEAR_NORM, _VECTOR_NORM, return_types

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals",
           "eigvalsh", "householder_product", "inv", "inv_ex", "lstsq", "lu", "lu_factor", "lu_factor_ex",
           "lu_solve", "matmul", "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm",
           "pinv", "qr", "slogdet", "solve", "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv",
           "tensorsolve", "vander", "vecdot", "vector_norm"]

_HI = lax.Precision.HIGHEST

for _name, _fields in [("linalg_qr", ("Q", "R")), ("linalg_slogdet", ("sign", "logabsdet")),
                       ("linalg_inv_ex", ("inverse", "info")), ("linalg_cholesky_ex", ("L", "info")),
                       ("linalg_lu", ("P", "L", "U")), ("linalg_lu_factor", ("LU", "pivots")),
                       ("linalg_lu_factor_ex", ("LU", "pivots", "info")),
                       ("linalg_eig", ("eigenvalues", "eigenvectors")),
                       ("linalg_eigh", ("eigenvalues", "eigenvectors")), ("linalg_svd", ("U", "S", "Vh")),
                       ("linalg_solve_ex", ("result", "info")),
                       ("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))]:
    return_types.define(_name, _fields)


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: raised (a RuntimeError, as in torch) when a matrix is singular
    or not positive-definite where the operation needs it to be. Its ``__name__`` is torch's
    ``_LinAlgError``, so tracebacks and ``type(e).__name__`` read as in torch."""


LinAlgError.__name__ = LinAlgError.__qualname__ = "_LinAlgError"


# ---- argument checks ---------------------------------------------------------------------------
def _check(op, A, square=False, name="A", kernel=None):
    """torch's checks of a matrix argument: at least 2-D, floating or complex (not half), square.
    Ops whose torch kernel refuses other dtypes itself name it (``kernel``): NotImplementedError."""
    if A.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor {name} must have at least 2 dimensions.")
    if kernel and (A.dtype.category < 2 or A.dtype in (_dtype.float16, _dtype.bfloat16)):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_TYPE_NAMES[A.dtype]}'")
    if A.dtype.category < 2:
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {_TYPE_NAMES[A.dtype]}")
    if A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError(f"{op}: Low precision dtypes not supported. Got {_TYPE_NAMES[A.dtype]}")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: {name} must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")


def _check_same_dtype(op, A, B, names=("A", "B")):
    if A.dtype is not B.dtype:
        raise RuntimeError(f"{op}: Expected {names[0]} and {names[1]} to have the same dtype, but found {names[0]} "
                           f"of type {_TYPE_NAMES[A.dtype]} and {names[1]} of type {_TYPE_NAMES[B.dtype]} instead")


def _raise_info(op, info, message, batched):
    """Raise LinAlgError(``op: message(code)``) for the first matrix whose LAPACK info code is
    nonzero, with torch's "(Batch element i): " for batched inputs. (A traced info code, inside
    torchlike.compile or jit, cannot be read and is not checked.)"""
    data = info._data if isinstance(info, Tensor) else info
    if isinstance(data, jax.core.Tracer):
        return
    codes = np.asarray(data).reshape(-1)
    bad = np.flatnonzero(codes)
    if bad.size:
        where = f"(Batch element {bad[0]}): " if batched else ""
        raise LinAlgError(f"{op}: {where}{message(int(codes[bad[0]]))}")


def _out(out, result):
    """Honour ``out=`` for a tensor or a named tuple of tensors."""
    if out is None:
        return result
    if isinstance(result, tuple):
        return type(result)(*(write_out(o, r) for o, r in zip(out, result)))
    return write_out(out, result)


def _mh(a):
    return jnp.conj(jnp.swapaxes(a, -1, -2))


def _eye_like(a):
    return jnp.broadcast_to(jnp.eye(a.shape[-2], a.shape[-1], dtype=a.dtype), a.shape)


def _broadcast_batch(a, b):
    """a and b with their batch (all but the last two) dims broadcast together."""
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return jnp.broadcast_to(a, batch + a.shape[-2:]), jnp.broadcast_to(b, batch + b.shape[-2:])


# ---- LU --------------------------------------------------------------------------------------
def _lu_info(lu):
    """getrf's info: the 1-based index of the first exactly zero diagonal element of U, else 0."""
    zero = jnp.diagonal(lu, axis1=-2, axis2=-1) == 0
    if zero.shape[-1] == 0:
        return jnp.zeros(zero.shape[:-1], jnp.int32)
    return jnp.where(zero.any(-1), jnp.argmax(zero, -1) + 1, 0).astype(jnp.int32)


def _lu_solve_fn(lu, perm, b, adjoint=False):
    """Solve A x = b (A^H x = b when ``adjoint``) from A's LU factors, where A[perm] = L U."""
    lu, b = _broadcast_batch(lu, b)
    perm = jnp.broadcast_to(perm, lu.shape[:-1])
    tri = lax.linalg.triangular_solve
    if not adjoint:
        x = jnp.take_along_axis(b, perm[..., None], axis=-2)
        x = tri(lu, x, left_side=True, lower=True, unit_diagonal=True)
        return tri(lu, x, left_side=True, lower=False)
    y = tri(lu, b, left_side=True, lower=False, transpose_a=True, conjugate_a=True)
    y = tri(lu, y, left_side=True, lower=True, unit_diagonal=True, transpose_a=True, conjugate_a=True)
    return jnp.take_along_axis(y, jnp.argsort(perm, axis=-1)[..., None], axis=-2)


def _inv_ex_fn(a):
    lu, _, perm = lax.linalg.lu(a)
    return _lu_solve_fn(lu, perm, _eye_like(a)), _lu_info(lu)


def _solve_ex_fn(vector, left, a, b):
    if not left:
        a, b = jnp.swapaxes(a, -1, -2), jnp.swapaxes(b, -1, -2)
    lu, _, perm = lax.linalg.lu(a)
    x = _lu_solve_fn(lu, perm, b[..., None] if vector else b)
    x = x[..., 0] if vector else x
    return (x if left else jnp.swapaxes(x, -1, -2)), _lu_info(lu)


_INV_EX = Kernel(_inv_ex_fn, "LinalgInvExBackward0")
_SOLVE_EX = Kernel(_solve_ex_fn, "LinalgSolveExBackward0")


def _inv_message(code):
    return (f"The diagonal element {code} is zero, the inversion could not be completed because the input matrix "
            "is singular.")


def inv_ex(A, *, check_errors=False, out=None):
    """torch.linalg.inv_ex -> (inverse, info): info (int32, one per matrix) is LAPACK's getrf code,
    nonzero for a singular matrix (whose inverse then holds infs/NaNs)."""
    _check("linalg.inv", A, square=True)
    inverse, info = apply(_INV_EX, (A,))
    if check_errors:
        _raise_info("linalg.inv_ex", info, _inv_message, A.ndim > 2)
    return _out(out, return_types.linalg_inv_ex(inverse, info))


def inv(A, *, out=None):
    """torch.linalg.inv of (batches of) square matrices; a singular one raises LinAlgError."""
    inverse, info = inv_ex(A)
    _raise_info("linalg.inv", info, _inv_message, A.ndim > 2)
    return _out(out, inverse)


def _is_vector_rhs(A, B):
    """torch's rule: B is a (batch of) vector(s) if it is 1-D or has A's shape without the last dim."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """torch.linalg.solve_ex -> (result, info): the solution of A X = B (X A = B when not ``left``),
    batch dims broadcast; info is getrf's code per matrix of A."""
    _check("linalg.solve", A, square=True)
    _check_same_dtype("linalg.solve", A, B)
    vector = _is_vector_rhs(A, B)
    matrix = tuple(B.shape) + (1,) if vector else tuple(B.shape)  # a vector is a column, in XA = B too
    if B.ndim < 1 or matrix[-2 if left else -1] != A.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({'x'.join(map(str, A.shape[-2:]))} and "
                           f"{'x'.join(map(str, matrix[-2:]))})")
    result, info = apply(_SOLVE_EX, (A, B), (vector, bool(left)))
    if check_errors:
        _raise_info("torch.linalg.solve", info, lambda c: "The solver failed because the input matrix is singular.",
                    A.ndim > 2)
    return _out(out, return_types.linalg_solve_ex(result, info))


def solve(A, B, *, left=True, out=None):
    """torch.linalg.solve: X with A X = B (X A = B when not ``left``); B may be a (batch of)
    vector(s); a singular A raises LinAlgError."""
    return _out(out, solve_ex(A, B, left=left, check_errors=True).result)


def _lu_factor_fn(a):
    lu, pivots, _ = lax.linalg.lu(a)
    return lu, pivots + 1, _lu_info(lu)


_LU_FACTOR = Kernel(_lu_factor_fn, "LinalgLuFactorExBackward0")


def _check_pivot(op, pivot):
    if not pivot:
        raise RuntimeError(f"{op}: LU without pivoting is not implemented on the CPU")


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """torch.linalg.lu_factor_ex -> (LU, pivots, info): LAPACK's compact LU with partial pivoting,
    1-based int32 pivots, getrf's info. Rectangular matrices allowed."""
    _check("torch.linalg.lu_factor_ex", A, kernel="lu_cpu")
    _check_pivot("linalg.lu_factor", pivot)
    LU, pivots, info = apply(_LU_FACTOR, (A,))
    if check_errors:
        _raise_info("torch.linalg.lu_factor_ex", info,
                    lambda c: f"U[{c},{c}] is zero and using it on lu_solve would result in a division by zero.",
                    A.ndim > 2)
    return _out(out, return_types.linalg_lu_factor_ex(LU, pivots, info))


def lu_factor(A, *, pivot=True, out=None):
    """torch.linalg.lu_factor -> (LU, pivots); a zero on U's diagonal raises RuntimeError, as torch
    does (lu_factor_ex or lu factor such matrices)."""
    _check("torch.linalg.lu_factor", A, kernel="lu_cpu")
    _check_pivot("linalg.lu_factor", pivot)
    LU, pivots, info = apply(_LU_FACTOR, (A,))
    data = info._data
    if not isinstance(data, jax.core.Tracer) and np.asarray(data).any():
        codes = np.asarray(data).reshape(-1)
        i = int(np.flatnonzero(codes)[0])
        where = f"(Batch element {i}): " if A.ndim > 2 else ""
        raise RuntimeError(f"torch.linalg.lu_factor: {where}U[{codes[i]},{codes[i]}] is zero and using it on "
                           "lu_solve would result in a division by zero. If you still want to perform the "
                           "factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return _out(out, return_types.linalg_lu_factor(LU, pivots))


def _unpack_fn(a, lu):
    """(L, U) from a compact m x n LU: L is m x k unit lower, U is k x n upper (k = min(m, n))."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    L = jnp.tril(lu[..., :, :k], -1) + jnp.eye(m, k, dtype=lu.dtype)
    return L, jnp.triu(lu[..., :k, :])


def _lu_fn(a):
    lu, _, perm = lax.linalg.lu(a)
    return (perm,) + _unpack_fn(a, lu)


_LU = Kernel(_lu_fn, "LinalgLuBackward0")
_PERM_MATRIX = Kernel(lambda dtype, perm: jnp.swapaxes(jax.nn.one_hot(perm, perm.shape[-1], dtype=dtype), -1, -2),
                      "NotDifferentiable")
_PIVOTS_TO_PERM = Kernel(lambda m, pivots: lax.linalg.lu_pivots_to_permutation(pivots - 1, m), "NotDifferentiable")


def _perm_matrix(perm, dtype):
    return Tensor._from_array(run(_PERM_MATRIX, (perm._data,), (dtype.jax,)))


def lu(A, *, pivot=True, out=None):
    """torch.linalg.lu -> (P, L, U) with A = P L U; P is a permutation matrix (no gradient)."""
    _check("linalg.lu", A, kernel="lu_cpu")
    _check_pivot("linalg.lu", pivot)
    perm, L, U = apply(_LU, (A,))
    return _out(out, return_types.linalg_lu(_perm_matrix(perm, A.dtype), L, U))


def _lu_solve_kernel(left, adjoint, lu, pivots, b):
    perm = lax.linalg.lu_pivots_to_permutation(pivots - 1, lu.shape[-1])
    if left:
        return _lu_solve_fn(lu, perm, b, adjoint)
    return _mh(_lu_solve_fn(lu, perm, _mh(b), not adjoint))  # X A = B is A^H X^H = B^H


_LU_SOLVE = Kernel(_lu_solve_kernel, "LinalgLuSolveBackward0")


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """torch.linalg.lu_solve: solve A X = B (A^H X = B with ``adjoint``, X A = B when not ``left``)
    from lu_factor's output."""
    _check("linalg.lu_solve", LU, square=True, name="LU")
    _check_same_dtype("linalg.lu_solve", LU, B, ("LU", "B"))
    if B.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    if (B.shape[-2] if left else B.shape[-1]) != LU.shape[-1]:
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({'x'.join(map(str, LU.shape[-2:]))} and "
                           f"{'x'.join(map(str, B.shape[-2:]))})")
    return _out(out, apply(_LU_SOLVE, (LU, pivots, B), (bool(left), bool(adjoint))))


# ---- Cholesky ----------------------------------------------------------------------------------
def _hermitian_from(a, lower=True):
    """The Hermitian matrix whose lower (upper) triangle is a's: LAPACK reads only that triangle."""
    tri = jnp.tril(a, -1) if lower else jnp.triu(a, 1)
    d = jnp.diagonal(a, axis1=-2, axis2=-1)
    return tri + _mh(tri) + (jnp.real(d)[..., None] * jnp.eye(a.shape[-1], dtype=a.dtype))


def _cholesky_info(a):
    """potrf's info: the order of the first leading minor that is not positive-definite (0 if
    none), by an unblocked factorization of a's lower triangle."""
    n = a.shape[-1]
    rows = jnp.arange(n)

    def step(k, state):
        m, info = state
        d = jnp.real(jnp.take(jnp.diagonal(m, axis1=-2, axis2=-1), k, axis=-1))
        bad = ~(d > 0)
        info = jnp.where((info == 0) & bad, k + 1, info)
        col = jnp.take(m, k, axis=-1) / jnp.sqrt(jnp.where(bad, 1, d))[..., None]
        col = jnp.where(rows > k, col, 0)
        return m - col[..., :, None] * jnp.conj(col[..., None, :]), info

    return lax.fori_loop(0, n, step, (_hermitian_from(a), jnp.zeros(a.shape[:-2], jnp.int32)))[1]


def _hermitian_input(a, lower=True):
    """The Hermitian matrix LAPACK reads from a's lower (upper) triangle, differentiated as a's
    Hermitian part: gradients come out Hermitian, as torch's (which assumes Hermitian input)."""
    sym = (a + _mh(a)) / 2
    return sym + lax.stop_gradient(_hermitian_from(a, lower) - sym)


@jax.custom_vjp
def _cholesky_lower(a):
    """L L^H = the Hermitian matrix of a's lower triangle (LAPACK's potrf)."""
    return lax.linalg.cholesky(a, symmetrize_input=False)


def _cholesky_fwd(a):
    L = _cholesky_lower(a)
    return L, L


def _cholesky_bwd(L, ct):
    """torch's gradient: L^-H M L^-1 with X = tril(L^H gL), M = (X + tril(X, -1)^H) / 2, for torch's
    gL (the conjugate of JAX's complex cotangent; the result is conjugated back)."""
    x = jnp.tril(jnp.matmul(_mh(L), jnp.conj(ct), precision=_HI))
    m = (x + _mh(jnp.tril(x, -1))) / 2
    y = lax.linalg.triangular_solve(L, m, left_side=True, lower=True, transpose_a=True, conjugate_a=True)
    return (jnp.conj(lax.linalg.triangular_solve(L, y, left_side=False, lower=True)),)


_cholesky_lower.defvjp(_cholesky_fwd, _cholesky_bwd)


def _cholesky_ex_fn(upper, a):
    L = _cholesky_lower(a)
    failed = jnp.isnan(L).any()
    info = lax.cond(failed, _cholesky_info, lambda x: jnp.zeros(x.shape[:-2], jnp.int32), a)
    return (_mh(L) if upper else L), info


_CHOLESKY_EX = Kernel(_cholesky_ex_fn, "LinalgCholeskyExBackward0")


def _cholesky_message(code):
    return (f"The factorization could not be completed because the input is not positive-definite (the leading "
            f"minor of order {code} is not positive-definite).")


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """torch.linalg.cholesky_ex -> (L, info): info is potrf's code (the order of the first leading
    minor that is not positive-definite); only A's lower triangle is read, as in torch."""
    _check("linalg.cholesky", A, square=True)
    L, info = apply(_CHOLESKY_EX, (A,), (bool(upper),))
    if check_errors:
        _raise_info("linalg.cholesky_ex", info, _cholesky_message, A.ndim > 2)
    return _out(out, return_types.linalg_cholesky_ex(L, info))


def cholesky(A, *, upper=False, out=None):
    """torch.linalg.cholesky: L with A = L L^H (U = L^H with ``upper``); raises LinAlgError for a
    matrix that is not positive-definite."""
    L, info = cholesky_ex(A, upper=upper)
    _raise_info("linalg.cholesky", info, _cholesky_message, A.ndim > 2)
    return _out(out, L)


# ---- determinants -----------------------------------------------------------------------------
_DET = Kernel(jnp.linalg.det, "LinalgDetBackward0")
_SLOGDET = Kernel(lambda a: tuple(jnp.linalg.slogdet(a)), "LinalgSlogdetBackward0")


def det(A, *, out=None):
    """torch.linalg.det (0 for a singular matrix)."""
    _check("linalg.det", A, square=True)
    return _out(out, apply(_DET, (A,)))


def slogdet(A, *, out=None):
    """torch.linalg.slogdet -> (sign, logabsdet): sign is -1/0/1 (a unit complex number for
    complex input), logabsdet is real (-inf for a singular matrix)."""
    _check("linalg.slogdet", A, square=True)
    return _out(out, return_types.linalg_slogdet(*apply(_SLOGDET, (A,))))


# ---- eigen and singular value decompositions ----------------------------------------------------
def _eigh_fn(lower, values_only, a):
    v, w = lax.linalg.eigh(_hermitian_input(a, lower), lower=lower, symmetrize_input=False)
    return w if values_only else (w, v)


_EIGH = Kernel(_eigh_fn, "LinalgEighBackward0")
def _eig_fn(values_only, a):
    w, v = lax.linalg.eig(a, compute_left_eigenvectors=False, enable_eigvec_derivs=True)
    return w if values_only else (w, v)


_EIG = Kernel(_eig_fn, "LinalgEigBackward0")


def _uplo(UPLO):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO == "L"


def eigh(A, UPLO="L", *, out=None):
    """torch.linalg.eigh -> (eigenvalues ascending, real; eigenvectors as columns) of a Hermitian
    matrix given by its lower (UPLO='L') or upper triangle."""
    _check("linalg.eigh", A, square=True, kernel="linalg_eigh_cpu")
    return _out(out, return_types.linalg_eigh(*apply(_EIGH, (A,), (_uplo(UPLO), False))))


def eigvalsh(A, UPLO="L", *, out=None):
    """torch.linalg.eigvalsh: eigh's eigenvalues only."""
    _check("linalg.eigvalsh", A, square=True, kernel="linalg_eigh_cpu")
    return _out(out, apply(_EIGH, (A,), (_uplo(UPLO), True)))


def eig(A, *, out=None):
    """torch.linalg.eig -> (eigenvalues, eigenvectors), complex (complex64 for float32 input);
    eigenvectors have unit norm, as LAPACK's geev returns them."""
    _check("linalg.eig", A, square=True)
    return _out(out, return_types.linalg_eig(*apply(_EIG, (A,), (False,))))


def eigvals(A, *, out=None):
    """torch.linalg.eigvals: eig's eigenvalues only."""
    _check("linalg.eigvals", A, square=True)
    return _out(out, apply(_EIG, (A,), (True,)))


def _svd_fn(full_matrices, values_only, a):
    if values_only:
        return jnp.linalg.svd(a, compute_uv=False)
    return tuple(jnp.linalg.svd(a, full_matrices=full_matrices))


_SVD = Kernel(_svd_fn, "LinalgSvdBackward0")


def _check_driver(driver):
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
                           "cuSOLVER backend.")


def svd(A, full_matrices=True, *, driver=None, out=None):
    """torch.linalg.svd -> (U, S, Vh) with A = U diag(S) Vh, S descending and real."""
    _check("linalg.svd", A)
    _check_driver(driver)
    return _out(out, return_types.linalg_svd(*apply(_SVD, (A,), (bool(full_matrices), False))))


def svdvals(A, *, driver=None, out=None):
    """torch.linalg.svdvals: the singular values, descending."""
    _check("linalg.svd", A)
    _check_driver(driver)
    return _out(out, apply(_SVD, (A,), (False, True)))


# ---- QR and Householder products ----------------------------------------------------------------
_QR = Kernel(lambda mode, a: jnp.linalg.qr(a, mode=mode) if mode == "r" else tuple(jnp.linalg.qr(a, mode=mode)),
             "LinalgQrBackward0")


def qr(A, mode="reduced", *, out=None):
    """torch.linalg.qr -> (Q, R); mode 'reduced', 'complete', or 'r' (Q is then an empty tensor)."""
    _check("linalg.qr", A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           "or 'complete'")
    if mode == "r":
        return _out(out, return_types.linalg_qr(Tensor._from_array(jnp.zeros((0,), A.dtype.jax)),
                                                apply(_QR, (A,), ("r",))))
    return _out(out, return_types.linalg_qr(*apply(_QR, (A,), (mode,))))


def _householder_fn(a, tau):
    """H_1 ... H_k applied to the first n columns of the identity, H_i = I - tau_i v_i v_i^H with
    v_i = (0, ..., 0, 1, a[i+1:, i]); one scanned step per reflector."""
    m = a.shape[-2]
    rows = jnp.arange(m)

    def apply_reflector(q, i):
        v = jnp.take(a, i, axis=-1)
        v = jnp.where(rows == i, 1, jnp.where(rows > i, v, 0)).astype(a.dtype)
        t = jnp.take(tau, i, axis=-1)[..., None, None]
        return q - t * v[..., :, None] * jnp.matmul(jnp.conj(v)[..., None, :], q, precision=_HI), None

    q, _ = lax.scan(apply_reflector, _eye_like(a), jnp.arange(tau.shape[-1])[::-1])
    return q


_HOUSEHOLDER = Kernel(_householder_fn, "LinalgHouseholderProductBackward0")


def householder_product(A, tau, *, out=None):
    """torch.linalg.householder_product: the first n columns of the product of the Householder
    reflectors stored in A's columns (below the diagonal) and tau (as geqrf returns them)."""
    op = "torch.linalg.householder_product"
    if A.ndim < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError(f"{op}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if A.shape[-1] < tau.shape[-1]:
        raise RuntimeError(f"{op}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if tau.ndim != A.ndim - 1:
        raise RuntimeError(f"{op}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{tau.ndim} and input.ndim is equal to {A.ndim}")
    _check_same_dtype(op, A, tau, ("input", "tau"))
    _check(op, A, kernel="orgqr_cpu")
    return _out(out, apply(_HOUSEHOLDER, (A, tau)))


# ---- triangular solves, least squares, pseudo-inverse, rank -------------------------------------
def _solve_triangular_fn(upper, left, unitriangular, a, b):
    a, b = _broadcast_batch(a, b)
    return lax.linalg.triangular_solve(a, b, left_side=left, lower=not upper, unit_diagonal=unitriangular)


_SOLVE_TRIANGULAR = Kernel(_solve_triangular_fn, "LinalgSolveTriangularBackward0")


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """torch.linalg.solve_triangular: X with A X = B (X A = B when not ``left``) for triangular A
    (only its upper or lower triangle is read); batch dims broadcast. No singularity check, as torch."""
    _check("linalg.solve_triangular", A, square=True, kernel="triangular_solve_cpu")
    _check("linalg.solve_triangular", B, name="B", kernel="triangular_solve_cpu")
    _check_same_dtype("linalg.solve_triangular", A, B)
    if (B.shape[-2] if left else B.shape[-1]) != A.shape[-1]:
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({'x'.join(map(str, A.shape[-2:]))} and "
                           f"{'x'.join(map(str, B.shape[-2:]))})")
    return _out(out, apply(_SOLVE_TRIANGULAR, (A, B), (bool(upper), bool(left), bool(unitriangular))))


def _cutoff(s, atol, rtol):
    """torch's threshold on the singular values s (descending): max(atol, rtol * s_max)."""
    smax = s[..., :1] if s.shape[-1] else jnp.zeros(s.shape[:-1] + (1,), s.dtype)
    return jnp.maximum(jnp.asarray(atol, s.dtype)[..., None], jnp.asarray(rtol, s.dtype)[..., None] * smax)


@jax.custom_jvp
def _pinv_fn(a, atol, rtol):
    u, s, vh = jnp.linalg.svd(a, full_matrices=False)
    s_inv = jnp.where(s > _cutoff(s, atol, rtol), 1 / jnp.where(s == 0, 1, s), 0).astype(a.dtype)
    return jnp.matmul(_mh(vh) * s_inv[..., None, :], _mh(u), precision=_HI)


@_pinv_fn.defjvp
def _pinv_jvp(primals, tangents):
    """The pseudo-inverse's derivative (Golub & Pereyra), valid where the rank does not change."""
    a, atol, rtol = primals
    da = tangents[0]
    p = _pinv_fn(a, atol, rtol)
    mm = functools.partial(jnp.matmul, precision=_HI)
    eye_m = jnp.eye(a.shape[-2], dtype=a.dtype)
    eye_n = jnp.eye(a.shape[-1], dtype=a.dtype)
    dp = (-mm(mm(p, da), p) + mm(mm(mm(p, _mh(p)), _mh(da)), eye_m - mm(a, p))
          + mm(mm(eye_n - mm(p, a), _mh(da)), mm(_mh(p), p)))
    return p, dp


def _pinv_kernel(hermitian, a, atol, rtol):
    if hermitian:  # the lower triangle's Hermitian matrix, differentiated as a itself (as torch)
        a = a + lax.stop_gradient(_hermitian_from(a) - a)
    return _pinv_fn(a, atol, rtol)


_PINV = Kernel(_pinv_kernel, "LinalgPinvBackward0")


def _tolerances(A, atol, rtol):
    """torch's defaults: rtol = eps * max(m, n) unless atol > 0 is given (then rtol = 0)."""
    atol_given = atol is not None and (isinstance(atol, Tensor) or atol > 0)
    if rtol is None:
        rtol = 0.0 if atol_given else _dtype.finfo(A.dtype.to_real()).eps * max(A.shape[-2], A.shape[-1])
    return (0.0 if atol is None else atol), rtol


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """torch.linalg.pinv: the Moore-Penrose pseudo-inverse through the SVD, singular values at or
    below max(atol, rtol * largest) dropped; ``hermitian`` reads only the lower triangle. The
    gradient is the pseudo-inverse's derivative at fixed rank."""
    _check("linalg.pinv", A)
    atol, rtol = _tolerances(A, atol, rtol)
    return _out(out, apply(_PINV, (A, atol, rtol), (bool(hermitian),)))


def _singular_values(hermitian, a):
    if hermitian:
        return jnp.sort(jnp.abs(lax.linalg.eigh(a, symmetrize_input=False)[1]), axis=-1)[..., ::-1]
    return jnp.linalg.svd(a, compute_uv=False)


def _matrix_rank_fn(hermitian, a, atol, rtol):
    s = _singular_values(hermitian, a)
    return jnp.sum(s > _cutoff(s, atol, rtol), -1).astype(jnp.int64)


_MATRIX_RANK = Kernel(_matrix_rank_fn, "NotDifferentiable")


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """torch.linalg.matrix_rank (int64): the number of singular values (|eigenvalues| when
    ``hermitian``) above max(atol, rtol * largest); the deprecated ``tol`` is an atol with rtol = 0."""
    _check("linalg.matrix_rank", A)
    if tol is not None:
        atol, rtol = tol, 0.0
    atol, rtol = _tolerances(A, atol, rtol)
    return _out(out, apply(_MATRIX_RANK, (A, atol, rtol), (bool(hermitian),)))


_LSTSQ_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def _lstsq_fn(vector, a, b, rcond):
    b = b[..., None] if vector else b
    a, b = _broadcast_batch(a, b)
    x = jnp.matmul(_pinv_fn(a, jnp.zeros((), rcond.dtype), rcond), b, precision=_HI)
    s = jnp.linalg.svd(a, compute_uv=False)
    rank = jnp.sum(s > _cutoff(s, 0, rcond), -1).astype(jnp.int64)
    residuals = jnp.sum(jnp.abs(jnp.matmul(a, x, precision=_HI) - b) ** 2, -2)
    return (x[..., 0] if vector else x), residuals, rank, s


_LSTSQ = Kernel(_lstsq_fn, "LinalgLstsqBackward0")


def lstsq(A, B, rcond=None, *, driver=None):
    """torch.linalg.lstsq -> (solution, residuals, rank, singular_values), torch's fields per
    driver (CPU default 'gelsy'): rank for gelsy/gelsd/gelss, singular values for gelsd/gelss,
    residuals when m > n for gels/gelsd/gelss (with full rank for the latter two); fields not
    computed are empty. The solution is the minimum-norm one, through the SVD."""
    _check("torch.linalg.lstsq", A)
    _check_same_dtype("torch.linalg.lstsq", A, B)
    driver = "gelsy" if driver is None else driver
    if driver not in _LSTSQ_DRIVERS:
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of ({', '.join(_LSTSQ_DRIVERS)})")
    vector = B.ndim == A.ndim - 1
    if B.ndim < A.ndim - 1 or B.ndim > A.ndim:
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    if (B.shape[-1] if vector else B.shape[-2]) != A.shape[-2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-{1 if vector else 2})")
    m, n = A.shape[-2:]
    if rcond is None:
        rcond = _dtype.finfo(A.dtype.to_real()).eps * max(m, n)
    x, residuals, rank, s = apply(_LSTSQ, (A, B, float(rcond)), (vector,))
    empty = Tensor._from_array(jnp.zeros((0,), A.dtype.to_real().jax))
    # (a traced rank, inside torchlike.compile or jit, cannot be read: full rank is assumed)
    full_rank = driver == "gels" or isinstance(rank._data, jax.core.Tracer) or bool((rank == min(m, n)).all())
    if not (m > n and driver != "gelsy" and full_rank):
        residuals = empty
    if driver == "gels":
        rank = Tensor._from_array(jnp.zeros((0,), jnp.int64))
    if driver not in ("gelsd", "gelss"):
        s = empty
    return return_types.linalg_lstsq(x, residuals, rank, s)


# ---- matrix functions and inverses of tensors ----------------------------------------------------
_MATRIX_EXP = Kernel(jax.scipy.linalg.expm, "LinalgMatrixExpBackward0")


def matrix_exp(A):
    """torch.linalg.matrix_exp: the matrix exponential of (batches of) square matrices."""
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_exp: A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.ndim > 1 else 1} by {A.shape[-1] if A.ndim else 1} matrices")
    if A.dtype.category < 2:
        raise RuntimeError(f"linalg.matrix_exp: Expected a floating point or complex tensor as input. Got "
                           f"{_TYPE_NAMES[A.dtype]}")
    return apply(_MATRIX_EXP, (A,))


matrix_power = _blas.matrix_power
matmul = _blas.matmul


def tensorinv(A, ind=2, *, out=None):
    """torch.linalg.tensorinv: the inverse of A seen as a matrix of its first ``ind`` dims by the
    rest; shape A.shape[ind:] + A.shape[:ind]."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = math.prod(A.shape[:ind]), math.prod(A.shape[ind:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    inverse, info = inv_ex(A.reshape(rows, cols))
    _raise_info("inv", info, _inv_message, False)
    return _out(out, inverse.reshape(tuple(A.shape[ind:]) + tuple(A.shape[:ind])))


def tensorsolve(A, B, dims=None, *, out=None):
    """torch.linalg.tensorsolve: X with tensordot(A, X, X.ndim) = B; ``dims`` of A are first moved
    to the end."""
    if dims is not None:
        dims = [wrap_dim(d, A.ndim) for d in dims]
        A = A.permute(*[d for d in range(A.ndim) if d not in dims], *dims)
    rest = tuple(A.shape[B.ndim:])
    rows = math.prod(B.shape)
    if math.prod(A.shape[:B.ndim]) != rows or math.prod(rest) != rows:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {math.prod(rest)} != "
                           f"{math.prod(A.shape[:B.ndim])}")
    return _out(out, solve(A.reshape(rows, rows), B.reshape(rows)).reshape(rest))


# ---- norms, products and small helpers -------------------------------------------------------------
def _norm_dtype(op, x, dtype):
    if x.dtype.category < 2:
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got "
                           f"{_TYPE_NAMES[x.dtype]}")
    if dtype is not None and dtype.is_complex != x.dtype.is_complex:
        kind = "complex for complex" if x.dtype.is_complex else "real for real"
        raise RuntimeError(f"{op}: dtype should be {kind} inputs, but got {_TYPE_NAMES[dtype]}")
    return dtype or x.dtype


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.linalg.vector_norm: the ``ord``-norm (inf, -inf, 0 and any real p) over ``dim`` (all
    dims by default) of the entries' absolute values; real for complex input. torch.norm's kernel."""
    dt = _norm_dtype("linalg.vector_norm", x, dtype)
    ord = float(ord)
    dims = dims_arg(dim, x.ndim) if x.ndim else None
    if ord < 0 and x.numel() == 0:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on an empty tensor because the "
                           "operation does not have an identity")
    return _out(out, apply(_VECTOR_NORM, (x,), (ord, dims or None, bool(keepdim), dt.jax)))


def _matrix_norm_fn(ord, dims, keepdim, dtype, a):
    a = jnp.moveaxis(a.astype(dtype), dims, (-2, -1))
    if abs(ord) == 2:
        s = jnp.linalg.svd(a, compute_uv=False)
        r = s[..., 0] if ord > 0 else s[..., -1]
    else:
        sums = jnp.abs(a).sum(-2 if abs(ord) == 1 else -1)
        r = sums.max(-1) if ord > 0 else sums.min(-1)
    return jnp.expand_dims(r, dims) if keepdim else r


_MATRIX_NORM = Kernel(_matrix_norm_fn, "LinalgMatrixNormBackward0")


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """torch.linalg.matrix_norm: ord 'fro', 'nuc', inf, -inf, 1, -1, 2, -2 over the two ``dim``."""
    dt = _norm_dtype("linalg.matrix_norm", A, dtype)
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    dims = tuple(wrap_dim(d, A.ndim) for d in dim)
    if len(dims) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    if dims[0] == dims[1]:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        result = apply(_VECTOR_NORM, (A,), (2.0, tuple(sorted(dims)), bool(keepdim), dt.jax))
    elif ord in ("nuc", 2, -2) and dt in (_dtype.float16, _dtype.bfloat16):  # these need an SVD
        raise RuntimeError(f"linalg.matrix_norm: Low precision dtypes not supported. Got {_TYPE_NAMES[dt]}")
    elif ord == "nuc":
        result = apply(_NUCLEAR_NORM, (A,), (dims, bool(keepdim), dt.jax))
    elif isinstance(ord, str) or ord not in (1, -1, 2, -2, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    else:
        result = apply(_MATRIX_NORM, (A,), (float(ord), dims, bool(keepdim), dt.jax))
    return _out(out, result)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.linalg.norm: a vector norm (dim an int, or a 1-D input) or a matrix norm (dim a pair,
    a 2-D input, or a string ord); without ord and dim, the 2-norm of the flattened input."""
    if isinstance(dim, numbers.Integral):
        dim = (dim,)
    if ord is None:
        if dim is not None and len(dim) == 2:
            return matrix_norm(A, "fro", dim, keepdim, dtype=dtype, out=out)
        return vector_norm(A, 2, dim, keepdim, dtype=dtype, out=out)
    if dim is None:
        if A.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                               f"{A.ndim}D.")
        dim = tuple(range(A.ndim))
    if isinstance(ord, str) or len(dim) == 2:
        return matrix_norm(A, ord, dim, keepdim, dtype=dtype, out=out)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype, out=out)


def _cond_fn(p, a):
    s = jnp.linalg.svd(a, compute_uv=False)
    return s[..., 0] / s[..., -1] if p == 2 else s[..., -1] / s[..., 0]


_COND = Kernel(_cond_fn, "LinalgCondBackward0")


def cond(A, p=None, *, out=None):
    """torch.linalg.cond: ||A||_p ||A^-1||_p; through the singular values for p None/2/-2,
    else through inv (square A; a singular matrix gives inf, as torch). Real result."""
    _check("linalg.cond", A)
    if p is None or p in (2, -2):
        return _out(out, apply(_COND, (A,), (2 if p is None else int(p),)))
    if p not in ("fro", "nuc", 1, -1, math.inf, -math.inf):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.cond(ord={p}): A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    inverse, info = inv_ex(A)
    result = matrix_norm(A, p) * matrix_norm(inverse, p)
    return _out(out, result.masked_fill(info != 0, math.inf))


def cross(input, other, *, dim=-1, out=None):
    """torch.linalg.cross: the cross product along ``dim`` (size 3), batch dims broadcast; torch.cross's kernel."""
    if input.dtype is not other.dtype:
        raise RuntimeError(f"linalg.cross: Expected input and other to have the same dtype, but got "
                           f"{_TYPE_NAMES[input.dtype]} and {_TYPE_NAMES[other.dtype]}")
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    return _other.cross(input, other, dim, out=out)


_VECDOT = Kernel(lambda dim, x, y: jnp.sum(jnp.conj(x) * y, axis=dim), "SumBackward1")


def vecdot(x, y, *, dim=-1, out=None):
    """torch.linalg.vecdot: sum(conj(x) * y) along ``dim``, broadcasting; x and y share a dtype."""
    if x.dtype is not y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{_TYPE_NAMES[x.dtype]} and y of type {_TYPE_NAMES[y.dtype]} instead")
    if x.dtype.category < 2:
        raise RuntimeError(f"linalg.vecdot: Expected a floating point or complex tensor as input. Got "
                           f"{_TYPE_NAMES[x.dtype]}")
    ndim = max(x.ndim, y.ndim)
    d = wrap_dim(dim, ndim)
    return _out(out, apply(_VECDOT, (x, y), (d - ndim,)))


def multi_dot(tensors, *, out=None):
    """torch.linalg.multi_dot: the product of 2-D tensors in the cheapest order; the first and the
    last may be 1-D (a row and a column vector, dropped from the result)."""
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        allowed = (1, 2) if i in (0, len(tensors) - 1) else (2,)
        if t.ndim not in allowed:
            where = "first" if i == 0 else "last" if i == len(tensors) - 1 else None
            raise RuntimeError(f"multi_dot(): the {where} tensor must be 1D or 2D but got {t.ndim}D" if where else
                               f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    first, last = tensors[0], tensors[-1]
    mats = [first.unsqueeze(0) if first.ndim == 1 else first, *tensors[1:-1],
            last.unsqueeze(1) if last.ndim == 1 else last]
    result = _blas.chain_matmul(*mats)
    if last.ndim == 1:
        result = result.squeeze(1)
    if first.ndim == 1:
        result = result.squeeze(0)
    return _out(out, result)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """torch.linalg.diagonal: torch.diagonal with the last two dims as defaults."""
    return _diagonal(A, offset, dim1, dim2)


_VANDER = Kernel(lambda n, x: jnp.concatenate([jnp.ones(x.shape + (1,), x.dtype), jnp.cumprod(
    jnp.broadcast_to(x[..., None], x.shape + (n - 1,)), axis=-1)], -1), "CatBackward0")


def vander(x, *, N=None):
    """torch.linalg.vander: columns x^0, x^1, ..., x^(N-1) (N defaults to x.shape[-1]), by cumulative
    products as torch; integer inputs stay integers."""
    if x.ndim < 1:
        raise RuntimeError("x must be at least 1-dimensional.")
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    if x.dtype is _dtype.bool:
        x = x.to(_dtype.int64)
    return apply(_VANDER, (x,), (int(n),))
