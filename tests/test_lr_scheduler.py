"""torch.optim.lr_scheduler parity with torch 2.13: every scheduler is run side by side with
torch's and ``get_last_lr()`` (and momentum / beta1 where cycled) must agree on every step."""
import inspect
import math
import pickle
import warnings

import pytest
import torch

import torchlike
from parity import expect_error

STEPS = 120
GROUPS = [(0.1,), (0.1, 0.025)]


OPTIMIZERS = {"sgd": ("SGD", {"momentum": 0.9}), "adam": ("Adam", {}), "adagrad": ("Adagrad", {})}


def make_optimizer(lib, kind="sgd", lrs=(0.1,)):
    """``lib``'s optimizer of ``kind`` with one param group per lr."""
    name, kwargs = OPTIMIZERS[kind]
    groups = [{"params": [lib.zeros(2, requires_grad=True)], "lr": lr} for lr in lrs]
    return getattr(lib.optim, name)(groups, lr=lrs[0], **kwargs)


def _same(a, b):
    """Bit-exact: torch's recursive and closed forms differ in the last bits, so exactness
    checks that the same formula is used."""
    return float(a) == float(b)


def snapshot(opt, sched):
    """get_last_lr() and each group's lr, momentum and beta1, as floats."""
    keys = ("lr", "momentum", "betas")
    groups = [[float(g[k][0] if k == "betas" else g[k]) for k in keys if k in g] for g in opt.param_groups]
    return [float(lr) for lr in sched.get_last_lr()], groups


def assert_same(got, expected, where):
    """Snapshots agree exactly."""
    (lrs, groups), (t_lrs, t_groups) = got, expected
    values, t_values = lrs + [v for g in groups for v in g], t_lrs + [v for g in t_groups for v in g]
    assert len(values) == len(t_values) and all(map(_same, values, t_values)), f"{where}: {got} != {expected}"


class Scaled:
    """A stateful callable lr_lambda (its ``__dict__`` goes into the state_dict)."""

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, epoch):
        return self.rate ** epoch


