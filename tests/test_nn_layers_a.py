"""Layers of torch.nn (linear, conv, pooling, padding, vision, sparse, distance, flatten,
fold, shuffles) and their functional forms, compared with torch 2.13's: repr, state_dict,
forward values and input/parameter gradients, and errors."""
import numpy as np
import pytest
import torch

import torchlike
from parity import Case, assert_same, check, expect_error, rand

X1, X2, X3 = rand(2, 4, 7), rand(2, 4, 6, 5), rand(1, 4, 4, 5, 3)
IDX = np.array([[1, 0, 3], [4, 3, 3]], dtype=np.int64)

# (id, constructor(nn), inputs); every module is built under both libraries with the same arguments
MODULES = [
    ("Identity", lambda nn: nn.Identity(3, k=1), (X1,)),
    ("Linear", lambda nn: nn.Linear(7, 3), (X1,)),
    ("Linear-nobias", lambda nn: nn.Linear(5, 2, bias=False), (X2,)),
    ("Bilinear", lambda nn: nn.Bilinear(7, 7, 3), (X1, X1[::-1].copy())),
    ("Conv1d", lambda nn: nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2), (X1,)),
    ("Conv1d-circular", lambda nn: nn.Conv1d(4, 2, 3, padding="same", padding_mode="circular"), (X1,)),
    ("Conv2d", lambda nn: nn.Conv2d(4, 3, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2)), (X2,)),
    ("Conv2d-same-reflect", lambda nn: nn.Conv2d(4, 2, 4, padding="same", padding_mode="reflect", bias=False),
     (X2,)),
    ("Conv2d-replicate", lambda nn: nn.Conv2d(4, 2, 3, padding=2, padding_mode="replicate"), (X2,)),
    ("Conv2d-valid-unbatched", lambda nn: nn.Conv2d(4, 2, 3, padding="valid"), (X2[0],)),
    ("Conv3d", lambda nn: nn.Conv3d(4, 2, 2, padding=1, groups=2), (X3,)),
    ("ConvTranspose1d", lambda nn: nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
     (X1,)),
    ("ConvTranspose2d", lambda nn: nn.ConvTranspose2d(4, 3, (3, 2), stride=(2, 3), padding=(2, 0), dilation=2),
     (X2,)),
    ("ConvTranspose3d", lambda nn: nn.ConvTranspose3d(4, 2, 2, stride=2, bias=False), (X3,)),
    ("MaxPool1d", lambda nn: nn.MaxPool1d(3, 2, padding=1, ceil_mode=True), (X1,)),
    ("MaxPool2d", lambda nn: nn.MaxPool2d((3, 2), stride=2, padding=1, dilation=(1, 2)), (X2,)),
    ("MaxPool3d", lambda nn: nn.MaxPool3d(2, ceil_mode=True), (X3,)),
    ("MaxPool2d-indices", lambda nn: nn.MaxPool2d(2, return_indices=True), (X2,)),
    ("AvgPool1d", lambda nn: nn.AvgPool1d(3, 2, 1, ceil_mode=True, count_include_pad=False), (X1,)),
    ("AvgPool2d", lambda nn: nn.AvgPool2d(3, 2, 1, ceil_mode=True), (X2,)),
    ("AvgPool2d-divisor", lambda nn: nn.AvgPool2d(2, divisor_override=3), (X2,)),
    ("AvgPool3d", lambda nn: nn.AvgPool3d(2, 1, 1, count_include_pad=False), (X3,)),
    ("LPPool1d", lambda nn: nn.LPPool1d(2, 3, 2), (X1,)),
    ("LPPool2d", lambda nn: nn.LPPool2d(1.5, 2, ceil_mode=True), (np.abs(X2),)),
    ("AdaptiveMaxPool1d", lambda nn: nn.AdaptiveMaxPool1d(3, return_indices=True), (X1,)),
    ("AdaptiveMaxPool2d", lambda nn: nn.AdaptiveMaxPool2d((4, None)), (X2,)),
    ("AdaptiveMaxPool3d", lambda nn: nn.AdaptiveMaxPool3d(2), (X3,)),
    ("AdaptiveAvgPool1d", lambda nn: nn.AdaptiveAvgPool1d(5), (X1,)),
    ("AdaptiveAvgPool2d", lambda nn: nn.AdaptiveAvgPool2d((4, 3)), (X2,)),
    ("AdaptiveAvgPool3d", lambda nn: nn.AdaptiveAvgPool3d((3, 2, 2)), (X3,)),
    ("ReflectionPad1d", lambda nn: nn.ReflectionPad1d((2, 1)), (X1,)),
    ("ReflectionPad2d", lambda nn: nn.ReflectionPad2d((1, 0, 2, 3)), (X2,)),
    ("ReflectionPad3d", lambda nn: nn.ReflectionPad3d(1), (X3,)),
    ("ReplicationPad1d", lambda nn: nn.ReplicationPad1d(3), (X1,)),
    ("ReplicationPad2d", lambda nn: nn.ReplicationPad2d((1, 2, 0, 3)), (X2,)),
    ("ReplicationPad3d", lambda nn: nn.ReplicationPad3d((1, 0, 0, 1, 2, 0)), (X3,)),
    ("ConstantPad1d", lambda nn: nn.ConstantPad1d((2, -1), 3.5), (X1,)),
    ("ConstantPad2d", lambda nn: nn.ConstantPad2d(1, -1.0), (X2,)),
    ("ConstantPad3d", lambda nn: nn.ConstantPad3d((1, 0, 0, 1, 2, 0), 2.0), (X3,)),
    ("ZeroPad1d", lambda nn: nn.ZeroPad1d(2), (X1,)),
    ("ZeroPad2d", lambda nn: nn.ZeroPad2d((1, 0, 2, 1)), (X2,)),
    ("ZeroPad3d", lambda nn: nn.ZeroPad3d(1), (X3,)),
    ("CircularPad1d", lambda nn: nn.CircularPad1d((2, 3)), (X1,)),
    ("CircularPad2d", lambda nn: nn.CircularPad2d(1), (X2,)),
    ("CircularPad3d", lambda nn: nn.CircularPad3d((1, 0, 0, 1, 2, 0)), (X3,)),
    ("PixelShuffle", lambda nn: nn.PixelShuffle(2), (X2,)),
    ("PixelUnshuffle", lambda nn: nn.PixelUnshuffle(3), (rand(1, 2, 6, 3),)),
    ("ChannelShuffle", lambda nn: nn.ChannelShuffle(2), (X2,)),
    ("Upsample-nearest", lambda nn: nn.Upsample(scale_factor=1.7), (X2,)),
    ("Upsample-linear", lambda nn: nn.Upsample(size=10, mode="linear"), (X1,)),
    ("Upsample-bicubic", lambda nn: nn.Upsample(scale_factor=(1.5, 2), mode="bicubic", align_corners=True), (X2,)),
    ("Upsample-trilinear", lambda nn: nn.Upsample(scale_factor=2, mode="trilinear"), (X3,)),
    ("UpsamplingNearest2d", lambda nn: nn.UpsamplingNearest2d(size=(4, 9)), (X2,)),
    ("UpsamplingBilinear2d", lambda nn: nn.UpsamplingBilinear2d(scale_factor=2), (X2,)),
    ("Embedding", lambda nn: nn.Embedding(5, 3, padding_idx=-2, scale_grad_by_freq=True), (IDX,)),
    ("EmbeddingBag-2d", lambda nn: nn.EmbeddingBag(5, 3, mode="max"), (IDX,)),
    ("CosineSimilarity", lambda nn: nn.CosineSimilarity(dim=2, eps=1e-6), (X2, X2[:, :1] * 2)),
    ("PairwiseDistance", lambda nn: nn.PairwiseDistance(p=1.5, keepdim=True), (X1, X1[:1] + 1)),
    ("Flatten", lambda nn: nn.Flatten(0, 2), (X2,)),
    ("Unflatten", lambda nn: nn.Unflatten(1, (2, 2)), (X2,)),
    ("Unfold", lambda nn: nn.Unfold((2, 3), dilation=(1, 2), padding=1, stride=2), (X2,)),
    ("Fold", lambda nn: nn.Fold((4, 5), 2, padding=1), (rand(2, 8, 30),)),
]


