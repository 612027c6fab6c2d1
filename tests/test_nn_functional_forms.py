"""Direct parity rows for nn.functional forms (and a few module variants) that other files
exercise only through their modules or under a loop of dims."""
import numpy as np
import pytest
import torch

import torchlike
from parity import Case, assert_same, check, module_pair, rand

X1, X2, X3 = rand(2, 4, 8), rand(2, 4, 6, 6), rand(1, 2, 4, 4, 4)


def F(L):
    return L.nn.functional


CASES = [
    Case("adaptive_avg_pool", lambda L, a, b, c: (F(L).adaptive_avg_pool1d(a, 3), F(L).adaptive_avg_pool2d(b, (2, 3)),
                                                   F(L).adaptive_avg_pool3d(c, 2)), (X1, X2, X3)),
    Case("adaptive_max_pool", lambda L, a, b, c: (F(L).adaptive_max_pool1d_with_indices(a, 3),
                                                   F(L).adaptive_max_pool2d_with_indices(b, 3),
                                                   F(L).adaptive_max_pool3d(c, 2),
                                                   F(L).adaptive_max_pool3d_with_indices(c, 2),
                                                   F(L).adaptive_max_pool1d(a, 4)), (X1, X2, X3)),
    Case("avg_pool", lambda L, a, b, c: (F(L).avg_pool1d(a, 3, 2, 1), F(L).avg_pool2d(b, 2, ceil_mode=True),
                                          F(L).avg_pool3d(c, 2, count_include_pad=False, padding=1)), (X1, X2, X3)),
    Case("max_pool_with_indices", lambda L, a, b, c: (F(L).max_pool1d_with_indices(a, 2),
                                                       F(L).max_pool2d_with_indices(b, 3, 2, 1),
                                                       F(L).max_pool3d_with_indices(c, 2)), (X1, X2, X3)),
    Case("lp_pool", lambda L, a, b, c: (F(L).lp_pool1d(a.abs() + 0.1, 2, 2), F(L).lp_pool2d(b.abs() + 0.1, 3, 2),
                                         F(L).lp_pool3d(c.abs() + 0.1, 1.5, 2)), (X1, X2, X3)),
    Case("max_unpool3d", lambda L, c: F(L).max_unpool3d(*F(L).max_pool3d(c, 2, return_indices=True), 2), (X3,)),
    Case("conv_1d_3d", lambda L, a, w1, c, w3: (F(L).conv1d(a, w1, padding=1), F(L).conv3d(c, w3, stride=2),
                                                F(L).conv_transpose1d(a, w1.transpose(0, 1), stride=2),
                                                F(L).conv_transpose3d(c, w3.transpose(0, 1))),
         (X1, rand(3, 4, 3, seed=1), X3, rand(3, 2, 2, 2, 2, seed=2))),
    Case("shuffles", lambda L, b: (F(L).pixel_shuffle(b, 2), F(L).pixel_unshuffle(b, 2), F(L).channel_shuffle(b, 2)),
         (X2,)),
    Case("native_channel_shuffle", lambda L, b: F(L).native_channel_shuffle(b, 2), (X2,), grad=False),
    Case("distances", lambda L, a, b: (F(L).cosine_similarity(a, b, dim=1), F(L).pairwise_distance(a, b)),
         (rand(3, 5), rand(3, 5, seed=1))),
    Case("upsample_legacy", lambda L, b: (F(L).upsample(b, scale_factor=2), F(L).upsample_nearest(b, size=(9, 9)),
                                          F(L).upsample_bilinear(b, scale_factor=2)), (X2,)),
    Case("inplace_activations", lambda L, a: (F(L).celu_(a.clone(), 0.5), F(L).selu_(a.clone()),
                                              F(L).hardtanh_(a.clone(), -0.5, 0.5), F(L).leaky_relu_(a.clone(), 0.1),
                                              F(L).threshold_(a.clone(), 0.2, -1.0)), (X1,)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_functional(case):
    check(case)


def test_random_functional_forms():
    """rrelu_, dropout2d/3d, fractional max pooling: random in torch too; compare shapes, dtypes,
    value structure (channel-wise zeros, slopes in range, pooled values taken from the input)."""
    x = torchlike.tensor(rand(2, 4, 6, 6))
    y = torchlike.nn.functional.rrelu_(x.clone(), 0.1, 0.3, training=True)
    neg = x < 0
    ratio = (y[neg] / x[neg]).numpy()
    assert ratio.min() >= 0.1 - 1e-6 and ratio.max() <= 0.3 + 1e-6 and (y[~neg] == x[~neg]).all()
    for fn, inp in ((torchlike.nn.functional.dropout2d, x), (torchlike.nn.functional.dropout3d, x.unsqueeze(2))):
        out = fn(inp, 0.5, training=True).numpy().reshape(8, -1)
        assert all(np.all(row == 0) or np.allclose(row, 2 * inp.numpy().reshape(8, -1)[i]) for i, row in enumerate(out))
    for fn, inp, t_fn in ((torchlike.nn.functional.fractional_max_pool2d, x, torch.nn.functional.fractional_max_pool2d),
                          (torchlike.nn.functional.fractional_max_pool3d, x.unsqueeze(2).expand(2, 4, 6, 6, 6).clone(),
                           torch.nn.functional.fractional_max_pool3d)):
        size = (3,) * (inp.ndim - 2)
        out, idx = fn(inp, 2, output_size=size, return_indices=True)
        ref = t_fn(torch.tensor(inp.numpy()), 2, output_size=size)
        assert out.shape == ref.shape and str(idx.dtype) == "torch.int64"
        assert np.all(np.isin(out.numpy(), inp.numpy()))
    assert torchlike.nn.functional.fractional_max_pool2d_with_indices(x, 2, output_size=(3, 3))[1].shape == (2, 4, 3, 3)
    assert torchlike.nn.functional.fractional_max_pool3d_with_indices(
        x.unsqueeze(2).expand(2, 4, 6, 6, 6).clone(), 2, output_size=(3, 3, 3))[0].shape == (2, 4, 3, 3, 3)


@pytest.mark.parametrize("make, shape", [
    (lambda nn: nn.LPPool3d(2, 2), (1, 2, 4, 4, 4)),
    (lambda nn: nn.MaxUnpool3d(2), None),
])
def test_module_variants(make, shape):
    t_mod, l_mod = module_pair(make)
    if shape is None:  # MaxUnpool3d takes pooled values and indices
        x = rand(1, 2, 4, 4, 4)
        t_in = torch.nn.functional.max_pool3d(torch.tensor(x), 2, return_indices=True)
        l_in = torchlike.nn.functional.max_pool3d(torchlike.tensor(x), 2, return_indices=True)
        assert_same(t_mod(*t_in), l_mod(*l_in))
        return
    x = rand(*shape)
    assert_same(t_mod(torch.tensor(x)), l_mod(torchlike.tensor(x)))


@pytest.mark.parametrize("name, args, shape", [
    ("LazyConv1d", (3, 2), (2, 4, 8)), ("LazyConv3d", (3, 2), (1, 2, 4, 4, 4)),
    ("LazyConvTranspose1d", (3, 2), (2, 4, 8)), ("LazyConvTranspose3d", (3, 2), (1, 2, 3, 3, 3)),
])
def test_lazy_conv_variants(name, args, shape):
    t_mod, l_mod = getattr(torch.nn, name)(*args), getattr(torchlike.nn, name)(*args)
    x = rand(*shape)
    t_out = t_mod(torch.tensor(x))
    l_mod(torchlike.tensor(x))  # materialises
    assert type(l_mod).__name__ == type(t_mod).__name__ and repr(l_mod) == repr(t_mod)
    l_mod.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in t_mod.state_dict().items()})
    assert_same(t_out, l_mod(torchlike.tensor(x)), tol=(1e-5, 1e-5))


def test_optimizer_base_and_scheduler_base_are_exported():
    for name in ("Optimizer",):
        assert issubclass(torchlike.optim.SGD, getattr(torchlike.optim, name))
    assert issubclass(torchlike.optim.lr_scheduler.StepLR, torchlike.optim.lr_scheduler.LRScheduler)
    z = torchlike.empty_strided((2, 3), (3, 1))
    assert z.shape == torch.empty_strided((2, 3), (3, 1)).shape and str(z.dtype) == "torch.float32"
