"""Attention functions of torch.nn.functional: multi_head_attention_forward.

The whole attention (input projections, bias_k/bias_v and zero-attention columns, masks,
softmax, dropout, head merge, output projection, head-averaged weights) is ONE kernel.
Boolean masks select (True = not allowed), float masks add, as in torch. ``is_causal`` is
only a hint, as torch documents: the given ``attn_mask`` is always applied. Attention
dropout uses this library's RNG.
"""
import math
import warnings

import jax
import jax.numpy as jnp

from ..._dispatch import Kernel, apply
from ...random import default_generator

__all__ = ["multi_head_attention_forward"]

_HI = jax.lax.Precision.HIGHEST


def _proj(x, w, b):
    y = jnp.matmul(x, w.T, precision=_HI)
    return y if b is None else y + b


def _additive(mask, kind, dtype):
    return jnp.where(mask, -jnp.inf, 0).astype(dtype) if kind == "bool" else mask.astype(dtype)


def _mha(heads, separate, in_bias, bias_kv, zero_attn, attn_kind, kpm_kind, need_weights, average, dropout,
         out_bias, *args):
    """([key,] q (L, N, E), k (S, N, Ek), v (S, N, Ev), weights..., [attn_mask], [kpm], [p])
    -> ([key,] output (L, N, E)[, weights])."""
    args = list(args)
    rng = args.pop(0) if dropout else None
    q, k, v = args[:3]
    del args[:3]
    wq, wk, wv = (args.pop(0), args.pop(0), args.pop(0)) if separate else jnp.split(args.pop(0), 3)
    bq, bk, bv = jnp.split(args.pop(0), 3) if in_bias else (None, None, None)
    if bias_kv:
        bias_k, bias_v = args.pop(0), args.pop(0)
    w_out = args.pop(0)
    b_out = args.pop(0) if out_bias else None
    attn_mask = args.pop(0) if attn_kind else None
    kpm = args.pop(0) if kpm_kind else None
    p = args.pop(0) if dropout else None

    (L, N, E), S = q.shape, k.shape[0]
    hd = E // heads
    q, k, v = _proj(q, wq, bq), _proj(k, wk, bk), _proj(v, wv, bv)
    if bias_kv:
        k = jnp.concatenate([k, jnp.broadcast_to(bias_k, (1, N, E))])
        v = jnp.concatenate([v, jnp.broadcast_to(bias_v, (1, N, E))])
    split = lambda x: x.reshape(x.shape[0], N, heads, hd).transpose(1, 2, 0, 3)  # noqa: E731 -> (N, H, len, hd)
    q, k, v = split(q), split(k), split(v)
    if zero_attn:
        k = jnp.concatenate([k, jnp.zeros(k.shape[:2] + (1, hd), k.dtype)], 2)
        v = jnp.concatenate([v, jnp.zeros(v.shape[:2] + (1, hd), v.dtype)], 2)
    scores = jnp.einsum("nhld,nhsd->nhls", q * math.sqrt(1.0 / hd), k, precision=_HI)
    mask = 0
    if attn_kind:
        am = _additive(attn_mask, attn_kind, q.dtype)
        mask = mask + (am if am.ndim == 2 else am.reshape(N, heads, L, S))
    if kpm_kind:
        mask = mask + _additive(kpm, kpm_kind, q.dtype)[:, None, None, :]
    if attn_kind or kpm_kind:
        extra = k.shape[2] - S
        mask = jnp.pad(mask, [(0, 0)] * (mask.ndim - 1) + [(0, extra)]) if extra else mask
        scores = scores + mask
    w = jax.nn.softmax(scores, -1)
    if dropout:
        rng, sub = jax.random.split(rng)
        w = jnp.where(jax.random.bernoulli(sub, 1 - p, w.shape), w / (1 - p), 0).astype(w.dtype)
    out = jnp.einsum("nhls,nhsd->lnhd", w, v, precision=_HI).reshape(L, N, E)
    out = (_proj(out, w_out, b_out),)
    if need_weights:
        out += (w.mean(1) if average else w,)
    return (rng,) + out if dropout else out