def _tensors(lib, arrays):
    return [lib.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]


def _flat(out):
    return list(out) if isinstance(out, tuple) else [out]


def check_module(make, arrays, tol=None):
    """Build under both libraries, copy torch's state, compare repr, state_dict, outputs, grads."""
    t_mod, l_mod = make(torch.nn), make(torchlike.nn)
    assert repr(l_mod) == repr(t_mod)
    t_sd = t_mod.state_dict()
    assert [(k, tuple(v.shape)) for k, v in l_mod.state_dict().items()] == [(k, tuple(v.shape)) for k, v in
                                                                             t_sd.items()]
    l_mod.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in t_sd.items()})
    t_in, l_in = _tensors(torch, arrays), _tensors(torchlike, arrays)
    t_out, l_out = _flat(t_mod(*t_in)), _flat(l_mod(*l_in))
    assert len(t_out) == len(l_out)
    for i, (e, a) in enumerate(zip(t_out, l_out)):
        assert_same(e, a, tol, what=f"output {i}")
    t_w, l_w = [p for p in t_in if p.requires_grad] + list(t_mod.parameters()), \
        [p for p in l_in if p.requires_grad] + list(l_mod.parameters())
    if not t_w or t_out[0].grad_fn is None:
        return
    name = t_out[0].grad_fn.name().split("::")[-1]
    if not name.startswith("Squeeze"):  # torch's 1-d and unbatched helpers end with a squeeze
        assert l_out[0].grad_fn.name() == name
    w = np.random.default_rng(3).uniform(0.5, 1.5, tuple(t_out[0].shape)).astype(np.float32)
    t_g = torch.autograd.grad((t_out[0] * torch.tensor(w)).sum(), t_w, allow_unused=True)
    l_g = torchlike.autograd.grad((l_out[0] * torchlike.tensor(w)).sum(), l_w, allow_unused=True)
    for i, (e, a) in enumerate(zip(t_g, l_g)):
        assert_same(e, a, tol or (2e-5, 2e-5), what=f"grad {i}")


