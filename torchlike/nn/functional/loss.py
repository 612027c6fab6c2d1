"""Loss functions of torch.nn.functional: each loss (with its reduction) is one kernel.

Deviations: checks that need tensor values (class targets out of range, BCE inputs outside
[0, 1], negative Gaussian variances) read one flag back to the host, as torch's CPU
kernels do; under a trace they are skipped.
"""
import math
import warnings

import jax
import jax.numpy as jnp

from ..._dispatch import Kernel, apply
from ...ops.creation import full_like

__all__ = ["l1_loss", "mse_loss", "huber_loss", "smooth_l1_loss", "soft_margin_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss", "gaussian_nll_loss",
           "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss", "multilabel_soft_margin_loss",
           "multilabel_margin_loss", "multi_margin_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss",
           "nll_loss", "cross_entropy", "ctc_loss"]


def _reduction(size_average, reduce, reduction):
    """torch's legacy (size_average, reduce) pair, else ``reduction``, checked."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else "mean" if size_average else "sum"
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' "
                      "instead.", stacklevel=3)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def _host_flag(flag):
    """Whether a kernel's error flag is set (False under a trace, where it cannot be read)."""
    return not isinstance(flag._data, jax.core.Tracer) and bool(flag._data)


def _check_size(input, target):
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", stacklevel=3)


# ---- elementwise losses: one kernel, the formula chosen by a static name ---------------
def _abs(d):
    """|d| with torch's gradient sign(d): 0 at d == 0 (JAX's abs gives 1 there)."""
    return d * jnp.sign(jax.lax.stop_gradient(d))


def _clamp_min0(v):
    """max(v, 0) as torch's clamp_min: gradient 1 at v == 0 (jnp.maximum splits it), NaN kept."""
    return jnp.where(v < 0, 0, v)


def _huber(d, delta):
    a = jnp.abs(d)
    return jnp.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))


def _smooth_l1(d, beta):
    a = _abs(d)
    return jnp.where(a < beta, 0.5 * d * d / jnp.where(beta == 0, 1, beta), a - 0.5 * beta)


@jax.custom_vjp
def _bce(x, y):
    return -(y * jnp.maximum(jnp.log(x), -100) + (1 - y) * jnp.maximum(jnp.log1p(-x), -100))


def _bce_fwd(x, y):
    return _bce(x, y), (x, y)


@jax.custom_jvp
def _bce_dx(x, y):
    """d BCE / d x as torch: finite where the input is exactly 0 or 1 (autodiff through the
    clamped log would give 0 * inf = nan there)."""
    return (x - y) / jnp.maximum((1 - x) * x, 1e-12)


@_bce_dx.defjvp
def _bce_dx_jvp(primals, tangents):
    """torch's BCE double backward: (x² - 2xy + y) / ((x + eps)² (1 - x + eps)²), so 0 where x == y
    is 0 or 1."""
    (x, y), (dx, dy) = primals, tangents
    eps = 1e-12
    one_minus = jnp.maximum(1 - x, 0)  # keeps XLA from folding 1 - x + eps into (1 + eps) - x
    ddx = (x * x - 2 * x * y + y) / (jnp.square(x + eps) * jnp.square(one_minus + eps))
    return _bce_dx(x, y), ddx * dx - dy / jnp.maximum((1 - x) * x, eps)


def _bce_bwd(saved, grad):
    x, y = saved
    return grad * _bce_dx(x, y), grad * (jnp.log1p(-x) - jnp.log(x))


_bce.defvjp(_bce_fwd, _bce_bwd)


def _kl_div(log_target, x, y):
    return jnp.exp(y) * (y - x) if log_target else jax.scipy.special.xlogy(y, y) - y * x


def _poisson(log_input, full, x, y, eps):
    loss = jnp.exp(x) - y * x if log_input else x - y * jnp.log(x + eps)
    if full:
        loss = loss + jnp.where(y > 1, y * jnp.log(y) - y + 0.5 * jnp.log(2 * math.pi * y), 0)
    return loss


