"""torch's top-level decompositions and solvers (docs' "BLAS and LAPACK Operations": det, qr, svd,
cholesky, lu, triangular_solve, geqrf ...) and their Tensor methods.

Each is a torch.linalg function's kernel (torchlike/linalg.py) under torch's older signature and
result type; the deprecated ones warn as torch does, and the names torch removed (eig, lstsq,
solve, matrix_rank, symeig) raise torch's RuntimeError pointing at their torch.linalg replacements.
"""
import warnings

import jax.numpy as jnp
from jax import lax
from jax._src.lax.linalg import geqrf as _lapack_geqrf

from .. import linalg as _linalg
from .._dispatch import Kernel, apply
from .._tensor import Tensor, tensor_method
from ._util import write_out
from .creation import zeros
from .random import randn
from .reduction import return_types

__all__ = ["det", "logdet", "slogdet", "inverse", "pinverse", "matrix_exp", "qr", "svd", "svd_lowrank",
           "pca_lowrank", "cholesky", "cholesky_solve", "cholesky_inverse", "lu", "lu_solve", "lu_unpack",
           "triangular_solve", "geqrf", "orgqr", "ormqr", "eig", "lstsq", "solve", "matrix_rank", "symeig"]

for _name, _fields in [("slogdet", ("sign", "logabsdet")), ("qr", ("Q", "R")), ("svd", ("U", "S", "V")),
                       ("lu_unpack", ("P", "L", "U")), ("_lu_with_info", ("LU", "pivots", "info")),
                       ("triangular_solve", ("solution", "cloned_coefficient")), ("geqrf", ("a", "tau"))]:
    return_types.define(_name, _fields)


def _tuple_out(out, result):
    if out is None:
        return result
    return type(result)(*(write_out(o, r) for o, r in zip(out, result)))


@tensor_method()
def det(input):
    """torch.det: torch.linalg.det."""
    return _linalg.det(input)


def _logdet_fn(a):
    sign, logabs = jnp.linalg.slogdet(a)
    return jnp.log(sign) + logabs if jnp.iscomplexobj(a) else jnp.where(sign < 0, jnp.nan, logabs)


_LOGDET = Kernel(_logdet_fn, "WhereBackward0")


@tensor_method()
def logdet(input):
    """torch.logdet: log(det(input)); NaN for a negative real determinant, -inf for a zero one."""
    _linalg._check("linalg.slogdet", input, square=True)
    return apply(_LOGDET, (input,))


@tensor_method()
def slogdet(input):
    """torch.slogdet -> return_types.slogdet(sign, logabsdet): torch.linalg.slogdet."""
    return return_types.slogdet(*_linalg.slogdet(input))


@tensor_method()
def inverse(input, *, out=None):
    """torch.inverse: torch.linalg.inv (LinAlgError for a singular matrix)."""
    return _linalg.inv(input, out=out)


@tensor_method()
def pinverse(input, rcond=1e-15):
    """torch.pinverse: torch.linalg.pinv with rtol=rcond."""
    return _linalg.pinv(input, rtol=rcond)


@tensor_method()
def matrix_exp(input):
    """torch.matrix_exp: torch.linalg.matrix_exp."""
    return _linalg.matrix_exp(input)


@tensor_method()
def qr(input, some=True, *, out=None):
    """torch.qr (deprecated, warns as torch) -> return_types.qr(Q, R): linalg.qr's 'reduced' (some)
    or 'complete' mode."""
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
                  "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\n"
                  "Q, R = torch.qr(A, some)\nshould be replaced with\n"
                  "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')", UserWarning, stacklevel=2)
    return _tuple_out(out, return_types.qr(*_linalg.qr(input, "reduced" if some else "complete")))


@tensor_method()
def svd(input, some=True, compute_uv=True, *, out=None):
    """torch.svd -> return_types.svd(U, S, V) with input = U diag(S) V^H (V, not linalg.svd's Vh);
    without compute_uv, U and V are zero-filled square matrices, as in torch."""
    if not compute_uv:
        S = _linalg.svdvals(input)
        m, n = input.shape[-2:]
        batch = tuple(input.shape[:-2])
        return _tuple_out(out, return_types.svd(zeros(*batch, m, m, dtype=input.dtype), S,
                                                zeros(*batch, n, n, dtype=input.dtype)))
    U, S, Vh = _linalg.svd(input, full_matrices=not some)
    return _tuple_out(out, return_types.svd(U, S, Vh.mH))


