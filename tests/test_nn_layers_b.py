"""Activations, normalization layers and dropout compared with torch 2.13."""
import numpy as np
import pytest
import torch

import torchlike
from parity import Case, assert_same, check, expect_error, positive, rand

X = rand(2, 6)          # shared shapes keep the number of compilations small
X4 = rand(2, 4, 3, 3)
Q, K = rand(2, 2, 3, 5), rand(2, 2, 4, 5)    # (N, heads, L or S, E)


def fcase(name, call, *inputs, **kw):
    """A Case calling ``call(F, *tensors)`` with F = lib.nn.functional."""
    return Case(name, lambda L, *a: call(L.nn.functional, *a), inputs or (X,), **kw)


ACTIVATION_CASES = [
    fcase("elu", lambda F, x: F.elu(x, 0.5)),
    fcase("selu", lambda F, x: F.selu(x)),
    fcase("celu", lambda F, x: F.celu(x, 2.0)),
    fcase("hardshrink", lambda F, x: F.hardshrink(x, 0.7)),
    fcase("hardsigmoid", lambda F, x: F.hardsigmoid(x)),
    fcase("hardtanh", lambda F, x: F.hardtanh(x, -0.5, 1.5)),
    fcase("hardswish", lambda F, x: F.hardswish(x)),
    fcase("leaky_relu", lambda F, x: F.leaky_relu(x, 0.2)),
    fcase("logsigmoid", lambda F, x: F.logsigmoid(x)),
    fcase("relu", lambda F, x: F.relu(x)),
    fcase("relu6", lambda F, x: F.relu6(x * 4)),
    fcase("rrelu_eval", lambda F, x: F.rrelu(x, 0.1, 0.3)),
    fcase("gelu", lambda F, x: F.gelu(x)),
    fcase("gelu_tanh", lambda F, x: F.gelu(x, approximate="tanh")),
    fcase("sigmoid", lambda F, x: F.sigmoid(x)),
    fcase("silu", lambda F, x: F.silu(x)),
    fcase("mish", lambda F, x: F.mish(x)),
    fcase("softplus", lambda F, x: F.softplus(x, 2.0, 1.0)),
    fcase("softshrink", lambda F, x: F.softshrink(x, 0.3)),
    fcase("softsign", lambda F, x: F.softsign(x)),
    fcase("tanh", lambda F, x: F.tanh(x)),
    fcase("tanhshrink", lambda F, x: F.tanhshrink(x)),
    fcase("threshold", lambda F, x: F.threshold(x, 0.1, -3.0)),
    fcase("glu", lambda F, x: F.glu(x, 1)),
    fcase("softmax", lambda F, x: F.softmax(x, 1)),
    fcase("softmax_dtype", lambda F, x: F.softmax(x, 0, dtype=torch.float64 if F is torch.nn.functional
                                                   else torchlike.float64)),
    fcase("log_softmax", lambda F, x: F.log_softmax(x, -1)),
    fcase("softmin", lambda F, x: F.softmin(x, 1)),
    fcase("prelu", lambda F, x, w: F.prelu(x, w), X4, rand(4)),
    fcase("sdpa", lambda F, q, k, v: F.scaled_dot_product_attention(q, k, v), Q, K, K),
    fcase("sdpa_causal_scale", lambda F, q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.3),
          Q, K, K),
    fcase("sdpa_bool_mask", lambda F, q, k, v, m: F.scaled_dot_product_attention(q, k, v, m > -1.5), Q, K, K,
          rand(3, 4, seed=5), grad=False),
    fcase("sdpa_float_mask", lambda F, q, k, v, m: F.scaled_dot_product_attention(q, k, v, m.detach()), Q, K, K,
          rand(3, 4, seed=5)),
    fcase("relu_inplace", lambda F, x: F.relu(x * 1, inplace=True)),
    fcase("elu_inplace", lambda F, x: F.elu_(x * 1)),
    fcase("hardtanh_inplace", lambda F, x: F.hardtanh(x * 1, inplace=True)),
]


@pytest.mark.parametrize("case", ACTIVATION_CASES, ids=str)
def test_activation_functional(case):
    check(case)


