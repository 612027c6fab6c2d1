"""Runtime of the control flow ``jit.script`` converts (see ``_script``).

Each helper decides when it runs: a condition or loop bound that is a traced value (a
Tensor holding a tracer inside a compiled program) becomes ``lax.cond`` /
``lax.fori_loop`` / ``lax.while_loop`` with both branches, or the loop body, in the
program; a Python value (or a concrete Tensor, in eager code) runs the plain Python
statement. Variables flow in and out explicitly: a branch or loop body is a function
of the variables it assigns, returning their new values. Values carried through a
traced construct are Tensors (Python numbers become 0-d Tensors, torch's dtypes) and
must keep their structure, shape and dtype; a mismatch raises an error naming the
variable and the source line.
"""
import contextlib

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dispatch
from .._dispatch import Kernel, apply
from .._tensor import Tensor
from ._code import Construct
from .frontend import NotSupportedError, location


class Undefined:
    """The value of a local variable not (yet) assigned, or assigned only inside a
    traced branch or loop body that does not define it on every path."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def _fail(self, *args, **kwargs):
        raise NameError(f"local variable '{self.name}' is not defined here (it is unassigned, or assigned only inside "
                        "a tensor-dependent branch or loop body that torchlike.jit.script compiled; assign it before "
                        "the if/for/while to carry it out)")

    def __getattr__(self, name):
        self._fail()

    def __repr__(self):
        return f"<undefined {self.name}>"


for _name in ("__bool__", "__call__", "__iter__", "__len__", "__getitem__", "__add__", "__radd__", "__sub__",
              "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__", "__matmul__", "__neg__", "__lt__",
              "__le__", "__gt__", "__ge__", "__index__", "__int__", "__float__"):
    setattr(Undefined, _name, Undefined._fail)


def is_traced(x):
    data = x._data if isinstance(x, Tensor) else x
    return isinstance(data, jax.core.Tracer)


def _pred(cond):
    """The scalar bool array of a traced condition; None for a Python/concrete one."""
    if not is_traced(cond):
        return None
    data = cond._data if isinstance(cond, Tensor) else cond
    if data.size != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return data.reshape(()) != 0


@contextlib.contextmanager
def _unobserved():
    """Keep the ops of traced branches and bodies off a ``.code`` tape; yields its observer."""
    saved, _dispatch.observer = _dispatch.observer, None
    try:
        yield saved
    finally:
        _dispatch.observer = saved


def _array(value, name, where, what):
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, jax.Array):
        return value
    if isinstance(value, Undefined):
        raise NameError(f"variable '{name}' is not defined on every path through the tensor-dependent {what}"
                        + location(where))
    if isinstance(value, (bool, int, float, complex)):
        from .. import tensor
        return tensor(value)._data
    raise NotSupportedError(f"variable '{name}' holds a {type(value).__name__}, which cannot flow through the "
                            f"tensor-dependent {what}; only Tensors, numbers and tuples/lists/dicts of them can"
                            + location(where))


def _pack(names, values, where, what):
    """Flat arrays of ``values`` and per-variable tree structures."""
    arrays, trees = [], []
    for name, value in zip(names, values):
        leaves, tree = jax.tree_util.tree_flatten(value, is_leaf=lambda x: isinstance(x, Tensor))
        trees.append(tree)
        arrays.extend(_array(leaf, name, where, what) for leaf in leaves)
    return arrays, trees


def _unpack(trees, arrays):
    it = iter(arrays)
    return [jax.tree_util.tree_unflatten(t, [Tensor._from_array(next(it)) for _ in range(t.num_leaves)])
            for t in trees]


def _describe(tree, arrays):
    return f"{tree} of " + ", ".join(f"{a.dtype}{list(a.shape)}" for a in arrays)


def _check_same(names, first, second, where, what, labels):
    """Raise naming the first variable whose structure/shape/dtype differs between two
    (trees, arrays) versions of ``names``."""
    (trees_a, arrays_a), (trees_b, arrays_b) = first, second
    ia = ib = 0
    for name, ta, tb in zip(names, trees_a, trees_b):
        a, b = arrays_a[ia:ia + ta.num_leaves], arrays_b[ib:ib + tb.num_leaves]
        ia, ib = ia + ta.num_leaves, ib + tb.num_leaves
        if ta != tb or [(x.shape, x.dtype) for x in a] != [(y.shape, y.dtype) for y in b]:
            raise TypeError(f"torchlike.jit.script: variable '{name}' is {_describe(ta, a)} {labels[0]} but "
                            f"{_describe(tb, b)} {labels[1]} of the tensor-dependent {what}; both must agree in "
                            "structure, shape and dtype" + location(where))


def _merge(values, keep, new):
    out = list(values)
    for i, v in zip(keep, new):
        out[i] = v
    return tuple(out)


def _record(name, inputs, outputs):
    if _dispatch.observer is not None:
        _dispatch.observer(Construct(name), (), [x for x in inputs if isinstance(x, Tensor)], tuple(outputs))


def if_stmt(cond, true_fn, false_fn, names, values, both, where):
    """``if cond:`` over the variables ``names`` (current ``values``); ``both``: the names
    every branch assigns. Returns the variables' new values."""
    pred = _pred(cond)
    if pred is None:
        return (true_fn if cond else false_fn)(*values)
    keep = [i for i, (n, v) in enumerate(zip(names, values)) if n in both or not isinstance(v, Undefined)]
    kept = [names[i] for i in keep]
    results = {}

    def branch(fn, label):
        def run():
            with _unobserved():
                outs = fn(*values)
            arrays, trees = _pack(kept, [outs[i] for i in keep], where, "if")
            results[label] = (trees, arrays)
            return arrays
        return run
    try:
        arrays = lax.cond(pred, branch(true_fn, "in the true branch"), branch(false_fn, "in the false branch"))
    except TypeError:
        if len(results) == 2:
            _check_same(kept, results["in the true branch"], results["in the false branch"], where, "if",
                        list(results))
        raise
    new = _unpack(results["in the true branch"][0], arrays)
    _record("cond", [cond] + [values[i] for i in keep], arrays)
    return _merge(values, keep, new)


