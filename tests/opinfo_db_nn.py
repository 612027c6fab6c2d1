"""OpInfo entries: torch.nn.functional beyond the activations (linear, convolution, pooling,
normalization, embedding, padding, interpolation, vision, distances, losses, dropout, attention)."""
import numpy as np
import torch

from opinfo import OpInfo, Sample, T, torch_forms

FLOATS = ("float32", "float64")
WITH_INT = ("int64", "float32", "float64")  # int64: torch's error (or its integer result) is compared


def rnd(*shape, seed=0, lo=-2.0, hi=2.0):
    """Reproducible uniform values (float64; T casts)."""
    return np.random.default_rng(seed + sum(shape)).uniform(lo, hi, shape)


def ties(*shape, seed=0):
    """Small integers, so max/min windows hold equal values (which index and gradient torch picks)."""
    return np.random.default_rng(seed).integers(-2, 3, shape).astype(np.float64)


def idx(values):
    return T(np.asarray(values, dtype=np.int64), "int64", grad=False)


def _budget(samples, n_other, limit):
    """The first ``limit`` samples in float64 (values and gradients); the first ``n_other`` in other
    dtypes (float32 values, int64 errors), which keeps the compilations within the CI budget."""
    def limited(dtype):
        for i, sample in enumerate(samples(dtype)):
            if i >= (limit if dtype == "float64" else n_other):
                return
            yield sample
    return limited


def op(name, samples, forms=None, dtypes=FLOATS, n_other=1, limit=99, **kw):
    return OpInfo(name, _budget(samples, n_other, limit), forms=forms or torch_forms(name), dtypes=dtypes, **kw)


# ---- linear ---------------------------------------------------------------------------------------
def linear_samples(dtype):
    yield Sample((T(rnd(2, 3), dtype), T(rnd(4, 3, seed=1), dtype), T(rnd(4, seed=2), dtype)))
    yield Sample((T(rnd(2, 3), dtype, "transposed"), T(rnd(4, 3, seed=1), dtype)))
    yield Sample((T(rnd(3), dtype), T(rnd(4, 3, seed=1), dtype)), dict(bias=None))      # 1-d input
    yield Sample((T(np.zeros((0, 3)), dtype), T(rnd(4, 3, seed=1), dtype)))             # empty batch
    yield Sample((T(rnd(2, 3), dtype), T(rnd(4, 2, seed=1), dtype)))                    # shape error


def bilinear_samples(dtype):
    w = T(rnd(4, 2, 3, seed=1), dtype)
    yield Sample((T(rnd(2, 2), dtype), T(rnd(2, 3, seed=3), dtype), w, T(rnd(4, seed=2), dtype)))
    yield Sample((T(rnd(1, 2), dtype), T(rnd(1, 3, seed=3), dtype), w))


# ---- convolution ----------------------------------------------------------------------------------
def conv_samples(n):
    def samples(dtype):
        sp = (5,) * n
        x, w, b = T(rnd(2, 4, *sp), dtype), T(rnd(6, 4, *(3,) * n, seed=1), dtype), T(rnd(6, seed=2), dtype)
        yield Sample((x, w, b))
        yield Sample((x, w), dict(stride=2, padding=1, dilation=1))
        yield Sample((x, w, None, (2,) * n, (1,) * n, (1,) * n))                        # tuple forms
        yield Sample((x, T(rnd(6, 2, *(3,) * n, seed=1), dtype), b), dict(groups=2, padding="same"))
        yield Sample((x, w), dict(padding="valid", dilation=2 if n < 3 else 1))
        yield Sample((T(rnd(4, *sp), dtype), w))                                        # unbatched
        yield Sample((T(rnd(2, 4, *sp), dtype, "transposed"), w, b))
        yield Sample((x, T(rnd(6, 3, *(3,) * n, seed=1), dtype)))                         # channel mismatch
        yield Sample((x, w), dict(padding="same", stride=2))                            # error
    return samples


def conv_t_samples(n):
    def samples(dtype):
        sp = (4,) * n
        x, w, b = T(rnd(2, 4, *sp), dtype), T(rnd(4, 3, *(3,) * n, seed=1), dtype), T(rnd(3, seed=2), dtype)
        yield Sample((x, w, b))
        yield Sample((x, w), dict(stride=2, padding=1, output_padding=1))
        yield Sample((x, T(rnd(4, 1, *(3,) * n, seed=1), dtype), None, 1, 0, 0, 2, 1 if n == 3 else 2))
        yield Sample((T(rnd(4, *sp), dtype), w))                                        # unbatched
        yield Sample((x, w), dict(stride=1, output_padding=1))                          # error: output_padding >= stride
    return samples


def conv_tbc_samples(dtype):
    x, w, b = T(rnd(5, 2, 4), dtype), T(rnd(3, 4, 6, seed=1), dtype), T(rnd(6, seed=2), dtype)
    yield Sample((x, w, b))
    yield Sample((x, w, b, 1))
    yield Sample((x, w, b), dict(pad=2))


def unfold_samples(dtype):
    x = T(rnd(2, 3, 5, 6), dtype)
    yield Sample((x, 2))
    yield Sample((x, (2, 3)), dict(dilation=(1, 2), padding=1, stride=(2, 1)))
    yield Sample((T(rnd(3, 5, 6), dtype), 3), dict(stride=2))                             # unbatched
    yield Sample((x, 7))                                                                 # window too large