# name -> (optimizer kind, group lrs to use (None: both of GROUPS), factory(lr_scheduler module, optimizer))
CASES = {
    "lambda": ("sgd", None, lambda S, o: S.LambdaLR(o, lambda e: 0.97 ** e)),
    "lambda_object": ("sgd", None, lambda S, o: S.LambdaLR(o, Scaled(0.96))),
    "lambda_list": ("sgd", [(0.1, 0.025)], lambda S, o: S.LambdaLR(o, [lambda e: 1 / (e + 1), Scaled(0.99)])),
    "multiplicative": ("sgd", None, lambda S, o: S.MultiplicativeLR(o, lambda e: 0.95 if e % 3 else 1.01)),
    "step": ("sgd", None, lambda S, o: S.StepLR(o, 10)),
    "step_7_half": ("sgd", None, lambda S, o: S.StepLR(o, step_size=7, gamma=0.5)),
    "multistep": ("sgd", None, lambda S, o: S.MultiStepLR(o, [10, 30, 30, 80], gamma=0.3)),
    "constant": ("sgd", None, lambda S, o: S.ConstantLR(o)),
    "constant_half_40": ("sgd", None, lambda S, o: S.ConstantLR(o, factor=0.5, total_iters=40)),
    "linear": ("sgd", None, lambda S, o: S.LinearLR(o)),
    "linear_warmup": ("sgd", None, lambda S, o: S.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=60)),
    "linear_decay": ("sgd", None, lambda S, o: S.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=100)),
    "exponential": ("sgd", None, lambda S, o: S.ExponentialLR(o, gamma=0.97)),
    "polynomial": ("sgd", None, lambda S, o: S.PolynomialLR(o)),
    "polynomial_sq": ("sgd", None, lambda S, o: S.PolynomialLR(o, total_iters=80, power=2.0)),
    "polynomial_sqrt": ("sgd", None, lambda S, o: S.PolynomialLR(o, total_iters=110, power=0.5)),
    "cosine": ("sgd", None, lambda S, o: S.CosineAnnealingLR(o, T_max=100)),
    "cosine_periodic": ("sgd", None, lambda S, o: S.CosineAnnealingLR(o, T_max=30, eta_min=0.001)),
    "warm_restarts": ("sgd", None, lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=10)),
    "warm_restarts_mult": ("sgd", None, lambda S, o: S.CosineAnnealingWarmRestarts(o, 5, T_mult=2, eta_min=1e-4)),
    "cyclic": ("sgd", None, lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=10)),
    "cyclic_tri2": ("sgd", None, lambda S, o: S.CyclicLR(o, 0.01, 0.1, 8, 5, mode="triangular2")),
    "cyclic_exp": ("sgd", None, lambda S, o: S.CyclicLR(o, 0.001, 0.1, 12, mode="exp_range", gamma=0.99)),
    "cyclic_fn_cycle": ("sgd", None, lambda S, o: S.CyclicLR(
        o, 0.01, 0.1, 6, scale_fn=lambda x: 0.5 * (1 + math.sin(x * math.pi / 2)))),
    "cyclic_fn_iter": ("sgd", None, lambda S, o: S.CyclicLR(
        o, 0.01, 0.1, 6, scale_fn=lambda x: 1 / (1 + x / 50), scale_mode="iterations")),
    "cyclic_no_momentum": ("adagrad", None, lambda S, o: S.CyclicLR(o, 0.01, 0.1, 10, cycle_momentum=False)),
    "cyclic_lists": ("sgd", [(0.1, 0.025)], lambda S, o: S.CyclicLR(
        o, [0.01, 0.002], [0.1, 0.05], 9, base_momentum=[0.8, 0.7], max_momentum=(0.9, 0.95))),
    "cyclic_adam": ("adam", None, lambda S, o: S.CyclicLR(o, 1e-4, 1e-3, 15, base_momentum=0.85, max_momentum=0.95)),
    "onecycle": ("sgd", None, lambda S, o: S.OneCycleLR(o, 0.1, total_steps=STEPS)),
    "onecycle_linear": ("sgd", None, lambda S, o: S.OneCycleLR(o, 0.1, total_steps=STEPS, anneal_strategy="linear")),
    "onecycle_three": ("sgd", None, lambda S, o: S.OneCycleLR(o, 0.1, total_steps=STEPS, three_phase=True)),
    "onecycle_epochs": ("sgd", None, lambda S, o: S.OneCycleLR(
        o, 0.1, epochs=12, steps_per_epoch=10, pct_start=0.25, div_factor=10.0, final_div_factor=100.0)),
    "onecycle_no_momentum": ("adagrad", None, lambda S, o: S.OneCycleLR(
        o, 0.1, total_steps=STEPS, cycle_momentum=False)),
    "onecycle_adam": ("adam", None, lambda S, o: S.OneCycleLR(o, 1e-3, total_steps=STEPS, three_phase=True)),
    "onecycle_lists": ("sgd", [(0.1, 0.025)], lambda S, o: S.OneCycleLR(
        o, [0.1, 0.3], total_steps=STEPS, base_momentum=[0.8, 0.85], max_momentum=[0.9, 0.99])),
    "sequential_warmup_cosine": ("sgd", None, lambda S, o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=10), S.CosineAnnealingLR(o, T_max=90)], milestones=[10])),
    "sequential_three": ("sgd", None, lambda S, o: S.SequentialLR(
        o, [S.ConstantLR(o, 0.5, 5), S.ExponentialLR(o, 0.95), S.StepLR(o, 10, 0.5)], [20, 60])),
    "chained_sequential": ("sgd", None, lambda S, o: S.ChainedScheduler([
        S.SequentialLR(o, [S.LinearLR(o, 0.2, total_iters=15), S.ExponentialLR(o, 0.99)], [15]),
        S.StepLR(o, 20, 0.5)])),
    "chained": ("sgd", None, lambda S, o: S.ChainedScheduler([S.ConstantLR(o, 0.1, 10), S.ExponentialLR(o, 0.98)])),
    "chained_opt": ("sgd", None, lambda S, o: S.ChainedScheduler(
        [S.LinearLR(o, 0.5, total_iters=30), S.MultiStepLR(o, [40, 70])], optimizer=o)),
}
RUNS = [(name, lrs) for name, (_, groups, _) in CASES.items() for lrs in (groups or GROUPS)]


def build(lib, name, lrs):
    kind, _, factory = CASES[name]
    opt = make_optimizer(lib, kind, lrs)
    return opt, factory(lib.optim.lr_scheduler, opt)


