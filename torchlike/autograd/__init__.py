"""torch.autograd: backward, grad, Function, and the grad-mode switches."""
import warnings

from . import grad_mode
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)

__all__ = ["backward", "grad", "Function", "FunctionCtx", "once_differentiable", "Variable", "no_grad",
           "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled", "graph", "function"]


def _sequence(x):
    return (x,) if x is None or not isinstance(x, (tuple, list)) else tuple(x)


def _make_grads(outputs, grads):
    """torch's _make_grads: check each given gradient against its output; ones for a
    scalar output that requires grad."""
    from .._tensor import Tensor
    grads = (None,) * len(outputs) if grads is None else (grads,) if isinstance(grads, Tensor) else tuple(grads)
    result = []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if isinstance(g, Tensor):
            if g.shape != out.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                                   f"has a shape of {out.shape}.")
            if g.is_complex() != out.is_complex():
                raise RuntimeError("For complex Tensors, both grad_output and output are required to have the same "
                                   f"dtype. Mismatch in dtype: grad_output[{i}] has a dtype of {g.dtype} and "
                                   f"output[{i}] has a dtype of {out.dtype}.")
        elif g is None:
            if out._requires_grad:
                if out.numel() != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if not out.is_floating_point():
                    raise RuntimeError("grad can be implicitly created only for real scalar outputs "
                                       f"but got {out.dtype}")
                g = graph.full(out._data.shape, out._data.dtype, 1)
        else:
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        result.append(g)
    if len(result) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(result)} gradients")
    return result


_warned_create_graph = False


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad`` (or only ``inputs``')."""
    global _warned_create_graph
    tensors = _sequence(tensors)
    if inputs is not None:
        inputs = _sequence(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    grads = _make_grads(tensors, grad_tensors if grad_tensors is not None else grad_variables)
    retain_graph = create_graph if retain_graph is None else retain_graph
    if create_graph and inputs is None and not _warned_create_graph:
        _warned_create_graph = True  # torch warns once per process
        warnings.warn("Using backward() with create_graph=True will create a reference cycle between the parameter "
                      "and its gradient which can cause a memory leak. We recommend using autograd.grad when creating "
                      "the graph to avoid this. If you have to use this function, make sure to reset the .grad fields "
                      "of your parameters to None after use to break the cycle and avoid the leak.", UserWarning,
                      stacklevel=3)
    if inputs is None:
        graph.run_backward(tensors, grads, retain_graph, create_graph)
        return
    found = graph.run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, allow_unused=True)
    with grad_mode.set_grad_enabled(create_graph):
        for t, g in zip(inputs, found):
            if g is not None:
                graph.accumulate(t, g)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Return d(outputs)/d(inputs) without touching ``.grad``. Deviation: no ``is_grads_batched``."""
    if is_grads_batched:
        raise NotImplementedError("torchlike.autograd.grad does not support is_grads_batched=True; loop over the "
                                  "batch of grad_outputs (or use jax.vmap) instead")
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate "
                      "gradient for other parts of the graph, please use torch.autograd.backward.", FutureWarning,
                      stacklevel=2)
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    allow_unused = materialize_grads if allow_unused is None else allow_unused
    outputs, inputs = _sequence(outputs), _sequence(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    grads = _make_grads(outputs, grad_outputs)
    retain_graph = create_graph if retain_graph is None else retain_graph
    found = graph.run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs, allow_unused=allow_unused)
    if materialize_grads:
        found = [graph.full(t._data.shape, t._data.dtype, 0).requires_grad_(create_graph) if g is None else g
                 for t, g in zip(inputs, found)]
    return tuple(g if g is None or create_graph else g.detach() for g in found)


def Variable(data, requires_grad=False, volatile=False):
    """Deprecated torch.autograd.Variable: returns the tensor (with requires_grad set)."""
    return data.requires_grad_(requires_grad) if requires_grad else data


from . import function, functional, graph  # noqa: E402,F401
from .gradcheck import gradcheck, gradgradcheck  # noqa: E402,F401  (the functions shadow the module, as in torch)
from .function import Function, FunctionCtx, once_differentiable  # noqa: E402