def fold_samples(dtype):
    yield Sample((T(rnd(2, 12, 20), dtype), (5, 6), 2))
    yield Sample((T(rnd(2, 18, 20), dtype), (5, 6)), dict(kernel_size=(2, 3), padding=(1, 0), stride=(1, 1)))
    yield Sample((T(rnd(12, 20), dtype), (5, 6), 2))                                    # unbatched
    yield Sample((T(rnd(2, 13, 20), dtype), (5, 6), 2))                                   # not divisible


# ---- pooling --------------------------------------------------------------------------------------
def max_pool_samples(n, **extra):
    def samples(dtype):
        sp = (6,) * n
        x = T(ties(2, 3, *sp), dtype)
        yield Sample((x, 2), extra)
        yield Sample((x, (3,) * n, (2,) * n, 1), extra)                                  # tuple forms
        yield Sample((x,), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, **extra))
        yield Sample((x, 2), dict(dilation=2, **extra))
        yield Sample((T(ties(3, *sp), dtype), 2), extra)                                  # unbatched
        yield Sample((T(np.full((1, 1) + sp, -np.inf), dtype), 2), extra)                 # all -inf
        if dtype.startswith("float"):                                                    # NaN wins
            yield Sample((T(np.where(rnd(1, 2, *sp) > 1.5, np.nan, ties(1, 2, *sp)), dtype), 2), extra)
        yield Sample((x, 2), dict(padding=2, **extra))                                   # padding > kernel/2
    return samples


def avg_pool_samples(n):
    def samples(dtype):
        sp = (6,) * n
        x = T(rnd(2, 3, *sp), dtype)
        yield Sample((x, 2))
        yield Sample((x, (3,) * n, (2,) * n, 1))
        yield Sample((x,), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False))
        if n > 1:
            yield Sample((x, 3), dict(padding=1, divisor_override=2))
        yield Sample((T(rnd(3, *sp), dtype), 2))
        yield Sample((T(rnd(2, 3, *sp), dtype, "transposed"), 2))
        yield Sample((x, 2), dict(padding=2))                                            # error
    return samples


def adaptive_samples(n, **extra):
    def samples(dtype):
        x = T(ties(2, 3, *(7,) * n), dtype)
        yield Sample((x, 3), extra)
        yield Sample((x, (2,) * n), extra)
        yield Sample((x, (None,) + (4,) * (n - 1) if n > 1 else 1), extra)
        yield Sample((T(ties(3, *(7,) * n), dtype), 4), extra)
        yield Sample((x, 7), extra)
    return samples


def lp_pool_samples(n):
    def samples(dtype):
        x = T(rnd(2, 3, *(6,) * n, lo=0.1), dtype)
        yield Sample((x, 2.0, 2))
        yield Sample((x, 1, (3,) * n if n > 1 else 3), dict(stride=2))               # torch 1-d takes an int
        yield Sample((x, 3.0, 2), dict(ceil_mode=True))
    return samples


def max_unpool_samples(n):
    def samples(dtype):
        sp = (4,) * n
        vals = torch.nn.functional.__dict__[f"max_pool{n}d"](torch.tensor(rnd(2, 3, *sp)), 2, return_indices=True)
        x, ind = vals[0].numpy(), vals[1].numpy()
        yield Sample((T(x, dtype), idx(ind), 2))
        yield Sample((T(x, dtype), idx(ind), (2,) * n, (2,) * n))
        yield Sample((T(x, dtype), idx(ind), 2), dict(output_size=(5,) * n))
        yield Sample((T(x, dtype), idx(ind), 2), dict(output_size=(2, 3) + (5,) * n))
    return samples


def fractional_samples(n):
    def samples(dtype):
        x = T(rnd(2, 3, *(8,) * n), dtype)
        yield Sample((x, 2), dict(output_size=4))
        yield Sample((x, (2,) * n), dict(output_ratio=(0.5,) * n, return_indices=True))
    return samples


# ---- normalization --------------------------------------------------------------------------------
def batch_norm_samples(dtype):
    x = T(rnd(4, 3, 5), dtype)
    rm, rv = T(rnd(3, seed=3), dtype, grad=False), T(rnd(3, seed=4, lo=0.5), dtype, grad=False)
    w, b = T(rnd(3, seed=5), dtype), T(rnd(3, seed=6), dtype)
    yield Sample((x, rm, rv, w, b))                                                       # eval
    yield Sample((x, rm, rv), dict(weight=w, bias=b, training=True, momentum=0.3, eps=1e-3))
    yield Sample((x, None, None), dict(training=True))
    yield Sample((T(rnd(4, 3), dtype, "transposed"), None, None, None, None, True))       # (N, C) non-contiguous
    yield Sample((T(rnd(4, 3, 2, 2), dtype), rm, rv, w, b, True, 0.1, 1e-5))
    yield Sample((T(rnd(1, 3), dtype), None, None, None, None, True))                     # one value per channel
    yield Sample((T(np.zeros((4, 3)), dtype), None, None, None, None, True))              # zero variance


def instance_norm_samples(dtype):
    x = T(rnd(2, 3, 5), dtype)
    rm, rv = T(rnd(3, seed=3), dtype, grad=False), T(rnd(3, seed=4, lo=0.5), dtype, grad=False)
    yield Sample((x,))
    yield Sample((x, rm, rv), dict(weight=T(rnd(3, seed=5), dtype), bias=T(rnd(3, seed=6), dtype)))
    yield Sample((x, rm, rv), dict(use_input_stats=False))
    yield Sample((T(rnd(2, 3, 4, 4), dtype),), dict(eps=1e-3))