def run_both(name, lrs, steps, state=None):
    """Build both schedulers (torchlike optionally restored from ``state``), step ``steps`` times."""
    (t_opt, t_sched), (l_opt, l_sched) = build(torch, name, lrs), build(torchlike, name, lrs)
    assert_same(snapshot(l_opt, l_sched), snapshot(t_opt, t_sched), f"{name} init")
    for i in range(steps):
        t_opt.step(), l_opt.step()
        t_sched.step(), l_sched.step()
        assert_same(snapshot(l_opt, l_sched), snapshot(t_opt, t_sched), f"{name} step {i + 1}")
    return (t_opt, t_sched), (l_opt, l_sched)


@pytest.mark.parametrize("name,lrs", RUNS, ids=[f"{n}-{len(g)}groups" for n, g in RUNS])
def test_schedule_matches_torch(name, lrs):
    run_both(name, lrs, STEPS)


@pytest.mark.parametrize("name", list(CASES))
def test_state_dict_round_trip(name):
    """Save mid-run, rebuild, load and continue: the same as the uninterrupted run (torch's).
    The state_dict has torch's keys, pickles, and torch's own state_dict loads as well."""
    lrs, saved_at = (CASES[name][1] or GROUPS)[-1], 37
    (t_opt, t_sched), (l_opt, l_sched) = run_both(name, lrs, saved_at)
    t_state, l_state = t_sched.state_dict(), l_sched.state_dict()
    assert set(l_state) == set(t_state)
    if "lambda" not in name:  # plain lambdas don't pickle (in torch neither)
        l_state = pickle.loads(pickle.dumps(l_state))
    groups = [{k: v for k, v in g.items() if k != "params"} for g in l_opt.param_groups]
    expected = []
    for _ in range(STEPS - saved_at):
        t_opt.step(), t_sched.step()
        expected.append(snapshot(t_opt, t_sched))
    for state in (l_state, t_state):
        opt, sched = build(torchlike, name, lrs)
        for group, saved in zip(opt.param_groups, groups):
            group.update(saved)
        sched.load_state_dict(dict(state))  # (torch's CyclicLR.load_state_dict pops from its argument)
        for i, t_snapshot in enumerate(expected):
            opt.step(), sched.step()
            assert_same(snapshot(opt, sched), t_snapshot, f"{name} resumed step {i + 1}")


@pytest.mark.parametrize("factory", [
    lambda S, o, e: S.StepLR(o, 5, last_epoch=e),
    lambda S, o, e: S.ExponentialLR(o, 0.9, last_epoch=e),
    lambda S, o, e: S.CosineAnnealingLR(o, 20, 0.01, last_epoch=e),
    lambda S, o, e: S.PolynomialLR(o, 30, 2.0, last_epoch=e),
    lambda S, o, e: S.LinearLR(o, 0.25, total_iters=20, last_epoch=e),
    lambda S, o, e: S.CosineAnnealingWarmRestarts(o, 4, 2, last_epoch=e),
    lambda S, o, e: S.CyclicLR(o, 0.01, 0.1, 5, last_epoch=e),
    lambda S, o, e: S.OneCycleLR(o, 0.1, total_steps=60, last_epoch=e),
])
def test_resume_with_last_epoch(factory):
    """A second scheduler built with ``last_epoch`` on an optimizer that has 'initial_lr'."""
    runs = []
    for lib in (torch, torchlike):
        opt = make_optimizer(lib, "sgd", (0.1, 0.025))
        sched = factory(lib.optim.lr_scheduler, opt, -1)
        for _ in range(7):
            opt.step(), sched.step()
        sched = factory(lib.optim.lr_scheduler, opt, 7)
        lrs = [sched.get_last_lr()]
        for _ in range(40):
            opt.step(), sched.step()
            lrs.append(sched.get_last_lr())
        runs.append(lrs)
    assert all(all(map(_same, got, lrs)) for lrs, got in zip(*runs)), runs


