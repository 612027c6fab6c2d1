"""Distance functions of torch.nn.functional: pairwise_distance, cosine_similarity,
normalize, pdist; each one kernel."""
import jax
import jax.numpy as jnp

from ..._dispatch import Kernel, apply
from ..._dtype import result_type_of

__all__ = ["pairwise_distance", "cosine_similarity", "normalize", "pdist"]


def _abs(x):
    """|x| with torch's gradient sgn(x) (0 at 0, where JAX's abs gives 1)."""
    return x * jnp.sign(jax.lax.stop_gradient(x))


def _root(s, p):
    """s ** (1 / p) with gradient 0 where s == 0 (a zero vector's norm: torch masks the 0 / 0)."""
    nonzero = s > 0
    return jnp.where(nonzero, jnp.where(nonzero, s, 1) ** (1.0 / p), 0)


def _norm(x, p, axis, keepdims=False, split_ties=True):
    """torch's vector p-norm (p = 0: count of nonzeros, inf / -inf: max / min of |x|), with torch's
    gradients: zero for a zero vector; the inf-norm's gradient split among tied maxima (torch.norm)
    or given whole to each (``split_ties=False``: pdist's backward)."""
    a = _abs(x)
    if p == 0:
        return (a != 0).sum(axis, keepdims=keepdims).astype(x.dtype)
    if p in (float("inf"), float("-inf")):
        if split_ties:
            return a.max(axis, keepdims=keepdims) if p > 0 else a.min(axis, keepdims=keepdims)
        m = jax.lax.stop_gradient(a.max(axis, keepdims=True))
        picked = jnp.where(jax.lax.stop_gradient(a) == m, a - jax.lax.stop_gradient(a), 0).sum(axis, keepdims=True)
        out = m + picked
        return out if keepdims else jnp.squeeze(out, axis)
    if p == 1:
        return a.sum(axis, keepdims=keepdims)
    return _root((a ** p).sum(axis, keepdims=keepdims), p)


def _pairwise(p, eps, keepdim, dtype, x1, x2):
    return _norm(x1.astype(dtype) - x2.astype(dtype) + eps, p, -1, keepdim)


def _cosine(dim, eps, dtype, x1, x2):
    x1, x2 = jnp.broadcast_arrays(x1.astype(dtype), x2.astype(dtype))
    n1 = jnp.maximum(_norm(x1, 2, dim, True), eps)
    n2 = jnp.maximum(_norm(x2, 2, dim, True), eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def _normalize(p, dim, eps, x):
    return x / jnp.maximum(_norm(x, p, dim, True), eps)


def _pdist(p, x):
    i, j = jnp.triu_indices(x.shape[0], 1)
    return _norm(x[i] - x[j], p, -1, split_ties=False)


_pairwise_k, _cosine_k = Kernel(_pairwise, "NormBackward1"), Kernel(_cosine, "SumBackward1")
_normalize_k, _pdist_k = Kernel(_normalize, "DivBackward0"), Kernel(_pdist, "PdistBackward0")


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """torch.nn.functional.pairwise_distance: ``||x1 - x2 + eps||_p`` over the last dim."""
    return apply(_pairwise_k, (x1, x2), (float(p), float(eps), bool(keepdim), result_type_of((x1, x2)).jax))


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """torch.nn.functional.cosine_similarity: each input divided by its norm clamped to ``eps``."""
    nd = max(x1.ndim, x2.ndim)
    if not -nd <= dim < max(nd, 1):
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})")
    return apply(_cosine_k, (x1, x2), (dim, float(eps), result_type_of((x1, x2)).jax))


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """torch.nn.functional.normalize: ``input / max(||input||_p, eps)`` along ``dim``."""
    result = apply(_normalize_k, (input,), (float(p), dim, float(eps)))
    return result if out is None else out.copy_(result)


def pdist(input, p=2):
    """torch.nn.functional.pdist: distances between the rows of a 2-D input, upper triangle."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    return apply(_pdist_k, (input,), (float(p),))
