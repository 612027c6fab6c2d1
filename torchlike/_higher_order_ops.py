"""torch.vmap, torch.cond and torch.while_loop on JAX's vmap, lax.cond and lax.while_loop.

Each turns the user's function on Tensors into a JAX function on arrays (the Tensors it sees
wrap JAX tracers) and runs it as one kernel, so autograd sees a single differentiable op.
"""
import jax

from . import _dispatch
from ._dispatch import Kernel, apply
from ._tensor import Tensor
from .random import _drawing_from, default_generator

__all__ = ["vmap", "cond", "while_loop"]


def _is_tensor(x):
    return isinstance(x, Tensor)


def _order(tree):
    """A hashable record of the key order of every dict in ``tree`` (JAX's pytrees sort dict keys)."""
    if isinstance(tree, dict):
        return "dict", tuple((k, _order(v)) for k, v in tree.items())
    if isinstance(tree, (tuple, list)):
        return "seq", tuple(_order(v) for v in tree)
    return None


def _ordered(tree, order, leaf=lambda x: x):
    """JAX's rebuilt pytree ``tree`` with its dicts' keys in the ``order`` recorded by :func:`_order`,
    ``leaf`` applied where that record has leaves."""
    if order is None:
        return leaf(tree)
    kind, items = order
    if kind == "dict":
        return type(tree)((k, _ordered(tree[k], o, leaf)) for k, o in items)
    children = [_ordered(t, o, leaf) for t, o in zip(tree, items)]
    return type(tree)(*children) if hasattr(tree, "_fields") else type(tree)(children)


class _ArrayFunction:
    """``fn`` on Tensors as a function of the arrays of its Tensor arguments. The arguments'
    structure and non-Tensor leaves are static; the result's structure is remembered per call
    structure in ``out_trees``."""

    def __init__(self, fn):
        self.fn, self.out_trees = fn, {}

    @staticmethod
    def split(args):
        """(Tensor leaves, static description) of an argument tuple."""
        leaves, tree = jax.tree_util.tree_flatten(args, is_leaf=_is_tensor)
        tensors = [x for x in leaves if _is_tensor(x)]
        constants = tuple(None if _is_tensor(x) else x for x in leaves)
        return tensors, (tree, constants, _order(args))

    def __call__(self, structure, *arrays):
        tree, constants, order = structure
        it = iter(arrays)
        leaves = [Tensor._from_array(next(it)) if c is None else c for c in constants]
        out = self.fn(*_ordered(jax.tree_util.tree_unflatten(tree, leaves), order))
        flat, treedef = jax.tree_util.tree_flatten(out, is_leaf=_is_tensor)
        self.out_trees[structure] = treedef, _order(out)
        if not all(_is_tensor(x) for x in flat):
            raise ValueError("the function must return Tensors (or a nested tuple/list/dict of them)")
        return tuple(x._data for x in flat)

    def result(self, structure, outs):
        treedef, order = self.out_trees[structure]
        return _ordered(jax.tree_util.tree_unflatten(treedef, list(outs)), order)


_RANDOM_INSIDE = ("torchlike's vmap, cond and while_loop do not support random operations inside the function "
                  "(vmap does with randomness='same' or 'different')")