@pytest.mark.parametrize("factory,epochs", [
    (lambda S, o: S.StepLR(o, 4, 0.5), [0, 3, 4, 9, 2, 17]),
    (lambda S, o: S.MultiStepLR(o, [3, 5, 5, 9], 0.3), [1, 5, 4, 12, 0]),
    (lambda S, o: S.ConstantLR(o, 0.25, 6), [2, 6, 1, 40]),
    (lambda S, o: S.LinearLR(o, 0.2, 0.8, 10), [3, 11, 7, 0]),
    (lambda S, o: S.ExponentialLR(o, 0.9), [5, 1, 30]),
    (lambda S, o: S.PolynomialLR(o, 10, 1.5), [3, 12, 9]),
    (lambda S, o: S.CosineAnnealingLR(o, 10, 0.01), [4, 13, 25, 1]),
    (lambda S, o: S.LambdaLR(o, lambda e: 1 / (1 + e)), [3, 8, 2]),  # no closed form: get_lr
    (lambda S, o: S.CosineAnnealingWarmRestarts(o, 10, 1, 0.001), [0.5, 3.25, 10, 12.5, 27.75, 4]),
    (lambda S, o: S.CosineAnnealingWarmRestarts(o, 3, 2), [0.1, 2.9, 3, 8.5, 9, 21.3, 45.0, 1]),
])
def test_step_with_epoch(factory, epochs):
    """Deprecated ``step(epoch)``: closed forms and fractional epochs; torch's warning."""
    runs = []
    for lib in (torch, torchlike):
        opt = make_optimizer(lib, "sgd", (0.1, 0.025))
        sched = factory(lib.optim.lr_scheduler, opt)
        lrs = []
        for epoch in epochs:
            opt.step()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                sched.step(epoch)
            lrs.append((sched.get_last_lr(), sched.last_epoch, [str(w.message)[:40] for w in caught]))
        runs.append(lrs)
    t_run, l_run = runs
    for (t_lrs, t_epoch, t_warn), (l_lrs, l_epoch, l_warn) in zip(t_run, l_run):
        assert all(map(_same, l_lrs, t_lrs)) and l_epoch == t_epoch and l_warn == t_warn, runs


def test_warm_restarts_fractional_iterations():
    """The documented per-batch use: ``step(epoch + i / iters)``."""
    runs = []
    for lib in (torch, torchlike):
        opt = make_optimizer(lib, "sgd", (0.1,))
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, 3, 2, 1e-5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in range(20):
                for i in range(7):
                    opt.step()
                    sched.step(epoch + i / 7)
        runs.append((sched.get_last_lr(), sched.T_cur, sched.T_i, sched.last_epoch))
    assert runs[0] == runs[1]


METRICS = {
    "decreasing_plateaus": [1.0 / (1 + i // 7) + 0.01 * (i % 3) for i in range(STEPS)],
    "noisy": [math.sin(i * 0.7) * 0.2 + 1.0 - i * 0.002 for i in range(STEPS)],
    "rising": [i * 0.01 + 0.05 * math.cos(i) for i in range(STEPS)],
    "flat": [0.5] * STEPS,
}


@pytest.mark.parametrize("kwargs", [
    {},
    {"patience": 2},
    {"mode": "max", "patience": 3, "factor": 0.5},
    {"threshold_mode": "abs", "threshold": 0.01, "patience": 1},
    {"mode": "max", "threshold_mode": "abs", "threshold": 0.05, "patience": 0},
    {"patience": 1, "cooldown": 3, "factor": 0.3, "min_lr": 1e-3},
    {"patience": 0, "factor": 0.5, "min_lr": [0.01, 0.02]},
    {"patience": 0, "factor": 0.9, "eps": 0.005},
])
@pytest.mark.parametrize("metrics", METRICS, ids=list(METRICS))
def test_reduce_on_plateau(kwargs, metrics):
    scheds = []
    for lib in (torch, torchlike):
        opt = make_optimizer(lib, "sgd", (0.1, 0.025))
        scheds.append((opt, lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)))
    (t_opt, t_sched), (l_opt, l_sched) = scheds
    assert set(l_sched.state_dict()) == set(t_sched.state_dict())
    for i, value in enumerate(METRICS[metrics]):
        t_opt.step(), l_opt.step()
        t_sched.step(torch.tensor(value) if i % 2 else value)  # float32 tensors as well as floats
        l_sched.step(torchlike.tensor(value) if i % 2 else value)
        assert_same(snapshot(l_opt, l_sched), snapshot(t_opt, t_sched), f"step {i}")
        assert (l_sched.best, l_sched.num_bad_epochs, l_sched.cooldown_counter) == \
            (t_sched.best, t_sched.num_bad_epochs, t_sched.cooldown_counter)
        if i == 50:  # round trip through the state_dict
            state = pickle.loads(pickle.dumps(l_sched.state_dict()))
            l_sched = torchlike.optim.lr_scheduler.ReduceLROnPlateau(l_opt)
            l_sched.load_state_dict(state)


def _warnings(fn):
    out = []
    for lib in (torch, torchlike):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn(lib)
        out.append([(w.category, str(w.message)) for w in caught])
    return out


def test_step_order_warning():
    def scheduler_first(lib):
        opt = make_optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 3)
        sched.step()
        opt.step()
        sched.step()

    t_warn, l_warn = _warnings(scheduler_first)
    assert l_warn == t_warn and len(t_warn) == 1 and "before `optimizer.step()`" in t_warn[0][1]


