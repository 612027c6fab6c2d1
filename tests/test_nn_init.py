"""nn.init and default layer initialisation compared with torch 2.13: gains, fans, and the
statistics of fresh weights (samples differ from torch's, their distributions must not)."""
import math

import numpy as np
import pytest
import torch

import torchlike
from parity import expect_error

SHAPE = (64, 32, 3)  # fan_in 96, fan_out 192


@pytest.mark.parametrize("args", [("linear",), ("conv_transpose2d",), ("sigmoid",), ("tanh",), ("relu",), ("selu",),
                                  ("leaky_relu",), ("leaky_relu", 0.2), ("leaky_relu", 3)])
def test_calculate_gain(args):
    assert torchlike.nn.init.calculate_gain(*args) == pytest.approx(torch.nn.init.calculate_gain(*args))


@pytest.mark.parametrize("shape", [(5, 3), (4, 6, 2), (3, 2, 4, 5), (2, 3, 1, 2, 2)])
def test_fans(shape):
    assert torchlike.nn.init._calculate_fan_in_and_fan_out(torchlike.empty(shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


@pytest.mark.parametrize("fn", [
    lambda L: L.nn.init.calculate_gain("swish"),
    lambda L: L.nn.init.calculate_gain("leaky_relu", "x"),
    lambda L: L.nn.init._calculate_fan_in_and_fan_out(L.empty(3)),
    lambda L: L.nn.init.kaiming_uniform_(L.empty(3, 4), mode="fan_avg"),
    lambda L: L.nn.init.eye_(L.empty(3, 4, 2)),
    lambda L: L.nn.init.dirac_(L.empty(3, 4)),
    lambda L: L.nn.init.orthogonal_(L.empty(3)),
    lambda L: L.nn.init.sparse_(L.empty(3, 4, 2), 0.5),
])
def test_errors(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err) == str(t_err)


def _stats(t):
    a = t.detach().numpy().astype(np.float64)
    return a.mean(), a.std(), a.min(), a.max()


# (id, fn(init, tensor)); applied to torch.empty(SHAPE) and torchlike.empty(SHAPE)
RANDOM_INITS = [
    ("uniform", lambda I, t: I.uniform_(t, -0.5, 1.5)),
    ("normal", lambda I, t: I.normal_(t, 0.3, 2.0)),
    ("trunc_normal", lambda I, t: I.trunc_normal_(t, 0.5, 1.0, -1.0, 1.5)),
    ("xavier_uniform", lambda I, t: I.xavier_uniform_(t, gain=2.0)),
    ("xavier_normal", lambda I, t: I.xavier_normal_(t)),
    ("kaiming_uniform", lambda I, t: I.kaiming_uniform_(t, a=math.sqrt(5))),
    ("kaiming_normal", lambda I, t: I.kaiming_normal_(t, mode="fan_out", nonlinearity="relu")),
    ("orthogonal", lambda I, t: I.orthogonal_(t, gain=0.5)),
]


@pytest.mark.parametrize("name,fn", RANDOM_INITS, ids=[r[0] for r in RANDOM_INITS])
def test_random_init_statistics(name, fn):
    t, l = torch.empty(SHAPE), torchlike.empty(SHAPE, requires_grad=True)
    assert fn(torchlike.nn.init, l) is l and l.requires_grad and l.grad_fn is None
    fn(torch.nn.init, t)
    (tm, ts, tlo, thi), (lm, ls, llo, lhi) = _stats(t), _stats(l)
    n = t.numel()
    assert abs(lm - tm) < 5 * ts / math.sqrt(n)
    assert abs(ls - ts) < 0.05 * ts
    if name in ("uniform", "trunc_normal", "xavier_uniform", "kaiming_uniform"):  # bounded: same support
        assert tlo - 0.02 * ts < llo and lhi < thi + 0.02 * ts


def test_orthogonal_is_orthogonal():
    for shape in ((3, 7), (6, 2, 2)):
        q = torchlike.nn.init.orthogonal_(torchlike.empty(shape)).reshape(shape[0], -1).numpy()
        small = q @ q.T if q.shape[0] <= q.shape[1] else q.T @ q
        np.testing.assert_allclose(small, np.eye(len(small)), atol=1e-5)


def test_sparse():
    w = torchlike.nn.init.sparse_(torchlike.empty(40, 30), 0.3, std=0.5).numpy()
    assert ((w == 0).sum(0) == 12).all()
    assert abs(w[w != 0].std() - 0.5) < 0.05


@pytest.mark.parametrize("fn", [lambda I, t: I.constant_(t, 2.5), lambda I, t: I.ones_(t), lambda I, t: I.zeros_(t),
                                lambda I, t: I.eye_(t.reshape(6, 4)), lambda I, t: I.dirac_(t.reshape(6, 2, 2)),
                                lambda I, t: I.dirac_(t.reshape(4, 3, 2), groups=2)])
def test_deterministic_init(fn):
    t, l = torch.empty(24), torchlike.empty(24)
    fn(torch.nn.init, t)
    fn(torchlike.nn.init, l)
    np.testing.assert_array_equal(l.numpy(), t.numpy())


# default initialisation of fresh layers: (id, constructor(nn), parameter name)
LAYERS = [
    ("Linear.weight", lambda nn: nn.Linear(96, 128), "weight"),
    ("Linear.bias", lambda nn: nn.Linear(96, 4096), "bias"),
    ("Conv2d.weight", lambda nn: nn.Conv2d(8, 64, 3, groups=2), "weight"),
    ("ConvTranspose1d.bias", lambda nn: nn.ConvTranspose1d(4, 2048, 3), "bias"),
    ("Bilinear.weight", lambda nn: nn.Bilinear(20, 10, 30), "weight"),
    ("Embedding.weight", lambda nn: nn.Embedding(300, 20), "weight"),
]


@pytest.mark.parametrize("name,make,param", LAYERS, ids=[r[0] for r in LAYERS])
def test_default_init_statistics(name, make, param):
    t, l = getattr(make(torch.nn), param), getattr(make(torchlike.nn), param)
    assert isinstance(l, torchlike.nn.Parameter) and l.requires_grad
    (tm, ts, tlo, thi), (lm, ls, llo, lhi) = _stats(t), _stats(l)
    assert abs(lm - tm) < 5 * ts / math.sqrt(t.numel())
    assert abs(ls - ts) < 0.06 * ts
    if name != "Embedding.weight":
        bound = thi if thi > -tlo else -tlo  # uniform(-b, b): same bound within sampling slack
        assert max(lhi, -llo) <= bound * 1.02 and max(lhi, -llo) > bound * 0.95
