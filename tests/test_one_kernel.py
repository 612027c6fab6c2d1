"""One implementation per op: torch.x, Tensor.x, nn.functional.x, nn.X and torch's aliases of x
run the same kernels, so they cannot drift apart (as F.relu's gradient at 0 once did).

Each family's forms are run on the same input; the kernels recorded in their autograd graphs
(walked from the output back to the leaves) must be the very same objects, in the same order."""
import pytest

import torchlike as torch
import torchlike.nn as nn
import torchlike.nn.functional as F


def kernels(out):
    """The kernels of every node in ``out``'s autograd graph, depth first."""
    seen, order = set(), []

    def walk(node):
        if node is None or id(node) in seen:
            return
        seen.add(id(node))
        if hasattr(node, "kernel"):
            order.append(node.kernel)
        for child, _ in node.next_functions:
            walk(child)
    walk(out.grad_fn)
    return order


def _x():
    return torch.linspace(-4, 4, 12).reshape(3, 4).requires_grad_()


def _probs():
    return torch.linspace(0.1, 0.9, 12).reshape(3, 4).requires_grad_()


def _image():
    return torch.linspace(-2, 2, 2 * 3 * 4 * 4).reshape(2, 3, 4, 4).requires_grad_()


def _with_module(module_cls, *args, **kwargs):
    """``module_cls(*args, **kwargs)`` applied to the input."""
    return lambda x: module_cls(*args, **kwargs)(x)


def _inplace(fn):
    """An in-place form, run on a copy; only the kernel writing in place is compared (the graph
    also records the copy)."""
    form = lambda x: fn(x.clone())  # noqa: E731
    form.inplace = True
    return form


FAMILIES = {
    "relu": [torch.relu, lambda x: x.relu(), F.relu, _with_module(nn.ReLU), _inplace(torch.relu_),
             _inplace(F.relu_), _inplace(lambda x: x.relu_())],
    "sigmoid": [torch.sigmoid, lambda x: x.sigmoid(), F.sigmoid, _with_module(nn.Sigmoid), torch.special.expit],
    "tanh": [torch.tanh, lambda x: x.tanh(), F.tanh, _with_module(nn.Tanh)],
    "hardtanh": [F.hardtanh, _with_module(nn.Hardtanh), _inplace(F.hardtanh_), _inplace(lambda x: F.hardtanh(
        x, inplace=True))],
    "relu6": [F.relu6, _with_module(nn.ReLU6), lambda x: F.hardtanh(x, 0.0, 6.0)],
    "elu": [F.elu, _with_module(nn.ELU), _inplace(F.elu_)],
    "selu": [F.selu, torch.selu, _with_module(nn.SELU), _inplace(torch.selu_)],
    "celu": [F.celu, torch.celu, _with_module(nn.CELU), _inplace(torch.celu_)],
    "leaky_relu": [F.leaky_relu, _with_module(nn.LeakyReLU), _inplace(F.leaky_relu_)],
    "hardshrink": [F.hardshrink, torch.hardshrink, lambda x: x.hardshrink(), _with_module(nn.Hardshrink)],
    "softshrink": [F.softshrink, _with_module(nn.Softshrink)],
    "threshold": [lambda x: F.threshold(x, 0.5, -1.0), lambda x: torch.threshold(x, 0.5, -1.0),
                  _with_module(nn.Threshold, 0.5, -1.0)],
    "gelu": [F.gelu, _with_module(nn.GELU)],
    "silu": [F.silu, _with_module(nn.SiLU)],
    "mish": [F.mish, _with_module(nn.Mish)],
    "softplus": [F.softplus, _with_module(nn.Softplus)],
    "hardsigmoid": [F.hardsigmoid, _with_module(nn.Hardsigmoid)],
    "hardswish": [F.hardswish, _with_module(nn.Hardswish)],
    "logsigmoid": [F.logsigmoid, _with_module(nn.LogSigmoid)],
    "softsign": [F.softsign, _with_module(nn.Softsign)],
    "tanhshrink": [F.tanhshrink, _with_module(nn.Tanhshrink)],
    "softmax": [lambda x: torch.softmax(x, 1), lambda x: x.softmax(1), lambda x: F.softmax(x, 1),
                _with_module(nn.Softmax, 1), lambda x: torch.special.softmax(x, 1)],
    "log_softmax": [lambda x: torch.log_softmax(x, 1), lambda x: x.log_softmax(1), lambda x: F.log_softmax(x, 1),
                    _with_module(nn.LogSoftmax, 1), lambda x: torch.special.log_softmax(x, 1)],
    "softmin": [lambda x: F.softmin(x, 1), _with_module(nn.Softmin, 1)],
    "glu": [F.glu, _with_module(nn.GLU)],
    "abs": [torch.abs, torch.absolute, lambda x: x.abs(), lambda x: x.absolute(), abs],
    "acos": [lambda x: torch.acos(x / 5), lambda x: torch.arccos(x / 5), lambda x: (x / 5).arccos()],
    "asinh": [torch.asinh, torch.arcsinh, lambda x: x.arcsinh()],
    "atan2": [lambda x: torch.atan2(x, x.flip(1)), lambda x: torch.arctan2(x, x.flip(1))],
    "clamp": [lambda x: torch.clamp(x, -1, 1), lambda x: torch.clip(x, -1, 1), lambda x: x.clip(-1, 1)],
    "div": [lambda x: torch.div(x, 3), lambda x: torch.divide(x, 3), lambda x: torch.true_divide(x, 3),
            lambda x: x / 3],
    "mul": [lambda x: torch.mul(x, x), lambda x: torch.multiply(x, x), lambda x: x * x],
    "sub": [lambda x: torch.sub(x, 1.5), lambda x: torch.subtract(x, 1.5), lambda x: x - 1.5],
    "neg": [torch.neg, torch.negative, lambda x: -x],
    "matmul": [lambda x: torch.matmul(x, x.t()), lambda x: x.matmul(x.t()), lambda x: x @ x.t()],
    "outer": [lambda x: torch.outer(x[0], x[1]), lambda x: torch.ger(x[0], x[1])],
    "erf": [torch.erf, torch.special.erf],
    "logit": [lambda x: torch.logit(x / 10 + 0.5), lambda x: torch.special.logit(x / 10 + 0.5)],
    "xlogy": [lambda x: torch.xlogy(x, x.abs()), lambda x: torch.special.xlogy(x, x.abs())],
    "maximum": [lambda x: torch.maximum(x, x.flip(1)), lambda x: torch.max(x, x.flip(1))],
}