def check_module(make, *inputs, steps=1, tol=None, modes=("train", "eval")):
    """Build ``make(lib)`` under both libraries, copy torch's state, compare repr, state_dict
    keys, then forward outputs and input/parameter gradients in each mode, and buffers."""
    t, l = make(torch), make(torchlike)
    assert repr(l) == repr(t)
    assert list(l.state_dict()) == list(t.state_dict())
    l.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in t.state_dict().items()})
    rng = np.random.default_rng(0)
    for mode in modes:
        t.train(mode == "train"), l.train(mode == "train")
        for _ in range(steps):
            t_in = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
            l_in = [torchlike.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
            t_out, l_out = t(*t_in), l(*l_in)
            assert_same(t_out, l_out, tol, what=f"{mode} output")
            w = rng.uniform(0.5, 1.5, tuple(t_out.shape)).astype(np.float32)
            (t_out * torch.tensor(w)).sum().backward()
            (l_out * torchlike.tensor(w)).sum().backward()
            for i, (a, b) in enumerate(zip(t_in, l_in)):
                if a.requires_grad:
                    assert_same(a.grad, b.grad, tol, what=f"{mode} input grad {i}")
            for (name, p), q in zip(t.named_parameters(), l.parameters()):
                assert_same(p.grad, q.grad, tol, what=f"{mode} grad of {name}")
        for (name, b), c in zip(t.named_buffers(), l.buffers()):
            assert_same(b, c, tol, what=f"{mode} buffer {name}")
    return t, l


ACTIVATION_MODULES = [
    ("ELU", (0.5,)), ("CELU", (2.0,)), ("SELU", ()), ("Hardshrink", (0.3,)), ("Hardsigmoid", ()),
    ("Hardtanh", (-2.0, 2)), ("Hardswish", ()), ("LeakyReLU", (0.2,)), ("LogSigmoid", ()), ("ReLU", ()),
    ("ReLU6", ()), ("GELU", ("tanh",)), ("Sigmoid", ()), ("SiLU", ()), ("Mish", ()), ("Softplus", (2, 10)),
    ("Softshrink", ()), ("Softsign", ()), ("Tanh", ()), ("Tanhshrink", ()), ("Threshold", (0.1, 20)),
    ("GLU", (1,)), ("Softmin", (1,)), ("Softmax", (-1,)), ("LogSoftmax", (1,)), ("PReLU", ()),
]


@pytest.mark.parametrize("name,args", ACTIVATION_MODULES, ids=[n for n, _ in ACTIVATION_MODULES])
def test_activation_module(name, args):
    check_module(lambda L: getattr(L.nn, name)(*args), X, modes=("train",))


def test_activation_module_variants():
    check_module(lambda L: L.nn.PReLU(4, 0.1), X4, modes=("train",))
    check_module(lambda L: L.nn.Softmax2d(), X4, modes=("train",))
    check_module(lambda L: L.nn.RReLU(0.1, 0.3), X, modes=("eval",))
    for name, args in [("ReLU", (True,)), ("ELU", (0.5, True)), ("Hardtanh", (-2.0, 2, True)), ("SiLU", (True,)),
                       ("LeakyReLU", (0.2, True)), ("Threshold", (0.1, 20, True)), ("RReLU", (0.1, 0.3, True)),
                       ("Softmax", ()), ("GELU", ())]:
        assert repr(getattr(torchlike.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))


def test_inplace_activation_module_rebinds_input():
    x = torchlike.tensor(X)
    y = torchlike.nn.ReLU(inplace=True)(x)
    assert y is x and float(x.min()) == 0.0


def test_rrelu_training_random_slopes():
    x = torchlike.tensor(-np.ones((400,), np.float32), requires_grad=True)
    y = torchlike.nn.functional.rrelu(x, 0.1, 0.3, training=True)
    slopes = -y.detach().numpy()
    assert 0.1 <= slopes.min() and slopes.max() <= 0.3 and slopes.std() > 0.03
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes, rtol=1e-6)


