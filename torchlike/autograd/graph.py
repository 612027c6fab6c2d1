"""The autograd graph and the engine that walks it backwards.

Nodes are created by ``_dispatch.apply``: an ``OpNode`` keeps the input arrays of one
kernel call and computes input gradients with the kernel's compiled VJP. Leaves that
require grad own an ``AccumulateGrad`` node. ``run_backward`` visits nodes in dependency
order, summing gradients that meet at a node, exactly as torch's engine does.
"""
import functools
import heapq
import itertools
import weakref

import jax
import jax.numpy as jnp
from jax.extend.core import Var

from . import grad_mode
from .._x64 import host_only

_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
          "have already been freed). Saved intermediate values of the graph are freed when you call .backward() "
          "or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time "
          "or if you need to access saved tensors after calling backward.")


sequence = itertools.count()


class Node:
    """torch.autograd.graph.Node: ``name()``, ``next_functions``, hooks.

    Hooks run in torch's order: tensor hooks (``Tensor.register_hook``, per output),
    then the ``retain_grad`` one, then ``register_prehook`` ones (on all grad_outputs);
    ``register_hook`` ones run after the node, on (grad_inputs, grad_outputs)."""

    n_outputs = 1
    _seq = float("inf")  # creation order: the engine runs later nodes first, AccumulateGrad as soon as ready
    _pre_hooks = None  # {output index: [hook, ...]} from Tensor.register_hook
    _retain = None     # {output index: fn} from Tensor.retain_grad
    _node_pre_hooks = ()
    _post_hooks = ()
    metadata_ = None

    def name(self):
        return type(self).__name__

    @property
    def metadata(self):
        if self.metadata_ is None:
            self.metadata_ = {}
        return self.metadata_

    @property
    def next_functions(self):
        return tuple((e[0], e[1]) if e is not None else (None, 0) for e in self.edges)

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) after this node runs; may return new grad_inputs."""
        self._post_hooks = self._post_hooks + (fn,)
        return _Handle(lambda: setattr(self, "_post_hooks", tuple(h for h in self._post_hooks if h is not fn)))

    def register_prehook(self, fn):
        """fn(grad_outputs) before this node runs; may return new grad_outputs."""
        self._node_pre_hooks = self._node_pre_hooks + (fn,)
        return _Handle(lambda: setattr(self, "_node_pre_hooks", tuple(h for h in self._node_pre_hooks if h is not fn)))

    def _add_pre_hook(self, index, fn):
        if self._pre_hooks is None:
            self._pre_hooks = {}
        self._pre_hooks.setdefault(index, []).append(fn)
        return _Handle(lambda: self._pre_hooks[index].remove(fn))

    def _set_retain(self, index, fn):
        if self._retain is None:
            self._retain = {}
        self._retain[index] = fn

    def _run_pre_hooks(self, grads):
        for i, fns in (self._pre_hooks or {}).items():
            for fn in fns:
                if grads[i] is not None:
                    new = fn(grads[i])
                    grads[i] = grads[i] if new is None else new
        for i, fn in (self._retain or {}).items():
            if grads[i] is not None:
                fn(grads[i])
        for fn in self._node_pre_hooks:
            new = fn(tuple(grads))
            grads = grads if new is None else list(new)
        return grads

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"


class _Handle:
    """RemovableHandle returned by hook registration."""

    def __init__(self, remove):
        self._remove = remove

    def remove(self):
        if self._remove is not None:
            self._remove()
            self._remove = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class OpNode(Node):
    """Backward of one kernel call: the kernel's VJP on the saved inputs."""

    __slots__ = ("kernel", "statics", "saved", "mask", "edges", "n_outputs", "_seq", "_pre_hooks", "_retain",
                 "_node_pre_hooks", "_post_hooks", "metadata_")

    @host_only
    def __init__(self, kernel, statics, saved, mask, edges, n_outputs):
        self._seq = next(sequence)
        self.kernel, self.statics, self.saved = kernel, statics, saved
        self.mask, self.edges, self.n_outputs = mask, edges, n_outputs
        self._pre_hooks = self._retain = self.metadata_ = None
        self._node_pre_hooks = self._post_hooks = ()

    def name(self):
        return self.kernel.name

    def apply(self, grads, create_graph):
        if self.saved is None:
            raise RuntimeError(_FREED)
        if create_graph:  # one VJP per input, each recording only what it depends on, as torch's formulas do
            return [self._recorded_vjp(i, grads) if m else None for i, m in enumerate(self.mask)]
        outs = iter(apply(self.kernel.vjp(self.mask, len(grads)), (*self.saved, *grads), self.statics))
        return [next(outs) if m else None for m in self.mask]

    def _recorded_vjp(self, i, grads):
        vjp = self.kernel.vjp(tuple(j == i for j in range(len(self.mask))), len(grads))
        used = _used_inputs(vjp, self.statics, [*self.saved, *(_array(g) for g in grads)])
        n = len(self.saved)
        args = [_tensor_at(a, e) if u and e is not None else a for a, e, u in zip(self.saved, self.edges, used)] \
            + [g if u else _array(g) for g, u in zip(grads, used[n:])]
        return apply(vjp, args, self.statics)[0]

    def release(self):
        self.saved = None


