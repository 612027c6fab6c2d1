"""The torch namespace's forms of neural-network ops (torch.conv2d, torch.batch_norm, torch.dropout,
torch.kl_div ...): torch's native (ATen) signatures over nn.functional's kernels.

Where torch's top-level function is nn.functional's own (``torch.conv2d is F.conv2d``), it is the
same object here too. The others keep torch's native signatures (positional ``train``, integer
``reduction`` 0/1/2 = none/mean/sum, where an omitted reduction means none as in torch's Python
bindings (their schemas say mean), ``embedding(weight, indices)``, integer grid-sampler modes) and
call the nn.functional function. ``cudnn_enabled`` arguments are accepted and ignored.
"""
from ..nn import functional as F
from ..nn.functional.dropout import _apply as _dropout
from ..nn.functional.loss import _pointwise as _pointwise_loss
from ..nn.functional.sparse import _renorm_k
from ..autograd import grad_mode
from ..nn.modules.rnn import _cell_kernels
from .._dispatch import apply

__all__ = [
    # nn.functional's own functions, as in torch
    "adaptive_avg_pool1d", "avg_pool1d", "bilinear", "celu_", "channel_shuffle", "conv1d", "conv2d", "conv3d",
    "conv_tbc",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "cosine_similarity", "hardshrink",
    "native_channel_shuffle", "pairwise_distance", "pdist", "pixel_shuffle", "pixel_unshuffle", "prelu", "relu_",
    "rrelu_", "selu_", "threshold_",
    # torch's native signatures
    "selu", "celu", "threshold", "rrelu", "batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm",
    "dropout", "dropout_", "alpha_dropout", "alpha_dropout_", "feature_dropout", "feature_dropout_",
    "feature_alpha_dropout", "feature_alpha_dropout_", "embedding", "max_pool1d", "max_pool2d", "max_pool3d",
    "max_pool1d_with_indices", "adaptive_max_pool1d", "constant_pad_nd", "convolution", "affine_grid_generator",
    "grid_sampler", "grid_sampler_2d", "grid_sampler_3d", "kl_div", "binary_cross_entropy_with_logits",
    "cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss", "poisson_nll_loss",
    "triplet_margin_loss", "ctc_loss", "lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell",
    "native_dropout", "native_layer_norm", "embedding_renorm_", "norm_except_dim",
]

# torch.X is F.X for these, as in torch
adaptive_avg_pool1d, avg_pool1d, bilinear, celu_ = F.adaptive_avg_pool1d, F.avg_pool1d, F.bilinear, F.celu_
channel_shuffle, native_channel_shuffle = F.channel_shuffle, F.channel_shuffle
conv1d, conv2d, conv3d, conv_tbc = F.conv1d, F.conv2d, F.conv3d, F.conv_tbc
conv_transpose1d, conv_transpose2d, conv_transpose3d = F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d
cosine_similarity, hardshrink = F.cosine_similarity, F.hardshrink
pairwise_distance, pdist = F.pairwise_distance, F.pdist
pixel_shuffle, pixel_unshuffle, prelu = F.pixel_shuffle, F.pixel_unshuffle, F.prelu
relu_, rrelu_, selu_, threshold_ = F.relu_, F.rrelu_, F.selu_, F.threshold_

_REDUCTIONS = ("none", "mean", "sum")  # torch's Reduction enum: 0, 1, 2
_INTERPOLATION = ("bilinear", "nearest", "bicubic")  # torch's GridSamplerInterpolation enum
_PADDING = ("zeros", "border", "reflection")  # torch's GridSamplerPadding enum


def _reduction(reduction):
    return _REDUCTIONS[reduction]


def selu(input):
    """torch.selu."""
    return F.selu(input)


def celu(input, alpha=1.0):
    """torch.celu."""
    return F.celu(input, alpha)


def threshold(input, threshold, value):
    """torch.threshold: ``value`` where ``input <= threshold``."""
    return F.threshold(input, threshold, value)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """torch.rrelu. The slopes come from this library's default generator; a ``generator`` other
    than None is refused."""
    if generator is not None:
        raise NotImplementedError("torchlike's rrelu draws from the default generator only")
    return F.rrelu(input, lower, upper, training)


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    """torch.batch_norm (ATen order: weight and bias before the running stats)."""
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled):
    """torch.instance_norm (ATen order: weight and bias before the running stats)."""
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True):
    """torch.layer_norm."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):
    """torch.group_norm."""
    return F.group_norm(input, num_groups, weight, bias, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """torch.rms_norm."""
    return F.rms_norm(input, normalized_shape, weight, eps)


def _dropout_form(name, feature, alpha, inplace):
    def fn(input, p, train):
        return _dropout(input, p, train, inplace, feature, alpha)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"torch.{name}(input, p, train): {'feature (whole-channel) ' if feature else ''}"
                  f"{'alpha ' if alpha else ''}dropout{', in place' if inplace else ''}, as nn.functional's.")
    return fn


dropout, dropout_ = _dropout_form("dropout", False, False, False), _dropout_form("dropout_", False, False, True)
alpha_dropout = _dropout_form("alpha_dropout", False, True, False)
alpha_dropout_ = _dropout_form("alpha_dropout_", False, True, True)
feature_dropout = _dropout_form("feature_dropout", True, False, False)
feature_dropout_ = _dropout_form("feature_dropout_", True, False, True)
feature_alpha_dropout = _dropout_form("feature_alpha_dropout", True, True, False)
feature_alpha_dropout_ = _dropout_form("feature_alpha_dropout_", True, True, True)


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """torch.embedding(weight, indices, ...): note the argument order (F.embedding's is
    (input, weight)); ``padding_idx=-1`` means none, as in ATen."""
    return F.embedding(indices, weight, None if padding_idx < 0 else padding_idx,
                       scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def _max_pool_form(name, fn):
    def pool(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
        return fn(input, kernel_size, stride or None, padding, dilation, ceil_mode)
    pool.__name__ = pool.__qualname__ = name
    pool.__doc__ = f"torch.{name}: nn.functional.{fn.__name__} (an empty ``stride`` means the kernel size)."
    return pool


max_pool1d = _max_pool_form("max_pool1d", F.max_pool1d)
max_pool2d = _max_pool_form("max_pool2d", F.max_pool2d)
max_pool3d = _max_pool_form("max_pool3d", F.max_pool3d)
max_pool1d_with_indices = _max_pool_form("max_pool1d_with_indices", F.max_pool1d_with_indices)


def adaptive_max_pool1d(input, output_size):
    """torch.adaptive_max_pool1d: (values, indices), as ATen returns both."""
    return F.adaptive_max_pool1d(input, output_size, return_indices=True)


def constant_pad_nd(input, pad, value=0):
    """torch.constant_pad_nd: nn.functional.pad in constant mode (negative pads crop)."""
    return F.pad(input, pad, "constant", value)


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """torch.convolution: the N-d (transposed) convolution, N from ``weight``'s dims."""
    n = weight.ndim - 2
    pads = tuple((p, p) for p in F.pooling._ntuple(padding, n))
    return F.conv.convolution(n, input, weight, bias, stride, pads, dilation, groups, transposed=transposed,
                              output_padding=output_padding)