def test_gumbel_softmax():
    F = torchlike.nn.functional
    logits = torchlike.tensor(X, requires_grad=True)
    soft = F.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.sum(-1).detach().numpy(), 1, rtol=1e-5)
    hard = F.gumbel_softmax(logits, hard=True)
    assert set(np.unique(hard.detach().numpy())) <= {0.0, 1.0} and (hard.sum(-1).detach().numpy() == 1).all()
    hard.sum().backward()
    assert logits.grad is not None


def test_softmax_implicit_dim_warns():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = torchlike.nn.functional.softmax(torchlike.tensor(X))
    assert_same(torch.nn.functional.softmax(torch.tensor(X), 1), out)


# ---- normalization ---------------------------------------------------------------------------
X3 = rand(4, 3, 5)


@pytest.mark.parametrize("make,x", [
    (lambda L: L.nn.BatchNorm1d(3), rand(4, 3)),
    (lambda L: L.nn.BatchNorm1d(3, momentum=None), X3),
    (lambda L: L.nn.BatchNorm2d(4, eps=1e-3, momentum=0.3), X4),
    (lambda L: L.nn.BatchNorm2d(4, affine=False), X4),
    (lambda L: L.nn.BatchNorm2d(4, track_running_stats=False), X4),
    (lambda L: L.nn.BatchNorm3d(2, bias=False), rand(2, 2, 2, 2, 3)),
    (lambda L: L.nn.SyncBatchNorm(3), X3),
], ids=["bn1d", "bn1d_cumulative", "bn2d", "bn2d_noaffine", "bn2d_nostats", "bn3d_nobias", "syncbn"])
def test_batch_norm_module(make, x):
    """Several train steps (running stats), then eval mode using the running stats."""
    check_module(make, x, steps=3)


@pytest.mark.parametrize("make,x", [
    (lambda L: L.nn.InstanceNorm1d(3), X3),
    (lambda L: L.nn.InstanceNorm1d(3, affine=True, track_running_stats=True), X3),
    (lambda L: L.nn.InstanceNorm2d(4, affine=True), X4),
    (lambda L: L.nn.InstanceNorm2d(4, track_running_stats=True), rand(4, 3, 3)),
    (lambda L: L.nn.InstanceNorm3d(2), rand(2, 2, 2, 2, 3)),
    (lambda L: L.nn.LayerNorm(5), X3),
    (lambda L: L.nn.LayerNorm([3, 5], elementwise_affine=False), X3),
    (lambda L: L.nn.LayerNorm(5, bias=False), X3),
    (lambda L: L.nn.GroupNorm(2, 4), X4),
    (lambda L: L.nn.GroupNorm(1, 4, affine=False), X4),
    (lambda L: L.nn.RMSNorm(5), X3),
    (lambda L: L.nn.RMSNorm([3, 5], eps=1e-5, elementwise_affine=False), X3),
    (lambda L: L.nn.LocalResponseNorm(3), X4),
    (lambda L: L.nn.LocalResponseNorm(2, 1e-2, 0.5, 2.0), X3),
], ids=["in1d", "in1d_stats", "in2d_affine", "in2d_unbatched", "in3d", "ln", "ln2_noaffine", "ln_nobias", "gn",
        "gn_noaffine", "rms", "rms2", "lrn", "lrn_1d"])
def test_norm_module(make, x):
    check_module(make, x, steps=2, tol=(1e-4, 1e-5))


NORM_CASES = [
    fcase("batch_norm_train", lambda F, x, w, b: F.batch_norm(x, None, None, w, b, training=True), X4, rand(4),
          rand(4)),
    fcase("batch_norm_eval", lambda F, x, m, v: F.batch_norm(x, m, v), X4, rand(4), positive(4), grad=False),
    fcase("instance_norm", lambda F, x: F.instance_norm(x), X3),
    fcase("layer_norm", lambda F, x, w, b: F.layer_norm(x, (5,), w, b, 1e-3), X3, rand(5), rand(5)),
    fcase("group_norm", lambda F, x, w: F.group_norm(x, 2, w), X4, rand(4)),
    fcase("rms_norm", lambda F, x, w: F.rms_norm(x, [5], w), X3, rand(5)),
    fcase("local_response_norm", lambda F, x: F.local_response_norm(x, 3), X4),
]