def test_no_warning_in_the_right_order():
    def optimizer_first(lib):
        opt = make_optimizer(lib)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.9)
        lib.optim.lr_scheduler.StepLR(opt, 2)  # a second scheduler doesn't re-wrap the step
        for _ in range(3):
            opt.step(), sched.step()

    assert _warnings(optimizer_first) == [[], []]


def test_overridden_step_warning():
    def override(lib):
        opt = make_optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 3)
        opt.step = lambda closure=None: None
        opt.step()
        sched.step()

    t_warn, l_warn = _warnings(override)
    assert l_warn == t_warn and len(t_warn) == 1 and "overridden" in t_warn[0][1]


def test_get_lr_outside_step_warning():
    def call_get_lr(lib):
        opt = make_optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 3)
        assert sched.get_lr() == [0.1]

    t_warn, l_warn = _warnings(call_get_lr)
    assert l_warn == t_warn and len(t_warn) == 1 and "get_last_lr()" in t_warn[0][1]


@pytest.mark.parametrize("name", torch.optim.lr_scheduler.__all__)
def test_signature(name):
    def params(cls):
        return [(p.name, p.kind, p.default) for p in inspect.signature(cls).parameters.values()]

    assert params(getattr(torchlike.optim.lr_scheduler, name)) == params(getattr(torch.optim.lr_scheduler, name))


def test_initial_lr_and_api():
    S, opt = torchlike.optim.lr_scheduler, make_optimizer(torchlike, "sgd", (0.1, 0.025))
    sched = S.StepLR(opt, 3)
    assert [g["initial_lr"] for g in opt.param_groups] == sched.base_lrs == [0.1, 0.025]
    assert sched.last_epoch == 0 and sched._step_count == 1
    assert issubclass(S._LRScheduler, S.LRScheduler) and isinstance(sched, S.LRScheduler)
    assert sorted(S.__all__) == sorted(torch.optim.lr_scheduler.__all__)
    with pytest.raises(NotImplementedError):
        S.LRScheduler(opt)


def test_tensor_learning_rates():
    """A Tensor lr is updated in place, as torch does; the schedule is unchanged."""
    lrs = []
    for lib in (torch, torchlike):
        opt = make_optimizer(lib, "sgd", (0.1,))
        lr = lib.tensor(0.1, dtype=lib.float64)
        opt.param_groups[0]["lr"] = lr
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.9)
        for _ in range(5):
            opt.step(), sched.step()
        assert opt.param_groups[0]["lr"] is lr
        lrs.append(float(lr))
    assert lrs[0] == lrs[1]


def _sched(name, *args, kind="sgd", lrs=(0.1, 0.025), **kwargs):
    return lambda lib: getattr(lib.optim.lr_scheduler, name)(make_optimizer(lib, kind, lrs), *args, **kwargs)


def _onecycle_overrun(lib):
    opt = make_optimizer(lib)
    sched = lib.optim.lr_scheduler.OneCycleLR(opt, 0.1, total_steps=3)
    for _ in range(4):
        opt.step(), sched.step()


def _resume_without_initial_lr(lib):
    lib.optim.lr_scheduler.StepLR(make_optimizer(lib, "sgd", (0.1, 0.2)), 3, last_epoch=4)


def _composed(name, make):
    def fn(lib):
        S, opt = lib.optim.lr_scheduler, make_optimizer(lib)
        return getattr(S, name)(*make(S, opt))
    return fn


