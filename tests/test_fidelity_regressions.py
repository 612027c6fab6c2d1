"""Regression rows for fidelity bugs found from outside: gradients at activation kinks, Tensor.flip's
varargs, arange's length, F.sigmoid of integers, and what the every-dtype OpInfo run found (each
compared with torch 2.13)."""
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


# ---- found by the exhaustive (every-dtype) OpInfo run -----------------------------------------------
def _values(lib, fn):
    out = fn(lib)
    return out.detach().numpy() if isinstance(out, lib.Tensor) else out


@pytest.mark.parametrize("name,fn", [
    ("complex abs at inf", lambda lib: lib.tensor([complex(np.inf, np.nan), complex(np.nan, -np.inf)]).abs()),
    ("polygamma at poles", lambda lib: lib.polygamma(2, lib.tensor([0.0, -1.0, -2.0, 0.5], dtype=lib.float64))),
    ("zeta special values", lambda lib: lib.special.zeta(lib.tensor([1.0, 0.5, 3.0, np.nan, 1e30]),
                                                         lib.tensor([2.0, 2.0, -1.0, 0.0, 1.0]))),
    ("logspace to int16", lambda lib: lib.logspace(0, 10, 4, dtype=lib.int16)),
    ("logspace to uint8", lambda lib: lib.logspace(-2, 3, 1, dtype=lib.uint8)),
    ("einsum trace of uint8", lambda lib: str(lib.einsum("ii", lib.ones(3, 3, dtype=lib.uint8)).dtype)),
    ("lcm overflow in int8", lambda lib: lib.lcm(lib.tensor([-6, 100], dtype=lib.int8),
                                                 lib.tensor([127, 3], dtype=lib.int8))),
    ("scatter multiply keeps uint8", lambda lib: str(lib.ones(2, 2, dtype=lib.uint8).scatter(
        1, lib.tensor([[0], [1]]), lib.full((2, 1), 3, dtype=lib.uint8), reduce="multiply").dtype)),
    ("softplus of float16 at the threshold",
     lambda lib: lib.nn.functional.softplus(lib.tensor([20.0, 19.0], dtype=lib.float16))),
    ("median of empty int8", lambda lib: lib.median(lib.zeros(0, dtype=lib.int8))),
])
def test_every_dtype_findings(name, fn):
    np.testing.assert_array_equal(_values(torchlike, fn), _values(torch, fn), err_msg=name)


def test_complex_sgn_is_differentiable():
    grads = []
    for lib in (torch, torchlike):
        z = lib.tensor([1 + 2j, -3j, 0j], dtype=lib.complex128, requires_grad=True)
        (grad,) = lib.autograd.grad((z.sgn() * lib.tensor([1 + 0.5j, 2.0, 1.0], dtype=lib.complex128)).real.sum(), z)
        grads.append(grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12, atol=1e-15)
    assert np.abs(grads[0][:2]).min() > 0.1  # a real derivative, not JAX's zero for sign


@pytest.mark.parametrize("name,fn,error", [
    ("maximum of complex", lambda lib: lib.maximum(lib.ones(2, dtype=lib.complex64), lib.ones(2, dtype=lib.complex64)),
     RuntimeError),
    ("sort of complex", lambda lib: lib.sort(lib.ones(2, dtype=lib.complex64)), RuntimeError),
    ("ceil_ of an expanded complex", lambda lib: lib.ones(1, 2, dtype=lib.complex64).expand(2, 2).ceil_(),
     NotImplementedError),
    ("abs_ of complex", lambda lib: lib.ones(2, dtype=lib.complex64).abs_(), RuntimeError),
    ("gcd_ with a number", lambda lib: lib.ones(2, dtype=lib.int64).gcd_(2), TypeError),
    ("randint of complex", lambda lib: lib.randint(0, 5, (2,), dtype=lib.complex64), RuntimeError),
    ("hardtanh of uint8", lambda lib: lib.nn.functional.hardtanh(lib.ones(2, dtype=lib.uint8)), RuntimeError),
])
def test_every_dtype_errors(name, fn, error):
    for lib in (torch, torchlike):
        with pytest.raises(error):
            fn(lib)
