"""CTC loss, grid_sample/affine_grid and AdaptiveLogSoftmaxWithLoss compared with torch 2.13."""
import itertools

import numpy as np
import pytest
import torch

import torchlike
from parity import Case, assert_same, check, expect_error, rand

LOGITS = rand(6, 3, 5)                              # (T, N, C)
TARGETS = np.array([[1, 2, 2], [3, 1, 1], [4, 1, 3]])
IN_LEN, TGT_LEN = [6, 4, 5], [3, 1, 2]
FLAT = np.concatenate([TARGETS[i, :n] for i, n in enumerate(TGT_LEN)])


def ctc(L, x, targets, reduction="mean", zero_infinity=False, in_len=IN_LEN, log_softmax=True):
    lp = x.log_softmax(-1) if log_softmax else x
    return L.nn.functional.ctc_loss(lp, targets, in_len, TGT_LEN, reduction=reduction, zero_infinity=zero_infinity)


CTC = [
    *[Case(f"ctc_{r}", lambda L, x, t, r=r: ctc(L, x, t, r), (LOGITS, TARGETS)) for r in ("none", "mean", "sum")],
    Case("ctc_concatenated", lambda L, x, t: ctc(L, x, t, "sum"), (LOGITS, FLAT)),
    Case("ctc_leaf_log_probs", lambda L, x, t: ctc(L, x, t, "none", log_softmax=False), (LOGITS, TARGETS)),
    Case("ctc_zero_infinity", lambda L, x, t: ctc(L, x[:2], t, "none", True, [2, 2, 2]), (LOGITS, TARGETS)),
    Case("ctc_unbatched", lambda L, x, t: L.nn.functional.ctc_loss(x[:, 0].log_softmax(-1), t[0, :2], L.tensor(5),
                                                                   L.tensor(2), reduction="none"), (LOGITS, TARGETS)),
    Case("ctc_module_blank", lambda L, x, t: L.nn.CTCLoss(blank=4)(x.log_softmax(-1), t - 1, L.tensor(IN_LEN),
                                                                   L.tensor(TGT_LEN)), (LOGITS, TARGETS)),
]

IMAGE, GRID = rand(2, 2, 4, 5), rand(2, 3, 4, 2, low=-1.3, high=1.3)
VOLUME, GRID3 = rand(1, 2, 3, 4, 5), rand(1, 2, 3, 2, 3, low=-1.3, high=1.3)
SAMPLE = [
    Case(f"grid_sample_{m}_{p}_{a}", lambda L, x, g, m=m, p=p, a=a: L.nn.functional.grid_sample(x, g, m, p, a),
         (IMAGE, GRID), tol=(1e-4, 1e-5))
    for m, p, a in itertools.product(("bilinear", "nearest", "bicubic"), ("zeros", "border", "reflection"),
                                     (False, True))
] + [
    Case(f"grid_sample_3d_{m}_{p}", lambda L, x, g, m=m, p=p: L.nn.functional.grid_sample(x, g, m, p, True),
         (VOLUME, GRID3), tol=(1e-4, 1e-5)) for m, p in (("bilinear", "zeros"), ("nearest", "reflection"))
] + [
    Case(f"affine_grid_{a}", lambda L, t, a=a: L.nn.functional.affine_grid(t, (2, 3, 4, 5), a), (rand(2, 2, 3),),
         tol=(1e-5, 1e-5)) for a in (False, True)
] + [Case("affine_grid_3d", lambda L, t: L.nn.functional.affine_grid(t, (1, 1, 2, 3, 4), False), (rand(1, 3, 4),),
          tol=(1e-5, 1e-5))]


@pytest.mark.parametrize("case", CTC + SAMPLE, ids=str)
def test_parity(case):
    check(case)


def test_ctc_grad_fn_and_warning():
    lp = torchlike.tensor(LOGITS, requires_grad=True).log_softmax(-1)
    assert ctc(torchlike, lp, torchlike.tensor(TARGETS), log_softmax=False).grad_fn.name() == "CtcLossBackward0"
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        torchlike.nn.functional.grid_sample(torchlike.tensor(IMAGE), torchlike.tensor(GRID))


@pytest.mark.parametrize("fn", [
    lambda L: L.nn.functional.grid_sample(L.tensor(IMAGE), L.tensor(GRID), mode="area", align_corners=False),
    lambda L: L.nn.functional.grid_sample(L.tensor(IMAGE), L.tensor(GRID), padding_mode="wrap", align_corners=False),
    lambda L: L.nn.functional.affine_grid(L.tensor(rand(2, 2, 3)), (2, 3, 4, 5, 6), align_corners=False),
    lambda L: L.nn.functional.affine_grid(L.tensor([[[1, 0, 0], [0, 1, 0]]]), (1, 1, 2, 2), align_corners=False),
    lambda L: L.nn.functional.affine_grid(L.tensor(rand(2, 2, 3)), (2, 3, 4), align_corners=False),
], ids=["mode", "padding_mode", "theta_shape", "theta_dtype", "size_rank"])
def test_vision_errors(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err) == str(t_err)


def _asm_pair():
    t = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=True)
    l = torchlike.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=True)
    l.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in t.state_dict().items()})
    return t, l


def test_adaptive_log_softmax():
    t, l = _asm_pair()
    assert repr(l) == repr(t) and list(l.state_dict()) == list(t.state_dict())
    x, y = rand(5, 8), np.array([0, 4, 9, 2, 7])
    t_out, l_out = t(torch.tensor(x), torch.tensor(y)), l(torchlike.tensor(x), torchlike.tensor(y))
    assert l_out._fields == ("output", "loss")
    assert_same(t_out.output, l_out.output)
    assert_same(t_out.loss, l_out.loss)
    t_out.loss.backward()
    l_out.loss.backward()
    for (name, tp), lp in zip(t.named_parameters(), l.parameters()):
        assert_same(tp.grad, lp.grad, what=name)
    assert_same(t.log_prob(torch.tensor(x)), l.log_prob(torchlike.tensor(x)))
    assert_same(t.predict(torch.tensor(x)), l.predict(torchlike.tensor(x)))
    assert_same(t(torch.tensor(x[0]), torch.tensor(y[0])).output,
                l(torchlike.tensor(x[0]), torchlike.tensor(y[0])).output)


@pytest.mark.parametrize("fn", [
    lambda L: L.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [6, 3]),
    lambda L: L.nn.AdaptiveLogSoftmaxWithLoss(8, 10, []),
    lambda L: L.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3])(L.ones(2, 8), L.tensor([0, 10])),
    lambda L: L.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3])(L.ones(2, 8), L.tensor([[0, 1]])),
], ids=["unsorted", "empty", "target_range", "target_dims"])
def test_adaptive_errors(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err) == str(t_err)
