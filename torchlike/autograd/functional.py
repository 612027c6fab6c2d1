"""torch.autograd.functional: ``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``vhp``, ``hvp`` on JAX's transforms.

Parity: torch's signatures, argument forms (a Tensor or a tuple of Tensors, results in the same form:
``jacobian`` gives ``out.shape + in.shape`` blocks nested per output and input), zeros for inputs the
output does not depend on, and torch's TypeErrors/RuntimeErrors for bad inputs, outputs and ``v``.
The user function runs once, traced by JAX (it must be traceable: no Python branching on tensor
values), as one differentiable op; with ``create_graph=True`` the results are differentiable w.r.t.
the inputs.

Deviations: ``strict=True`` raises NotImplementedError (no independence check); ``vectorize`` and
``strategy`` are accepted (JAX computes whole Jacobians at once, reverse mode); with ``create_graph=True``
gradients do not flow to tensors the function closes over (module parameters), only to ``inputs``.
"""
import jax

from .._dispatch import Kernel, apply
from .._tensor import Tensor
from . import grad_mode

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


def _as_tuple(x, arg_name, fn_name):
    """(tuple of Tensors, was it a tuple) with torch's TypeError for anything else."""
    is_tuple = isinstance(x, tuple)
    items = x if is_tuple else (x,)
    for item in items:
        if not isinstance(item, Tensor):
            if is_tuple:
                raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                                f"the value at index {items.index(item)} has type {type(item)}.")
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but the "
                            f"given {arg_name} has type {type(x)}.")
    return items, is_tuple


def _check_strict(strict):
    if strict:
        raise NotImplementedError("torchlike.autograd.functional: strict=True is not supported (torchlike does not "
                                  "check whether outputs depend on inputs); use strict=False")


class _UserError(Exception):
    """Carries an error about the user function's outputs out of the JAX trace unchanged (the dispatcher
    would turn a TypeError raised while tracing into a RuntimeError)."""


def _array_function(func, fn_name, out_info):
    """``func`` on Tensors as a JAX function of arrays returning a tuple of output arrays; the output's form
    (a tuple or not) goes into ``out_info``."""
    def f(*arrays):
        with grad_mode.no_grad():
            out = func(*(Tensor._from_array(a) for a in arrays))
        try:
            outs, out_info["tuple"] = _as_tuple(out, "outputs of the user-provided function", fn_name)
        except TypeError as e:
            raise _UserError(e) from None
        return tuple(o._data for o in outs)
    return f


def _run(fn_name, body, inputs, extra, create_graph):
    """Run ``body(*input_arrays, *extra_arrays)`` (returning a flat tuple of arrays) as one kernel; results are
    detached unless ``create_graph``."""
    kernel = Kernel(lambda *arrays: tuple(body(*arrays)), fn_name.title() + "Backward0")
    with grad_mode.set_grad_enabled(create_graph and grad_mode.is_grad_enabled()):
        try:
            outs = apply(kernel, [*inputs, *extra])
        except _UserError as e:
            raise e.args[0] from None
    outs = outs if isinstance(outs, tuple) else (outs,)
    return outs if create_graph else tuple(o.detach() for o in outs)


def _v_tuple(v, like, like_is_tuple, fn_name):
    """``v`` as a tuple matching ``like`` (the outputs or inputs) in count and shapes (torch's checks)."""
    vs, _ = _as_tuple(v, "v", fn_name)
    if len(vs) != len(like):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(like)} but got {len(vs)}."
                           if like_is_tuple else "The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(vs, like)):
        if a.shape != b.shape:
            raise RuntimeError(f"{f'Entry {i} in ' if like_is_tuple else ''}v has invalid size: should be "
                               f"{b.shape} but got {a.shape}.")
    return vs


def _form(items, is_tuple):
    return tuple(items) if is_tuple else items[0]