class AccumulateGrad(Node):
    """Sums incoming gradients into a leaf's ``.grad``. Deviation: it holds its leaf
    weakly (torch: strongly), so ``variable`` is None once the leaf is gone."""

    edges = ()
    _post_accumulate_hooks = ()

    def __init__(self, leaf):
        self.variable_ref = weakref.ref(leaf)

    def register_post_accumulate_hook(self, hook):
        self._post_accumulate_hooks = self._post_accumulate_hooks + (hook,)
        return _Handle(lambda: setattr(self, "_post_accumulate_hooks",
                                       tuple(h for h in self._post_accumulate_hooks if h is not hook)))

    def name(self):
        return "torch::autograd::AccumulateGrad"

    @property
    def variable(self):
        return self.variable_ref()

    def apply(self, grads, create_graph):
        leaf = self.variable_ref()
        if leaf is not None and grads[0] is not None:
            accumulate(leaf, grads[0])
            for hook in self._post_accumulate_hooks:
                hook(leaf)
        return []

    def release(self):
        pass


def accumulate(t, g):
    """Add ``g`` into ``t.grad`` as torch's AccumulateGrad does: first a new tensor (never
    an alias of the caller's gradient), then in place, or out of place while recording."""
    if t._grad is None:
        t._grad = _tensor_at(g._data, g._edge()) if g._requires_grad and grad_mode.state.enabled \
            else Tensor._from_array(g._data)
    elif grad_mode.state.enabled:
        t._grad = t._grad + g
    else:
        t._grad.add_(g)


class DelayedError(Node):
    """Backward of a ``once_differentiable`` backward's results: raises if differentiated."""

    edges = ()

    def __init__(self, message, n_outputs):
        self.message, self.n_outputs = message, n_outputs

    def apply(self, grads, create_graph):
        raise RuntimeError(self.message)


_USED = {}


def _used_inputs(kernel, statics, args):
    """Which of ``args`` (arrays, numbers, None) the kernel's outputs depend on: a
    dead-code pass over its jaxpr, cached per statics and argument types."""
    types = tuple(None if a is None else (jnp.shape(a), jnp.result_type(a)) for a in args)
    key = (kernel, statics, types)
    used = _USED.get(key)
    if used is None and any(t is not None and 0 in t[0] for t in types):
        # JAX folds work on empty arrays to constants; torch still records the formula's inputs
        used = _USED[key] = tuple(a is not None for a in args)
    if used is None:
        specs = [None if t is None else jax.ShapeDtypeStruct(*t) for t in types]
        jaxpr = jax.make_jaxpr(functools.partial(kernel.fn, *statics))(*specs).jaxpr
        live = {v for v in jaxpr.outvars if isinstance(v, Var)}
        for eqn in reversed(jaxpr.eqns):
            if eqn.effects or not live.isdisjoint(eqn.outvars):
                live.update(v for v in eqn.invars if isinstance(v, Var))
        it = iter(jaxpr.invars)
        used = _USED[key] = tuple(a is not None and next(it) in live for a in args)
    return used