_ELEMENTWISE = {
    "l1": (lambda x, y: _abs(x - y), "L1LossBackward0"),
    "mse": (lambda x, y: jnp.square(x - y), "MseLossBackward0"),
    "huber": (lambda x, y, delta: _huber(x - y, delta), "HuberLossBackward0"),
    "smooth_l1": (lambda x, y, beta: _smooth_l1(x - y, beta), "SmoothL1LossBackward0"),
    "soft_margin": (lambda x, y: jnp.log1p(jnp.exp(-y * x)), "SoftMarginLossBackward0"),
    "bce": (_bce, "BinaryCrossEntropyBackward0"),
    "kl_div": (_kl_div, "KlDivBackward0"),
    "poisson": (_poisson, "PoissonNllLossBackward0"),
}


def _elementwise(kind, reduction, has_weight, options, x, y, *args):
    """``options``: static leading arguments of the formula; ``args``: its traced parameters,
    then the weight if ``has_weight``."""
    fn = _ELEMENTWISE[kind][0]
    params, weight = (args[:-1], args[-1]) if has_weight else (args, None)
    loss = fn(*options, x, y, *params)
    if weight is not None:
        loss = loss * weight
        if reduction == "mean" and kind in ("l1", "mse"):
            return loss.sum() / weight.sum()
    if reduction == "batchmean":
        return loss.sum() / x.shape[0] if x.ndim else loss.sum()
    return _reduce(loss, reduction)


_elementwise_k = {kind: Kernel(_elementwise, name) for kind, (_, name) in _ELEMENTWISE.items()}


def _pointwise(kind, input, target, reduction, params=(), weight=None, options=()):
    if weight is not None and kind in ("l1", "mse", "huber") and weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    args = (input, target, *params) + ((weight,) if weight is not None else ())
    return apply(_elementwise_k[kind], args, (kind, reduction, weight is not None, options))


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """torch.nn.functional.l1_loss (a ``weight`` makes 'mean' divide by its sum, as in torch)."""
    _check_size(input, target)
    return _pointwise("l1", input, target, _reduction(size_average, reduce, reduction), weight=weight)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _check_size(input, target)
    return _pointwise("mse", input, target, _reduction(size_average, reduce, reduction), weight=weight)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    _check_size(input, target)
    return _pointwise("huber", input, target, _reduction(None, None, reduction), (delta,), weight)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    _check_size(input, target)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return _pointwise("smooth_l1", input, target, _reduction(size_average, reduce, reduction), (beta,))


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    _check_size(input, target)
    return _pointwise("soft_margin", input, target, _reduction(size_average, reduce, reduction))


_range_check_k = Kernel(lambda x: jnp.any((x < 0) | (x > 1)), "RangeCheck")


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """torch.nn.functional.binary_cross_entropy; log terms clamped at -100 as in torch."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    if _host_flag(apply(_range_check_k, (input.detach(),))):
        raise RuntimeError("all elements of input should be between 0 and 1")
    return _pointwise("bce", input, target, reduction, weight=weight)


def _bce_logits(reduction, has_weight, has_pos, x, y, *wp):
    it = iter(wp)
    weight, pos = (next(it) if has_weight else None), (next(it) if has_pos else None)
    log_weight = 1 if pos is None else (pos - 1) * y + 1
    loss = (1 - y) * x + log_weight * jax.nn.softplus(-x)  # gradient sigmoid(x) - y at 0 too
    return _reduce(loss if weight is None else loss * weight, reduction)


_bce_logits_k = Kernel(_bce_logits, "BinaryCrossEntropyWithLogitsBackward0")


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """torch.nn.functional.binary_cross_entropy_with_logits (numerically stable, with pos_weight)."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    args = (input, target) + tuple(a for a in (weight, pos_weight) if a is not None)
    return apply(_bce_logits_k, args, (reduction, weight is not None, pos_weight is not None))


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """torch.nn.functional.kl_div; input holds log-probabilities; reduction may be 'batchmean'."""
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.")
    if reduction != "batchmean" or size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    return _pointwise("kl_div", input, target, reduction, options=(bool(log_target),))


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    return _pointwise("poisson", input, target, reduction, (eps,), options=(bool(log_input), bool(full)))


def _gaussian(reduction, full, x, y, var, eps):
    negative = jnp.any(var < 0)
    var = var + jax.lax.stop_gradient(jnp.maximum(var, eps) - var)  # clamp without blocking the gradient
    loss = 0.5 * (jnp.log(var) + jnp.square(x - y) / var)
    return _reduce(loss + 0.5 * math.log(2 * math.pi) if full else loss, reduction), negative