def ifexp(cond, true_fn, false_fn, where):
    """``a if cond else b``."""
    return if_stmt(cond, lambda _: (true_fn(),), lambda _: (false_fn(),), ("<expression>",),
                   (Undefined("<expression>"),), ("<expression>",), where)[0]


def _loop(kind, names, values, where, run):
    """Run a traced loop: ``run(body_of_arrays, init_arrays)`` with the defined variables carried."""
    keep = [i for i, v in enumerate(values) if not isinstance(v, Undefined)]
    kept = [names[i] for i in keep]
    init, trees = _pack(kept, [values[i] for i in keep], where, kind)

    def current(arrays):
        return _merge(values, keep, _unpack(trees, arrays))

    def carry_out(outs):
        arrays, new_trees = _pack(kept, [outs[i] for i in keep], where, kind)
        _check_same(kept, (trees, init), (new_trees, arrays), where, kind, ("before", "after an iteration"))
        return arrays
    with _unobserved():
        arrays = run(current, carry_out, init)
    _record(kind, [values[i] for i in keep], arrays)
    return _merge(values, keep, _unpack(trees, arrays))


def _bound(b):
    if isinstance(b, Tensor):
        return b._data if is_traced(b) else int(b._data)
    if isinstance(b, (int, jax.core.Tracer)):
        return b
    if isinstance(b, np.integer):
        return int(b)
    return jnp.asarray(b)  # a symbolic dimension of jax.export


def for_range(bounds, body, names, values, where):
    """``for i in range(*bounds):``; ``body(i, *values)`` returns the new values."""
    bounds = [_bound(b) for b in bounds]
    if all(isinstance(b, int) for b in bounds):
        values = tuple(values)
        for i in range(*bounds):
            values = body(i, *values)
        return values
    if len(bounds) == 3 and not (isinstance(bounds[2], int) and bounds[2] == 1):
        raise NotSupportedError("range() with a step other than 1 and a tensor-dependent bound cannot be compiled"
                                + location(where))
    lo, hi = (0, bounds[0]) if len(bounds) == 1 else bounds[:2]
    dtype = next(b.dtype for b in (lo, hi) if not isinstance(b, int))
    lo, hi = jnp.asarray(lo, dtype), jnp.asarray(hi, dtype)

    def run(current, carry_out, init):
        return lax.fori_loop(lo, hi, lambda i, c: carry_out(body(Tensor._from_array(i), *current(c))), init)
    return _loop("for loop", names, values, where, run)