PROB_FAMILIES = {
    "mse_loss": [lambda p: F.mse_loss(p, p.detach().flip(1)), lambda p: nn.MSELoss()(p, p.detach().flip(1))],
    "l1_loss": [lambda p: F.l1_loss(p, p.detach().flip(1)), lambda p: nn.L1Loss()(p, p.detach().flip(1))],
    "binary_cross_entropy": [lambda p: F.binary_cross_entropy(p, p.detach().flip(1)),
                             lambda p: nn.BCELoss()(p, p.detach().flip(1))],
    "binary_cross_entropy_with_logits": [
        lambda p: F.binary_cross_entropy_with_logits(p, p.detach().flip(1)),
        lambda p: nn.BCEWithLogitsLoss()(p, p.detach().flip(1)),
        lambda p: torch.binary_cross_entropy_with_logits(p, p.detach().flip(1), None, None, 1)],
    "kl_div": [lambda p: F.kl_div(p.log(), p.detach().flip(1), reduction="batchmean"),
               lambda p: nn.KLDivLoss(reduction="batchmean")(p.log(), p.detach().flip(1))],
    "smooth_l1_loss": [lambda p: F.smooth_l1_loss(p, p.detach().flip(1)),
                       lambda p: nn.SmoothL1Loss()(p, p.detach().flip(1))],
    "cross_entropy": [lambda p: F.cross_entropy(p, torch.tensor([0, 3, 1])),
                      lambda p: nn.CrossEntropyLoss()(p, torch.tensor([0, 3, 1]))],
    "nll_loss": [lambda p: F.nll_loss(p, torch.tensor([0, 3, 1])), lambda p: nn.NLLLoss()(p, torch.tensor([0, 3, 1]))],
}

IMAGE_FAMILIES = {
    "max_pool2d": [lambda x: F.max_pool2d(x, 2), _with_module(nn.MaxPool2d, 2), lambda x: torch.max_pool2d(x, 2)],
    "avg_pool2d": [lambda x: F.avg_pool2d(x, 2), _with_module(nn.AvgPool2d, 2)],
    "adaptive_avg_pool2d": [lambda x: F.adaptive_avg_pool2d(x, 1), _with_module(nn.AdaptiveAvgPool2d, 1)],
    "layer_norm": [lambda x: F.layer_norm(x, (4,)), lambda x: torch.layer_norm(x, (4,)),
                   _with_module(nn.LayerNorm, 4, elementwise_affine=False)],
    "group_norm": [lambda x: F.group_norm(x, 3), lambda x: torch.group_norm(x, 3),
                   _with_module(nn.GroupNorm, 3, 3, affine=False)],
    "batch_norm": [lambda x: F.batch_norm(x, None, None, training=True),
                   lambda x: torch.batch_norm(x, None, None, None, None, True, 0.1, 1e-5, False),
                   _with_module(nn.BatchNorm2d, 3, affine=False, track_running_stats=False)],
    "pixel_shuffle": [lambda x: F.pixel_unshuffle(x, 2), lambda x: torch.pixel_unshuffle(x, 2),
                      _with_module(nn.PixelUnshuffle, 2)],
}

CASES = [(name, forms, _x) for name, forms in FAMILIES.items()] + \
    [(name, forms, _probs) for name, forms in PROB_FAMILIES.items()] + \
    [(name, forms, _image) for name, forms in IMAGE_FAMILIES.items()]


@pytest.mark.parametrize("name,forms,make", CASES, ids=[c[0] for c in CASES])
def test_forms_share_kernels(name, forms, make):
    first = kernels(forms[0](make()))
    assert first, f"{name}: no kernel recorded"
    for i, form in enumerate(forms[1:], 1):
        other = kernels(form(make()))
        if getattr(form, "inplace", False):
            assert other[0] is first[0], f"{name}: in-place form {i} runs {other[0]}, not {first[0]}"
            continue
        assert [k.name for k in other] == [k.name for k in first], f"{name}: form {i} runs other ops"
        assert all(a is b for a, b in zip(other, first)), \
            f"{name}: form {i} runs a kernel of its own: {[k for k, f in zip(other, first) if k is not f]}"