_gaussian_k = Kernel(_gaussian, "MulBackward0")


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """torch.nn.functional.gaussian_nll_loss; ``var`` may be a float, input-shaped, or lack the last dim."""
    if isinstance(var, (int, float)):
        var = full_like(input, float(var))
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (input.shape[:-1] == var.shape[:-1] and var.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    loss, negative = apply(_gaussian_k, (input, target, var, eps), (reduction, bool(full)))
    if _host_flag(negative):
        raise ValueError("var has negative entry/entries")
    return loss


# ---- margin and embedding losses ----------------------------------------------------------
def _margin_ranking(reduction, x1, x2, y, margin):
    return _reduce(_clamp_min0(-y * (x1 - x2) + margin), reduction)


_margin_ranking_k = Kernel(_margin_ranking, "ClampMinBackward0")


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    return apply(_margin_ranking_k, (input1, input2, target, margin), (reduction,))


def _hinge(reduction, x, y, margin):
    loss = jnp.where(y != 1, _clamp_min0(margin - x), 0) + jnp.where(y != -1, x, 0)
    return _reduce(loss, reduction)


_hinge_k = Kernel(_hinge, "AddBackward0")


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    return apply(_hinge_k, (input, target, margin), (_reduction(size_average, reduce, reduction),))


def _cosine_embedding(reduction, x1, x2, y, margin):
    eps = 1e-12
    cos = (x1 * x2).sum(-1) / jnp.sqrt(((x1 * x1).sum(-1) + eps) * ((x2 * x2).sum(-1) + eps))
    loss = jnp.where(y == 1, 1 - cos, 0) + jnp.where(y == -1, _clamp_min0(cos - margin), 0)
    return _reduce(loss, reduction)


_cosine_embedding_k = Kernel(_cosine_embedding, "MeanBackward0")


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    if input1.shape != input2.shape:
        raise RuntimeError(f"cosine_embedding_loss: Input1 and Input2 must have the same shape, but got "
                           f"{input1.shape} and {input2.shape}")
    if input1.ndim != target.ndim + 1:
        raise RuntimeError(f"cosine_embedding_loss: Expected target to have {input1.ndim - 1} dimensions, but "
                           f"got {target.ndim}")
    return apply(_cosine_embedding_k, (input1, input2, target, margin),
                 (_reduction(size_average, reduce, reduction),))


def _multilabel_soft_margin(reduction, has_weight, x, y, *w):
    loss = -(y * jax.nn.log_sigmoid(x) + (1 - y) * jax.nn.log_sigmoid(-x))
    if has_weight:
        loss = loss * w[0]
    return _reduce(loss.sum(-1) / x.shape[-1], reduction)


_multilabel_soft_margin_k = Kernel(_multilabel_soft_margin, "MeanBackward0")


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    args = (input, target) + ((weight,) if weight is not None else ())
    return apply(_multilabel_soft_margin_k, args, (_reduction(size_average, reduce, reduction), weight is not None))


def _multilabel_margin(reduction, x, y):
    n_class = x.shape[-1]
    valid = jnp.cumprod(y >= 0, axis=-1).astype(bool)             # targets up to the first -1
    safe = jnp.where(valid, y, 0)
    is_target = (jax.nn.one_hot(safe, n_class, dtype=bool) & valid[..., None]).any(-2)
    x_target = jnp.take_along_axis(x, safe, -1)
    hinge = jnp.maximum(1 - x_target[..., :, None] + x[..., None, :], 0)
    loss = (hinge * (valid[..., :, None] & ~is_target[..., None, :])).sum((-2, -1)) / n_class
    bad = jnp.any(valid & (y >= n_class))
    return _reduce(loss, reduction), bad


_multilabel_margin_k = Kernel(_multilabel_margin, "MultilabelMarginLossBackward0")


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """torch.nn.functional.multilabel_margin_loss: ``target`` lists class indices, ended by -1."""
    reduction = _reduction(size_average, reduce, reduction)
    if input.ndim > 2 or input.shape != target.shape:
        raise RuntimeError(f"inconsistent target size: {target.shape} for input of size: {input.shape}")
    loss, bad = apply(_multilabel_margin_k, (input, target), (reduction,))
    if _host_flag(bad):
        raise RuntimeError("multilabel_margin_loss: target index is out of bounds")
    return loss


def _multi_margin(reduction, p, has_weight, x, y, margin, *w):
    n_class = x.shape[-1]
    safe = jnp.clip(y, 0, n_class - 1)
    x_target = jnp.take_along_axis(x, safe[..., None], -1)
    z = margin - x_target + x
    hinge = jnp.where(z > 0, z, 0) ** p  # torch: no gradient at z == 0
    if has_weight:
        hinge = hinge * w[0][safe][..., None]
    loss = jnp.where(jax.nn.one_hot(safe, n_class, dtype=bool), 0, hinge).sum(-1) / n_class
    return _reduce(loss, reduction), jnp.any((y < 0) | (y >= n_class))


_multi_margin_k = Kernel(_multi_margin, "MultiMarginLossBackward0")


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    args = (input, target, margin) + ((weight,) if weight is not None else ())
    loss, bad = apply(_multi_margin_k, args, (reduction, p, weight is not None))
    if _host_flag(bad):
        raise RuntimeError("target out of range")
    return loss


def _distance(a, b, p, eps):
    d = a - b + eps
    return jnp.linalg.norm(d, ord=p, axis=-1) if p not in (1, 2) else \
        (jnp.abs(d).sum(-1) if p == 1 else jnp.sqrt(jnp.square(d).sum(-1)))


def _triplet(reduction, p, swap, a, pos, neg, margin, eps):
    d_pos, d_neg = _distance(a, pos, p, eps), _distance(a, neg, p, eps)
    if swap:
        d_neg = jnp.minimum(d_neg, _distance(pos, neg, p, eps))
    return _reduce(_clamp_min0(margin + d_pos - d_neg), reduction)


_triplet_k = Kernel(_triplet, "MeanBackward0")


def _check_triplet(anchor, positive, negative):
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and negative "
                           f"{negative.ndim}D inputs")


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    _check_triplet(anchor, positive, negative)
    if margin <= 0:
        raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead")
    return apply(_triplet_k, (anchor, positive, negative, margin, eps), (reduction, p, bool(swap)))


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
                                      reduction="mean"):
    """torch.nn.functional.triplet_margin_with_distance_loss; without ``distance_function``
    it is triplet_margin_loss (pairwise L2 distance)."""
    if margin <= 0:
        raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} "
                         "instead")
    _check_triplet(anchor, positive, negative)
    reduction = _reduction(None, None, reduction)
    if distance_function is None:
        return apply(_triplet_k, (anchor, positive, negative, margin, 1e-6), (reduction, 2, bool(swap)))
    d_pos, d_neg = distance_function(anchor, positive), distance_function(anchor, negative)
    if swap:
        d_neg = d_neg.minimum(distance_function(positive, negative))
    loss = (margin + d_pos - d_neg).clamp_min(0)
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


