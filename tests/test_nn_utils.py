"""torch.nn.utils (clipping, parameter vectors, weight/spectral norm) compared with torch 2.13."""
import math
import warnings

import pytest
import torch

import torchlike
from parity import assert_same, expect_error, rand

WEIGHTS = [rand(3, 4), rand(4, seed=1)]


def _params(L, scale=3.0):
    params = [L.nn.Parameter(L.tensor(w)) for w in WEIGHTS]
    for p, w in zip(params, WEIGHTS):
        p.grad = L.tensor(w * scale)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf])
def test_clip_grad_norm(norm_type):
    (t_params, t_norm), (l_params, l_norm) = [
        (ps, L.nn.utils.clip_grad_norm_(ps, 1.0, norm_type, foreach=True)) for L in (torch, torchlike)
        for ps in [_params(L)]]
    assert_same(t_norm, l_norm)
    for t, l in zip(t_params, l_params):
        assert_same(t.grad, l.grad)


def test_total_norm_and_clip_with_norm():
    t_norm = torch.nn.utils.get_total_norm([torch.tensor(w) for w in WEIGHTS], 2.0)
    l_norm = torchlike.nn.utils.get_total_norm([torchlike.tensor(w) for w in WEIGHTS], 2.0)
    assert_same(t_norm, l_norm)
    t_params, l_params = _params(torch), _params(torchlike)
    torch.nn.utils.clip_grads_with_norm_(t_params, 2.0, t_norm)
    torchlike.nn.utils.clip_grads_with_norm_(l_params, 2.0, l_norm)
    for t, l in zip(t_params, l_params):
        assert_same(t.grad, l.grad)
    assert_same(torch.nn.utils.get_total_norm([]), torchlike.nn.utils.get_total_norm([]))


def test_clip_grad_value_and_single_tensor():
    t_params, l_params = _params(torch), _params(torchlike)
    torch.nn.utils.clip_grad_value_(t_params, 0.5)
    torchlike.nn.utils.clip_grad_value_(l_params, 0.5)
    for t, l in zip(t_params, l_params):
        assert_same(t.grad, l.grad)
    assert_same(torch.nn.utils.clip_grad_norm_(_params(torch)[0], 1.0),
                torchlike.nn.utils.clip_grad_norm_(_params(torchlike)[0], 1.0))


def test_clip_grad_norm_nonfinite():
    def fn(L):
        params = _params(L)
        params[0].grad[0, 0] = math.inf
        L.nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    t_err, l_err = expect_error(fn)
    assert str(l_err) == str(t_err)


def test_parameter_vectors():
    t_params, l_params = _params(torch), _params(torchlike)
    t_vec, l_vec = torch.nn.utils.parameters_to_vector(t_params), torchlike.nn.utils.parameters_to_vector(l_params)
    assert_same(t_vec.detach(), l_vec.detach())
    torch.nn.utils.vector_to_parameters(t_vec * 2, t_params)
    torchlike.nn.utils.vector_to_parameters(l_vec * 2, l_params)
    for t, l in zip(t_params, l_params):
        assert_same(t.detach(), l.detach())
        assert l.is_leaf and l.requires_grad
    t_err, l_err = expect_error(lambda L: L.nn.utils.vector_to_parameters([1.0], _params(L)))
    assert str(l_err) == str(t_err)


def _linear_pair():
    t = torch.nn.Linear(4, 3)
    l = torchlike.nn.Linear(4, 3)
    l.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in t.state_dict().items()})
    return t, l


def _compare_step(t, l, x, params):
    t_out, l_out = t(torch.tensor(x)), l(torchlike.tensor(x))
    assert_same(t_out, l_out)
    t_out.square().sum().backward()
    l_out.square().sum().backward()
    for name in params:
        assert_same(getattr(t, name).grad, getattr(l, name).grad, what=name)


@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm(dim):
    t, l = _linear_pair()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.nn.utils.weight_norm(t, dim=dim)
        torchlike.nn.utils.weight_norm(l, dim=dim)
    assert list(l.state_dict()) == list(t.state_dict())
    assert_same(t.weight_g.detach(), l.weight_g.detach())
    _compare_step(t, l, rand(2, 4), ["weight_g", "weight_v", "bias"])
    torch.nn.utils.remove_weight_norm(t)
    torchlike.nn.utils.remove_weight_norm(l)
    assert list(l.state_dict()) == list(t.state_dict())
    assert isinstance(l.weight, torchlike.nn.Parameter)
    assert_same(t.weight.detach(), l.weight.detach())
    t_err, l_err = expect_error(lambda L: L.nn.utils.remove_weight_norm(L.nn.Linear(2, 2)))
    assert str(l_err) == str(t_err)


def test_spectral_norm():
    t, l = torch.nn.Conv1d(2, 3, 2), torchlike.nn.Conv1d(2, 3, 2)
    l.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in t.state_dict().items()})
    torch.nn.utils.spectral_norm(t, n_power_iterations=2)
    torchlike.nn.utils.spectral_norm(l, n_power_iterations=2)
    assert list(l.state_dict()) == list(t.state_dict())
    for name in ("weight_u", "weight_v"):  # random initial vectors: copy torch's
        getattr(l, name).copy_(torchlike.tensor(getattr(t, name).numpy()))
    x = rand(1, 2, 4)
    for _ in range(2):
        _compare_step(t, l, x, ["weight_orig"])
        assert_same(t.weight_u, l.weight_u)
    t.eval(), l.eval()
    assert_same(t(torch.tensor(x)).detach(), l(torchlike.tensor(x)).detach())
    assert_same(t.weight_u, l.weight_u)
    torch.nn.utils.remove_spectral_norm(t)
    torchlike.nn.utils.remove_spectral_norm(l)
    assert list(l.state_dict()) == list(t.state_dict())
    assert_same(t.weight.detach(), l.weight.detach())
