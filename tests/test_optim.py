"""torch.optim parity with torch 2.13.

Two kinds of trajectory checks: (1) the optimizer math alone, fed the same gradient
sequence, elementwise within 1e-5 relative; (2) a small model trained on fixed data, final
parameters within 1e-5 of torch's relative to each tensor's largest entry (gradients from
the two autograds differ in the last bits, and adaptive optimizers amplify that on entries
whose gradient is ~0, so an elementwise bound would test the backward pass, not the optimizer).
"""
import copy

import numpy as np
import optax
import pytest
import torch

import torchlike
import torchlike.optim.optimizer as optimizer_module

from parity import expect_error

RNG = np.random.default_rng(0)
X, Y = RNG.standard_normal((16, 4)).astype("float32"), RNG.standard_normal((16, 2)).astype("float32")
P0 = RNG.standard_normal((5, 7)).astype("float32")
GRADS = [(RNG.standard_normal((5, 7)) * 10 ** RNG.uniform(-3, 1)).astype("float32") for _ in range(30)]

CASES = [
    ("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.01)), ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("AdamW", dict(lr=0.01)), ("AdamW", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("Adamax", dict(lr=0.01, weight_decay=0.1)), ("Adamax", dict(lr=0.01, maximize=True)),
    ("NAdam", dict(lr=0.01)), ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01)),
    ("RAdam", dict(lr=0.01)), ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adagrad", dict(lr=0.1)), ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1,
                                                weight_decay=0.01, maximize=True)),
    ("Adadelta", dict()), ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01)), ("RMSprop", dict(lr=0.01, centered=True, momentum=0.9, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, maximize=True)),
    ("Rprop", dict(lr=0.01)), ("Rprop", dict(lr=0.02, etas=(0.3, 1.5), step_sizes=(1e-4, 0.05), maximize=True)),
    ("ASGD", dict(lr=0.05)), ("ASGD", dict(lr=0.05, t0=10, lambd=1e-3, weight_decay=0.01)),
    ("SparseAdam", dict(lr=0.01)),
]


def model(lib, dtype="float32"):
    torch.manual_seed(0)
    ref = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))
    m = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.Tanh(), lib.nn.Linear(8, 2))
    for p, q in zip(m.parameters(), ref.parameters()):
        p.data = lib.tensor(q.detach().numpy().astype(dtype))
    return m


def loss_fn(lib, m, sign=1):
    return sign * ((m(lib.tensor(X)) - lib.tensor(Y)) ** 2).mean()


def fit(lib, make_opt, steps=50, m=None, on_step=None):
    m = m or model(lib)
    opt = make_opt(m)
    sign = -1 if opt.defaults.get("maximize") else 1
    for i in range(steps):
        opt.zero_grad()
        loss_fn(lib, m, sign).backward()
        if opt.__class__.__name__ == "SparseAdam" and lib is torch:
            for p in m.parameters():
                p.grad = p.grad.to_sparse()
        if on_step:
            on_step(i, opt)
        opt.step()
    return m, opt


