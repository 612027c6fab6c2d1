"""The Python autograd engine under ``jax.jit``: the same eager torchlike code (graph
recording, backward, hooks, autograd.grad) traces into one XLA computation whose
gradients equal eager torchlike's and torch's."""
import jax
import jax.numpy as jnp
import numpy as np
import torch

import torchlike
from parity import assert_same

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], np.float32)
W = np.array([0.2, -0.4, 1.1], np.float32)


def loss_fn(L, x, w):
    h = (x * w).tanh() ** 2 + x.exp().sigmoid()
    h.register_hook(lambda g: g * 2)
    return h.mean(1).sum() + (x[:, 1:] / (w[1:] ** 2 + 1)).sum() - L.stack([w, w.sqrt().log()]).sum()


def torchlike_grads(xa, wa):
    """jax arrays in, .grad arrays out: the function that gets jitted."""
    x = torchlike.Tensor._from_array(xa).requires_grad_()
    w = torchlike.Tensor._from_array(wa).requires_grad_()
    loss_fn(torchlike, x, w).backward()
    return x.grad._data, w.grad._data


def torch_grads(xa, wa):
    x = torch.tensor(np.asarray(xa), requires_grad=True)
    w = torch.tensor(np.asarray(wa), requires_grad=True)
    loss_fn(torch, x, w).backward()
    return x.grad, w.grad


def test_backward_under_jit_matches_eager_and_torch():
    jitted = jax.jit(torchlike_grads)
    w = np.abs(W) + 0.1
    for x in (X, X * 0.5):
        got = jitted(jnp.asarray(x), jnp.asarray(w))
        eager = torchlike_grads(jnp.asarray(x), jnp.asarray(w))
        expected = torch_grads(x, w)
        for g, e, t in zip(got, eager, expected):
            np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-6, atol=1e-6)
            assert_same(t, torchlike.Tensor._from_array(g))
    assert jitted._cache_size() == 1


def test_autograd_grad_create_graph_under_jit():
    def hvp(xa, va):
        x = torchlike.Tensor._from_array(xa).requires_grad_()
        g, = torchlike.autograd.grad((x ** 3).sum() + x.tanh().sum(), x, create_graph=True)
        hv, = torchlike.autograd.grad(g, x, grad_outputs=torchlike.Tensor._from_array(va))
        return g._data, hv._data

    x = torch.tensor(W, requires_grad=True)
    g, = torch.autograd.grad((x ** 3).sum() + x.tanh().sum(), x, create_graph=True)
    hv, = torch.autograd.grad(g, x, grad_outputs=torch.tensor(X[0]))
    jitted = jax.jit(hvp)
    for got, expected in zip(jitted(jnp.asarray(W), jnp.asarray(X[0])), (g, hv)):
        assert_same(expected.detach(), torchlike.Tensor._from_array(got))
    jitted(jnp.asarray(W) + 1, jnp.asarray(X[1]))
    assert jitted._cache_size() == 1