@pytest.mark.parametrize("fn", [
    lambda lib: lib.optim.lr_scheduler.StepLR(None, 3),
    lambda lib: lib.optim.lr_scheduler.StepLR(),
    lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau([]),
    lambda lib: lib.optim.lr_scheduler.CyclicLR("opt", 0.1, 0.2),
    lambda lib: lib.optim.lr_scheduler.LambdaLR(),
    lambda lib: lib.optim.lr_scheduler.MultiplicativeLR(make_optimizer(lib)),
    _sched("StepLR", 3, verbose=True),  # verbose was removed in torch 2.13
    _sched("LambdaLR", lambda e: 1.0, verbose=True),
    _sched("ReduceLROnPlateau", verbose=True),
    _sched("ExponentialLR"),
    _sched("OneCycleLR", 0.1),
    _sched("OneCycleLR", 0.1, epochs=3),
    _sched("OneCycleLR", 0.1, total_steps=0),
    _sched("OneCycleLR", 0.1, total_steps=10.0),
    _sched("OneCycleLR", 0.1, epochs=0, steps_per_epoch=3),
    _sched("OneCycleLR", 0.1, epochs=2, steps_per_epoch=-1),
    _sched("OneCycleLR", 0.1, total_steps=10, pct_start=1),
    _sched("OneCycleLR", 0.1, total_steps=10, pct_start=1.5),
    _sched("OneCycleLR", 0.1, total_steps=10, anneal_strategy="exp"),
    _sched("OneCycleLR", [0.1], total_steps=10),
    _sched("OneCycleLR", 0.1, total_steps=10, kind="adagrad"),
    _onecycle_overrun,
    _sched("CyclicLR", 0.01, 0.1, mode="sawtooth"),
    _sched("CyclicLR", [0.01, 0.02, 0.03], 0.1),
    _sched("CyclicLR", 0.01, (0.1,)),
    _sched("CyclicLR", 0.01, 0.1, kind="adagrad"),
    _sched("CyclicLR", 0.01, 0.1, base_momentum=[0.8]),
    _sched("ConstantLR", factor=1.5),
    _sched("ConstantLR", factor=-0.1),
    _sched("LinearLR", start_factor=0),
    _sched("LinearLR", end_factor=1.2),
    _sched("CosineAnnealingWarmRestarts", 0),
    _sched("CosineAnnealingWarmRestarts", 2.0),
    _sched("CosineAnnealingWarmRestarts", 5, T_mult=0),
    _sched("CosineAnnealingWarmRestarts", 5, T_mult=1.5),
    _sched("CosineAnnealingWarmRestarts", 5, eta_min="0"),
    lambda lib: _sched("CosineAnnealingWarmRestarts", 5)(lib).step(-1),
    _sched("LambdaLR", [lambda e: 1.0]),
    _sched("MultiplicativeLR", 0.9),
    _sched("MultiplicativeLR", [lambda e: 1.0, 3]),
    _sched("ReduceLROnPlateau", factor=1.0),
    _sched("ReduceLROnPlateau", mode="median"),
    _sched("ReduceLROnPlateau", threshold_mode="percent"),
    _sched("ReduceLROnPlateau", min_lr=[0.1]),
    _resume_without_initial_lr,
    _composed("SequentialLR", lambda S, o: (o, [], [])),
    _composed("SequentialLR", lambda S, o: (o, [S.StepLR(o, 2), S.ExponentialLR(o, 0.9)], [])),
    _composed("SequentialLR", lambda S, o: (o, [S.StepLR(o, 2), S.ReduceLROnPlateau(o)], [3])),
    _composed("SequentialLR", lambda S, o: (o, [S.StepLR(o, 2), "sched"], [3])),
    _composed("ChainedScheduler", lambda S, o: ([],)),
    _composed("ChainedScheduler", lambda S, o: ([S.StepLR(o, 2), S.ReduceLROnPlateau(o)],)),
])
def test_errors(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err) == str(t_err)


@pytest.mark.parametrize("name", ["SequentialLR", "ChainedScheduler"])
def test_composition_with_other_optimizer(name):
    def fn(lib):
        S, opt, other = lib.optim.lr_scheduler, make_optimizer(lib), make_optimizer(lib)
        schedulers = [S.StepLR(opt, 2), S.StepLR(other, 2)]
        S.SequentialLR(opt, schedulers, [2]) if name == "SequentialLR" else S.ChainedScheduler(schedulers)

    t_err, l_err = expect_error(fn)  # the message shows the optimizer's repr, which differs
    assert str(l_err).split(" has ")[0] == str(t_err).split(" has ")[0]
