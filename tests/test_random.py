"""Random sampling: dtypes/shapes/support/statistics against torch, reproducibility, generators.

Values cannot match torch's generator bit for bit; distributions are compared by moments
of moderately sized samples, and every sampler is checked for seed reproducibility.
"""
import numpy as np
import pytest
import torch

import torchlike
from parity import Case, check, expect_error, rand

N = 20000


def _meta(t):
    return str(t.dtype), tuple(t.shape)


SAMPLERS = {  # name -> fn(L, generator) drawing N values; (mean, std) of the distribution
    "rand": (lambda L, g: L.rand(N, generator=g), (0.5, (1 / 12) ** 0.5)),
    "randn": (lambda L, g: L.randn(N, generator=g), (0.0, 1.0)),
    "randint": (lambda L, g: L.randint(3, 10, (N,), generator=g).double(), (6.0, (48 / 12) ** 0.5)),
    "normal_floats": (lambda L, g: L.normal(2.0, 3.0, (N,), generator=g), (2.0, 3.0)),
    "normal_tensor_mean": (lambda L, g: L.normal(L.full((N,), -1.0), 0.5, generator=g), (-1.0, 0.5)),
    "bernoulli": (lambda L, g: L.bernoulli(L.full((N,), 0.3), generator=g), (0.3, (0.21) ** 0.5)),
    "poisson": (lambda L, g: L.poisson(L.full((N,), 4.0), generator=g), (4.0, 2.0)),
    "uniform_": (lambda L, g: L.empty(N).uniform_(2, 5, generator=g), (3.5, 3 / 12 ** 0.5)),
    "normal_": (lambda L, g: L.empty(N).normal_(1, 2, generator=g), (1.0, 2.0)),
    "exponential_": (lambda L, g: L.empty(N).exponential_(2.0, generator=g), (0.5, 0.5)),
    "geometric_": (lambda L, g: L.empty(N).geometric_(0.25, generator=g), (4.0, (0.75 / 0.0625) ** 0.5)),
    "log_normal_": (lambda L, g: L.empty(N).log_normal_(0.0, 0.5, generator=g),
                    (np.exp(0.125), ((np.exp(0.25) - 1) * np.exp(0.25)) ** 0.5)),
    "random_to": (lambda L, g: L.empty(N).random_(10, generator=g), (4.5, (99 / 12) ** 0.5)),
    "bernoulli_": (lambda L, g: L.empty(N).bernoulli_(0.7, generator=g), (0.7, 0.21 ** 0.5)),
}


@pytest.mark.parametrize("name", SAMPLERS)
def test_distribution_matches_torch(name):
    fn, (mean, std) = SAMPLERS[name]
    t = fn(torch, torch.Generator().manual_seed(0))
    gen = torchlike.Generator().manual_seed(0)
    a = fn(torchlike, gen)
    assert _meta(a) == _meta(t)
    x, y = a.double().numpy(), t.double().numpy()
    for sample in (x, y):  # both libraries against the exact moments
        assert abs(sample.mean() - mean) < 5 * std / N ** 0.5 + 1e-9
        assert abs(sample.std() - std) < 0.05 * std
    b = fn(torchlike, torchlike.Generator().manual_seed(0))
    np.testing.assert_array_equal(b.numpy(), x)                       # same seed, same numbers
    assert not np.array_equal(fn(torchlike, gen).numpy(), x)          # the generator advanced