@pytest.mark.parametrize("name,make,arrays", MODULES, ids=[m[0] for m in MODULES])
def test_module(name, make, arrays):
    check_module(make, arrays)


def _fcase(name, fn, *inputs, **kw):
    return Case(name, fn, inputs, kw)


FUNCTIONAL = [
    _fcase("linear-1d", lambda L, x, w: L.nn.functional.linear(x, w), rand(5), rand(3, 5)),
    _fcase("conv_transpose2d", lambda L, x, w, b: L.nn.functional.conv_transpose2d(x, w, b, 2, 1, 1, 2),
           X2, rand(4, 1, 3, 3), rand(2)),
    _fcase("pad-reflect-3d", lambda L, x: L.nn.functional.pad(x, (1, 2, 0, 1, 2, 1), "reflect"), X3),
    _fcase("pad-constant-crop", lambda L, x: L.nn.functional.pad(x, (-1, 2, 0, 0, 1, 1), value=0.5), X2),
    *[_fcase(f"interpolate-{m}-{ac}-{kw}", lambda L, x, m=m, ac=ac, kw=kw: L.nn.functional.interpolate(
        x, mode=m, align_corners=ac, **kw), X2)
      for m, ac in (("nearest", None), ("nearest-exact", None), ("bilinear", False), ("bicubic", False),
                    ("area", None))
      for kw in ({"size": (4, 7)}, {"scale_factor": (1.5, 0.6)}, {"scale_factor": 1.3,
                                                                  "recompute_scale_factor": True})],
    _fcase("interpolate-nearest-3d", lambda L, x: L.nn.functional.interpolate(x, scale_factor=(2, 1.5, 1)), X3),
    _fcase("embedding_bag-offsets", lambda L, i, o, w, p: L.nn.functional.embedding_bag(
        i, w, o, mode="sum", per_sample_weights=p, padding_idx=3), IDX.ravel(), np.array([0, 2, 2]), rand(5, 3),
        rand(6)),
    _fcase("embedding_bag-mean-last", lambda L, i, o, w: L.nn.functional.embedding_bag(
        i, w, o, include_last_offset=True), IDX.ravel(), np.array([0, 1, 4, 6]), rand(5, 3)),
    _fcase("embedding-max_norm", lambda L, i, w: L.nn.functional.embedding(i, w.detach().clone(), max_norm=1.0,
                                                                           norm_type=1.0), IDX, rand(5, 3)),
    _fcase("one_hot", lambda L, i: L.nn.functional.one_hot(i), IDX),
    _fcase("one_hot-n", lambda L, i: L.nn.functional.one_hot(i, 6), IDX),
    _fcase("normalize", lambda L, x: L.nn.functional.normalize(x, p=3, dim=-1), X2),
    _fcase("pdist", lambda L, x: L.nn.functional.pdist(x, 1.5), rand(4, 3)),
    _fcase("max_unpool2d", lambda L, x: L.nn.functional.max_unpool2d(
        *L.nn.functional.max_pool2d(x, 2, return_indices=True), 2, output_size=(7, 5)), X2),
    _fcase("max_unpool1d", lambda L, x: L.nn.MaxUnpool1d(3, 2)(*L.nn.functional.max_pool1d(
        x, 3, 2, return_indices=True)), X1),
    _fcase("adaptive_max_pool2d-indices", lambda L, x: L.nn.functional.adaptive_max_pool2d(x, 3, True), X2),
    _fcase("max_pool3d-indices", lambda L, x: L.nn.functional.max_pool3d(x, 2, 1, 1, return_indices=True), X3),
]