@pytest.mark.parametrize("case", NORM_CASES, ids=str)
def test_norm_functional(case):
    check(case)


def test_batch_norm_state_dict_and_grad_fn():
    t, l = torch.nn.BatchNorm1d(3), torchlike.nn.BatchNorm1d(3)
    assert l.state_dict()["num_batches_tracked"].dtype is torchlike.int64
    sd = {k: torchlike.tensor(v.numpy()) for k, v in t.state_dict().items() if k != "num_batches_tracked"}
    l.load_state_dict(sd)      # old checkpoints without num_batches_tracked load, as in torch
    assert int(l.num_batches_tracked) == 0
    out = l(torchlike.tensor(rand(4, 3), requires_grad=True))
    assert out.grad_fn.name() == "NativeBatchNormBackward0"


@pytest.mark.parametrize("fn", [
    lambda L: L.nn.BatchNorm1d(3)(L.ones(1, 3)),
    lambda L: L.nn.BatchNorm2d(3)(L.ones(2, 3, 4)),
    lambda L: L.nn.functional.layer_norm(L.ones(2, 3), (4,)),
    lambda L: L.nn.functional.group_norm(L.ones(2, 3), 2),
    lambda L: L.nn.GroupNorm(2, 3),
    lambda L: L.nn.InstanceNorm1d(3)(L.ones(2, 3, 1)),
    lambda L: L.nn.functional.glu(L.ones(2, 3)),
    lambda L: L.nn.Dropout(1.5),
    lambda L: L.nn.functional.dropout1d(L.ones(2)),
], ids=["bn_one_value", "bn2d_rank", "ln_shape", "gn_groups", "gn_ctor", "in_spatial", "glu_odd", "dropout_p",
        "dropout1d_rank"])
def test_errors(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err) == str(t_err)


# ---- dropout --------------------------------------------------------------------------------
def test_dropout_statistics_and_gradient():
    x = torchlike.ones(100, 100, requires_grad=True)
    y = torchlike.nn.functional.dropout(x, 0.3)
    kept = y.detach().numpy() != 0
    assert abs(1 - kept.mean() - 0.3) < 0.03
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / 0.7, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), kept / 0.7, rtol=1e-6)
    assert float(torchlike.nn.functional.dropout(x, 1.0).abs().sum()) == 0


def test_dropout_modules_train_eval():
    nn = torchlike.nn
    x = torchlike.ones(8, 16, 6, 6)
    for m in (nn.Dropout(), nn.Dropout2d(), nn.Dropout3d(), nn.AlphaDropout(0.2), nn.FeatureAlphaDropout(0.2)):
        assert repr(m) == repr(getattr(torch.nn, type(m).__name__)(m.p))
        m.eval()
        assert m(x) is x
    d2 = nn.Dropout2d(0.5)(x).numpy()                   # whole channels zeroed
    per_channel = d2.reshape(8, 16, -1)
    assert ((per_channel == 0).all(-1) | (per_channel == 2).all(-1)).all()
    d1 = nn.Dropout1d(0.5)(torchlike.ones(16, 40)).numpy()   # unbatched (C, L)
    assert ((d1 == 0).all(-1) | (d1 == 2).all(-1)).all()


def test_alpha_dropout_keeps_moments():
    x = torchlike.randn(200, 200)
    y = torchlike.nn.functional.alpha_dropout(x, 0.2, training=True).numpy()
    assert abs(y.mean()) < 0.05 and abs(y.std() - 1) < 0.05
    z = torchlike.nn.functional.feature_alpha_dropout(x.reshape(200, 200, 1), 0.2, training=True).numpy()
    assert abs(z.mean()) < 0.05 and abs(z.std() - 1) < 0.1


def test_dropout_inplace():
    x = torchlike.ones(50, 50)
    y = torchlike.nn.Dropout(0.5, inplace=True)(x)
    assert y is x and (x.numpy() == 0).any()
