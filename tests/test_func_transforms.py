"""torchlike.func's transforms (grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, vmap,
stack_module_state) against torch.func of torch 2.13 on torch's own documented examples:
per-sample gradients, model ensembling, Jacobians, Hessian-vector products; has_aux, argnums,
compositions, torchlike.compile, and torch's errors."""
import copy

import numpy as np
import pytest
import torch

import torchlike
from parity import assert_same, expect_error

RNG = np.random.default_rng(0)
X = RNG.normal(size=(4, 3)).astype(np.float32)
T = RNG.integers(0, 2, size=(4,)).astype(np.int64)
V = RNG.normal(size=(3,)).astype(np.float32)


def same(expected, actual, what="result"):
    """Compare torch's and torchlike's nested (tuple/list/dict) results leaf by leaf."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected), f"{what}: keys {list(actual)}"
        for k in expected:
            same(expected[k], actual[k], f"{what}[{k!r}]")
    elif isinstance(expected, (tuple, list)):
        assert type(actual) is type(expected) and len(actual) == len(expected), f"{what}: {type(actual)} {actual}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            same(e, a, f"{what}[{i}]")
    else:
        assert_same(expected, actual, tol=(2e-5, 2e-5), what=what)


def both(fn):
    """Run ``fn(lib)`` with torch and torchlike and compare what they return."""
    same(fn(torch), fn(torchlike))


def mlp(lib):
    """The same small classifier in both libraries (torch's weights copied into torchlike's)."""
    torch.manual_seed(0)
    ref = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))
    if lib is torch:
        return ref
    model = torchlike.nn.Sequential(torchlike.nn.Linear(3, 5), torchlike.nn.ReLU(), torchlike.nn.Linear(5, 2))
    model.load_state_dict({k: torchlike.tensor(v.detach().numpy()) for k, v in ref.state_dict().items()})
    return model


def test_per_sample_gradients():
    """torch's per-sample-gradients tutorial: vmap(grad(loss)) over functional_call."""
    def run(lib):
        model = mlp(lib)
        params = {k: v.detach() for k, v in model.named_parameters()}
        buffers = {k: v.detach() for k, v in model.named_buffers()}

        def compute_loss(params, buffers, sample, target):
            out = lib.func.functional_call(model, (params, buffers), (sample.unsqueeze(0),))
            return lib.nn.functional.cross_entropy(out, target.unsqueeze(0))

        grads = lib.func.vmap(lib.func.grad(compute_loss), in_dims=(None, None, 0, 0))(
            params, buffers, lib.tensor(X), lib.tensor(T))
        return grads
    both(run)


def test_model_ensembling():
    """torch's ensembling tutorial: stack_module_state + vmap over functional_call of a base copy."""
    def run(lib):
        models = []
        for seed in range(3):
            lib.manual_seed(seed)
            models.append(lib.nn.Linear(3, 2))
        if lib is torchlike:  # the same weights as torch's models
            for m, seed in zip(models, range(3)):
                torch.manual_seed(seed)
                ref = torch.nn.Linear(3, 2)
                m.load_state_dict({k: torchlike.tensor(v.detach().numpy()) for k, v in ref.state_dict().items()})
        params, buffers = lib.func.stack_module_state(models)
        flags = [(tuple(p.shape), p.requires_grad, p.is_leaf) for p in params.values()]
        base = copy.deepcopy(models[0])

        def fmodel(params, buffers, x):
            return lib.func.functional_call(base, (params, buffers), (x,))

        x = lib.tensor(X)
        same_batch = lib.func.vmap(fmodel, in_dims=(0, 0, None))(params, buffers, x)
        per_model = lib.func.vmap(fmodel)(params, buffers, x.expand(3, 4, 3))
        assert flags == [((3, 2, 3), True, True), ((3, 2), True, True)]
        return same_batch, per_model
    both(run)