def test_supports():
    torchlike.manual_seed(1)
    assert torchlike.rand(1000).min() >= 0 and torchlike.rand(1000).max() < 1
    r = torchlike.randint(-3, 4, (1000,))
    assert set(r.tolist()) == set(range(-3, 4))
    assert set(torchlike.bernoulli(torchlike.full((500,), 0.5)).tolist()) == {0.0, 1.0}
    assert torchlike.empty(1000).geometric_(0.5).min() >= 1
    assert torchlike.empty(1000).exponential_().min() >= 0
    assert (torchlike.zeros(200, dtype=torchlike.int8).random_().numpy() >= 0).all()
    assert torchlike.zeros(2000, dtype=torchlike.uint8).random_().max() > 250
    assert set(torchlike.empty(1000).random_(5, 8).tolist()) == {5.0, 6.0, 7.0}
    c = torchlike.empty(1000).cauchy_(2.0, 0.1).numpy()
    assert abs(np.median(c) - 2.0) < 0.05
    p = torchlike.randperm(50)
    assert sorted(p.tolist()) == list(range(50)) and p.dtype is torchlike.int64
    assert torchlike.randperm(5, dtype=torchlike.float32).dtype is torchlike.float32


def test_multinomial():
    torchlike.manual_seed(2)
    w = torchlike.tensor([1.0, 0.0, 3.0])
    s = torchlike.multinomial(w, 4000, True).numpy()
    assert s.dtype == np.int64 and set(s) == {0, 2} and abs((s == 2).mean() - 0.75) < 0.03
    no_rep = torchlike.multinomial(torchlike.ones(2, 5), 5)
    assert no_rep.shape == (2, 5) and all(sorted(r) == list(range(5)) for r in no_rep.tolist())
    first = torchlike.multinomial(torchlike.tensor([1.0, 8.0, 1.0]).expand(3000, 3).contiguous(), 2).numpy()
    t_first = torch.multinomial(torch.tensor([1.0, 8.0, 1.0]).expand(3000, 3), 2).numpy()
    np.testing.assert_allclose((first[:, 0] == 1).mean(), (t_first[:, 0] == 1).mean(), atol=0.04)
    np.testing.assert_allclose((first[:, 1] == 1).mean(), (t_first[:, 1] == 1).mean(), atol=0.04)


CASES = [  # dtypes, shapes and grads (values=False: the streams differ)
    Case("factories", lambda L: (L.rand(2, 3), L.rand((2, 3), dtype=L.float64), L.randn(4, dtype=L.float16),
                                 L.randn(3, dtype=L.complex64), L.rand(2, dtype=L.complex128),
                                 L.randint(5, (2, 2)), L.randint(1, 5, (3,), dtype=L.int32),
                                 L.randint(5, (2,), dtype=L.float32), L.randint(0, 2, [2], dtype=L.bool),
                                 L.randperm(4), L.rand(2, requires_grad=True)), values=False, grad=False),
    Case("like", lambda L, a, i: (L.rand_like(a), L.randn_like(a, dtype=L.float64), L.randint_like(a, 5),
                                  L.randint_like(i, 1, 5, dtype=L.int32), L.randint_like(i, 3)),
         (rand(2, 3), rand(4, dtype="int64")), values=False, grad=False),
    Case("normal_overloads", lambda L, m, s: (L.normal(m, s), L.normal(m, 1.0), L.normal(0.0, s),
                                              L.normal(0.0, 1.0, (2, 3)), L.normal(0., 1., size=(2,), dtype=L.float64),
                                              L.normal(m, s[0])),
         (rand(2, 3), rand(3, low=0.5, high=2.0, seed=3)), values=False),
    Case("normal_grad_shapes", lambda L, m, s: L.normal(m, s) * 0 + m * s, (rand(2, 3), rand(2, 3, low=0.5, high=1.0))),
    Case("distributions", lambda L, p, r: (L.bernoulli(p), L.bernoulli(p, 0.3), L.poisson(r),
                                           L.multinomial(r, 2), L.multinomial(r.reshape(1, -1), 3, True),
                                           p.bernoulli()),
         (rand(5, low=0.0, high=1.0), rand(5, low=0.5, high=3.0, seed=1)), values=False, grad=False),
    Case("inplace", lambda L, a: (a.clone().uniform_(), a.clone().normal_(), a.clone().bernoulli_(0.2),
                                  a.clone().random_(), a.clone().exponential_(), a.clone().geometric_(0.5),
                                  a.clone().log_normal_(), a.clone().cauchy_(), a.long().random_(5),
                                  a.long().bernoulli_(0.5), a.double().bernoulli_(L.full((2, 3), 0.5))),
         (rand(2, 3),), values=False, grad=False),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)