def layer_norm_samples(dtype):
    x = T(rnd(2, 3, 4), dtype)
    yield Sample((x, (4,), T(rnd(4, seed=5), dtype), T(rnd(4, seed=6), dtype)))
    yield Sample((x, [3, 4]), dict(eps=1e-3))
    yield Sample((T(rnd(2, 3, 4), dtype, "transposed"), (3,)))
    yield Sample((T(np.full((2, 4), 2.0), dtype), (4,)))                                   # zero variance
    yield Sample((x, (3,)))                                                               # shape error


def group_norm_samples(dtype):
    x = T(rnd(2, 4, 5), dtype)
    yield Sample((x, 2, T(rnd(4, seed=5), dtype), T(rnd(4, seed=6), dtype)))
    yield Sample((x, 4), dict(eps=1e-3))
    yield Sample((T(rnd(2, 4, 3, 3), dtype), 1))
    yield Sample((x, 3))                                                                 # not divisible


def rms_norm_samples(dtype):
    x = T(rnd(2, 3, 4), dtype)
    yield Sample((x, (4,), T(rnd(4, seed=5), dtype)))
    yield Sample((x, [3, 4]), dict(eps=1e-3))
    yield Sample((x, (4,)))
    yield Sample((T(np.zeros((2, 4)), dtype), (4,), None, 1e-6))


def lrn_samples(dtype):
    yield Sample((T(rnd(2, 5, 4), dtype), 3))
    yield Sample((T(rnd(2, 5, 3, 3), dtype), 2), dict(alpha=1e-2, beta=0.5, k=2.0))
    yield Sample((T(rnd(2, 5, 2, 2, 2), dtype), 4))


def normalize_samples(dtype):
    yield Sample((T(rnd(3, 4), dtype),))
    yield Sample((T(rnd(3, 4), dtype),), dict(p=1, dim=0))
    yield Sample((T(rnd(2, 3, 4), dtype, "transposed"),), dict(p=float("inf"), dim=-1))


# ---- embedding ------------------------------------------------------------------------------------
def embedding_samples(dtype):
    w = T(rnd(6, 3), dtype)
    yield Sample((idx([[0, 2, 5], [1, 2, 2]]), w))
    yield Sample((idx([0, 2, 2, 4]), w), dict(padding_idx=2))
    yield Sample((idx([0, 2, 2, 4]), w), dict(padding_idx=-1))
    yield Sample((idx(3), w))
    yield Sample((idx([0, 6]), w))                                                        # out of range
    yield Sample((T(np.array([0.0, 1.0]), dtype, grad=False), w))                         # float indices


def embedding_max_norm_samples(dtype):
    w = T(rnd(6, 3) * 2, dtype, grad=False)
    yield Sample((idx([0, 2, 2, 4]), w), dict(max_norm=1.0))
    yield Sample((idx([0, 2, 5]), w), dict(max_norm=1.5, norm_type=1.0))


def embedding_bag_samples(dtype):
    w = T(rnd(6, 3), dtype)
    for mode in ("sum", "mean", "max"):
        yield Sample((idx([0, 2, 2, 4, 5]), w, idx([0, 2])), dict(mode=mode))
        yield Sample((idx([[0, 2], [4, 4]]), w), dict(mode=mode))
        yield Sample((idx([0, 2, 2, 4, 5]), w, idx([0, 2, 2])), dict(mode=mode))               # an empty bag
    yield Sample((idx([0, 2, 2, 4]), w, idx([0, 1])),
                 dict(mode="sum", per_sample_weights=T(rnd(4, seed=3), dtype)))
    yield Sample((idx([0, 2, 2, 4]), w, idx([0, 1, 4])), dict(include_last_offset=True))
    yield Sample((idx([0, 2, 2, 4]), w, idx([0, 1])), dict(padding_idx=2))


def one_hot_samples(dtype):
    yield Sample((idx([0, 2, 1]),))
    yield Sample((idx([[0, 2], [1, 1]]), 4))
    yield Sample((idx([0, 2]),), dict(num_classes=2))                                   # class out of range
    yield Sample((idx([0, -1]),))                                                        # negative class
    yield Sample((idx(np.zeros((0,))), 3))


# ---- padding, resizing, vision ----------------------------------------------------------------------
def pad_samples(dtype):
    x = T(rnd(2, 3, 4), dtype)
    yield Sample((x, (1, 2)))
    yield Sample((x, [1, 0, 2, 1]), dict(value=-1.5))
    yield Sample((x, (-1, 1)))                                                            # negative pad
    yield Sample((x, (1, 2, 0, 1), "reflect"))
    yield Sample((x, (2, 3)), dict(mode="replicate"))
    yield Sample((x, (1, 2, 2, 0)), dict(mode="circular"))
    yield Sample((T(rnd(2, 3, 4, 4), dtype, "transposed"), (1, 1, 2, 2), "reflect"))
    yield Sample((T(rnd(1, 2, 3, 3, 3), dtype), (1, 1, 1, 1, 1, 1), "replicate"))
    yield Sample((x, (4, 0), "reflect"))                                                  # pad >= size
    yield Sample((x, (1, 2, 3)))                                                          # odd length


