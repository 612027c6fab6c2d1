"""torch.arange / torch.range / linspace / logspace against torch 2.13 on the forms real
programs use: int and float bounds and steps, negative steps, steps that do not divide the
range, float steps whose length depends on rounding, 0-d tensor arguments, dtype=/out=/
requires_grad=, empty ranges and torch's errors."""
import itertools
import warnings

import numpy as np
import pytest
import torch

import torchlike
from tests.parity import TOLERANCE, expect_error

LIBS = (torch, torchlike)


def _compare(fn):
    """fn(lib) under both libraries: same dtype, shape, requires_grad and (per-dtype tolerance) values."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch.range's deprecation warning
        t, l_ = fn(torch), fn(torchlike)
    assert str(l_.dtype) == str(t.dtype), (l_.dtype, t.dtype)
    assert tuple(l_.shape) == tuple(t.shape), (tuple(l_.shape), tuple(t.shape))
    assert l_.requires_grad == t.requires_grad
    expected = t.detach().double().numpy()
    got = np.asarray(l_.detach().double().numpy())
    rtol, atol = TOLERANCE.get(str(t.dtype).replace("torch.", ""), (0, 0))
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)


BOUNDS = (0, 1, -3, 10, 0.5, -0.7, 2.5)
STEPS = (2, 3, -2, 7, 0.5, 0.3, -0.3, 1.5)


def _consistent(start, end, step):
    return (step > 0 and end >= start) or (step < 0 and end <= start)


@pytest.mark.parametrize("step", STEPS)
def test_arange_grid(step):
    """Every start/end pair of BOUNDS with this step: default dtype inference and int64/float64."""
    for start, end in itertools.product(BOUNDS, BOUNDS):
        if _consistent(start, end, step):
            _compare(lambda L: L.arange(start, end, step))
            _compare(lambda L: L.arange(start, end, step, dtype=L.float64))
            if int(step):
                _compare(lambda L: L.arange(start, end, step, dtype=L.int64))


@pytest.mark.parametrize("form", [
    lambda L: L.arange(0, 10, 2),  # the reported bug: one element too many for integer steps != 1
    lambda L: L.arange(0, 10, 3),
    lambda L: L.arange(1, 10, 4),
    lambda L: L.arange(10, 0, -2),
    lambda L: L.arange(-5, 5, 3),
    lambda L: L.arange(0, 0, 2),
    lambda L: L.arange(0, 1, 0.1),
    lambda L: L.arange(-1, 1, 0.2),
    lambda L: L.arange(1, 2.5, 0.5),
    lambda L: L.arange(0, 1, 1 / 3),
    lambda L: L.arange(2, 0.5, -2, dtype=L.int64),
    lambda L: L.arange(0.5, 10, 3, dtype=L.int32),
    lambda L: L.arange(0, 10, 3, dtype=L.float16),
    lambda L: L.arange(0, 10, 0.3, dtype=L.bfloat16),
    lambda L: L.arange(L.tensor(0), L.tensor(10), L.tensor(3)),
    lambda L: L.arange(L.tensor(1.5), 7, L.tensor(2)),
    lambda L: L.arange(0, 9, 2, dtype=L.float32, requires_grad=True),
    lambda L: L.arange(0, 9, 2, out=L.empty(0, dtype=L.int32)),
    lambda L: L.arange(10, -10, -7, out=L.empty(3)),
], ids=lambda f: "")
def test_arange_forms(form):
    _compare(form)


@pytest.mark.parametrize("form", [
    lambda L: L.range(0, 10, 2),
    lambda L: L.range(0, 10, 3),
    lambda L: L.range(10, 0, -3),
    lambda L: L.range(-0.7, 0.1, 0.2),  # (0.8 / 0.2) + 1 rounds up to 5 in float64, as torch computes it
    lambda L: L.range(-0.7, 0.1, 0.1, dtype=L.float64),
    lambda L: L.range(0, 1, 0.1),
    lambda L: L.range(0, 1, 1.5, dtype=L.int32),  # integer dtypes truncate the bounds and step first
    lambda L: L.range(0.1, 10, 1, dtype=L.int64),
    lambda L: L.range(3, -10, -1.5, dtype=L.int32),
    lambda L: L.range(0, 7, 2, dtype=L.float16),
    lambda L: L.range(L.tensor(1), L.tensor(4)),
], ids=lambda f: "")
def test_range_forms(form):
    _compare(form)


@pytest.mark.parametrize("form", [
    lambda L: L.linspace(0, 1, 10),
    lambda L: L.linspace(-1, 1, 7, dtype=L.float64),
    lambda L: L.linspace(10, -10, 5, dtype=L.int64),
    lambda L: L.linspace(2.5, 0.1, 7, dtype=L.float16),
    lambda L: L.linspace(L.tensor(0.), L.tensor(3.), L.tensor(4)),
    lambda L: L.linspace(0, 1, 4, requires_grad=True),
    lambda L: L.logspace(0, 3, 4),
    lambda L: L.logspace(-1, 1, 5, 2),
    lambda L: L.logspace(0, 2, 3, dtype=L.int64),
    lambda L: L.logspace(3, 2, 7, dtype=L.float64),
    lambda L: L.linspace(3, -1, 3, dtype=L.uint8),  # -1 wraps to 255 before the values are computed
    lambda L: L.linspace(-0.7, 3, 4, dtype=L.int8),
    lambda L: L.linspace(-0.7, 0, 0, dtype=L.uint8),
    lambda L: L.logspace(3, 2, 3, dtype=L.uint8),  # 1000 and 316 wrap modulo 256
], ids=lambda f: "")
def test_spaced_forms(form):
    _compare(form)


@pytest.mark.parametrize("form", [
    lambda L: L.arange(0, 10, 0),
    lambda L: L.arange(0, 10, -2),
    lambda L: L.arange(10, 0, 2),
    lambda L: L.arange(0, 1, 0.5, dtype=L.int64),
    lambda L: L.arange(0, 10, 2, requires_grad=True),
    lambda L: L.range(0, 10, -2),
    lambda L: L.range(0, 0.1, -1, dtype=L.int32),
    lambda L: L.range(0, 10, 0.),
    lambda L: L.linspace(-0.7, 3, 3, dtype=L.uint8),
    lambda L: L.linspace(300, 0, 3, dtype=L.int8),
    lambda L: L.logspace(0, 2.0 ** 40, 3, dtype=L.int32),
], ids=lambda f: "")
def test_range_errors(form):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        t_err, l_err = expect_error(form)
    assert str(l_err).split("\n")[0] == str(t_err).split("\n")[0]
