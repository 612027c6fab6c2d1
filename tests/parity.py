"""Table-driven parity harness: run the same code under torch 2.13 and torchlike, compare.

A ``Case`` names a function ``fn(lib, *tensors, **kwargs)`` written once against the torch
API (``lib`` is the ``torch`` or ``torchlike`` module), and its inputs as NumPy arrays or
Python values. ``check`` compares forward values, dtypes and shapes, and, for float inputs,
the gradients of a fixed random projection of the outputs. Tolerances are per dtype.
"""
import dataclasses
from typing import Callable

import numpy as np
import torch

import torchlike

# (rtol, atol) by dtype name
TOLERANCE = {
    "float16": (1e-2, 1e-3), "bfloat16": (2e-2, 1e-2), "float32": (1.3e-5, 1e-5), "float64": (1e-7, 1e-7),
    "complex64": (1.3e-5, 1e-5), "complex128": (1e-7, 1e-7),
}


@dataclasses.dataclass
class Case:
    name: str
    fn: Callable
    inputs: tuple = ()
    kwargs: dict = dataclasses.field(default_factory=dict)
    grad: bool = True        # compare gradients w.r.t. float array inputs
    tol: tuple = None        # (rtol, atol) overriding the dtype default
    values: bool = True      # compare values (False for e.g. random ops, checked otherwise)

    def __str__(self):
        return self.name


def rand(*shape, dtype="float32", low=-2.0, high=2.0, seed=0):
    """A reproducible sample array (ints: in [low, high))."""
    rng = np.random.default_rng(seed + sum(shape) * 7 + len(shape))
    if np.dtype(dtype).kind in "iu":
        return rng.integers(int(low), int(high), size=shape).astype(dtype)
    if np.dtype(dtype).kind == "b":
        return rng.random(shape) > 0.5
    if np.dtype(dtype).kind == "c":
        return (rng.uniform(low, high, shape) + 1j * rng.uniform(low, high, shape)).astype(dtype)
    return rng.uniform(low, high, shape).astype(dtype)


def positive(*shape, dtype="float32", seed=0):
    return rand(*shape, dtype=dtype, low=0.1, high=3.0, seed=seed)


def _to(lib, value, requires_grad):
    if isinstance(value, np.ndarray):
        t = lib.tensor(value)
        if requires_grad and value.dtype.kind in "fc":
            t.requires_grad_(True)
        return t
    return value


def _flatten(out):
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flatten(o)]
    if hasattr(out, "_fields"):
        return [x for o in out for x in _flatten(o)]
    return [out]


def _numpy(t):
    if isinstance(t, (torch.Tensor,)):
        t = t.detach()
        return t.float().numpy() if t.dtype is torch.bfloat16 else t.resolve_conj().resolve_neg().numpy()
    if isinstance(t, torchlike.Tensor):
        t = t.detach()
        return t.float().numpy() if t.dtype is torchlike.bfloat16 else t.numpy()
    return t


def assert_same(expected, actual, tol=None, what="output"):
    """Compare a torch result with a torchlike result: type, dtype, shape, values."""
    if isinstance(expected, torch.Tensor):
        assert isinstance(actual, torchlike.Tensor), f"{what}: expected a Tensor, got {type(actual).__name__}"
        assert str(actual.dtype) == str(expected.dtype), f"{what}: dtype {actual.dtype} != torch's {expected.dtype}"
        assert tuple(actual.shape) == tuple(expected.shape), \
            f"{what}: shape {tuple(actual.shape)} != torch's {tuple(expected.shape)}"
        rtol, atol = tol or TOLERANCE.get(str(expected.dtype).split(".")[-1], (0, 0))
        np.testing.assert_allclose(_numpy(actual), _numpy(expected), rtol=rtol, atol=atol, equal_nan=True,
                                   err_msg=what)
    elif isinstance(expected, float):
        assert isinstance(actual, (float, int)), f"{what}: expected a float, got {type(actual).__name__}"
        np.testing.assert_allclose(actual, expected, rtol=(tol or (1e-6, 0))[0], err_msg=what)
    else:
        assert type(actual).__name__ == type(expected).__name__ or isinstance(expected, (int, bool)), \
            f"{what}: {type(actual).__name__} != torch's {type(expected).__name__}"
        assert actual == expected, f"{what}: {actual!r} != torch's {expected!r}"