def test_jacobians():
    """jacrev/jacfwd of sin (torch's example), of a Linear model w.r.t. its parameters, argnums tuples."""
    def run(lib):
        F, x = lib.func, lib.tensor(V)
        model = mlp(lib)[0]
        params = {k: v.detach() for k, v in model.named_parameters()}
        xs = lib.tensor(X)

        def predict(weight, bias, x):
            return lib.nn.functional.linear(x, weight, bias)

        return (F.jacrev(lib.sin)(x), F.jacfwd(lib.sin)(x),
                F.jacrev(lambda p: F.functional_call(model, p, (xs,)))(params),
                F.jacfwd(predict, argnums=(0, 1))(params["weight"], params["bias"], xs[0]),
                F.jacrev(predict, argnums=2)(params["weight"], params["bias"], xs[0]),
                F.vmap(F.jacrev(predict, argnums=2), in_dims=(None, None, 0))(params["weight"], params["bias"], xs))
    both(run)


def test_hessians_and_hvp():
    """hessian, jacrev(jacrev), jacfwd(jacrev), and torch's hvp as jvp of grad / vjp of grad."""
    def run(lib):
        F, x, v = lib.func, lib.tensor(V), lib.tensor(V[::-1].copy())

        def f(x):
            return x.sin().sum() * x.pow(2).sum()

        def hvp(f, primals, tangents):
            return F.jvp(F.grad(f), primals, tangents)[1]

        def vhp(f, x, v):
            return F.vjp(F.grad(f), x)[1](v)

        def g(x, y):
            return (x * y.exp()).sum()

        return (F.hessian(f)(x), F.jacrev(F.jacrev(f))(x), F.jacfwd(F.jacrev(f))(x), hvp(f, (x,), (v,)),
                vhp(f, x, v), F.hessian(g, argnums=(0, 1))(x, v))
    both(run)


def test_has_aux_argnums_and_values():
    def run(lib):
        F, x, y = lib.func, lib.tensor(V), lib.tensor(X[0])

        def f(x, y):
            out = (x.sin() * y).sum()
            return out, {"out": out, "x2": x * 2}

        def h(x):
            return x.sin(), x.cos().sum()

        out, vjp_fn, aux_v = F.vjp(h, x, has_aux=True)
        return (F.grad(f, has_aux=True)(x, y), F.grad(f, argnums=(0, 1), has_aux=True)(x, y),
                F.grad_and_value(f, argnums=1, has_aux=True)(x, y),
                F.grad_and_value(lambda x, y: f(x, y)[0], argnums=(1, 0))(x, y),
                F.grad(lambda p: (p["a"] * p["b"][0]).sum())({"a": x, "b": (y, y)}),
                (out, vjp_fn(lib.ones(3)), aux_v), F.vjp(lambda a, b: (a * b, a + b), x, y)[1]((x, y)),
                F.jvp(h, (x,), (y,), has_aux=True), F.jvp(lambda a, b: a * b, (x, y), (y, x)),
                F.jacrev(h, has_aux=True)(x), F.jacfwd(h, has_aux=True)(x), F.jacrev(h)(x),
                F.jacfwd(lambda a, b: {"p": a * b, "s": (a + b, a)}, argnums=1)(x, y))
    both(run)


def test_compose_with_compile():
    """Per-sample gradients of a loss inside torchlike.compile equal torch's eager ones."""
    def per_sample(lib, x, w):
        return lib.func.vmap(lib.func.grad(lambda w, xi: (xi @ w).tanh().sum()), in_dims=(None, 0))(w, x)

    w = V.reshape(3, 1)
    expected = per_sample(torch, torch.tensor(X), torch.tensor(w))
    step = torchlike.compile(lambda x, w: per_sample(torchlike, x, w))
    for scale in (1.0, 2.0):  # the second call reuses the program with new values
        same(expected * scale, step(torchlike.tensor(X), torchlike.tensor(w)) * scale)
    w_new = np.flip(w).copy()
    same(per_sample(torch, torch.tensor(X), torch.tensor(w_new)),
         step(torchlike.tensor(X), torchlike.tensor(w_new)))


