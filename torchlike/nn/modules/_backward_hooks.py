"""Module full backward hooks: identity autograd Functions around a module's inputs and outputs
catch grad_output and grad_input, as torch's BackwardHook does."""
from ..._tensor import Tensor
from ...autograd.function import Function


class _State:
    def __init__(self):
        self.grad_output = None


def _tensors(values):
    return [i for i, v in enumerate(values) if isinstance(v, Tensor) and v.requires_grad]


class _Identity(Function):
    @staticmethod
    def forward(ctx, on_backward, *xs):
        ctx.on_backward = on_backward
        return tuple(x.view_as(x) for x in xs)

    @staticmethod
    def backward(ctx, *grads):
        return (None,) + tuple(ctx.on_backward(grads))


def _wrap(values, on_backward):
    idx = _tensors(values)
    if not idx:
        return values
    outs = _Identity.apply(on_backward, *(values[i] for i in idx))
    values = list(values)
    for i, o in zip(idx, outs):
        values[i] = o
    return tuple(values)


def wrap_outputs(module, output):
    state = module.__dict__.setdefault("_backward_hook_state", _State())

    def on_grad_output(grads):
        for hook in module._backward_pre_hooks.values():
            result = hook(module, grads)
            if result is not None:
                grads = tuple(result)
        state.grad_output = grads
        return grads

    if isinstance(output, Tensor):
        return _wrap((output,), on_grad_output)[0]
    return type(output)(_wrap(tuple(output), on_grad_output))


def wrap_inputs(module, args):
    state = module.__dict__.setdefault("_backward_hook_state", _State())

    def on_grad_input(grads):
        for hook in module._backward_hooks.values():
            result = hook(module, grads, state.grad_output)
            if result is not None:
                grads = tuple(result)
        return grads

    return _wrap(tuple(args), on_grad_input)