def interpolate_samples(dtype):
    x1, x2, x3 = T(rnd(1, 2, 5), dtype), T(rnd(1, 2, 4, 5), dtype), T(rnd(1, 2, 3, 3, 4), dtype)
    yield Sample((x2,), dict(size=(6, 3)))
    yield Sample((x2,), dict(scale_factor=2, mode="nearest-exact"))
    yield Sample((x1,), dict(scale_factor=1.7, mode="nearest"))
    for ac in (False, True):
        yield Sample((x1,), dict(size=8, mode="linear", align_corners=ac))
        yield Sample((x2,), dict(size=(7, 3), mode="bilinear", align_corners=ac))
        yield Sample((x2,), dict(scale_factor=(1.5, 2.0), mode="bicubic", align_corners=ac))
        yield Sample((x3,), dict(size=(4, 2, 5), mode="trilinear", align_corners=ac))
    yield Sample((x2,), dict(scale_factor=0.6, mode="bilinear", recompute_scale_factor=True))
    yield Sample((x2,), dict(size=(2, 3), mode="area"))
    yield Sample((x2,), dict(size=(2, 3), mode="bilinear", antialias=True))
    yield Sample((x2,), dict(size=(2, 3), scale_factor=2))                                  # both: error
    yield Sample((x2,), dict(size=4, mode="linear"))                                      # mode/rank mismatch
    yield Sample((T(rnd(1, 2, 4, 5), dtype, "transposed"),), dict(scale_factor=2, mode="bilinear"))


def upsample_samples(dtype):
    yield Sample((T(rnd(1, 2, 3, 4), dtype),), dict(scale_factor=2))
    yield Sample((T(rnd(1, 2, 3, 4), dtype), (5, 5)))


def grid_sample_samples(dtype):
    x = T(rnd(1, 2, 4, 5), dtype)
    g = rnd(1, 3, 2, 2, seed=7, lo=-1.3, hi=1.3)
    g[0, 0, 0] = (1.0, -1.0)                                                              # exact corners
    for mode, pad in (("bilinear", "zeros"), ("bilinear", "border"), ("bilinear", "reflection"),
                      ("nearest", "reflection"), ("bicubic", "border")):
        yield Sample((x, T(g, dtype)), dict(mode=mode, padding_mode=pad, align_corners=pad == "border"))
    yield Sample((T(rnd(1, 2, 3, 3, 4), dtype), T(rnd(1, 2, 2, 2, 3, seed=8, lo=-1.2, hi=1.2), dtype)),
                 dict(align_corners=False))


def affine_grid_samples(dtype):
    theta = T(rnd(2, 2, 3), dtype)
    yield Sample((theta, (2, 1, 3, 4)), dict(align_corners=False))
    yield Sample((theta, [2, 3, 3, 4]), dict(align_corners=True))
    yield Sample((T(rnd(1, 3, 4), dtype), (1, 1, 2, 3, 2)), dict(align_corners=False))
    yield Sample((theta, (3, 1, 3, 4)), dict(align_corners=False))                       # batch mismatch


def pixel_shuffle_samples(dtype):
    yield Sample((T(rnd(2, 8, 2, 3), dtype), 2))
    yield Sample((T(rnd(8, 2, 3), dtype), 2))
    yield Sample((T(rnd(2, 7, 2, 3), dtype), 2))                                          # not divisible


def pixel_unshuffle_samples(dtype):
    yield Sample((T(rnd(2, 2, 4, 6), dtype), 2))
    yield Sample((T(rnd(2, 2, 4, 6), dtype, "transposed"), 2))
    yield Sample((T(rnd(2, 2, 4, 5), dtype), 2))


def channel_shuffle_samples(dtype):
    yield Sample((T(rnd(2, 6, 2, 2), dtype), 3))
    yield Sample((T(rnd(2, 6, 3), dtype), 2))
    yield Sample((T(rnd(2, 5, 3), dtype), 2))


# ---- distances ------------------------------------------------------------------------------------
def zero_vector_samples(dtype):
    """A zero vector: torch's gradient is finite (its norm's 0 / 0 masked), its second derivative NaN
    (torchlike's is finite), so these run with ``gradgrad=False``."""
    yield Sample((T(np.zeros((2, 4)), dtype), T(rnd(2, 4), dtype)))


def cosine_samples(dtype):
    a, b = rnd(3, 4), rnd(3, 4, seed=1)
    yield Sample((T(a, dtype), T(b, dtype)))
    yield Sample((T(a, dtype), T(b[:1], dtype)), dict(dim=-1, eps=1e-6))
    yield Sample((T(a, dtype, "transposed"), T(b.T, dtype), 0))


def pairwise_samples(dtype):
    a, b = rnd(3, 4), rnd(3, 4, seed=1)
    yield Sample((T(a, dtype), T(b, dtype)))
    yield Sample((T(a, dtype), T(b[:1], dtype)), dict(p=1.0, keepdim=True))
    yield Sample((T(a, dtype), T(a, dtype)))                                              # zero distance
    yield Sample((T(a, dtype), T(b, dtype), float("inf")))
    yield Sample((T(a[0], dtype), T(b[0], dtype)), dict(p=3))


def pdist_samples(dtype):
    a = rnd(4, 3)
    a[2] = a[1]                                                                          # a zero distance
    yield Sample((T(a, dtype),))
    yield Sample((T(a, dtype), 1))
    yield Sample((T(a, dtype),), dict(p=float("inf")))
    yield Sample((T(a, dtype, "transposed"),))
    yield Sample((T(a[:1], dtype),))


# ---- losses ---------------------------------------------------------------------------------------
REDUCTIONS = ("none", "sum")  # "mean", the default, in the other samples