def _array(a):
    return a._data if isinstance(a, Tensor) else a


def full(shape, dtype, value):
    """A new Tensor filled with ``value`` (made with jnp, so it also works under jax.jit)."""
    return Tensor._from_array(jnp.full(shape, value, dtype))


def _tensor_at(array, edge):
    """A Tensor standing for a saved input at its place in the graph (for create_graph)."""
    t = Tensor._from_array(array)
    t._node, t._out, t._requires_grad = edge[0], edge[1], True
    return t


def run_backward(roots, grads, retain_graph, create_graph, inputs=None, allow_unused=False):
    """Backpropagate ``grads`` from ``roots`` (Tensors). With ``inputs``, return the
    gradients reaching them (autograd.grad); otherwise accumulate into leaves."""
    root_edges = []
    for t in roots:
        if not t._requires_grad:
            raise RuntimeError(f"element {len(root_edges)} of tensors does not require grad "
                               "and does not have a grad_fn")
        root_edges.append(t._edge())
    deps, order = _dependencies([e[0] for e in root_edges])
    capture = None
    if inputs is not None:
        capture = {}
        for i, t in enumerate(inputs):
            if not t._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            capture.setdefault(t._edge(), []).append(i)
        needed = _needed(order, {e[0] for e in capture})
    buffers = {}
    for (node, idx), g in zip(root_edges, grads):
        _add_to_buffer(buffers, node, idx, g)
    results = [None] * (len(inputs) if inputs is not None else 0)
    ready = []  # a heap: the most recently created ready node runs first, as in torch
    for node in dict.fromkeys(e[0] for e in root_edges if deps.get(e[0], 0) == 0):
        heapq.heappush(ready, (-node._seq, next(sequence), node))
    with grad_mode.set_grad_enabled(create_graph):
        while ready:
            node = heapq.heappop(ready)[2]
            bufs = node._run_pre_hooks(buffers.pop(node, None) or [None] * node.n_outputs)
            if capture is not None:
                for i, g in enumerate(bufs):
                    for pos in capture.get((node, i), ()):
                        results[pos] = g
                if node not in needed:
                    continue
            if isinstance(node, AccumulateGrad):
                if capture is None:
                    node.apply(bufs, create_graph)
                continue
            if all(g is None for g in bufs):
                in_grads = [None] * len(node.edges)
            else:
                in_grads = node.apply(bufs, create_graph)
                for hook in node._post_hooks:
                    new = hook(tuple(in_grads), tuple(bufs))
                    if new is not None:
                        in_grads = list(new)
                if not retain_graph:
                    node.release()
            for edge, g in zip(node.edges, in_grads):
                if edge is None:
                    continue
                nxt = edge[0]
                if g is not None:
                    _add_to_buffer(buffers, nxt, edge[1], g)
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    heapq.heappush(ready, (-nxt._seq, next(sequence), nxt))
    if inputs is not None and not allow_unused:
        for i, r in enumerate(results):
            if r is None:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
    return results


def _dependencies(starts):
    """Count, for every node reachable from ``starts``, how many edges lead into it."""
    deps, order, seen = {}, [], set(starts)
    stack = list(starts)
    while stack:
        node = stack.pop()
        order.append(node)
        for e in node.edges:
            if e is None:
                continue
            nxt = e[0]
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps, order


def _needed(order, targets):
    """Nodes from which some target node is reachable (the only ones autograd.grad runs)."""
    needed, done = set(targets), set()
    for start in order:
        stack = [(start, False)]
        while stack:
            node, expanded = stack.pop()
            if node in done:
                continue
            if expanded:
                done.add(node)
                if any(e is not None and e[0] in needed for e in node.edges):
                    needed.add(node)
                continue
            stack.append((node, True))
            stack.extend((e[0], False) for e in node.edges if e is not None and e[0] not in done)
    return needed


def _add_to_buffer(buffers, node, idx, g):
    bufs = buffers.get(node)
    if bufs is None:
        bufs = buffers[node] = [None] * node.n_outputs
    bufs[idx] = g if bufs[idx] is None else bufs[idx] + g


from .._dispatch import apply  # noqa: E402
from .._tensor import Tensor  # noqa: E402