@pytest.mark.parametrize("case", FUNCTIONAL, ids=str)
def test_functional(case):
    check(case)


def test_conv_transpose_output_size():
    for L in (torch, torchlike):
        m = L.nn.ConvTranspose2d(4, 3, 3, stride=2)
        assert tuple(m(L.tensor(X2), output_size=(14, 11)).shape) == (2, 3, 14, 11)
    expect_error(lambda L: L.nn.ConvTranspose2d(4, 3, 3, stride=2)(L.tensor(X2), output_size=(14, 10)))


@pytest.mark.parametrize("make", [lambda nn: nn.LazyLinear(3), lambda nn: nn.LazyConv2d(2, 3, padding=1),
                                  lambda nn: nn.LazyConvTranspose2d(2, 3, bias=False)])
def test_lazy(make):
    t_mod, l_mod = make(torch.nn), make(torchlike.nn)
    assert repr(l_mod) == repr(t_mod)
    x = X2 if "Conv" in repr(t_mod) else X1
    t_mod(torch.tensor(x)), l_mod(torchlike.tensor(x))
    assert repr(l_mod) == repr(t_mod) and type(l_mod).__name__ == type(t_mod).__name__
    check_module(lambda nn: l_mod if nn is torchlike.nn else t_mod, (x,))


def test_fractional_max_pool():
    x = torchlike.tensor(X2, requires_grad=True)
    out, idx = torchlike.nn.FractionalMaxPool2d(2, output_ratio=0.6, return_indices=True)(x)
    assert tuple(out.shape) == (2, 4, 3, 3) and idx.dtype is torchlike.int64
    flat = x.detach().numpy().reshape(2, 4, -1)
    np.testing.assert_array_equal(np.take_along_axis(flat, idx.numpy().reshape(2, 4, -1), -1), out.detach().numpy()
                                  .reshape(2, 4, -1))
    out.sum().backward()
    assert x.grad.sum().item() == out.numel()
    assert repr(torchlike.nn.FractionalMaxPool2d(2, 3)) == repr(torch.nn.FractionalMaxPool2d(2, 3))