def regression_loss(**kw):
    def samples(dtype):
        x, y = rnd(3, 4), rnd(3, 4, seed=1)
        y[0, :2] = x[0, :2]                                                              # zero difference (kink)
        y[1, 0] = x[1, 0] + 1.0                                                          # at the beta/delta kink
        for r in REDUCTIONS:
            yield Sample((T(x, dtype), T(y, dtype)), dict(reduction=r, **kw))
        yield Sample((T(x, dtype, "transposed"), T(y.T, dtype)), kw)
        yield Sample((T(np.zeros((0, 4)), dtype), T(np.zeros((0, 4)), dtype)), kw)        # empty: nan mean
        yield Sample((T(x, dtype), T(y[:1], dtype)), kw)                                  # broadcast (warns)
    return samples


def bce_samples(dtype):
    p = np.array([[0.0, 1.0, 0.5, 0.25], [1.0, 0.0, 1e-8, 0.999]])
    y = np.array([[0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 0.3, 1.0]])                            # log(0) clamped to -100
    for r in REDUCTIONS:
        yield Sample((T(p, dtype), T(y, dtype, grad=False)), dict(reduction=r))
    yield Sample((T(p, dtype), T(y, dtype, grad=False), T(rnd(4, lo=0.5), dtype, grad=False)))
    yield Sample((T(p, dtype), T(y[:1], dtype)))                                          # size mismatch error
    yield Sample((T(p + 0.5, dtype), T(y, dtype)))                                        # input > 1: error


def bce_logits_samples(dtype):
    x = np.array([[0.0, 30.0, -30.0, 1.5], [-100.0, 100.0, 0.5, -2.0]])
    y = np.array([[0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 0.3, 1.0]])
    for r in REDUCTIONS:
        yield Sample((T(x, dtype), T(y, dtype)), dict(reduction=r))
    yield Sample((T(x, dtype), T(y, dtype)), dict(pos_weight=T(rnd(4, lo=0.5), dtype)))
    yield Sample((T(x, dtype), T(y, dtype), T(rnd(2, 1, lo=0.5), dtype, grad=False)),
                 dict(pos_weight=T(rnd(4, lo=0.5), dtype)))
    yield Sample((T(x, dtype), T(y[:1], dtype)))                                          # size mismatch error


def ce_samples(dtype):
    x = rnd(4, 5)
    x[0, :3] = 1.0                                                                        # tied logits
    for r in REDUCTIONS:
        yield Sample((T(x, dtype), idx([0, 3, 4, 1])), dict(reduction=r))
    yield Sample((T(x, dtype), idx([0, 3, -100, 1])))                                     # default ignore_index
    yield Sample((T(x, dtype), idx([0, 3, 4, 1])), dict(ignore_index=3, weight=T(rnd(5, lo=0.5), dtype)))
    yield Sample((T(x, dtype), idx([0, 3, 4, 1])), dict(label_smoothing=0.2, weight=T(rnd(5, lo=0.5), dtype)))
    for r in ("none", "mean"):
        yield Sample((T(x, dtype), idx([2, 3, 3, 3])), dict(label_smoothing=0.1, ignore_index=3, reduction=r))
    probs = np.random.default_rng(3).dirichlet(np.ones(5), 4)
    yield Sample((T(x, dtype), T(probs, dtype)))                                          # class probabilities
    yield Sample((T(x, dtype), T(probs, dtype)), dict(label_smoothing=0.3, reduction="sum"))
    yield Sample((T(rnd(2, 5, 3), dtype), idx([[0, 1, 4], [2, 2, 2]])))                    # (N, C, d)
    yield Sample((T(x[0], dtype), idx(2)))                                                # unbatched
    yield Sample((T(x, dtype), idx([0, 3, 5, 1])))                                        # class out of range
    yield Sample((T(x, dtype), T(np.array([0.0, 3.0, 4.0, 1.0]), dtype)))                  # float target wrong shape
    yield Sample((T(x, dtype), T(np.array([0, 3, 4, 1]), "int32", grad=False)))            # int32 target


def nll_samples(dtype):
    x = np.log(np.random.default_rng(3).dirichlet(np.ones(5), 4))
    for r in REDUCTIONS:
        yield Sample((T(x, dtype), idx([0, 3, 4, 1])), dict(reduction=r))
    yield Sample((T(x, dtype), idx([0, 3, 4, 1]), T(rnd(5, lo=0.5), dtype, grad=False)), dict(ignore_index=4))
    yield Sample((T(x, dtype), idx([4, 4, 4, 4])), dict(ignore_index=4))                   # every target ignored
    yield Sample((T(rnd(2, 5, 3), dtype), idx([[0, 1, 4], [2, 2, 2]])), dict(reduction="none"))
    yield Sample((T(x, dtype), idx([0, 3, 4])))                                          # batch mismatch


def kl_samples(dtype):
    x = np.log(np.random.default_rng(3).dirichlet(np.ones(4), 3))
    y = np.random.default_rng(4).dirichlet(np.ones(4), 3)
    y[0, 0] = 0.0                                                                         # 0 * log 0 = 0
    for r in REDUCTIONS + ("batchmean",):
        yield Sample((T(x, dtype), T(y, dtype)), dict(reduction=r))
    yield Sample((T(x, dtype), T(np.log(y + 0.1), dtype)), dict(log_target=True))