def _approximate_basis(A, q, niter, M):
    """An orthonormal basis (m x q) approximating A's range, by randomized subspace iteration."""
    def product(X, adjoint=False):
        B = A.mH if adjoint else A
        return B @ X if M is None else B @ X - (M.mH if adjoint else M) @ X
    R = randn(*A.shape[:-2], A.shape[-1], q, dtype=A.dtype)
    Q = _linalg.qr(product(R)).Q
    for _ in range(niter):
        Q = _linalg.qr(product(_linalg.qr(product(Q, adjoint=True)).Q)).Q
    return Q


def svd_lowrank(A, q=6, niter=2, M=None):
    """torch.svd_lowrank -> (U, S, V): a rank-q approximate SVD of A (or A - M) by randomized
    subspace iteration (Halko et al.), drawing from torchlike's global generator."""
    m, n = A.shape[-2:]
    q = 6 if q is None else q
    transposed = m < n
    if transposed:
        A, M = A.mH, None if M is None else M.mH
    Q = _approximate_basis(A, q, niter, M)
    B = Q.mH @ (A if M is None else A - M)
    U, S, Vh = _linalg.svd(B, full_matrices=False)
    U, V = Q @ U, Vh.mH
    return (V, S, U) if transposed else (U, S, V)


def pca_lowrank(A, q=None, center=True, niter=2):
    """torch.pca_lowrank -> (U, S, V) of the (column-centred) data matrix, by :func:`svd_lowrank`;
    q defaults to min(6, m, n)."""
    m, n = A.shape[-2:]
    q = min(6, m, n) if q is None else q
    if not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if niter < 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    return svd_lowrank(A - A.mean(-2, keepdim=True) if center else A, q, niter)


@tensor_method()
def cholesky(input, upper=False, *, out=None):
    """torch.cholesky (deprecated, warns as torch): torch.linalg.cholesky(input, upper=upper)."""
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\n"
                  "and\nU = torch.cholesky(A, upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH\n"
                  "This transform will produce equivalent results for all valid (symmetric positive definite) inputs.",
                  UserWarning, stacklevel=2)
    if input.ndim >= 2 and input.shape[-1] == input.shape[-2] and input.numel():  # torch's order of checks
        _linalg._check("cholesky", input, kernel="cholesky_cpu")
    L, info = _linalg.cholesky_ex(input, upper=upper)
    _linalg._raise_info("cholesky", info, _linalg._cholesky_message, input.ndim > 2)
    return write_out(out, L)


def _cholesky_solve_fn(upper, b, c):
    """X with (L L^H) X = b for L = c (or U^H U = A for upper c); batch dims broadcast."""
    c, b = _linalg._broadcast_batch(c, b)
    tri = lax.linalg.triangular_solve
    y = tri(c, b, left_side=True, lower=not upper, transpose_a=upper, conjugate_a=upper)
    return tri(c, y, left_side=True, lower=not upper, transpose_a=not upper, conjugate_a=not upper)


_CHOLESKY_SOLVE = Kernel(_cholesky_solve_fn, "CholeskySolveBackward0")
_CHOLESKY_INVERSE = Kernel(lambda upper, c: _cholesky_solve_fn(upper, _linalg._eye_like(c), c),
                           "CholeskyInverseBackward0")


@tensor_method()
def cholesky_solve(input, input2, upper=False, *, out=None):
    """torch.cholesky_solve(B, L, upper=False): X with A X = B, where A = L L^H (= U^H U)."""
    _linalg._check("linalg.cholesky_solve", input2, square=True, kernel="cholesky_solve_cpu")
    _linalg._check_same_dtype("cholesky_solve", input, input2, ("b", "A"))
    if input.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {input.ndim} dimensions instead")
    return write_out(out, apply(_CHOLESKY_SOLVE, (input, input2), (bool(upper),)))


@tensor_method()
def cholesky_inverse(input, upper=False, *, out=None):
    """torch.cholesky_inverse(L, upper=False): the inverse of A = L L^H (= U^H U)."""
    _linalg._check("linalg.cholesky_inverse", input, square=True, kernel="cholesky_inverse_out_cpu")
    return write_out(out, apply(_CHOLESKY_INVERSE, (input,), (bool(upper),)))


@tensor_method()
def lu(A, pivot=True, get_infos=False, out=None):
    """torch.lu (deprecated, warns as torch) -> (LU, pivots), or return_types._lu_with_info(LU,
    pivots, info) with ``get_infos``; never raises for singular matrices, as torch."""
    warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will "
                  "be removed in a future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be "
                  "replaced with\nLU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info = "
                  "torch.lu(A, compute_pivots, get_infos=True)\nshould be replaced with\nLU, pivots, info = "
                  "torch.linalg.lu_factor_ex(A, compute_pivots)", UserWarning, stacklevel=2)
    result = return_types._lu_with_info(*_linalg.lu_factor_ex(A, pivot=pivot))
    result = result if get_infos else tuple(result[:2])
    return result if out is None else tuple(write_out(o, r) for o, r in zip(out, result))