def while_stmt(cond_fn, body, names, values, where):
    """``while cond:``; ``cond_fn(*values)`` and ``body(*values)`` see the loop's variables."""
    values = tuple(values)
    while True:
        cond = cond_fn(*values)
        if _pred(cond) is not None:
            break
        if not cond:
            return values
        values = body(*values)

    def run(current, carry_out, init):
        def test(c):
            p = cond_fn(*current(c))
            return _pred(p) if is_traced(p) else jnp.asarray(bool(p))
        return lax.while_loop(test, lambda c: carry_out(body(*current(c))), init)
    return _loop("while loop", names, values, where, run)


def _take(spec, x, *indices):
    """``x`` indexed at traced positions: ``spec`` flags, per leading dim, an index (True)
    or a whole dim (False)."""
    it, axis = iter(indices), 0
    for indexed in spec:
        if indexed:
            i = next(it)
            x = lax.dynamic_index_in_dim(x, jnp.where(i < 0, i + x.shape[axis], i), axis, keepdims=False)
        else:
            axis += 1
    return x


_TAKE = Kernel(_take, "SelectBackward0")


def getitem(x, index, where):
    """``x[index]`` where ``index`` uses a compiled loop's index: ints (traced or not) and
    whole-dim slices ``:`` index without reading the traced value (out-of-range indices
    clamp, as XLA does)."""
    items = index if isinstance(index, tuple) else (index,)
    if not isinstance(x, Tensor) or not any(is_traced(i) for i in items):
        return x[index]
    if not all(isinstance(i, int) or (isinstance(i, Tensor) and i.ndim == 0 and i.dtype.category == 1)
               or i == slice(None) for i in items):
        raise NotSupportedError("indexing with a compiled loop's index supports integers and whole-dim slices `:` "
                                "only" + location(where))
    return apply(_TAKE, [x] + [i for i in items if not isinstance(i, slice)],
                 (tuple(not isinstance(i, slice) for i in items),))


def and_(first, second):
    """``first and second()``: logical_and of tensors when ``first`` is traced."""
    if is_traced(first):
        from .. import logical_and
        return logical_and(_tensor(first), _tensor(second()))
    return second() if first else first


def or_(first, second):
    if is_traced(first):
        from .. import logical_or
        return logical_or(_tensor(first), _tensor(second()))
    return first if first else second()


def not_(value):
    if is_traced(value):
        from .. import logical_not
        return logical_not(_tensor(value))
    return not value


def _tensor(x):
    if isinstance(x, Tensor):
        return x
    from .. import tensor
    return Tensor._from_array(x) if isinstance(x, jax.Array) else tensor(x)


def static_test(cond, where, why):
    """The condition of an ``if``/``while`` left as Python (it holds ``why``)."""
    if is_traced(cond):
        raise NotSupportedError(f"a tensor-dependent condition around `{why}` cannot be compiled (XLA control flow "
                                f"has no {why}); restructure it or compute the condition in Python" + location(where))
    return cond


def static_range(bounds, where, why):
    """The ``range`` of a ``for`` loop left as Python (its body holds ``why``)."""
    bounds = [_bound(b) for b in bounds]
    if not all(isinstance(b, int) for b in bounds):
        raise NotSupportedError(f"a loop with a tensor-dependent trip count cannot contain `{why}`" + location(where))
    return range(*bounds)


def assert_(cond, message, where):
    """``assert cond, message()``: checked when ``cond`` has a Python value, skipped when traced."""
    if not is_traced(cond) and not cond:
        raise AssertionError(message()) if message is not None else AssertionError()
