"""torch.func.functional_call: a torchlike Module as a pure function of a pytree, trained
with jax.grad and Optax, against torchlike's own backward and torch."""
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch

import torchlike
from parity import expect_error

X = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
Y = np.random.default_rng(1).normal(size=(4, 2)).astype(np.float32)


def mlp(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(3, 5), lib.nn.Tanh(), lib.nn.Linear(5, 2))


def models():
    """The same MLP in torchlike and torch (weights copied)."""
    model, ref = mlp(torchlike), mlp(torch)
    with torch.no_grad():
        for (_, p), q in zip(model.named_parameters(), ref.parameters()):
            q.copy_(torch.tensor(p.detach().numpy()))
    return model, ref


def loss_fn(model, x, y):
    return torchlike.nn.functional.mse_loss(model(x), y)


def jax_loss(model, params, x, y):
    out = torchlike.func.functional_call(model, params, (x,))
    return torchlike.nn.functional.mse_loss(out, torchlike.Tensor._from_array(y))._data


def test_jax_grad_matches_backward_and_torch():
    model, ref = models()
    originals = dict(model.named_parameters())
    params, buffers = torchlike.func.state_arrays(model)
    assert buffers == {} and list(params) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    grads = jax.grad(lambda p: jax_loss(model, p, jnp.asarray(X), Y))(params)
    assert dict(model.named_parameters()) == originals  # restored, same objects
    loss_fn(model, torchlike.tensor(X), torchlike.tensor(Y)).backward()
    torch.nn.functional.mse_loss(ref(torch.tensor(X)), torch.tensor(Y)).backward()
    for (name, p), q in zip(model.named_parameters(), ref.parameters()):
        np.testing.assert_allclose(grads[name], p.grad.numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(grads[name], q.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("opt", ["sgd", "adam"])
def test_optax_step_matches_torch_optimizer(opt):
    model, ref = models()
    params, _ = torchlike.func.state_arrays(model)
    optimizer = optax.sgd(0.1) if opt == "sgd" else optax.adam(0.01)
    state = optimizer.init(params)
    grads = jax.grad(lambda p: jax_loss(model, p, X, Y))(params)
    updates, state = optimizer.update(grads, state, params)
    params = optax.apply_updates(params, updates)
    torch_opt = torch.optim.SGD(ref.parameters(), 0.1) if opt == "sgd" else torch.optim.Adam(ref.parameters(), 0.01)
    torch.nn.functional.mse_loss(ref(torch.tensor(X)), torch.tensor(Y)).backward()
    torch_opt.step()
    torchlike.func.load_state_arrays(model, params)
    for (name, p), q in zip(model.named_parameters(), ref.parameters()):
        np.testing.assert_allclose(params[name], q.detach().numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_train_step_under_jit():
    model, _ = models()
    params, _ = torchlike.func.state_arrays(model)
    optimizer = optax.sgd(0.1)

    @jax.jit
    def step(params, state, x, y):
        loss, grads = jax.value_and_grad(lambda p: jax_loss(model, p, x, y))(params)
        updates, state = optimizer.update(grads, state, params)
        return optax.apply_updates(params, updates), state, loss

    state, losses = optimizer.init(params), []
    eager = jax.grad(lambda p: jax_loss(model, p, X, Y))(params)
    expected = jax.tree.map(lambda p, g: p - 0.1 * g, params, eager)
    for _ in range(3):
        params, state, loss = step(params, state, X, Y)
        losses.append(float(loss))
        if len(losses) == 1:
            jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6), params, expected)
    assert losses[2] < losses[1] < losses[0]
    assert step._cache_size() == 1


def test_buffers_written_back_like_torch():
    """In train mode BatchNorm updates its running stats in the given dict (raw arrays
    here, tensors in torch); the module's own buffers stay untouched."""
    bn, ref = torchlike.nn.BatchNorm1d(3), torch.nn.BatchNorm1d(3)
    params, buffers = torchlike.func.state_arrays(bn)
    t_buffers = {k: v.clone() for k, v in ref.named_buffers()}
    out = torchlike.func.functional_call(bn, (params, buffers), torchlike.tensor(X))
    expected = torch.func.functional_call(ref, (dict(ref.named_parameters()), t_buffers), torch.tensor(X))
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    for name, value in t_buffers.items():
        np.testing.assert_allclose(np.asarray(buffers[name]), value.numpy(), rtol=1e-6)
    assert float(bn.running_mean.abs().sum()) == 0 and int(bn.num_batches_tracked) == 0


def test_tied_weights_strict_and_restore_on_error():
    def tied(lib):
        m = lib.nn.Module()
        m.a, m.b = lib.nn.Linear(2, 2, bias=False), lib.nn.Linear(2, 2, bias=False)
        m.b.weight = m.a.weight
        m.forward = lambda x: m.b(m.a(x))
        return m

    x = np.ones((1, 2), np.float32)
    for lib in (torch, torchlike):
        m, w = tied(lib), lib.tensor(np.eye(2, dtype=np.float32) * 2)
        call = lib.func.functional_call
        assert call(m, {"a.weight": w}, lib.tensor(x)).tolist() == [[4.0, 4.0]]
        assert call(m, {"a.weight": w}, lib.tensor(x), tie_weights=False).shape == (1, 2)
        assert call(m, ({"a.weight": w}, {"b.weight": w}), (lib.tensor(x),)).tolist() == [[4.0, 4.0]]
    expect_error(lambda lib: lib.func.functional_call(tied(lib),
                                                      {"a.weight": lib.ones(2, 2), "b.weight": lib.zeros(2, 2)},
                                                      lib.ones(1, 2)))
    expect_error(lambda lib: lib.func.functional_call(lib.nn.Linear(2, 2), {"weight": lib.ones(2, 2)}, lib.ones(2),
                                                      strict=True))
    expect_error(lambda lib: lib.func.functional_call(lib.nn.Linear(2, 2),
                                                      ({"bias": lib.ones(2)}, {"bias": lib.ones(2)}), lib.ones(2)))
    lin = torchlike.nn.Linear(2, 2)
    weight = lin.weight
    with pytest.raises(RuntimeError):
        torchlike.func.functional_call(lin, {"weight": jnp.ones((3, 3)), "extra": jnp.ones(1)}, torchlike.ones(1, 2))
    assert lin.weight is weight and "extra" not in lin.__dict__