def _run(kernel, fn, structure, tensors, statics=(), random_error=_RANDOM_INSIDE, captured=None):
    """Run ``kernel`` and refuse random ops inside that drew from the generator's own key (they
    would leave a traced key behind). With a ``captured`` list, note there every tensor the
    function reads without taking it as an argument (a closure, a global, a module's weight),
    with its array when the kernel was traced."""
    key, previous = default_generator._key, _dispatch.observer

    def record(k, statics, args, out):
        if previous is not None:
            previous(k, statics, args, out)
        if any(isinstance(o, jax.core.Tracer) for o in jax.tree_util.tree_leaves(out)):  # inside the trace
            captured.extend((a, a._data) for a in args if _is_tensor(a) and not isinstance(a._data, jax.core.Tracer))
    if captured is not None:
        _dispatch.observer = record
    try:
        outs = apply(kernel, tensors, (structure, *statics))
    finally:
        _dispatch.observer = previous
        leaked = default_generator._key is not key
        default_generator._key = key
    if leaked:
        raise RuntimeError(random_error)
    return fn.result(structure, outs if isinstance(outs, tuple) else (outs,))


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """torch.vmap (torch.func.vmap): ``func`` mapped over dim ``in_dims`` of its arguments
    (an int or None for all, or one per positional argument), results stacked along
    ``out_dims``; differentiable. ``randomness``: ``'error'`` refuses random ops inside,
    ``'same'`` gives every batch element the same draws, ``'different'`` independent ones (the
    default generator advances once per call). ``func`` is compiled once per argument structure;
    tensors it reads from outside its arguments are watched, and a change to one (an in-place
    update, ``optimizer.step()``) compiles it anew. Deviation: ``chunk_size`` is accepted and
    ignored (JAX maps the whole batch at once)."""
    fn = _ArrayFunction(func)

    def batched(structure, axes, out_axes, key_axis, *arrays):
        if key_axis == "none":  # randomness="error": no key goes in
            return jax.vmap(lambda *a: fn(structure, *a), in_axes=axes, out_axes=out_axes)(*arrays)
        return jax.vmap(lambda key, *a: _drawing_from(key, fn, structure, *a)[0], in_axes=(key_axis, *axes),
                        out_axes=out_axes)(*arrays)

    kernel = Kernel(batched, "VmapBackward0")
    captured = []  # (tensor, its array when traced) for the tensors func reads from outside its arguments

    def wrapped(*args):
        if any(t._data is not data for t, data in captured):  # one changed since: trace func anew
            kernel.cache.clear()
            kernel.vjps.clear()
            captured.clear()
        if randomness not in ("error", "different", "same"):
            raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. "
                               f"Got {randomness}")
        tensors, structure = fn.split(args)
        if isinstance(in_dims, (tuple, list)) and len(in_dims) != len(args):
            raise ValueError(f"vmap({getattr(func, '__name__', func)}, in_dims={in_dims}, ...)(<inputs>): in_dims is "
                             f"not compatible with the structure of `inputs`. in_dims has structure "
                             f"{len(in_dims)} but inputs has structure {len(args)}.")
        axes = []
        for i, arg in enumerate(args):
            dim = in_dims[i] if isinstance(in_dims, (tuple, list)) else in_dims
            axes += [None if dim is None else dim % x.ndim
                     for x in jax.tree_util.tree_leaves(arg, is_leaf=_is_tensor) if _is_tensor(x)]
        if all(a is None for a in axes):
            raise ValueError(f"vmap({getattr(func, '__name__', func)}, in_dims={in_dims}, ...)(<inputs>): at least "
                             f"one input must be batched (have a non-None in_dim)")
        out_axes = tuple(out_dims) if isinstance(out_dims, list) else out_dims
        if randomness == "error":
            return _run(kernel, fn, structure, tensors, (tuple(axes), out_axes, "none"), _RANDOM_IN_VMAP, captured)
        default_generator._key, key = jax.random.split(default_generator._key)
        if randomness == "different":
            size = next(t.shape[a] for t, a in zip(tensors, axes) if a is not None)
            key = jax.random.split(key, size)
        key_axis = 0 if randomness == "different" else None
        return _run(kernel, fn, structure, [Tensor._from_array(key), *tensors], (tuple(axes), out_axes, key_axis),
                    captured=captured)

    wrapped.__wrapped__ = func
    return wrapped


_RANDOM_IN_VMAP = ("vmap: called random operation while in randomness error mode. Please either use the 'same' or "
                   "'different' randomness flags on vmap or perform the randomness operation out of vmap")


def cond(pred, true_fn, false_fn, operands=()):
    """torch.cond: ``true_fn(*operands)`` if ``pred`` else ``false_fn(*operands)``. Eagerly the
    chosen branch runs as Python; under torchlike.compile/jit tracing (a traced ``pred``) both
    branches become one ``lax.cond``, and must return tensors of the same shapes and dtypes."""
    operands = tuple(operands)
    if not isinstance(pred, Tensor):
        return true_fn(*operands) if pred else false_fn(*operands)
    if pred.numel() != 1:
        raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred}.")
    if not isinstance(pred._data, jax.core.Tracer):
        return true_fn(*operands) if bool(pred) else false_fn(*operands)
    branches = (_ArrayFunction(true_fn), _ArrayFunction(false_fn))
    tensors, structure = _ArrayFunction.split(operands)
    kernel = Kernel(lambda s, p, *a: jax.lax.cond(p.reshape(()), lambda *x: branches[0](s, *x),
                                                  lambda *x: branches[1](s, *x), *a), "CondBackward0")
    return _run(kernel, branches[0], structure, [pred, *tensors])


def while_loop(cond_fn, body_fn, carried_inputs):
    """torch.while_loop: apply ``body_fn`` to the carried tuple while ``cond_fn`` holds; returns
    the final carried tuple. Eagerly a Python loop; under tracing one ``lax.while_loop``
    (``body_fn`` must keep shapes and dtypes; not differentiable there, as in torch)."""
    carried = tuple(carried_inputs)
    tensors, structure = _ArrayFunction.split(carried)
    if not any(isinstance(t._data, jax.core.Tracer) for t in tensors):
        while bool(cond_fn(*carried)):
            carried = tuple(body_fn(*carried))
        return carried
    test, body = _ArrayFunction(lambda *c: cond_fn(*c)), _ArrayFunction(lambda *c: tuple(body_fn(*c)))

    def loop(s, *arrays):
        return jax.lax.while_loop(lambda a: test(s, *a)[0].reshape(()), lambda a: body(s, *a), arrays)

    return tuple(_run(Kernel(loop, "WhileLoopBackward0"), body, structure, tensors))