@tensor_method()
def lu_solve(b, LU_data, LU_pivots, *, out=None):
    """torch.lu_solve (deprecated, warns as torch): torch.linalg.lu_solve(LU_data, LU_pivots, b)."""
    warnings.warn("torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a future "
                  "PyTorch release.\nNote that torch.linalg.lu_solve has its arguments reversed.\nX = "
                  "torch.lu_solve(B, LU, pivots)\nshould be replaced with\nX = torch.linalg.lu_solve(LU, pivots, B)",
                  UserWarning, stacklevel=2)
    return _linalg.lu_solve(LU_data, LU_pivots, b, out=out)


_LU_UNPACK = Kernel(lambda lu: _linalg._unpack_fn(None, lu), "LuUnpackBackward0")


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """torch.lu_unpack -> return_types.lu_unpack(P, L, U) from lu_factor's compact form; a part not
    unpacked is an empty tensor."""
    if LU_pivots.dtype.name != "int32":
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 "
                           "dtype. Note: this function is intended to be used with the output produced by "
                           "torch.linalg.lu_factor")
    empty = Tensor._from_array(jnp.zeros((0,), LU_data.dtype.jax))
    L, U = apply(_LU_UNPACK, (LU_data,)) if unpack_data else (empty, empty)
    if unpack_pivots:
        m = LU_data.shape[-2]
        P = _linalg._perm_matrix(apply(_linalg._PIVOTS_TO_PERM, (LU_pivots,), (m,)), LU_data.dtype)
    else:
        P = empty
    return _tuple_out(out, return_types.lu_unpack(P, L, U))


_TRIANGULAR_SOLVE = Kernel(lambda upper, transpose, unit, b, a: lax.linalg.triangular_solve(
    *_linalg._broadcast_batch(a, b), left_side=True, lower=not upper, transpose_a=transpose, unit_diagonal=unit),
    "TriangularSolveBackward0")


@tensor_method()
def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """torch.triangular_solve (deprecated, warns as torch) -> return_types.triangular_solve(solution,
    cloned_coefficient): X with A X = b (A^T X = b with ``transpose``) and a copy of A."""
    warnings.warn("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will be "
                  "removed in a future PyTorch release.\ntorch.linalg.solve_triangular has its arguments reversed "
                  "and does not return a copy of one of the inputs.\nX = torch.triangular_solve(B, A).solution\n"
                  "should be replaced with\nX = torch.linalg.solve_triangular(A, B).", UserWarning, stacklevel=2)
    _linalg._check("linalg.triangular_solve", A, square=True)
    _linalg._check_same_dtype("triangular_solve", input, A, ("b", "A"))
    if input.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected b to have at least 2 dimensions, but it has "
                           f"{input.ndim} dimensions instead")
    solution = apply(_TRIANGULAR_SOLVE, (input, A), (bool(upper), bool(transpose), bool(unitriangular)))
    batch = tuple(solution.shape[:-2])
    return _tuple_out(out, return_types.triangular_solve(solution, A.expand(*batch, *A.shape[-2:]).clone()))


_GEQRF = Kernel(lambda a: tuple(_lapack_geqrf(a)), "GeqrfBackward0")


@tensor_method()
def geqrf(input, *, out=None):
    """torch.geqrf -> return_types.geqrf(a, tau): LAPACK's compact QR (R above the diagonal,
    Householder vectors below). Not differentiable, as in torch."""
    _linalg._check("geqrf", input)
    return _tuple_out(out, return_types.geqrf(*apply(_GEQRF, (input,))))


@tensor_method()
def orgqr(input, tau):
    """torch.orgqr: torch.linalg.householder_product."""
    return _linalg.householder_product(input, tau)


def _ormqr_fn(left, transpose, a, tau, c):
    """Q (from a's reflectors, completed to a square matrix) or Q^H times c, from the left or right."""
    m = a.shape[-2]
    a = jnp.concatenate([a, jnp.zeros(a.shape[:-1] + (m - a.shape[-1],), a.dtype)], -1)
    tau = jnp.concatenate([tau, jnp.zeros(tau.shape[:-1] + (m - tau.shape[-1],), tau.dtype)], -1)
    q = _linalg._householder_fn(a, tau)
    q = _linalg._mh(q) if transpose else q
    return jnp.matmul(q, c, precision=_linalg._HI) if left else jnp.matmul(c, q, precision=_linalg._HI)