# ---- negative log-likelihood and cross-entropy ----------------------------------------------
def _nll_parts(logp, target, ignore_index, w):
    """Per-element -w[t] * logp[t] (zero where ignored), its weights, and the out-of-range flag."""
    n_class = logp.shape[1] if logp.ndim > 1 else logp.shape[0]
    keep = target != ignore_index
    safe = jnp.where(keep, target, 0)
    picked = jnp.take_along_axis(logp, jnp.expand_dims(safe, 1 if logp.ndim > 1 else 0), 1 if logp.ndim > 1 else 0)
    picked = picked.squeeze(1 if logp.ndim > 1 else 0)
    weight = jnp.where(keep, w[safe] if w is not None else 1, 0).astype(logp.dtype)
    bad = jnp.any(keep & ((target < 0) | (target >= n_class)))
    return -picked * weight, weight, bad


def _over_total(loss_sum, total):
    """loss_sum / total; NaN when every target is ignored (total 0), with torch's zero gradient there."""
    empty = total == 0
    return loss_sum / jnp.where(empty, 1, total) + jnp.where(empty, jnp.nan, 0).astype(loss_sum.dtype)


def _class_view(w, logp):
    return w.reshape((-1,) + (1,) * (logp.ndim - 2)) if logp.ndim > 1 else w