def test_embedding_init_and_from_pretrained():
    for L in (torch, torchlike):
        e = L.nn.Embedding(4, 3, padding_idx=1)
        assert not e.weight[1].abs().sum().item() and e.weight.requires_grad
        p = L.nn.Embedding.from_pretrained(L.ones(3, 2), padding_idx=0)
        assert not p.weight.requires_grad and repr(p) == "Embedding(3, 2, padding_idx=0)"


ERRORS = [
    lambda L: L.nn.Conv2d(1, 2, 3)(L.tensor(X2)),
    lambda L: L.nn.Conv2d(4, 2, 3)(L.tensor(X1)),
    lambda L: L.nn.Conv1d(4, 2, 3)(L.tensor(X2)),
    lambda L: L.nn.ConvTranspose2d(3, 2, 3)(L.tensor(X2)),
    lambda L: L.nn.Conv2d(4, 2, 3, stride=2, padding="same"),
    lambda L: L.nn.Conv2d(3, 2, 3, groups=2),
    lambda L: L.nn.functional.conv2d(L.tensor(X2), L.ones(1, 4, 3, 3), stride=2, padding="same"),
    lambda L: L.nn.Linear(5, 3)(L.tensor(X1)),
    lambda L: L.nn.Linear(5, 3)(L.ones(4)),
    lambda L: L.nn.Bilinear(5, 7, 3)(L.tensor(X1), L.tensor(X1)),
    lambda L: L.nn.MaxPool2d(2)(L.tensor(X1[0, 0])),
    lambda L: L.nn.MaxPool2d(2, padding=2)(L.tensor(X2)),
    lambda L: L.nn.AvgPool2d(7)(L.tensor(X2)),
    lambda L: L.nn.AdaptiveAvgPool2d(2)(L.ones(3)),
    lambda L: L.nn.AdaptiveMaxPool2d(2)(L.ones(3)),
    lambda L: L.nn.functional.pad(L.tensor(X2), (1, 1, 1)),
    lambda L: L.nn.functional.pad(L.tensor(X2), (1,) * 10),
    lambda L: L.nn.functional.pad(L.tensor(X2), (1, 1), "reflect"),
    lambda L: L.nn.functional.pad(L.tensor(X2), (6, 6, 1, 1), "reflect"),
    lambda L: L.nn.functional.pad(L.tensor(X2), (1, 1, 1, 1), "reflect", value=2),
    lambda L: L.nn.ReflectionPad2d(1)(L.ones(3)),
    lambda L: L.nn.PixelShuffle(2)(L.ones(3, 3)),
    lambda L: L.nn.PixelShuffle(3)(L.tensor(X2)),
    lambda L: L.nn.functional.interpolate(L.tensor(X2), scale_factor=2, mode="linear"),
    lambda L: L.nn.functional.interpolate(L.tensor(X2), scale_factor=2, align_corners=True),
    lambda L: L.nn.functional.interpolate(L.tensor(X2), size=3, scale_factor=2),
    lambda L: L.nn.Embedding(3, 2)(L.tensor(IDX)),
    lambda L: L.nn.Embedding(3, 2, padding_idx=3),
    lambda L: L.nn.functional.one_hot(L.tensor(IDX), 3),
    lambda L: L.nn.functional.one_hot(L.tensor(-IDX)),
    lambda L: L.nn.functional.one_hot(L.tensor(IDX).float()),
    lambda L: L.nn.MaxUnpool2d(2)(*L.nn.functional.max_pool2d(L.tensor(X2), 2, return_indices=True),
                                  output_size=(2, 2)),
    lambda L: L.nn.Fold(3, 2)(L.ones(1, 5, 4)),
    lambda L: L.nn.Unfold(2)(L.ones(2, 3)),
    lambda L: L.nn.ChannelShuffle(3)(L.tensor(X2)),
]


@pytest.mark.parametrize("fn", ERRORS, ids=range(len(ERRORS)))
def test_errors(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err) == str(t_err)
