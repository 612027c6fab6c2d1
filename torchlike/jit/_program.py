"""The compiled program behind every ScriptModule and ScriptFunction.

A ``Program`` turns Python code on Tensors into one pure JAX function of flat arrays:
the owner module's parameters and buffers, the default generator's key, and the Tensor
leaves of the call's arguments. It returns the Tensor leaves of the result, the buffers
the code replaced (BatchNorm's running statistics) and the new key. That function is a
dispatch ``Kernel``: it runs as one cached ``jax.jit`` program per argument structure,
and when a parameter or input requires grad the call records one autograd node whose
backward is the program's VJP (one more compiled program). Non-Tensor arguments and the
modules' train/eval flags are static: new values compile a new version.
"""
import functools

import jax

from .. import _dispatch
from .. import random as _random
from .._dispatch import Kernel, _record
from .._tensor import Tensor
from ..autograd import grad_mode
from ..func import functional_call
from . import _code, _state


def is_tensor(x):
    return isinstance(x, Tensor)


def flatten(tree):
    """(leaves, treedef, spec): ``spec`` holds the non-Tensor leaves, None where a Tensor is."""
    leaves, treedef = jax.tree_util.tree_flatten(tree, is_leaf=is_tensor)
    return leaves, treedef, tuple(None if isinstance(x, Tensor) else x for x in leaves)


def unflatten(treedef, spec, tensors):
    it = iter(tensors)
    return jax.tree_util.tree_unflatten(treedef, [next(it) if s is None else s for s in spec])


class Program:
    """``fn(*args, **kwargs)`` compiled; ``owner``'s parameters and buffers are inputs
    (``fn`` is then reached through ``functional_call(owner, ...)``). ``kind`` is the
    jit mode the code is traced in ('script' or 'trace')."""

    def __init__(self, fn, owner=None, kind="script"):
        self.fn, self.owner, self.kind = fn, owner, kind
        self.kernel = Kernel(self._pure, "CompiledFunctionBackward")
        self.layouts = {}
        self.last = None  # (statics, input avals) of the latest call: what .graph/.code/save describe
        self._artifacts = {}

    # ---- the pure function -------------------------------------------------------------
    def _pure(self, pnames, bnames, in_tree, in_spec, flags, *arrays):
        n_p, n_b = len(pnames), len(bnames)
        params, buffers = dict(zip(pnames, arrays[:n_p])), dict(zip(bnames, arrays[n_p:n_p + n_b]))
        key = arrays[n_p + n_b]
        args, kwargs = unflatten(in_tree, in_spec, [Tensor._from_array(a) for a in arrays[n_p + n_b + 1:]])
        given = dict(buffers)
        gen = _random.default_generator
        saved, gen._key = gen._key, key
        try:
            with _state.mode(self.kind):
                if self.owner is None:
                    out = self.fn(*args, **kwargs)
                else:
                    out = functional_call(self.owner, (params, buffers), args, kwargs)
        finally:
            new_key, gen._key = gen._key, saved
        leaves, out_tree, out_spec = flatten(out)
        mutated = tuple(n for n in bnames if buffers[n] is not given[n])
        self.layouts[pnames, bnames, in_tree, in_spec, flags] = (out_tree, out_spec, mutated, new_key is not key)
        return (tuple(t._data for t in leaves if isinstance(t, Tensor)) + tuple(buffers[n] for n in mutated)
                + ((new_key,) if new_key is not key else ()))

    # ---- calling -----------------------------------------------------------------------
    def _inputs(self, args, kwargs):
        """(statics, Tensors passed to the kernel, buffer Tensors by name)."""
        leaves, in_tree, in_spec = flatten((tuple(args), dict(kwargs)))
        try:
            hash(in_spec)
        except TypeError:
            raise TypeError("torchlike.jit: arguments must be Tensors, or nested tuples/lists/dicts of Tensors and "
                            f"hashable constants; got {[type(x).__name__ for x in in_spec if x is not None]}") from None
        params = list(self.owner.named_parameters()) if self.owner is not None else []
        buffers = list(self.owner.named_buffers()) if self.owner is not None else []
        flags = tuple(m.training for m in self.owner.modules()) if self.owner is not None else ()
        statics = (tuple(n for n, _ in params), tuple(n for n, _ in buffers), in_tree, in_spec, flags)
        tensors = ([t for _, t in params] + [b for _, b in buffers]
                   + [Tensor._from_array(_random.default_generator._key)])
        return statics, tensors + [x for x in leaves if isinstance(x, Tensor)], dict(buffers)

    def __call__(self, args, kwargs):
        statics, tensors, buffers = self._inputs(args, kwargs)
        arrays = [t._data for t in tensors]
        self.last = (statics, [jax.ShapeDtypeStruct(a.shape, a.dtype) for a in arrays])
        out = self.kernel.compiled(statics)(*arrays)
        if grad_mode.state.enabled and any(t._requires_grad for t in tensors):
            outs = _record(self.kernel, statics, tensors, arrays, out)
        else:
            outs = tuple(Tensor._from_array(o) for o in out)
        return self._finish(statics, outs, buffers)

    def _finish(self, statics, outs, buffers):
        """Write back replaced buffers and the new key; rebuild the result's structure."""
        out_tree, out_spec, mutated, key_changed = self.layouts[statics]
        n_out = sum(s is None for s in out_spec)
        for name, t in zip(mutated, outs[n_out:]):
            buffers[name]._data = t._data
        if key_changed:
            _random.default_generator._key = outs[-1]._data
        return unflatten(out_tree, out_spec, outs[:n_out])

    # ---- inspection --------------------------------------------------------------------
    def artifacts(self, arg_names):
        """(jaxpr text, torch-style code) of the latest call's program."""
        if self.last is None:
            raise RuntimeError("torchlike.jit: this program has not run yet, so its input shapes are unknown; call it "
                               "once (or use graph_for(*inputs)) before reading .graph")
        statics, avals = self.last
        key = (statics, tuple(avals))
        if key not in self._artifacts:
            tape, seen = [], {}

            def probe(*arrays):
                seen["inputs"] = arrays
                out = self._pure(*statics, *arrays)
                seen["outputs"] = out
                return out
            saved, _dispatch.observer = _dispatch.observer, lambda *entry: tape.append(entry)
            try:
                jaxpr = jax.make_jaxpr(probe)(*avals)
            finally:
                _dispatch.observer = saved
            names = ["self." + n for n in statics[0] + statics[1]] + ["rng_key"] + list(arg_names(statics, avals))
            n_out = sum(s is None for s in self.layouts[statics][1])
            code = _code.render(tape, dict(zip(map(id, seen["inputs"]), names)), seen["outputs"][:n_out],
                                [n for n in names[len(statics[0]) + len(statics[1]) + 1:]])
            self._artifacts[key] = (str(jaxpr), code)
        return self._artifacts[key]

    def exportable(self):
        """(function of flat arrays, statics, avals) of the latest call, for jax.export."""
        if self.last is None:
            raise RuntimeError("torchlike.jit.save: run the module once (or trace it) before saving, so that the "
                               "shapes of its inputs are known")
        statics, avals = self.last
        return functools.partial(self._pure, *statics), statics, avals