def _cross_entropy(kind, reduction, has_weight, ignore_index, x, target, smoothing, *w):
    """kind: 'nll' (x holds log-probabilities), 'index' or 'prob' (x holds logits; class-index
    or probability targets)."""
    w = w[0] if has_weight else None
    class_dim = 1 if x.ndim > 1 else 0
    n_class = x.shape[class_dim]
    logp = x if kind == "nll" else jax.nn.log_softmax(x, axis=class_dim)
    if kind == "prob":
        target = target * (1 - smoothing) + smoothing / n_class
        loss = -(logp * target * (1 if w is None else _class_view(w, logp))).sum(class_dim)
        out = loss.sum() / (x.size // n_class) if reduction == "mean" else _reduce(loss, reduction)
        return out, jnp.zeros((), bool)
    loss, weight, bad = _nll_parts(logp, target, ignore_index, w)
    total = weight.sum()
    if kind == "index":
        smooth = -(logp * (1 if w is None else _class_view(w, logp))).sum(class_dim)
        smooth = jnp.where(target != ignore_index, smooth, 0)
        smooth = _over_total(smooth.sum(), total) if reduction == "mean" else _reduce(smooth, reduction)
    loss = _over_total(loss.sum(), total) if reduction == "mean" else _reduce(loss, reduction)
    if kind == "index":
        loss = (1 - smoothing) * loss + smooth * (smoothing / n_class)
    return loss, bad


_ce_k = {kind: Kernel(_cross_entropy, "NllLossBackward0" if kind == "nll" else
                      "DivBackward1" if kind == "prob" else "NllLossBackward0") for kind in ("nll", "index", "prob")}


def _check_class_target(input, target, weight):
    class_dim = 1 if input.ndim > 1 else 0
    n_class = input.shape[class_dim]
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if weight is not None and (weight.ndim != 1 or weight.numel() != n_class):
        raise RuntimeError(f"weight tensor should be defined either for all {n_class} classes or no classes but "
                           f"got weight tensor of shape: {list(weight.shape)}")
    if input.ndim > 1 and target.ndim >= 1 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0]}).")
    expected = tuple(input.shape[:1]) + tuple(input.shape[2:]) if input.ndim > 1 else ()
    if tuple(target.shape) != expected:
        if input.ndim <= 2:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        raise RuntimeError(f"size mismatch (got input: {input.shape} , target: {target.shape}")
    if str(target.dtype) not in ("torch.int64", "torch.uint8"):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {target.dtype}")


