"""torch.utils.checkpoint: ``checkpoint`` and ``checkpoint_sequential``.

Parity: values and gradients are torch's, including the two variants' difference when no tensor input
requires grad (``use_reentrant=True``, torch's default when the argument is left out: a UserWarning "None of
the inputs have requires_grad=True. Gradients will be None" and an output cut from the graph, so the
function's parameters get no gradient; ``use_reentrant=False``: an ordinary differentiable call). torch's
warning when ``use_reentrant`` is not passed, and its ValueErrors for stray keyword arguments, are kept.

Deviation: nothing is recomputed and no memory is saved: the function runs once under autograd and its
activations are kept (recomputation is an implementation detail in torch; under ``torchlike.compile`` /
``jax.jit`` XLA schedules memory itself). Hence the RNG state needs no preserving (``preserve_rng_state`` is
accepted), ``context_fn``'s contexts are entered around the one forward, and the reentrant variant also works
with ``torchlike.autograd.grad`` (torch raises there).
"""
import contextlib
import warnings

from .._tensor import Tensor
from ..autograd import grad_mode

__all__ = ["checkpoint", "checkpoint_sequential"]


def noop_context_fn():
    """torch.utils.checkpoint.noop_context_fn: two null contexts."""
    return contextlib.nullcontext(), contextlib.nullcontext()


def _default_reentrant(use_reentrant, name):
    if use_reentrant is None:
        warnings.warn(f"{name}: the use_reentrant parameter should be passed explicitly. Starting in PyTorch 2.9, "
                      "calling checkpoint without use_reentrant will raise an exception. use_reentrant=False is "
                      "recommended, but if you need to preserve the current default behavior, you can pass "
                      "use_reentrant=True. Refer to docs for more details on the differences between the two "
                      "variants.", stacklevel=3)
        return True
    return use_reentrant


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn, determinism_check="default",
               debug=False, early_stop=True, **kwargs):
    """torch.utils.checkpoint.checkpoint: ``function(*args, **kwargs)`` with torch's values, gradients and
    warnings (see the module docstring; no recomputation here)."""
    use_reentrant = _default_reentrant(use_reentrant, "torch.utils.checkpoint")
    kwargs.pop("preserve_rng_state", True)
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        if not any(a.requires_grad for a in args if isinstance(a, Tensor)):
            warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)
            with grad_mode.no_grad():
                return function(*args)
        return function(*args)
    forward_context, _ = context_fn()
    with forward_context:
        return function(*args, **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """torch.utils.checkpoint.checkpoint_sequential: run ``functions`` (a list or an nn.Sequential) in
    ``segments`` chunks, each but the last through ``checkpoint``."""
    from ..nn.modules.container import Sequential
    use_reentrant = _default_reentrant(use_reentrant, "torch.utils.checkpoint.checkpoint_sequential")
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    functions = list(functions.children()) if isinstance(functions, Sequential) else list(functions)

    def run(start, end):
        def forward(x):
            for f in functions[start:end + 1]:
                x = f(x)
            return x
        return forward

    size, end = len(functions) // segments, -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)