def test_closure_sees_current_values():
    """A transform built once sees later changes of a tensor its function closes over."""
    scale = torchlike.ones(3)
    g = torchlike.func.grad(lambda x: (x * scale).sin().sum())
    x = torchlike.tensor(V)
    first = g(x)
    scale.fill_(2.0)
    same(torch.func.grad(lambda x: (x * 2).sin().sum())(torch.tensor(V)), g(x))
    same(torch.func.grad(lambda x: x.sin().sum())(torch.tensor(V)), first)


@pytest.mark.parametrize("call", [
    lambda lib: lib.func.grad(lambda x: x * 2)(lib.ones(3)),
    lambda lib: lib.func.grad(lambda x: [x.sum()])(lib.ones(3)),
    lambda lib: lib.func.grad(lambda x: x.sum(), has_aux=True)(lib.ones(3)),
    lambda lib: lib.func.grad(lambda x: x.sum())(3.0),
    lambda lib: lib.func.grad(lambda x: x.sum(), argnums=2)(lib.ones(3)),
    lambda lib: lib.func.grad(lambda x: x.sum(), argnums=())(lib.ones(3)),
    lambda lib: lib.func.jvp(lib.sin, lib.ones(3), lib.ones(3)),
    lambda lib: lib.func.jvp(lib.sin, (lib.ones(3),), (lib.ones(2),)),
    lambda lib: lib.func.jvp(lib.sin, (lib.ones(3),), (lib.ones(3), lib.ones(3))),
    lambda lib: lib.func.vjp(lib.sin, lib.ones(3))[1]((lib.ones(3), lib.ones(3))),
    lambda lib: lib.func.vjp(lib.sin, lib.ones(3))[1](lib.ones(2)),
    lambda lib: lib.func.jacrev(lib.sin, chunk_size=0),
    lambda lib: lib.func.stack_module_state([]),
    lambda lib: lib.func.stack_module_state([lib.nn.Linear(2, 2), lib.nn.Linear(2, 2).eval()]),
    lambda lib: lib.func.stack_module_state([lib.nn.Linear(2, 2), lib.nn.Conv1d(1, 1, 1)]),
    lambda lib: lib.func.stack_module_state([lib.nn.Linear(2, 2), lib.nn.Linear(2, 2).requires_grad_(False)]),
])
def test_errors_as_torch(call):
    t_err, l_err = expect_error(call)
    assert str(l_err).startswith(str(t_err).split("TreeSpec")[0]), (str(l_err), str(t_err))  # torch's repr of
    # a pytree structure (in jvp's message) is torch's own; ours prints the structure as Python literals


def test_vmap_randomness_modes_as_torch():
    x = np.zeros(4, np.float32)
    for lib in (torch, torchlike):
        same = lib.vmap(lambda v: v + lib.rand(()), randomness="same")(lib.tensor(x))
        different = lib.vmap(lambda v: v + lib.rand(()), randomness="different")(lib.tensor(x))
        assert len(set(same.tolist())) == 1 and len(set(different.tolist())) == 4
    messages = []
    for lib in (torch, torchlike):
        for randomness in ("error", "bad"):
            with pytest.raises(RuntimeError) as info:
                lib.vmap(lambda v: v + lib.rand(()), randomness=randomness)(lib.tensor(x))
            messages.append(str(info.value))
    assert messages[:2] == messages[2:]
    t = torchlike.ones(3, requires_grad=True)  # the draws are an input of the kernel: backward sees the same
    y = torchlike.vmap(lambda v: v * torchlike.rand(()), randomness="different")(t)
    y.sum().backward()
    assert t.grad.tolist() == y.tolist() and len(set(y.tolist())) == 3


def test_vmap_sees_closed_over_tensors_change_as_torch():
    results = []
    for lib in (torch, torchlike):
        w = lib.ones(3)
        lin = lib.nn.Linear(3, 1)
        with lib.no_grad():
            lin.weight.fill_(0.5)
            lin.bias.zero_()
        f = lib.vmap(lambda v: v * w + lin(v))
        first = f(lib.ones(2, 3)).tolist()
        w.fill_(5.0)
        with lib.no_grad():
            lin.weight.add_(1.0)
        results.append((first, f(lib.ones(2, 3)).tolist()))
    assert results[0] == results[1]
