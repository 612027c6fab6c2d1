"""Regression rows for fidelity bugs found from outside: gradients at activation kinks, Tensor.flip's
varargs, arange's length, F.sigmoid of integers (each compared with torch 2.13)."""
import numpy as np
import pytest
import torch

import torchlike

KINKS = [-6.0, -3.0, -1.0, -0.0, 0.0, 1.0, 3.0, 6.0]  # NaN is in the OpInfo sweep (tests/opinfo_db_pointwise.py)


def _grad(lib, fn):
    x = lib.tensor(KINKS, dtype=lib.float64, requires_grad=True)
    fn(lib, x).sum().backward()
    return x.grad.numpy()


@pytest.mark.parametrize("name,fn", [
    ("F.relu", lambda lib, x: lib.nn.functional.relu(x)),
    ("nn.ReLU", lambda lib, x: lib.nn.ReLU()(x)),
    ("F.relu_", lambda lib, x: lib.nn.functional.relu_(x.clone())),
    ("torch.relu", lambda lib, x: lib.relu(x)),
    ("F.relu6", lambda lib, x: lib.nn.functional.relu6(x)),
    ("F.hardtanh", lambda lib, x: lib.nn.functional.hardtanh(x)),
    ("F.hardsigmoid", lambda lib, x: lib.nn.functional.hardsigmoid(x)),
    ("F.hardswish", lambda lib, x: lib.nn.functional.hardswish(x)),
    ("F.elu", lambda lib, x: lib.nn.functional.elu(x)),
    ("F.leaky_relu", lambda lib, x: lib.nn.functional.leaky_relu(x, 0.1)),
    ("torch.abs", lambda lib, x: lib.abs(x)),
    ("torch.maximum", lambda lib, x: lib.maximum(x, lib.zeros_like(x))),
    ("torch.clamp", lambda lib, x: lib.clamp(x, -1, 1)),
])
def test_gradient_at_kinks(name, fn):
    np.testing.assert_allclose(_grad(torchlike, fn), _grad(torch, fn), rtol=1e-7, atol=0, err_msg=name)


@pytest.mark.parametrize("args", [(0,), (0, 1), ((0, 1),), ([1],), (-1,)])
def test_flip_method_varargs(args):
    values = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(torchlike.tensor(values).flip(*args).numpy(), torch.tensor(values).flip(*args))


def test_flip_function_refuses_an_int_as_torch():
    for lib in (torch, torchlike):
        with pytest.raises(TypeError):
            lib.flip(lib.ones(2), 0)


@pytest.mark.parametrize("args", [(0, 10, 2), (0, 9, 2), (1, 10, 3), (10, 0, -3), (0.0, 1.0, 0.1)])
def test_arange_length(args):
    assert torchlike.arange(*args).tolist() == pytest.approx(torch.arange(*args).tolist())


def test_sigmoid_of_integers_is_float_in_every_namespace():
    for fn in (lambda lib, x: lib.sigmoid(x), lambda lib, x: lib.nn.functional.sigmoid(x)):
        expected = fn(torch, torch.tensor([1, 2]))
        actual = fn(torchlike, torchlike.tensor([1, 2]))
        assert str(actual.dtype) == str(expected.dtype)
        np.testing.assert_allclose(actual.numpy(), expected.numpy(), rtol=1e-6)