def _nll_call(kind, input, target, weight, ignore_index, reduction, smoothing=0.0):
    args = (input, target, smoothing) + ((weight,) if weight is not None else ())
    loss, bad = apply(_ce_k[kind], args, (kind, reduction, weight is not None, int(ignore_index)))
    if _host_flag(bad):
        t = target.numpy()
        n_class = input.shape[1 if input.ndim > 1 else 0]
        value = t[(t != ignore_index) & ((t < 0) | (t >= n_class))].reshape(-1)[0]
        raise IndexError(f"Target {value} is out of bounds.")
    return loss


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """torch.nn.functional.nll_loss on log-probabilities (N, C, d1, ...) or (C,)."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_class_target(input, target, weight)
    return _nll_call("nll", input, target, weight, ignore_index, reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """torch.nn.functional.cross_entropy: log_softmax and NLL in one kernel; class-index or
    class-probability targets, class weights, ignore_index and label smoothing."""
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if target.dtype.category >= 2 and target.shape == input.shape:
        args = (input, target, label_smoothing) + ((weight,) if weight is not None else ())
        return apply(_ce_k["prob"], args, ("prob", reduction, weight is not None, int(ignore_index)))[0]
    _check_class_target(input, target, weight)
    return _nll_call("index", input, target, weight, ignore_index, reduction, label_smoothing)


# ---- connectionist temporal classification ---------------------------------------------------
def _logaddexp3(a, b, c):
    """log(e^a + e^b + e^c) with a zero (not NaN) gradient where all three are -inf."""
    m = jnp.maximum(jnp.maximum(a, b), c)
    m = jax.lax.stop_gradient(jnp.where(jnp.isfinite(m), m, 0))
    s = jnp.exp(a - m) + jnp.exp(b - m) + jnp.exp(c - m)
    return jnp.where(s > 0, jnp.log(jnp.where(s > 0, s, 1)) + m, -jnp.inf)


def _ctc(blank, reduction, zero_infinity, s_max, lp, targets, in_len, tgt_len):
    """lp (T, N, C); targets (N, S) padded, or 1-D concatenated with max length ``s_max``."""
    T, N, _ = lp.shape
    if targets.ndim == 1:
        starts = jnp.cumsum(tgt_len) - tgt_len
        targets = targets[jnp.clip(starts[:, None] + jnp.arange(s_max), 0, max(targets.shape[0] - 1, 0))]
    L = 2 * targets.shape[1] + 1
    ext = jnp.full((N, L), blank, targets.dtype).at[:, 1::2].set(targets)   # blank, l1, blank, l2, ...
    skip = jnp.zeros((N, L), bool).at[:, 2:].set((ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2]))
    lp_ext = jnp.take_along_axis(lp, jnp.broadcast_to(ext[None], (T, N, L)), 2)
    s = jnp.arange(L)
    alpha0 = jnp.where((s == 0) | ((s == 1) & (tgt_len[:, None] > 0)), lp_ext[0], -jnp.inf)
    ninf = jnp.full((N, 1), -jnp.inf, lp.dtype)

    def step(alpha, t):
        prev1 = jnp.concatenate([ninf, alpha[:, :-1]], 1)
        prev2 = jnp.where(skip, jnp.concatenate([ninf, ninf, alpha[:, :-2]], 1), -jnp.inf)
        new = _logaddexp3(alpha, prev1, prev2) + lp_ext[t]
        return jnp.where((t < in_len)[:, None], new, alpha), None

    alpha, _ = jax.lax.scan(step, alpha0, jnp.arange(1, T))
    end = 2 * tgt_len
    last = jnp.take_along_axis(alpha, end[:, None], 1)[:, 0]
    before = jnp.where(tgt_len > 0, jnp.take_along_axis(alpha, jnp.maximum(end - 1, 0)[:, None], 1)[:, 0], -jnp.inf)
    loss = -_logaddexp3(last, before, jnp.full_like(last, -jnp.inf))
    # torch's gradient is p - posterior: the log-softmax gradient is folded in (zero-valued term)
    p = jnp.exp(lp)
    valid = (jnp.arange(T)[:, None] < in_len)[..., None]
    loss = loss + jnp.where(valid, p - jax.lax.stop_gradient(p), 0).sum((0, 2))
    if zero_infinity:
        loss = jnp.where(jnp.isinf(jax.lax.stop_gradient(loss)), 0, loss)
    if reduction == "mean":
        return (loss / jnp.maximum(tgt_len, 1).astype(loss.dtype)).mean()
    return _reduce(loss, reduction)


_ctc_k = Kernel(_ctc, "CtcLossBackward0")


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """torch.nn.functional.ctc_loss: the forward algorithm in log space, one kernel (a
    ``lax.scan`` over time). log_probs (T, N, C) or (T, C); targets padded (N, S) or
    concatenated. As in torch, the gradient w.r.t. ``log_probs`` is ``exp(log_probs) -
    posterior`` (log_softmax's gradient folded in) and zero past each input length."""
    from ...ops.creation import tensor
    reduction = _reduction(None, None, reduction)
    if log_probs.ndim not in (2, 3):
        raise RuntimeError(f"ctc_loss: expected log_probs to be 2-D or 3-D, but got {log_probs.ndim}-D")
    batched = log_probs.ndim == 3
    lengths = [t if hasattr(t, "_data") else tensor(t if batched else [t], dtype=targets.dtype)
               for t in (input_lengths, target_lengths)]
    in_len, tgt_len = (t.reshape(-1) for t in lengths)
    if not batched:
        log_probs, targets = log_probs.unsqueeze(1), targets.reshape(1, -1)
    s_max = int(tgt_len.max()) if targets.ndim == 1 and targets.numel() else 0
    loss = apply(_ctc_k, (log_probs, targets, in_len, tgt_len), (int(blank), reduction, bool(zero_infinity), s_max))
    return loss[0] if not batched and reduction == "none" else loss
