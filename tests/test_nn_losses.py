"""Loss functions and modules compared with torch 2.13."""
import warnings

import numpy as np
import pytest
import torch

import torchlike
from parity import Case, assert_same, check, expect_error, positive, rand

X = rand(3, 5)                       # logits / predictions, shared to limit compilations
Y = rand(3, 5, seed=1)
P = positive(3, 5, seed=2) / 3.5     # in (0, 1)
CLS = np.array([0, 4, 2])
CLS_IGN = np.array([0, -100, 2])
SIGN = np.array([1.0, -1.0, 1.0], np.float32)
XK = rand(2, 3, 4)                   # K-dim input (N, C, d)
CLS_K = np.array([[0, 1, 2, 1], [2, 2, 0, -100]])
W5 = positive(5, seed=3)
P_SAT = P.copy()
P_SAT[0, :2] = 0.0, 1.0              # saturated predictions: torch's BCE gradient stays finite


def fcase(name, call, *inputs, **kw):
    return Case(name, lambda L, *a: call(L.nn.functional, *a), inputs, **kw)


REDUCTIONS = ("none", "mean", "sum")
CASES = [
    *[fcase(f"l1_{r}", lambda F, x, y, r=r: F.l1_loss(x, y, reduction=r), X, Y) for r in REDUCTIONS],
    *[fcase(f"mse_{r}", lambda F, x, y, r=r: F.mse_loss(x, y, reduction=r), X, Y) for r in REDUCTIONS],
    fcase("l1_weight", lambda F, x, y, w: F.l1_loss(x, y, weight=w), X, Y, P),
    fcase("huber", lambda F, x, y: F.huber_loss(x, y, delta=0.5), X, Y),
    fcase("smooth_l1", lambda F, x, y: F.smooth_l1_loss(x, y, beta=0.5, reduction="sum"), X, Y),
    fcase("smooth_l1_beta0", lambda F, x, y: F.smooth_l1_loss(x, y, beta=0.0), X, Y),
    fcase("soft_margin", lambda F, x, y: F.soft_margin_loss(x, y.detach().sign()), X, Y),
    *[fcase(f"cross_entropy_{r}", lambda F, x, t, r=r: F.cross_entropy(x, t, reduction=r), X, CLS) for r in REDUCTIONS],
    fcase("cross_entropy_weight_ignore", lambda F, x, t, w: F.cross_entropy(x, t, w.detach(), ignore_index=-100), X, CLS_IGN,
          W5),
    fcase("cross_entropy_smoothing", lambda F, x, t, w: F.cross_entropy(x, t, w.detach(), label_smoothing=0.2), X, CLS_IGN, W5),
    fcase("cross_entropy_smoothing_sum", lambda F, x, t: F.cross_entropy(x, t, label_smoothing=0.1,
                                                                         reduction="sum"), X, CLS),
    fcase("cross_entropy_probs", lambda F, x, p: F.cross_entropy(x, F.softmax(p, 1), label_smoothing=0.1), X, Y),
    fcase("cross_entropy_probs_weight", lambda F, x, p, w: F.cross_entropy(x, F.softmax(p, 1), w.detach()), X, Y, W5),
    fcase("cross_entropy_kdim", lambda F, x, t: F.cross_entropy(x, t, ignore_index=-100), XK, CLS_K),
    fcase("cross_entropy_unbatched", lambda F, x, t: F.cross_entropy(x[0], t[0]), X, CLS),
    fcase("nll", lambda F, x, t, w: F.nll_loss(F.log_softmax(x, 1), t, w.detach(), ignore_index=4), X, CLS, W5),
    fcase("nll_kdim_none", lambda F, x, t: F.nll_loss(x, t, reduction="none"), XK, CLS_K),
    fcase("bce", lambda F, p, y: F.binary_cross_entropy(p, y), P, P[::-1].copy()),
    fcase("bce_saturated", lambda F, p, y: F.binary_cross_entropy(p, y.detach()), P_SAT, P),
    fcase("bce_weight", lambda F, p, y, w: F.binary_cross_entropy(p, y, w.detach(), reduction="sum"), P, P[::-1].copy(), W5),
    fcase("bce_logits", lambda F, x, y, w: F.binary_cross_entropy_with_logits(x, y, pos_weight=w.detach()), X, P, W5),
    fcase("bce_logits_weight", lambda F, x, y, w: F.binary_cross_entropy_with_logits(x, y, w.detach(), reduction="none"), X,
          P, W5),
    fcase("kl_div_batchmean", lambda F, x, y: F.kl_div(F.log_softmax(x, 1), F.softmax(y, 1), reduction="batchmean"), X, Y),
    fcase("kl_div_log_target", lambda F, x, y: F.kl_div(x, y, reduction="sum", log_target=True), X, Y),
    fcase("poisson_nll", lambda F, x, y: F.poisson_nll_loss(x, y), X, P),
    fcase("poisson_nll_full", lambda F, x, y: F.poisson_nll_loss(x, y * 4, log_input=False, full=True), P, P),
    fcase("gaussian_nll", lambda F, x, y, v: F.gaussian_nll_loss(x, y, v), X, Y, P),
    fcase("gaussian_nll_hetero", lambda F, x, y, v: F.gaussian_nll_loss(x, y, v[:, :1], full=True,
                                                                         reduction="sum"), X, Y, P),
    fcase("gaussian_nll_float", lambda F, x, y: F.gaussian_nll_loss(x, y, 0.5, reduction="none"), X, Y),
    fcase("margin_ranking", lambda F, a, b, y: F.margin_ranking_loss(a[0], b[0], y.sign()[0], 0.3), X, Y, Y[::-1].copy()),
    fcase("hinge_embedding", lambda F, x, y: F.hinge_embedding_loss(x, y.sign(), 0.5), X, Y),
    fcase("cosine_embedding", lambda F, a, b, y: F.cosine_embedding_loss(a, b, y, 0.2, reduction="none"), X, Y, SIGN),
    fcase("multilabel_soft_margin", lambda F, x, y, w: F.multilabel_soft_margin_loss(x, (y > 0).float(), w.detach()), X, Y,
          W5),
    fcase("multilabel_margin", lambda F, x, t: F.multilabel_margin_loss(x, t), X,
          np.array([[3, 0, -1, 1, 2], [1, 2, 3, 4, 0], [-1, 1, 1, 1, 1]])),
    fcase("multi_margin", lambda F, x, t: F.multi_margin_loss(x, t), X, CLS),
    fcase("multi_margin_p2_weight", lambda F, x, t, w: F.multi_margin_loss(x, t, 2, 0.5, w.detach(), reduction="none"), X,
          CLS, W5),
    fcase("triplet", lambda F, a, p, n: F.triplet_margin_loss(a, p, n), X, Y, P),
    fcase("triplet_p1_swap", lambda F, a, p, n: F.triplet_margin_loss(a, p, n, 2.0, 1, swap=True, reduction="none"),
          X, Y, P),
    fcase("triplet_distance_fn", lambda F, a, p, n: F.triplet_margin_with_distance_loss(
        a, p, n, distance_function=lambda u, v: (u - v).abs().sum(-1), margin=3.0), X, Y, P),
    fcase("triplet_distance_default", lambda F, a, p, n: F.triplet_margin_with_distance_loss(a, p, n), X, Y, P),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_loss_functional(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(case)


def _module_pair(name, *args, **kwargs):
    conv = lambda L: [L.tensor(a) if isinstance(a, np.ndarray) else a for a in args]  # noqa: E731
    kw = lambda L: {k: L.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}  # noqa: E731
    return getattr(torch.nn, name)(*conv(torch), **kw(torch)), getattr(torchlike.nn, name)(*conv(torchlike),
                                                                                       **kw(torchlike))


MODULES = [
    ("L1Loss", (), {}, (X, Y)), ("MSELoss", (), {"reduction": "sum"}, (X, Y)),
    ("CrossEntropyLoss", (W5,), {"label_smoothing": 0.1}, (X, CLS)), ("NLLLoss", (), {"ignore_index": 2}, (X, CLS)),
    ("PoissonNLLLoss", (), {"full": True}, (X, P)), ("GaussianNLLLoss", (), {"eps": 1e-3}, (X, Y, P)),
    ("KLDivLoss", (), {"reduction": "batchmean"}, (X, Y)), ("BCELoss", (W5,), {}, (P, P)),
    ("BCEWithLogitsLoss", (), {"pos_weight": W5}, (X, P)), ("MarginRankingLoss", (0.1,), {}, (X, Y, np.sign(X))),
    ("HingeEmbeddingLoss", (), {}, (X, np.sign(Y))), ("MultiLabelMarginLoss", (), {}, (X, np.array([[1, -1] * 2 + [0]] * 3))),
    ("SmoothL1Loss", (), {"beta": 0.5}, (X, Y)), ("HuberLoss", (), {"delta": 2.0}, (X, Y)),
    ("SoftMarginLoss", (), {}, (X, np.sign(Y))), ("MultiLabelSoftMarginLoss", (), {}, (X, (Y > 0).astype("float32"))),
    ("CosineEmbeddingLoss", (0.1,), {}, (X, Y, SIGN)), ("MultiMarginLoss", (2, 0.5), {}, (X, CLS)),
    ("TripletMarginLoss", (0.5,), {}, (X, Y, P)), ("TripletMarginWithDistanceLoss", (), {"swap": True}, (X, Y, P)),
]


@pytest.mark.parametrize("name,args,kwargs,inputs", MODULES, ids=[m[0] for m in MODULES])
def test_loss_module(name, args, kwargs, inputs):
    t, l = _module_pair(name, *args, **kwargs)
    assert repr(l) == repr(t)
    assert list(l.state_dict()) == list(t.state_dict())
    t_in = [torch.tensor(a, requires_grad=a.dtype.kind == "f" and i == 0) for i, a in enumerate(inputs)]
    l_in = [torchlike.tensor(a, requires_grad=a.dtype.kind == "f" and i == 0) for i, a in enumerate(inputs)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_out, l_out = t(*t_in), l(*l_in)
    assert_same(t_out, l_out)
    t_out.sum().backward()
    l_out.sum().backward()
    assert_same(t_in[0].grad, l_in[0].grad, what="input grad")


def test_legacy_reduction_args():
    for size_average, reduce in [(False, None), (None, False), (True, True)]:
        with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
            m = torchlike.nn.MSELoss(size_average=size_average, reduce=reduce)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert m.reduction == torch.nn.MSELoss(size_average=size_average, reduce=reduce).reduction
            assert_same(torch.nn.functional.l1_loss(torch.tensor(X), torch.tensor(Y), size_average, reduce),
                        torchlike.nn.functional.l1_loss(torchlike.tensor(X), torchlike.tensor(Y), size_average, reduce))


def test_size_mismatch_warns():
    with pytest.warns(UserWarning, match="Using a target size"):
        torchlike.nn.functional.mse_loss(torchlike.tensor(X), torchlike.tensor(Y[:1]))


@pytest.mark.parametrize("fn", [
    lambda L: L.nn.functional.cross_entropy(L.tensor(X), L.tensor([0, 5, 1])),
    lambda L: L.nn.functional.nll_loss(L.tensor(X), L.tensor([0, -1, 1])),
    lambda L: L.nn.functional.cross_entropy(L.tensor(X), L.tensor([0, 1])),
    lambda L: L.nn.functional.binary_cross_entropy(L.tensor(X), L.tensor(P)),
    lambda L: L.nn.functional.binary_cross_entropy(L.tensor(P), L.tensor(P[0])),
    lambda L: L.nn.functional.binary_cross_entropy_with_logits(L.tensor(X), L.tensor(P[0])),
    lambda L: L.nn.functional.mse_loss(L.tensor(X), L.tensor(Y), reduction="avg"),
    lambda L: L.nn.functional.gaussian_nll_loss(L.tensor(X), L.tensor(Y), L.tensor(-P)),
    lambda L: L.nn.functional.gaussian_nll_loss(L.tensor(X), L.tensor(Y), L.tensor(P[:, :2])),
    lambda L: L.nn.functional.multi_margin_loss(L.tensor(X), L.tensor(CLS), p=3),
    lambda L: L.nn.TripletMarginLoss(margin=0.0),
], ids=["ce_target_range", "nll_negative_target", "ce_batch_mismatch", "bce_range", "bce_shape", "bce_logits_shape",
        "bad_reduction", "gaussian_negative_var", "gaussian_var_shape", "multi_margin_p", "triplet_margin"])
def test_errors(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err) == str(t_err)