_mha_k = Kernel(_mha, "ViewBackward0")


def _mask_kind(mask, name):
    if mask is None:
        return None
    if mask.dtype.category == 0:
        return "bool"
    if mask.is_floating_point():
        return "float"
    raise AssertionError(f"only bool and floating types of {name} are supported")


def _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads):
    """torch's checks; returns whether the input is batched."""
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError(f"For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                                 f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError(f"For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                                 f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError(f"For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                                 f"found {attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError(f"For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                                 f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError(f"For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
                                 f"but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError(f"For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                                     f"but found {attn_mask.dim()}-D tensor instead")
            expected = (num_heads, query.shape[0], key.shape[0])
            if attn_mask.dim() == 3 and tuple(attn_mask.shape) != expected:
                raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}")
        return False
    raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query "
                         "tensor")


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """torch.nn.functional.multi_head_attention_forward on (L, N, E) query, (S, N, E*) key and
    value (or unbatched (L, E)); returns (output, weights or None). Deviation: ``static_k``
    and ``static_v`` are not supported."""
    if static_k is not None or static_v is not None:
        raise NotImplementedError("multi_head_attention_forward: static_k/static_v are not supported")
    batched = _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    (tgt_len, bsz, embed_dim), src_len = query.shape, key.shape[0]
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    if embed_dim % num_heads:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {tuple(key.shape[:2])} do not match value's "
                                 f"{tuple(value.shape[:2])}")
    elif key.shape != value.shape:
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
    if attn_mask is not None:
        expected = (tgt_len, src_len) if attn_mask.dim() == 2 else (bsz * num_heads, tgt_len, src_len)
        if attn_mask.dim() == 2 and tuple(attn_mask.shape) != expected:
            raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                               f"{expected}.")
        if attn_mask.dim() == 3 and tuple(attn_mask.shape) != expected:
            raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be {expected}.")
    if key_padding_mask is not None:
        extra = (bias_k is not None) + bool(add_zero_attn)  # torch checks after padding for these columns
        for i, want in enumerate((bsz, src_len)):
            if key_padding_mask.shape[i] != want:
                raise AssertionError(f"Expected key_padded_mask.shape[{i}] to be {want + extra * i}, but got "
                                     f"{key_padding_mask.shape[i] + extra * i}")
    if (bias_k is None) != (bias_v is None):
        raise AssertionError("bias_k and bias_v must both be given or both be None")
    kinds = _mask_kind(attn_mask, "attn_mask"), _mask_kind(key_padding_mask, "key_padding_mask")
    if None not in kinds and kinds[0] != kinds[1]:
        warnings.warn("Support for mismatched key_padding_mask and attn_mask is deprecated. Use same type for both "
                      "instead.", stacklevel=2)
    weights = (q_proj_weight, k_proj_weight, v_proj_weight) if use_separate_proj_weight else (in_proj_weight,)
    dropout = training and dropout_p > 0
    args = (query, key, value, *weights, *(() if in_proj_bias is None else (in_proj_bias,)),
            *(() if bias_k is None else (bias_k, bias_v)), out_proj_weight,
            *(() if out_proj_bias is None else (out_proj_bias,)),
            *(m for m in (attn_mask, key_padding_mask) if m is not None), *((dropout_p,) if dropout else ()))
    statics = (num_heads, bool(use_separate_proj_weight), in_proj_bias is not None, bias_k is not None,
               bool(add_zero_attn), *kinds,
               bool(need_weights), bool(average_attn_weights), dropout, out_proj_bias is not None)
    if dropout:
        rng, *out = apply(_mha_k, (default_generator._key,) + args, statics)
        default_generator._key = rng._data
    else:
        out = apply(_mha_k, args, statics)
    output, weights = out if need_weights else (out[0], None)
    if not batched:
        output = output.squeeze(1)
        weights = None if weights is None else weights.squeeze(0)
    return output, weights