@pytest.mark.parametrize("form", ["tensor_tensor", "tensor_float", "float_tensor"])
def test_normal_grad_fn(form):
    """torch records NormalBackward1/2/3 whose gradients w.r.t. mean and std are zeros."""
    names, grads = [], []
    for L in (torch, torchlike):
        m, s = L.tensor([0.5, -1.0], requires_grad=True), L.tensor([1.0, 2.0], requires_grad=True)
        y = {"tensor_tensor": lambda: L.normal(m, s), "tensor_float": lambda: L.normal(m, 2.0),
             "float_tensor": lambda: L.normal(1.0, s)}[form]()
        names.append(y.grad_fn.name())
        y.sum().backward()
        grads.append([None if g is None else g.tolist() for g in (m.grad, s.grad)])
    assert names[0] == names[1] and grads[0] == grads[1]


ERRORS = {
    "rand_int": lambda L: L.rand(2, dtype=L.int64),
    "randn_int": lambda L: L.randn(2, dtype=L.int64),
    "randint_empty_range": lambda L: L.randint(5, 5, (2,)),
    "randint_int_size": lambda L: L.randint(5, 2),
    "randint_no_size": lambda L: L.randint(5),
    "randint_bool_range": lambda L: L.randint(0, 5, (2,), dtype=L.bool),
    "randint_uint8_range": lambda L: L.randint(0, 300, (2,), dtype=L.uint8),
    "randperm_negative": lambda L: L.randperm(-1),
    "normal_negative_std": lambda L: L.normal(0.0, -1.0, (2,)),
    "normal_tensor_negative_std": lambda L: L.normal(L.zeros(2), -1.0),
    "normal_int_mean": lambda L: L.normal(L.zeros(2, dtype=L.int64), 1.0),
    "normal_broadcast": lambda L: L.normal(L.zeros(2, 3), L.ones(4)),
    "normal_no_size": lambda L: L.normal(0., 1.),
    "bernoulli_p": lambda L: L.bernoulli(L.tensor([0.5, 0.1]), 1.5),
    "bernoulli_int": lambda L: L.bernoulli(L.tensor([1, 0])),
    "multinomial_too_many": lambda L: L.multinomial(L.tensor([1., 2.]), 3),
    "multinomial_zero": lambda L: L.multinomial(L.tensor([1., 2.]), 0),
    "multinomial_int": lambda L: L.multinomial(L.tensor([1, 2]), 1),
    "multinomial_3d": lambda L: L.multinomial(L.ones(2, 2, 2), 1),
    "poisson_int": lambda L: L.poisson(L.tensor([1, 2])),
    "uniform_int": lambda L: L.ones(2, dtype=L.int64).uniform_(),
    "uniform_range": lambda L: L.ones(2).uniform_(2, 1),
    "normal__std": lambda L: L.ones(2).normal_(0, -1),
    "normal__int": lambda L: L.ones(2, dtype=L.int64).normal_(),
    "exponential_int": lambda L: L.ones(2, dtype=L.int64).exponential_(),
    "exponential_lambda": lambda L: L.ones(2).exponential_(0),
    "geometric_p": lambda L: L.ones(2).geometric_(1.5),
    "log_normal_std": lambda L: L.ones(2).log_normal_(0, -1),
    "log_normal_int": lambda L: L.ones(2, dtype=L.int64).log_normal_(),
    "cauchy_int": lambda L: L.ones(2, dtype=L.int64).cauchy_(),
    "cauchy_sigma": lambda L: L.ones(2).cauchy_(0, -1),
    "random_range": lambda L: L.ones(2).random_(5, 3),
    "random_uint8": lambda L: L.ones(2, dtype=L.uint8).random_(0, 300),
    "random_negative_to": lambda L: L.ones(2).random_(-5),
    "rand_like_int": lambda L: L.rand_like(L.ones(2, dtype=L.int64)),
    "leaf_inplace": lambda L: L.ones(2, requires_grad=True).uniform_(),
    "seed_float": lambda L: L.Generator().manual_seed(1.5),
    "seed_overflow": lambda L: L.Generator().manual_seed(2 ** 64),
    "state_size": lambda L: L.Generator().set_state(L.zeros(3, dtype=L.uint8)),
    "state_dtype": lambda L: L.set_rng_state(L.zeros(3)),
    "state_list": lambda L: L.Generator().set_state([1]),
}


