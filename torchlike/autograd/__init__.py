"""torch.autograd: backward, grad, Function, and the grad-mode switches."""
from . import grad_mode
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)

__all__ = ["backward", "grad", "Function", "FunctionCtx", "once_differentiable", "Variable", "no_grad",
           "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled", "graph", "function"]


def _sequence(x):
    return (x,) if x is None or not isinstance(x, (tuple, list)) else tuple(x)


def _initial_grads(outputs, grads):
    from ..ops.creation import ones_like
    from .._tensor import Tensor
    grads = _sequence(grads) if grads is not None else (None,) * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(f"Mismatch in number of gradients: got {len(grads)} gradients for {len(outputs)} tensors")
    result = []
    for out, g in zip(outputs, grads):
        if g is None:
            if out._requires_grad and out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._requires_grad and out.dtype.category != 2:
                raise RuntimeError("grad can be implicitly created only for real scalar outputs")
            g = ones_like(out)
        elif not isinstance(g, Tensor):
            from .. import tensor
            g = tensor(g, dtype=out.dtype)
        elif tuple(g.shape) != tuple(out.shape):
            raise RuntimeError(f"Mismatch in shape: grad_output[{len(result)}] has a shape of {g.shape} and "
                               f"output[{len(result)}] has a shape of {out.shape}.")
        result.append(g.detach() if not g._requires_grad else g)
    return result


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad`` (or only ``inputs``')."""
    tensors = _sequence(tensors)
    grads = _initial_grads(tensors, grad_tensors if grad_tensors is not None else grad_variables)
    retain_graph = create_graph if retain_graph is None else retain_graph
    if inputs is not None:
        inputs = _sequence(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        found = graph.run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, allow_unused=True)
        for t, g in zip(inputs, found):
            if g is not None:
                t._grad = (g if create_graph else g.detach()) if t._grad is None else t._grad + g
        return
    graph.run_backward(tensors, grads, retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Return d(outputs)/d(inputs) without touching ``.grad``."""
    from ..ops.creation import zeros_like
    outputs, inputs = _sequence(outputs), _sequence(inputs)
    grads = _initial_grads(outputs, grad_outputs)
    retain_graph = create_graph if retain_graph is None else retain_graph
    allow_unused = materialize_grads if allow_unused is None else allow_unused
    found = graph.run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs, allow_unused=allow_unused)
    result = []
    for t, g in zip(inputs, found):
        if g is None and materialize_grads:
            g = zeros_like(t)
        result.append(g if g is None or create_graph else g.detach())
    return tuple(result)


def Variable(data, requires_grad=False, volatile=False):
    """Deprecated torch.autograd.Variable: returns the tensor (with requires_grad set)."""
    return data.requires_grad_(requires_grad) if requires_grad else data


from . import function, graph  # noqa: E402
from .function import Function, FunctionCtx, once_differentiable  # noqa: E402