_ORMQR = Kernel(_ormqr_fn, "OrmqrBackward0")


@tensor_method()
def ormqr(input, tau, other, left=True, transpose=False, *, out=None):
    """torch.ormqr: the product of ``other`` with Q (Q^H with ``transpose``), the orthogonal matrix of
    the Householder reflectors in (input, tau) as geqrf returns them, from the left or right."""
    rows = other.shape[-2] if left else other.shape[-1]
    if input.shape[-2] != rows:
        raise RuntimeError(f"torch.ormqr: other.shape[{-2 if left else -1}] must be equal to input.shape[-2]")
    if tau.shape[-1] > input.shape[-1]:
        raise RuntimeError("torch.ormqr: tau.shape[-1] must be less than or equal to input.shape[-1]")
    return write_out(out, apply(_ORMQR, (input, tau, other), (bool(left), bool(transpose))))


# ---- removed in torch: calling them raises torch's RuntimeError ------------------------------------------
_REMOVED = "This function was deprecated since version 1.9 and is now removed."


def eig(input, eigenvectors=False, *, out=None):
    """torch.eig: removed from torch (1.9); raises torch's RuntimeError naming torch.linalg.eig."""
    raise RuntimeError(_REMOVED + " `torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` "
                       "rather than real tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be replaced "
                       "with:\nL_complex = torch.linalg.eigvals(A)\n\nand\n\nL, V = torch.eig(A, eigenvectors=True) "
                       "should be replaced with:\nL_complex, V_complex = torch.linalg.eig(A)")


def lstsq(input, A, *, out=None):
    """torch.lstsq: removed from torch (1.9); raises torch's RuntimeError naming torch.linalg.lstsq."""
    raise RuntimeError(_REMOVED + " `torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
                       "`torch.linalg.lstsq` has reversed arguments and does not return the QR decomposition in the "
                       "returned tuple (although it returns other information about the problem).\n\nTo get the QR "
                       "decomposition consider using `torch.linalg.qr`.\n\nThe returned solution in `torch.lstsq` "
                       "stored the residuals of the solution in the last m - n columns of the returned value whenever "
                       "m > n. In torch.linalg.lstsq, the residuals are in the field 'residuals' of the returned "
                       "named tuple.\n\nThe unpacking of the solution, as in\nX, _ = torch.lstsq(B, A).solution"
                       "[:A.size(1)]\nshould be replaced with:\nX = torch.linalg.lstsq(A, B).solution")


def solve(input, A, *, out=None):
    """torch.solve: removed from torch (1.9); raises torch's RuntimeError naming torch.linalg.solve."""
    raise RuntimeError(_REMOVED + " `torch.solve` is deprecated in favor of `torch.linalg.solve`. `torch.linalg.solve` "
                       "has its arguments reversed and does not return the LU factorization.\n\nTo get the LU "
                       "factorization see `torch.lu`, which can be used with `torch.lu_solve` or `torch.lu_unpack`.\n"
                       "X = torch.solve(B, A).solution should be replaced with:\nX = torch.linalg.solve(A, B)")


def matrix_rank(input, tol=None, symmetric=False, *, out=None):
    """torch.matrix_rank: removed from torch (1.9); raises torch's RuntimeError naming torch.linalg.matrix_rank."""
    raise RuntimeError(_REMOVED + "\nPlease use the `torch.linalg.matrix_rank` function instead. The parameter "
                       "'symmetric' was renamed in `torch.linalg.matrix_rank()` to 'hermitian'.")


def symeig(input, eigenvectors=False, upper=True, *, out=None):
    """torch.symeig: removed from torch (1.9); raises torch's RuntimeError naming torch.linalg.eigh."""
    raise RuntimeError(_REMOVED + " The default behavior has changed from using the upper triangular portion of the "
                       "matrix by default to using the lower triangular portion.\n\nL, _ = torch.symeig(A, "
                       "upper=upper) should be replaced with:\nL = torch.linalg.eigvalsh(A, UPLO='U' if upper else "
                       "'L')\n\nand\n\nL, V = torch.symeig(A, eigenvectors=True) should be replaced with:\nL, V = "
                       "torch.linalg.eigh(A, UPLO='U' if upper else 'L')")


Tensor.eig = eig
Tensor.lstsq = lstsq
Tensor.solve = solve
Tensor.symeig = symeig