def poisson_samples(dtype):
    x, y = rnd(3, 4, lo=0.0, hi=2.0), rnd(3, 4, seed=1, lo=0.0, hi=3.0)
    x[0, 0], y[0, 1] = 0.0, 0.0
    for r in REDUCTIONS:
        yield Sample((T(x, dtype), T(y, dtype)), dict(reduction=r))
    yield Sample((T(x, dtype), T(y, dtype)), dict(log_input=False))
    yield Sample((T(x, dtype), T(y, dtype), True, True))                                  # full (Stirling term)


def gaussian_samples(dtype):
    x, y, v = rnd(3, 4), rnd(3, 4, seed=1), rnd(3, 4, seed=2, lo=0.1)
    for r in REDUCTIONS:
        yield Sample((T(x, dtype), T(y, dtype), T(v, dtype)), dict(reduction=r))
    yield Sample((T(x, dtype), T(y, dtype), T(v[:, :1], dtype)), dict(full=True))
    yield Sample((T(x, dtype), T(y, dtype), T(v[:, 0], dtype)))
    yield Sample((T(x, dtype), T(y, dtype), T(np.zeros((3, 4)), dtype)))                 # var clamped to eps
    yield Sample((T(x, dtype), T(y, dtype), T(-v, dtype)))                                # negative var: error


def pm1(*shape, seed=0):
    return np.where(rnd(*shape, seed=seed) > 0, 1.0, -1.0)


def hinge_samples(dtype):
    x = rnd(3, 4)
    x[0, 0] = 1.0                                                                         # at the margin
    for r in REDUCTIONS:
        yield Sample((T(x, dtype), T(pm1(3, 4, seed=1), dtype)), dict(reduction=r))
    yield Sample((T(x, dtype), T(pm1(3, 4, seed=1), dtype)), dict(margin=0.5))


def margin_ranking_samples(dtype):
    a, b = rnd(5), rnd(5, seed=1)
    b[0] = a[0]
    for r in REDUCTIONS:
        yield Sample((T(a, dtype), T(b, dtype), T(pm1(5, seed=2), dtype)), dict(reduction=r))
    yield Sample((T(a, dtype), T(b, dtype), T(pm1(5, seed=2), dtype)), dict(margin=0.5))


def cosine_embedding_samples(dtype):
    a, b = rnd(3, 4), rnd(3, 4, seed=1)
    for r in REDUCTIONS:
        yield Sample((T(a, dtype), T(b, dtype), T(pm1(3, seed=2), dtype)), dict(reduction=r))
    yield Sample((T(a, dtype), T(b, dtype), T(np.array([1.0, -1.0, -1.0]), dtype)), dict(margin=-0.5))
    yield Sample((T(a[0], dtype), T(b[0], dtype), T(np.array(1.0), dtype)))               # unbatched


def triplet_samples(dtype):
    a, p, n = rnd(3, 4), rnd(3, 4, seed=1), rnd(3, 4, seed=2)
    for r in REDUCTIONS:
        yield Sample((T(a, dtype), T(p, dtype), T(n, dtype)), dict(reduction=r))
    yield Sample((T(a, dtype), T(p, dtype), T(n, dtype)), dict(margin=0.5, p=1, swap=True))


def triplet_distance_samples(dtype):
    a, p, n = rnd(3, 4), rnd(3, 4, seed=1), rnd(3, 4, seed=2)
    for r in REDUCTIONS:
        yield Sample((T(a, dtype), T(p, dtype), T(n, dtype)), dict(reduction=r))
    yield Sample((T(a, dtype), T(p, dtype), T(n, dtype)), dict(margin=2.0, swap=True))


def multi_margin_samples(dtype):
    x = rnd(4, 5)
    x[0, 1] = x[0, 0] - 1.0                                                               # at the margin
    for r in REDUCTIONS:
        yield Sample((T(x, dtype), idx([0, 3, 4, 1])), dict(reduction=r))
    yield Sample((T(x, dtype), idx([0, 3, 4, 1])), dict(p=2, margin=0.5, weight=T(rnd(5, lo=0.5), dtype)))
    yield Sample((T(x[0], dtype), idx(2)))
    yield Sample((T(x, dtype), idx([0, 3, 4, 1])), dict(p=3))                             # p must be 1 or 2


def multilabel_margin_samples(dtype):
    x = rnd(3, 4)
    for r in REDUCTIONS:
        yield Sample((T(x, dtype), idx([[3, 0, -1, 1], [0, 1, 2, 3], [-1, 0, 0, 0]])), dict(reduction=r))
    yield Sample((T(x[0], dtype), idx([1, 2, -1, 0])))


def multilabel_soft_samples(dtype):
    x, y = rnd(3, 4), (rnd(3, 4, seed=1) > 0).astype(np.float64)
    for r in REDUCTIONS:
        yield Sample((T(x, dtype), T(y, dtype)), dict(reduction=r))
    yield Sample((T(x, dtype), T(y, dtype)), dict(weight=T(rnd(4, lo=0.5), dtype)))


def soft_margin_samples(dtype):
    x = rnd(3, 4)
    x[0, 0] = 0.0
    for r in REDUCTIONS:
        yield Sample((T(x, dtype), T(pm1(3, 4, seed=1), dtype, grad=False)), dict(reduction=r))
    yield Sample((T(x, dtype, "transposed"), T(pm1(4, 3, seed=1).T, dtype, grad=False)))