def run(case, lib):
    tensors = [_to(lib, v, case.grad) for v in case.inputs]
    return tensors, case.fn(lib, *tensors, **case.kwargs)


def check(case):
    """Run ``case`` under both libraries and compare values, dtypes, shapes and gradients."""
    t_inputs, expected = run(case, torch)
    l_inputs, actual = run(case, torchlike)
    wrt = [(t, l) for t, l in zip(t_inputs, l_inputs) if isinstance(t, torch.Tensor) and t.requires_grad]
    assert_outputs_and_grads(expected, actual, [t for t, _ in wrt] if case.grad else [],
                             [l for _, l in wrt] if case.grad else [], case.tol, case.name, case.values)


def assert_outputs_and_grads(expected, actual, t_wrt, l_wrt, tol=None, name="", values=True):
    """Compare torch's and torchlike's (nested) outputs, then the gradients of one fixed random
    weighting of all differentiable outputs w.r.t. ``t_wrt`` / ``l_wrt``."""
    exp_flat, act_flat = _flatten(expected), _flatten(actual)
    assert len(exp_flat) == len(act_flat), f"{name}: {len(act_flat)} outputs, torch gives {len(exp_flat)}"
    if values:
        for i, (e, a) in enumerate(zip(exp_flat, act_flat)):
            assert_same(e, a, tol, what=f"{name} output {i}")
    outs = [(e, a) for e, a in zip(exp_flat, act_flat) if isinstance(e, torch.Tensor) and e.requires_grad]
    if not t_wrt or not outs:
        return
    rng = np.random.default_rng(1)
    t_loss, l_loss = 0, 0
    for e, a in outs:
        w = rng.uniform(0.5, 1.5, tuple(e.shape)).astype(_numpy(e).dtype)
        t_loss = t_loss + (e * torch.tensor(w)).real.sum() if e.is_complex() else t_loss + (e * torch.tensor(w)).sum()
        l_loss = l_loss + (a * torchlike.tensor(w)).real.sum() if a.is_complex() else \
            l_loss + (a * torchlike.tensor(w)).sum()
    t_grads = torch.autograd.grad(t_loss, list(t_wrt), allow_unused=True)
    l_grads = torchlike.autograd.grad(l_loss, list(l_wrt), allow_unused=True)
    for i, (e, a) in enumerate(zip(t_grads, l_grads)):
        if e is None:
            assert a is None or not np.any(_numpy(a)), f"{name}: grad {i} should be None/zero"
            continue
        assert a is not None, f"{name}: grad {i} missing"
        assert_same(e, a, tol, what=f"{name} grad {i}")


def module_pair(make):
    """``make(nn)`` under torch and torchlike, torch's state copied into torchlike's, after
    checking that both print and lay out their state_dict identically."""
    t_mod, l_mod = make(torch.nn), make(torchlike.nn)
    assert repr(l_mod) == repr(t_mod)
    t_sd = t_mod.state_dict()
    assert [(k, tuple(v.shape)) for k, v in l_mod.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in t_sd.items()]
    l_mod.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in t_sd.items()})
    return t_mod, l_mod


def expect_error(fn, lib_exc=None):
    """Run ``fn(lib)`` under torch and torchlike; both must raise the same exception type
    (and torchlike's message must start like torch's)."""
    errors = []
    for lib in (torch, torchlike):
        try:
            fn(lib)
        except Exception as e:  # noqa: BLE001 - comparing whatever both raise
            errors.append(e)
        else:
            errors.append(None)
    t_err, l_err = errors
    assert t_err is not None, "torch did not raise"
    assert l_err is not None, f"torchlike did not raise (torch raised {type(t_err).__name__}: {t_err})"
    assert type(l_err) is type(t_err), \
        f"torchlike raised {type(l_err).__name__}: {l_err}; torch {type(t_err).__name__}: {t_err}"
    return t_err, l_err