def affine_grid_generator(theta, size, align_corners):
    """torch.affine_grid_generator: nn.functional.affine_grid."""
    return F.affine_grid(theta, list(size), align_corners)


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """torch.grid_sampler (and _2d/_3d): nn.functional.grid_sample with torch's integer modes
    (interpolation 0/1/2 = bilinear/nearest/bicubic, padding 0/1/2 = zeros/border/reflection)."""
    return F.grid_sample(input, grid, _INTERPOLATION[interpolation_mode], _PADDING[padding_mode], align_corners)


grid_sampler_2d = grid_sampler_3d = grid_sampler


def kl_div(input, target, reduction=0, *, log_target=False):
    """torch.kl_div: integer ``reduction`` (1: the element mean, without nn.functional's warning)."""
    return _pointwise_loss("kl_div", input, target, _reduction(reduction), options=(bool(log_target),))


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    """torch.binary_cross_entropy_with_logits: integer ``reduction``."""
    return F.binary_cross_entropy_with_logits(input, target, weight, reduction=_reduction(reduction),
                                              pos_weight=pos_weight)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    """torch.cosine_embedding_loss: integer ``reduction``."""
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    """torch.hinge_embedding_loss: integer ``reduction``."""
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    """torch.margin_ranking_loss: integer ``reduction``."""
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    """torch.poisson_nll_loss: every argument positional, integer ``reduction``."""
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=_reduction(reduction))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction=0):
    """torch.triplet_margin_loss: integer ``reduction``."""
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction=_reduction(reduction))


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False):
    """torch.ctc_loss: integer ``reduction``."""
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, _reduction(reduction),
                      zero_infinity)


def _cell_form(name, mode):
    def cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
        hx = tuple(hx) if mode == "LSTM" else (hx,)
        bias = b_ih is not None
        weights = (w_ih, w_hh) + ((b_ih, b_hh) if bias else ())
        return apply(_cell_kernels[mode], (input, *hx, *weights), (bias,))
    cell.__name__ = cell.__qualname__ = name
    cell.__doc__ = (f"torch.{name}(input, hx, w_ih, w_hh, b_ih=None, b_hh=None): one step of nn.{mode}Cell's "
                    "kernel" + (" on ``hx = (h, c)``, returning (h', c')" if mode == "LSTM" else "") + ".")
    return cell


lstm_cell = _cell_form("lstm_cell", "LSTM")
gru_cell = _cell_form("gru_cell", "GRU")
rnn_tanh_cell = _cell_form("rnn_tanh_cell", "RNN_TANH")
rnn_relu_cell = _cell_form("rnn_relu_cell", "RNN_RELU")


def native_dropout(input, p, train):
    """torch.native_dropout: (output, keep mask as bool); outside training the output is a copy
    and the mask all True."""
    if not train:
        return input.clone(), input.new_ones(input.shape).bool()
    out = F.dropout(input, p, True)
    return out, (out != 0) if p < 1 else out.bool()


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """torch.native_layer_norm: (output, mean, rstd), the statistics over the normalised
    dims kept as size-1 dims."""
    dims = tuple(range(input.ndim - len(normalized_shape), input.ndim))
    mean = input.detach().mean(dims, keepdim=True)
    rstd = (input.detach().var(dims, unbiased=False, keepdim=True) + eps).rsqrt()
    return F.layer_norm(input, normalized_shape, weight, bias, eps), mean, rstd


def embedding_renorm_(input, indices, max_norm, norm_type):
    """torch.embedding_renorm_: rescale the rows of ``input`` picked by ``indices`` to norm at
    most ``max_norm``, in place (nn.functional.embedding's max_norm kernel)."""
    with grad_mode.no_grad():
        return input._inplace_(apply(_renorm_k, (indices, input.detach()), (float(max_norm), float(norm_type))))


def norm_except_dim(v, pow=2, dim=0):
    """torch.norm_except_dim (weight_norm's norm): the ``pow``-norm over every dim but ``dim``,
    keeping them as size-1 dims; ``dim=-1`` is the norm of all elements."""
    if dim == -1:
        return v.norm(pow)
    return v.norm(pow, dim=[d for d in range(v.ndim) if d != dim], keepdim=True)