def ctc_samples(dtype):
    lp = torch.tensor(rnd(6, 2, 4)).log_softmax(2).numpy()
    for r in REDUCTIONS:
        yield Sample((T(lp, dtype), idx([[1, 2, 2], [3, 1, 0]]), idx([6, 5]), idx([3, 2])), dict(reduction=r))
    yield Sample((T(lp, dtype), idx([1, 2, 2, 3, 1]), idx([6, 5]), idx([3, 2])))          # concatenated targets
    yield Sample((T(lp, dtype), idx([[1, 1, 1], [3, 1, 0]]), (6, 4), (3, 2)), dict(zero_infinity=True))  # impossible
    yield Sample((T(lp, dtype), idx([[1, 1, 1], [3, 1, 0]]), (6, 4), (3, 2)))              # inf loss
    yield Sample((T(lp[:, 0], dtype), idx([1, 2]), idx(6), idx(2)))                        # unbatched


# ---- dropout, attention ---------------------------------------------------------------------------
def dropout_samples(rank):
    def samples(dtype):
        x = T(rnd(2, 3, *(4,) * rank), dtype)
        yield Sample((x,), dict(p=0.0))
        yield Sample((x,), dict(p=0.5, training=False))
        yield Sample((x,), dict(p=1.0))
        yield Sample((x,), dict(p=1.5))                                                   # error
    return samples


def random_dropout_samples(rank):
    def samples(dtype):
        yield Sample((T(rnd(2, 3, *(4,) * rank), dtype), 0.4), grad=False)
        yield Sample((T(rnd(2, 3, *(4,) * rank), dtype),), dict(p=0.2, training=True), grad=False)
    return samples


def sdpa_samples(dtype):
    q, k, v = rnd(2, 2, 3, 4), rnd(2, 2, 5, 4, seed=1), rnd(2, 2, 5, 4, seed=2)
    yield Sample((T(q, dtype), T(k, dtype), T(v, dtype)))
    bool_mask = rnd(3, 5, seed=3) > -1.0
    yield Sample((T(q, dtype), T(k, dtype), T(v, dtype)), dict(attn_mask=T(bool_mask, "bool", grad=False)))
    yield Sample((T(q, dtype), T(k, dtype), T(v, dtype), T(rnd(3, 5, seed=4), dtype)))       # additive mask
    yield Sample((T(q, dtype), T(k[:, :, :3], dtype), T(v[:, :, :3], dtype)), dict(is_causal=True))
    yield Sample((T(q, dtype), T(k, dtype), T(v, dtype)), dict(scale=0.3))
    yield Sample((T(q, dtype), T(k, dtype), T(v, dtype)), dict(dropout_p=0.0))
    yield Sample((T(rnd(2, 4, 3, 4), dtype), T(k, dtype), T(v, dtype)), dict(enable_gqa=True))
    yield Sample((T(q[0], dtype, "transposed"), T(k[0].transpose(0, 2, 1), dtype), T(v[0], dtype)))


def mha_samples(dtype):
    e, h = 4, 2
    q, k = rnd(3, 2, e), rnd(5, 2, e, seed=1)
    w_in, b_in, w_out, b_out = rnd(3 * e, e, seed=2), rnd(3 * e, seed=3), rnd(e, e, seed=4), rnd(e, seed=5)

    def args(**kw):
        base = dict(query=T(q, dtype), key=T(k, dtype), value=T(k, dtype), embed_dim_to_check=e, num_heads=h,
                    in_proj_weight=T(w_in, dtype), in_proj_bias=T(b_in, dtype), bias_k=None, bias_v=None,
                    add_zero_attn=False, dropout_p=0.0, out_proj_weight=T(w_out, dtype),
                    out_proj_bias=T(b_out, dtype))
        base.update(kw)
        return Sample((), base)
    yield args()
    yield args(need_weights=False)
    yield args(average_attn_weights=False, key_padding_mask=T(rnd(2, 5, seed=6) > 1.0, "bool", grad=False))
    yield args(attn_mask=T(rnd(3, 5, seed=7), dtype, grad=False), add_zero_attn=True)
    yield args(key=T(q, dtype), value=T(q, dtype), is_causal=True, attn_mask=T(np.triu(np.ones((3, 3)), 1) > 0,
                                                                                 "bool", grad=False))
    yield args(bias_k=T(rnd(1, 1, e, seed=8), dtype), bias_v=T(rnd(1, 1, e, seed=9), dtype))


def mha_call(lib, **kwargs):
    return lib.nn.functional.multi_head_attention_forward(**kwargs)