@pytest.mark.parametrize("name", ERRORS)
def test_error(name):
    t_err, l_err = expect_error(ERRORS[name])
    if name != "state_size":  # torch's state has 5056 bytes, ours 16
        assert str(l_err).split("\n")[0][:40] == str(t_err).split("\n")[0][:40], (str(l_err), str(t_err))


def test_global_seed_and_state():
    assert torchlike.manual_seed(7) is torchlike.default_generator
    assert torchlike.initial_seed() == 7 and torchlike.random.initial_seed() == 7
    a = torchlike.rand(5)
    torchlike.manual_seed(7)
    np.testing.assert_array_equal(torchlike.rand(5).numpy(), a.numpy())
    torchlike.manual_seed(8)
    assert not np.array_equal(torchlike.rand(5).numpy(), a.numpy())
    state = torchlike.get_rng_state()
    assert state.dtype is torchlike.uint8 and state.ndim == 1
    b = torchlike.randn(4)
    torchlike.rand(3)
    torchlike.set_rng_state(state)
    np.testing.assert_array_equal(torchlike.randn(4).numpy(), b.numpy())
    torchlike.manual_seed(-1)
    assert torchlike.initial_seed() == torch.Generator().manual_seed(-1).initial_seed()
    s = torchlike.seed()
    assert isinstance(s, int) and torchlike.initial_seed() == s


def test_seed_is_platform_independent():
    """The stream is a function of the seed alone: the key is jax.random.PRNGKey(seed)'s (64-bit
    JAX's: in 32-bit mode JAX keeps only the seed's low 32 bits)."""
    import jax
    g = torchlike.Generator().manual_seed(123456789012)
    with jax.enable_x64(True):
        expected = jax.random.key_data(jax.random.PRNGKey(123456789012))
    np.testing.assert_array_equal(np.asarray(g._key), np.asarray(expected))
    assert g._key.dtype == np.uint32 and g._key.shape == (2,)


def test_generators_are_independent():
    g1, g2 = torchlike.Generator(), torchlike.Generator()
    assert g1.device == torchlike.device("cpu") and str(g1.device) == str(torch.Generator().device)
    assert g1.initial_seed() == torch.Generator().initial_seed()
    g1.manual_seed(3)
    g2.manual_seed(3)
    torchlike.manual_seed(3)
    a = torchlike.rand(4, generator=g1)
    torchlike.rand(10)  # the global stream does not touch g1/g2
    np.testing.assert_array_equal(torchlike.rand(4, generator=g2).numpy(), a.numpy())
    torchlike.manual_seed(4)
    assert not np.array_equal(torchlike.rand(4).numpy(), torchlike.rand(4, generator=g1).numpy())
    state = g1.get_state()
    x = torchlike.randn(3, generator=g1)
    assert g1.set_state(state) is g1
    np.testing.assert_array_equal(torchlike.randn(3, generator=g1).numpy(), x.numpy())


def test_fork_rng():
    torchlike.manual_seed(5)
    with torchlike.random.fork_rng():
        inside = torchlike.rand(3)
    np.testing.assert_array_equal(torchlike.rand(3).numpy(), inside.numpy())
    with torchlike.random.fork_rng(enabled=False):
        torchlike.rand(1)
    assert torchlike.fork_rng is torchlike.random.fork_rng
