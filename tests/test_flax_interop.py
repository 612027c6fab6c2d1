"""nn.FlaxModule: Linen and NNX modules as torchlike Modules, checked against calling Flax
directly (forward, batch_stats updates, jax.grad) and trained with torchlike autograd."""
import flax.linen as linen
import jax
import numpy as np
import pytest
from flax import nnx

import torchlike
from torchlike import nn

X = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32)
Y = np.random.default_rng(1).normal(size=(6, 2)).astype(np.float32)


class LinenNet(linen.Module):
    @linen.compact
    def __call__(self, x, train):
        x = linen.relu(linen.BatchNorm(use_running_average=not train, momentum=0.5)(linen.Dense(8)(x)))
        return linen.Dense(2)(x)


class NNXNet(nnx.Module):
    def __init__(self, rngs):
        self.l1 = nnx.Linear(3, 8, rngs=rngs)
        self.bn = nnx.BatchNorm(8, momentum=0.5, rngs=rngs)
        self.drop = nnx.Dropout(0.25, rngs=rngs)
        self.layers = nnx.List([nnx.Linear(8, 2, rngs=rngs)])

    def __call__(self, x):
        return self.layers[0](self.drop(nnx.relu(self.bn(self.l1(x)))))


def close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)


def mse(out):
    return ((out - torchlike.tensor(Y)) ** 2).mean()


def sgd(model, lr):
    with torchlike.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
    model.zero_grad()


def test_linen_dense_forward_names_and_grads():
    dense = linen.Dense(4)
    model = nn.FlaxModule(dense, torchlike.tensor(X))
    variables = dense.init(jax.random.key(0), X)
    assert [n for n, _ in model.named_parameters()] == ["bias", "kernel"]
    assert all(isinstance(p, nn.Parameter) for p in model.parameters())
    x = torchlike.tensor(X, requires_grad=True)
    out = model(x)
    close(out.detach().numpy(), dense.apply(variables, X))
    (out ** 2).sum().backward()
    grads, x_grad = jax.grad(lambda v, x: (dense.apply(v, x) ** 2).sum(), argnums=(0, 1))(variables, X)
    close(model.kernel.grad.numpy(), grads["params"]["kernel"])
    close(model.bias.grad.numpy(), grads["params"]["bias"])
    close(x.grad.numpy(), x_grad)


def test_linen_batch_stats_grads_and_training():
    net = LinenNet()
    model = nn.FlaxModule(net, X, train=False)
    variables = net.init(jax.random.key(0), X, train=False)
    assert [n for n, _ in model.named_parameters()] == ["BatchNorm_0.bias", "BatchNorm_0.scale", "Dense_0.bias",
                                                        "Dense_0.kernel", "Dense_1.bias", "Dense_1.kernel"]
    assert [n for n, _ in model.named_buffers()] == ["BatchNorm_0.mean", "BatchNorm_0.var"]
    loss = mse(model(torchlike.tensor(X), train=True))
    loss.backward()

    def ref_loss(params):
        out, updates = net.apply({**variables, "params": params}, X, train=True, mutable=["batch_stats"])
        return ((out - Y) ** 2).mean(), updates

    (ref, updates), grads = jax.value_and_grad(ref_loss, has_aux=True)(variables["params"])
    close(loss.item(), ref)
    close(model.BatchNorm_0.mean.numpy(), updates["batch_stats"]["BatchNorm_0"]["mean"])
    close(model.Dense_0.kernel.grad.numpy(), grads["Dense_0"]["kernel"])
    close(model.BatchNorm_0.scale.grad.numpy(), grads["BatchNorm_0"]["scale"])
    model.eval()  # eval: batch_stats are read, not updated
    mean = model.BatchNorm_0.mean.numpy()
    close(model(X, train=False).detach().numpy(), net.apply({**variables, **updates}, X, train=False))
    close(model.BatchNorm_0.mean.numpy(), mean)
    model.train()
    losses = []
    for _ in range(5):
        loss = mse(model(torchlike.tensor(X), train=True))
        loss.backward()
        sgd(model, 0.1)
        losses.append(loss.item())
    assert losses[-1] < losses[0]


def test_nnx_forward_state_and_grads_match_flax():
    net = NNXNet(nnx.Rngs(0))
    ref = nnx.clone(net)
    model = nn.FlaxModule(net)
    assert [n for n, _ in model.named_parameters()] == ["bn.bias", "bn.scale", "l1.bias", "l1.kernel",
                                                        "layers.0.bias", "layers.0.kernel"]
    assert [n for n, _ in model.named_buffers()] == ["bn.mean", "bn.var"]
    graphdef, params, rest = nnx.split(ref, nnx.Param, ...)

    def ref_loss(params, rest):
        m = nnx.merge(graphdef, params, rest, copy=True)
        m.train()
        loss = ((m(X) - Y) ** 2).mean()
        return loss, nnx.split(m, nnx.Param, ...)[2]

    for _ in range(2):  # dropout keys advance in step with Flax's own
        loss = mse(model(X))
        loss.backward()
        (expected, rest), grads = jax.value_and_grad(ref_loss, has_aux=True)(params, rest)
        close(loss.item(), expected)
        close(model.bn.mean.numpy(), rest["bn"]["mean"][...])
        close(model.l1.kernel.grad.numpy(), grads["l1"]["kernel"][...])
        close(model.get_parameter("layers.0.kernel").grad.numpy(), grads["layers"][0]["kernel"][...])
        model.zero_grad()
    model.eval()
    m = nnx.merge(graphdef, params, rest)
    m.eval()
    close(model(X).detach().numpy(), m(X))


def test_nnx_training_state_dict_and_functional_call():
    model = nn.FlaxModule(NNXNet(nnx.Rngs(0)))
    optimizer, losses = torchlike.optim.SGD(model.parameters(), 0.1), []
    for _ in range(5):
        optimizer.zero_grad()
        loss = mse(model(X))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    model.eval()
    other = nn.FlaxModule(NNXNet(nnx.Rngs(1)))
    other.eval()
    assert not np.allclose(other(X).detach().numpy(), model(X).detach().numpy())
    other.load_state_dict(model.state_dict())
    close(other(X).detach().numpy(), model(X).detach().numpy())
    params, buffers = torchlike.func.state_arrays(model)
    grads = jax.jit(jax.grad(lambda p: mse(torchlike.func.functional_call(model, (p, buffers), (X,)))._data))(params)
    optimizer.zero_grad()
    mse(model(X)).backward()
    for name, p in model.named_parameters():
        close(grads[name], p.grad.numpy())


def test_linen_rngs_keyword_and_constructor_errors():
    class Drop(linen.Module):
        @linen.compact
        def __call__(self, x, train):
            return linen.Dropout(0.5, deterministic=not train)(linen.Dense(3)(x))

    model = nn.FlaxModule(Drop(), X, train=False)
    a, b, c = (model(X, train=True, rngs={"dropout": jax.random.key(k)}).detach().numpy() for k in (1, 1, 2))
    close(a, b)
    assert not np.allclose(a, c)
    variables = {"params": {"Dense_0": {n: p.detach().numpy() for n, p in model.Dense_0.named_parameters()}}}
    close(model(X, train=False).detach().numpy(), Drop().apply(variables, X, train=False))
    with pytest.raises(TypeError):
        nn.FlaxModule(nnx.Linear(3, 2, rngs=nnx.Rngs(0)), X)
    with pytest.raises(TypeError):
        nn.FlaxModule(nn.Linear(3, 2))