def params_close(a, b, tol=1e-5):
    for p, q in zip(a.parameters(), b.parameters()):
        p, q = p.detach().numpy(), q.detach().numpy()
        assert np.max(np.abs(p - q)) <= tol * np.max(np.abs(p)), np.max(np.abs(p - q)) / np.max(np.abs(p))


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{'-'.join(k)}" for n, k in CASES])
def test_same_gradients_elementwise(name, kwargs):
    out = []
    for lib in (torch, torchlike):
        p = lib.nn.Parameter(lib.tensor(P0))
        opt = getattr(lib.optim, name)([p], **kwargs)
        for g in GRADS:
            g = lib.tensor(g if name != "SparseAdam" else g * (np.abs(g) > 0.5 * np.abs(g).mean()))
            p.grad = g.to_sparse() if lib is torch and name == "SparseAdam" else g
            opt.step()
        out.append(p.detach().numpy())
    np.testing.assert_allclose(out[1], out[0], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{'-'.join(k)}" for n, k in CASES])
def test_model_trajectory(name, kwargs):
    ref, _ = fit(torch, lambda m: getattr(torch.optim, name)(m.parameters(), **kwargs))
    got, opt = fit(torchlike, lambda m: getattr(torchlike.optim, name)(m.parameters(), **kwargs))
    params_close(ref, got)


def _groups(lib, m):
    ps = list(m.parameters())
    return [{"params": ps[:2], "lr": 0.05}, {"params": ps[2:], "momentum": 0.5}]


def test_param_groups_and_lr_change():
    def change(i, opt):
        if i == 10:
            opt.param_groups[0]["lr"] = 0.01
            opt.param_groups[1]["momentum"] = 0.8
    ref, _ = fit(torch, lambda m: torch.optim.SGD(_groups(torch, m), lr=0.1, momentum=0.9), on_step=change)
    got, opt = fit(torchlike, lambda m: torchlike.optim.SGD(_groups(torchlike, m), lr=0.1, momentum=0.9),
                   on_step=change)
    params_close(ref, got)


def test_lr_change_does_not_recompile():
    got, opt = fit(torchlike, lambda m: torchlike.optim.Adam(m.parameters(), lr=0.01), steps=2)
    fns = [optimizer_module._compiled(opt._make_tx, tuple(opt._names.items()), opt._statics(opt.param_groups[0]),
                                      donate) for donate in (False, True)]
    before = [fn._cache_size() for fn in fns]
    fit(torchlike, lambda m: opt, steps=3, m=got,
        on_step=lambda i, o: o.param_groups[0].__setitem__("lr", 0.001 * (i + 1)))
    assert [fn._cache_size() for fn in fns] == before


def test_grad_none_is_skipped():
    for lib in (torch, torchlike):
        m = model(lib)
        w = list(m.parameters())[0]
        opt = lib.optim.Adam(m.parameters(), lr=0.1)
        loss_fn(lib, m).backward()
        w.grad = None
        before = w.detach().numpy().copy()
        opt.step()
        np.testing.assert_array_equal(w.detach().numpy(), before)
        assert w not in opt.state and len(opt.state) == 3


@pytest.mark.parametrize("name,kwargs", [("SGD", dict(lr=0.05, momentum=0.9)), ("Adam", dict(lr=0.01, amsgrad=True)),
                                         ("NAdam", dict(lr=0.01)), ("RMSprop", dict(lr=0.01, centered=True,
                                                                                    momentum=0.5)),
                                         ("Adagrad", dict(lr=0.1)), ("ASGD", dict(lr=0.05)),
                                         ("Rprop", dict(lr=0.01)), ("Adadelta", dict())])
def test_state_dict_roundtrip_and_torch_layout(name, kwargs):
    ref, ref_opt = fit(torch, lambda m: getattr(torch.optim, name)(m.parameters(), **kwargs), steps=5)
    got, opt = fit(torchlike, lambda m: getattr(torchlike.optim, name)(m.parameters(), **kwargs), steps=5)
    sd, ref_sd = opt.state_dict(), ref_opt.state_dict()
    assert sd["param_groups"] == ref_sd["param_groups"]
    assert sd["state"].keys() == ref_sd["state"].keys()
    for k, s in ref_sd["state"].items():
        assert sd["state"][k].keys() == s.keys()
        for key, v in s.items():
            assert str(sd["state"][k][key].dtype) == str(v.dtype)
            assert tuple(sd["state"][k][key].shape) == tuple(v.shape)

    saved = [copy.deepcopy(sd), _to_torchlike(ref_sd)]
    starts = [[p.detach().numpy().copy() for p in net.parameters()] for net in (got, ref)]
    uninterrupted, _ = fit(torchlike, lambda m: opt, steps=5, m=got)
    # save -> rebuild -> load -> continue, from torchlike's state_dict and from torch's converted
    for source, start, tol in zip(saved, starts, (0, 1e-5)):
        m = model(torchlike)
        for p, a in zip(m.parameters(), start):
            p.data = torchlike.tensor(a)
        new = getattr(torchlike.optim, name)(m.parameters(), **kwargs)
        new.load_state_dict(source)
        resumed, _ = fit(torchlike, lambda m: new, steps=5, m=m)
        params_close(uninterrupted, resumed, tol)


def _to_torchlike(value):
    if isinstance(value, torch.Tensor):
        return torchlike.tensor(value.numpy())
    if isinstance(value, dict):
        return {k: _to_torchlike(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_torchlike(v) for v in value]
    return value


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs(line_search_fn):
    """float64: same algorithm, so trajectories agree to rounding; float32: one short step."""
    for dtype, steps, tol in (("float64", 3, 1e-10), ("float32", 1, 1e-5)):
        results = []
        for lib in (torch, torchlike):
            m = model(lib, dtype)
            opt = lib.optim.LBFGS(m.parameters(), lr=1 if line_search_fn else 0.5, history_size=4, max_iter=6,
                                  line_search_fn=line_search_fn)
            x, y = lib.tensor(X.astype(dtype)), lib.tensor(Y.astype(dtype))

            def closure():
                opt.zero_grad()
                loss = ((m(x) - y) ** 2).mean()
                loss.backward()
                return loss
            losses = [float(opt.step(closure).detach()) for _ in range(steps)]
            results.append((m, losses, opt.state[next(iter(m.parameters()))]["func_evals"]))
        (ref, ref_losses, ref_evals), (got, losses, evals) = results
        assert evals == ref_evals
        np.testing.assert_allclose(losses, ref_losses, rtol=tol)
        params_close(ref, got, tol)


def test_optax_wrapper():
    m = model(torchlike)
    opt = torchlike.optim.Optax(m.parameters(), optax.lion(1e-3))
    w = list(m.parameters())[0]
    before = w.detach().numpy().copy()
    loss_fn(torchlike, m).backward()
    opt.step()
    # lion's first step: -lr * sign((1 - b1) * g)
    expected = before - 1e-3 * np.sign(w.grad.numpy())
    np.testing.assert_allclose(w.detach().numpy(), expected, rtol=1e-6, atol=1e-7)
    assert set(opt.state_dict()["state"][0]) == {"[0][0].count", "[0][0].mu"}
    assert isinstance(opt.tx[0], optax.GradientTransformation)


def test_step_hooks_closure_and_scheduler_wrapping():
    m = model(torchlike)
    opt = torchlike.optim.SGD(m.parameters(), lr=0.1)
    calls = []
    opt.register_step_pre_hook(lambda o, a, k: calls.append("pre"))
    handle = opt.register_step_post_hook(lambda o, a, k: calls.append("post"))
    loss = opt.step(lambda: loss_fn(torchlike, m))
    assert calls == ["pre", "post"] and float(loss) > 0
    handle.remove()
    # torch's LRScheduler wraps the bound step through __func__ to count calls
    func = opt.step.__func__

    def wrapper(*args, **kwargs):
        opt._opt_called = True
        return func.__get__(opt, opt.__class__)(*args, **kwargs)
    opt.step = wrapper
    opt.step()
    assert opt._opt_called and calls == ["pre", "post", "pre"]


def test_zero_grad():
    m = model(torchlike)
    opt = torchlike.optim.SGD(m.parameters(), lr=0.1)
    loss_fn(torchlike, m).backward()
    g = list(m.parameters())[0].grad
    opt.zero_grad(set_to_none=False)
    assert not np.any(g.numpy())
    opt.zero_grad()
    assert all(p.grad is None for p in m.parameters())


@pytest.mark.parametrize("make", [
    lambda lib, p: lib.optim.SGD([], lr=0.1),
    lambda lib, p: lib.optim.SGD(p, lr=0.1),
    lambda lib, p: lib.optim.SGD([p], lr=-1),
    lambda lib, p: lib.optim.SGD([p], lr=0.1, momentum=-1),
    lambda lib, p: lib.optim.SGD([p], lr=0.1, nesterov=True),
    lambda lib, p: lib.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1),
    lambda lib, p: lib.optim.Adam([p], betas=(1.0, 0.999)),
    lambda lib, p: lib.optim.Adam([p], betas=(0.9, -0.1)),
    lambda lib, p: lib.optim.Adam([p], eps=-1),
    lambda lib, p: lib.optim.AdamW([p], weight_decay=-1),
    lambda lib, p: lib.optim.Adadelta([p], rho=1.5),
    lambda lib, p: lib.optim.Rprop([p], etas=(1.5, 1.2)),
    lambda lib, p: lib.optim.Adagrad([p], lr_decay=-1),
    lambda lib, p: lib.optim.SparseAdam([p], lr=0),
    lambda lib, p: lib.optim.LBFGS([{"params": [p]}, {"params": [p * 1]}]),
    lambda lib, p: lib.optim.SGD([p * 2], lr=0.1),
])
def test_errors(make):
    t_err, l_err = expect_error(lambda lib: make(lib, lib.nn.Parameter(lib.ones(3))))
    assert str(l_err) == str(t_err)


def test_shared_arrays_are_not_donated():
    """Parameters update in place (buffer donation) only when no other tensor holds their array:
    a tensor sharing a Parameter's array, or a retained graph, keeps working."""
    w = torchlike.ones(3)
    p = torchlike.nn.Parameter(w)
    opt = torchlike.optim.SGD([p], lr=0.5, momentum=0.9)
    (p * 2).sum().backward()
    opt.step()
    assert w.tolist() == [1.0, 1.0, 1.0] and p.tolist() == [0.0, 0.0, 0.0]
    m = torchlike.nn.Linear(2, 1)
    opt = torchlike.optim.Adam(m.parameters(), lr=0.1)
    loss = m(torchlike.ones(1, 2)).sum()
    loss.backward(retain_graph=True)
    opt.step()
    loss.backward()  # the retained graph's saved arrays are still alive
    assert m.weight.grad.shape == (1, 2)