# ---- the database ---------------------------------------------------------------------------------
def _ops():
    ops = [
        op("linear", linear_samples, dtypes=WITH_INT),
        op("bilinear", bilinear_samples),
        op("conv_tbc", conv_tbc_samples),
        op("unfold", unfold_samples, forms=("F",)),
        op("fold", fold_samples, forms=("F",)),
        op("batch_norm", batch_norm_samples, forms=("F",)),
        op("instance_norm", instance_norm_samples, forms=("F",)),
        op("layer_norm", layer_norm_samples),
        op("group_norm", group_norm_samples),
        op("rms_norm", rms_norm_samples),
        op("local_response_norm", lrn_samples),
        op("normalize", normalize_samples),
        op("embedding", embedding_samples, forms=("F",)),  # torch.embedding takes (weight, indices)
        op("embedding", embedding_max_norm_samples, forms=("F",), grad=False),
        op("embedding_bag", embedding_bag_samples, forms=("F",)),
        op("one_hot", one_hot_samples, dtypes=("int64",)),
        op("pad", pad_samples, forms=("F",)),
        op("interpolate", interpolate_samples),
        op("upsample", upsample_samples),
        op("upsample_nearest", upsample_samples),
        op("upsample_bilinear", upsample_samples),
        op("grid_sample", grid_sample_samples, forms=("F",), gradgrad=False),  # torch: no double backward
        op("affine_grid", affine_grid_samples),
        op("pixel_shuffle", pixel_shuffle_samples),
        op("pixel_unshuffle", pixel_unshuffle_samples),
        op("channel_shuffle", channel_shuffle_samples),
        op("cosine_similarity", cosine_samples),
        op("pairwise_distance", pairwise_samples),
        op("pdist", pdist_samples),
        op("cosine_similarity", zero_vector_samples, gradgrad=False),
        op("normalize", lambda dtype: (Sample(s.args[:1]) for s in zero_vector_samples(dtype)), gradgrad=False),
        op("l1_loss", regression_loss()),
        op("mse_loss", regression_loss()),
        op("smooth_l1_loss", regression_loss()),
        op("smooth_l1_loss", regression_loss(beta=0.5), forms=("F",)),
        op("smooth_l1_loss", regression_loss(beta=0.0), forms=("F",)),
        op("huber_loss", regression_loss()),
        op("huber_loss", regression_loss(delta=0.5), forms=("F",)),
        op("binary_cross_entropy", bce_samples),
        op("binary_cross_entropy_with_logits", bce_logits_samples),
        op("cross_entropy", ce_samples),
        op("nll_loss", nll_samples),
        op("kl_div", kl_samples),
        op("poisson_nll_loss", poisson_samples),
        op("gaussian_nll_loss", gaussian_samples),
        op("hinge_embedding_loss", hinge_samples),
        op("margin_ranking_loss", margin_ranking_samples),
        op("cosine_embedding_loss", cosine_embedding_samples),
        op("triplet_margin_loss", triplet_samples),
        op("triplet_margin_with_distance_loss", triplet_distance_samples),
        op("multi_margin_loss", multi_margin_samples, gradgrad=False),  # torch: no double backward
        op("multilabel_margin_loss", multilabel_margin_samples, gradgrad=False),  # torch: none
        op("multilabel_soft_margin_loss", multilabel_soft_samples),
        op("soft_margin_loss", soft_margin_samples),
        op("ctc_loss", ctc_samples, tol=(1e-5, 1e-6), gradgrad=False),  # torch: no double backward
        op("scaled_dot_product_attention", sdpa_samples, forms=("F",)),
        op("multi_head_attention_forward", mha_samples, call=mha_call, forms=("F",)),
    ]
    for n in (1, 2, 3):
        lim = 99 if n == 2 else 1  # every argument form in 2-d; 1-d and 3-d get the basic sample
        ops += [
            op(f"conv{n}d", conv_samples(n), dtypes=WITH_INT if n == 2 else FLOATS, limit=lim),
            op(f"conv_transpose{n}d", conv_t_samples(n), limit=lim),
            op(f"avg_pool{n}d", avg_pool_samples(n), dtypes=WITH_INT if n == 2 else FLOATS, limit=lim),
            op(f"max_pool{n}d", max_pool_samples(n), dtypes=WITH_INT if n == 2 else FLOATS, limit=lim),
            op(f"max_pool{n}d", max_pool_samples(n, return_indices=True), forms=("F",), limit=lim),
            op(f"max_pool{n}d_with_indices", max_pool_samples(n), forms=("F",), limit=2),
            op(f"adaptive_avg_pool{n}d", adaptive_samples(n), limit=lim),
            op(f"adaptive_max_pool{n}d", adaptive_samples(n), limit=lim),
            op(f"adaptive_max_pool{n}d", adaptive_samples(n, return_indices=True), forms=("F",), limit=lim),
            op(f"lp_pool{n}d", lp_pool_samples(n), forms=("F",), limit=lim),
            op(f"max_unpool{n}d", max_unpool_samples(n), forms=("F",), limit=lim),
            op(f"dropout{n}d", dropout_samples(n), forms=("F",), limit=lim),
            op(f"dropout{n}d", random_dropout_samples(n), forms=("F",), values=False, limit=lim),
        ]
    for n in (2, 3):
        ops.append(op(f"fractional_max_pool{n}d", fractional_samples(n), forms=("F",), values=False, grad=False))
    for name in ("dropout", "alpha_dropout", "feature_alpha_dropout"):
        ops.append(op(name, dropout_samples(1), forms=("F",)))
        ops.append(op(name, random_dropout_samples(1), forms=("F",), values=False))
    return ops


OPS = _ops()

_LINEAR_GRADGRAD = ("torch's backward of this op (linear in its input: reflect/replicate pad, area interpolation, "
                    "instance_norm on running stats) takes the input, so under create_graph torch's gradient requires "
                    "grad and a second grad() gives zeros; torchlike records only what a VJP depends on, so the "
                    "gradient is a constant and a second grad() raises 'does not require grad'")
XFAIL = {
    ("pad", "F", "gradgrad"): _LINEAR_GRADGRAD,
    ("interpolate", "F", "gradgrad"): _LINEAR_GRADGRAD,
    ("instance_norm", "F", "gradgrad"): _LINEAR_GRADGRAD,
    ("interpolate", "F", "error"): "interpolate(antialias=True) is not implemented (raises NotImplementedError)",
    ("binary_cross_entropy_with_logits", "torch", "error"):
        "torch.binary_cross_entropy_with_logits (the raw aten op) raises RuntimeError for a target of another "
        "shape; torchlike's torch form is F's function, which raises F's ValueError",
}
