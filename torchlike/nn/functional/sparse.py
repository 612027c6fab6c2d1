"""Sparse functions of torch.nn.functional: embedding, embedding_bag, one_hot.

Index bounds are checked on the host (JAX would clamp silently), as torch raises for them.
"""
import jax
import jax.numpy as jnp
import numpy as np

from ... import _dtype
from ..._dispatch import Kernel, apply
from ...autograd import grad_mode

__all__ = ["embedding", "embedding_bag", "one_hot"]


def _rows(idx, w, padding_idx, scale_grad_by_freq):
    """``w[idx]``; the padding row gets no gradient, and with ``scale_grad_by_freq`` each
    row's gradient is divided by its count in ``idx``."""
    out = w[idx]
    keep = jnp.ones(idx.shape, w.dtype)
    if scale_grad_by_freq:
        keep = 1 / jnp.zeros(w.shape[0], w.dtype).at[idx].add(1)[idx]
    if padding_idx is not None:
        keep = jnp.where(idx == padding_idx, 0, keep)
    keep = keep[..., None]
    return out * keep + jax.lax.stop_gradient(out * (1 - keep))


def _embedding(padding_idx, scale_grad_by_freq, idx, w):
    return _rows(idx, w, padding_idx, scale_grad_by_freq)


def _renorm(max_norm, norm_type, idx, w):
    norms = jnp.linalg.norm(w, ord=norm_type, axis=1) if norm_type != 2 else jnp.sqrt((w * w).sum(1))
    scale = jnp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
    used = jnp.zeros(w.shape[0], bool).at[idx.reshape(-1)].set(True)
    return jnp.where(used[:, None], w * scale[:, None], w)


_embedding_k, _renorm_k = Kernel(_embedding, "EmbeddingBackward0"), Kernel(_renorm, "EmbeddingRenormBackward0")


def _check_index(input, n, what="index out of range in self"):
    if input.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type()} instead (while checking arguments for embedding)")
    if input.numel():
        a = np.asarray(input._data)
        if a.min() < 0 or a.max() >= n:
            raise IndexError(what)


def _padding_index(padding_idx, n):
    if padding_idx is None:
        return None
    if not -n <= padding_idx < n:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx % n


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """torch.nn.functional.embedding: rows of ``weight``; ``max_norm`` renormalises the used
    rows of ``weight`` in place, as torch does. ``sparse`` gradients are dense here."""
    _check_index(input, weight.shape[0])
    padding_idx = _padding_index(padding_idx, weight.shape[0])
    if max_norm is not None:
        with grad_mode.no_grad():
            weight._inplace_(apply(_renorm_k, (input, weight.detach()), (float(max_norm), float(norm_type))))
    return apply(_embedding_k, (input, weight), (padding_idx, bool(scale_grad_by_freq)))


def _bag(mode, n_bags, padding_idx, idx, bag, w, *psw):
    """Reduce the rows ``w[idx]`` into ``n_bags`` bags (``bag``: bag of each index)."""
    rows = w[idx]
    used = jnp.ones(idx.shape, bool) if padding_idx is None else idx != padding_idx
    if psw:
        rows = rows * psw[0][:, None].astype(w.dtype)
    if mode == "max":
        out = jax.ops.segment_max(jnp.where(used[:, None], rows, -jnp.inf), bag, n_bags)
        return jnp.where(jnp.isneginf(out), 0, out).astype(w.dtype)
    rows = jnp.where(used[:, None], rows, 0)
    out = jax.ops.segment_sum(rows, bag, n_bags)
    if mode == "mean":
        count = jax.ops.segment_sum(used.astype(w.dtype), bag, n_bags)
        out = out / jnp.maximum(count, 1)[:, None]
    return out.astype(w.dtype)


_bag_k = Kernel(_bag, "EmbeddingBagBackward0")


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """torch.nn.functional.embedding_bag: sums, means or maxima of bags of embedding rows;
    bags are the rows of a 2-D ``input`` or the ``offsets`` slices of a 1-D one."""
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, but got {mode}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  f"GitHub.")
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             "fixed length sequences. However, found offsets of type Tensor")
        n_bags, length = input.shape
        bag = np.repeat(np.arange(n_bags), length)
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        starts = np.asarray(offsets._data).astype(np.int64)
        if include_last_offset:
            starts = starts[:-1]
        n_bags = len(starts)
        bag = np.searchsorted(starts, np.arange(input.shape[0]), "right") - 1
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    _check_index(input, weight.shape[0])
    padding_idx = _padding_index(padding_idx, weight.shape[0])
    if max_norm is not None:
        with grad_mode.no_grad():
            weight._inplace_(apply(_renorm_k, (input, weight.detach()), (float(max_norm), float(norm_type))))
    args = (input, jnp.asarray(bag), weight) + (() if per_sample_weights is None else (per_sample_weights,))
    return apply(_bag_k, args, (mode, n_bags, padding_idx))


def _one_hot(n, idx):
    return (idx[..., None] == jnp.arange(n)).astype(jnp.int64)


_one_hot_k = Kernel(_one_hot, "OneHotBackward0")


def one_hot(tensor, num_classes=-1):
    """torch.nn.functional.one_hot: int64 one-hot rows; ``num_classes=-1`` infers max + 1."""
    if tensor.dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    a = np.asarray(tensor._data)
    if a.size and a.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if not a.size:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(a.max()) + 1
    elif a.size and a.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return apply(_one_hot_k, (tensor,), (int(num_classes),))