def _outputs(func, fn_name, inputs):
    """The function's outputs on ``inputs`` (evaluated eagerly, detached) and whether they form a tuple."""
    with grad_mode.no_grad():
        out = func(*inputs)
    return _as_tuple(out, "outputs of the user-provided function", fn_name)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """torch.autograd.functional.vjp: (func(inputs), v^T J)."""
    _check_strict(strict)
    inputs, in_tuple = _as_tuple(inputs, "inputs", "vjp")
    outs, out_tuple = _outputs(func, "vjp", inputs)
    if v is None:
        if len(outs) != 1 or outs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a single Tensor "
                               "with a single element.")
        vs = (outs[0].new_ones(outs[0].shape),)
    else:
        vs = _v_tuple(v, outs, out_tuple, "vjp")
    f, n = _array_function(func, "vjp", {}), len(inputs)

    def body(*arrays):
        out, pullback = jax.vjp(f, *arrays[:n])
        return (*out, *pullback(tuple(arrays[n:])))

    res = _run("vjp", body, inputs, vs, create_graph)
    return _form(res[:len(outs)], out_tuple), _form(res[len(outs):], in_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """torch.autograd.functional.jvp: (func(inputs), J v)."""
    _check_strict(strict)
    inputs, in_tuple = _as_tuple(inputs, "inputs", "jvp")
    if v is None:
        if len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single "
                               "Tensor with a single element.")
        vs = (inputs[0].new_ones(inputs[0].shape),)
    else:
        vs = _v_tuple(v, inputs, in_tuple, "jvp")
    info = {}
    f, n = _array_function(func, "jvp", info), len(inputs)

    def body(*arrays):
        out, tangent = jax.jvp(f, tuple(arrays[:n]), tuple(arrays[n:]))
        return (*out, *tangent)

    res = _run("jvp", body, inputs, vs, create_graph)
    half = len(res) // 2
    return _form(res[:half], info["tuple"]), _form(res[half:], info["tuple"])


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """torch.autograd.functional.jacobian: d(outputs)/d(inputs), blocks of shape out.shape + in.shape."""
    _check_strict(strict)
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                         'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                         'Otherwise, prefer to use "reverse-mode".')
    inputs, in_tuple = _as_tuple(inputs, "inputs", "jacobian")
    info = {}
    f, n = _array_function(func, "jacobian", info), len(inputs)
    res = _run("jacobian", lambda *a: [b for row in jax.jacrev(f, argnums=tuple(range(n)))(*a) for b in row],
               inputs, (), create_graph)
    rows = [_form(res[i:i + n], in_tuple) for i in range(0, len(res), n)]
    return _form(rows, info["tuple"])


def _scalar_function(func, fn_name):
    """``func`` as a JAX function returning its single-element output as a scalar (torch's check)."""
    info = {}
    f = _array_function(func, fn_name, info)

    def scalar(*arrays):
        out = f(*arrays)
        if len(out) != 1 or out[0].size != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single "
                               "element")
        return out[0].reshape(())
    return scalar


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """torch.autograd.functional.hessian of a function with a single-element output."""
    _check_strict(strict)
    inputs, in_tuple = _as_tuple(inputs, "inputs", "hessian")
    f, n = _scalar_function(func, "hessian"), len(inputs)
    res = _run("hessian", lambda *a: [b for row in jax.hessian(f, argnums=tuple(range(n)))(*a) for b in row],
               inputs, (), create_graph)
    return _form([_form(res[i:i + n], in_tuple) for i in range(0, len(res), n)], in_tuple)


def _hessian_product(name, func, inputs, v, create_graph, strict):
    _check_strict(strict)
    inputs, in_tuple = _as_tuple(inputs, "inputs", name)
    if v is None:
        if len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single "
                               "Tensor with a single element.")
        vs = (inputs[0].new_ones(inputs[0].shape),)
    else:
        vs = _v_tuple(v, inputs, in_tuple, name)
    f, n = _scalar_function(func, name), len(inputs)
    grad = jax.grad(f, argnums=tuple(range(n)))

    def body(*arrays):
        xs, ts = tuple(arrays[:n]), tuple(arrays[n:])
        if name == "hvp":
            product = jax.jvp(grad, xs, ts)[1]
        else:
            product = jax.vjp(grad, *xs)[1](ts)
        return (f(*xs), *product)

    res = _run(name, body, inputs, vs, create_graph)
    return res[0], _form(res[1:], in_tuple)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """torch.autograd.functional.vhp: (func(inputs), v^T H)."""
    return _hessian_product("vhp", func, inputs, v, create_graph, strict)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """torch.autograd.functional.hvp: (func(inputs), H v)."""
    return _hessian_product("hvp", func, inputs, v, create_graph, strict)
