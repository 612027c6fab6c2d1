"""torch.compile: a module's forward, or a whole training step, as one XLA program.

``compile(fn)`` on a function (a training step that runs forward, ``backward()`` and
``optimizer.step()``) finds the Modules, Optimizers, Generators and Tensors the function
reaches (its arguments, closure, the globals it names, the attributes of objects found
there). Their parameters, gradients, buffers, optimizer state and RNG keys become inputs
and outputs of one ``jax.jit`` program, with their buffers donated when no other tensor
shares them; the optimizers' hyperparameters (``lr``, betas, ...) are traced inputs, so a
scheduler changing ``param_groups[i]['lr']`` never recompiles. The step runs the same
torchlike code as eager execution (the kernels trace into the program), and after each
call the Python objects hold what eager execution would have left there.

``compile(module)`` returns an ``OptimizedModule`` whose forward is one compiled program,
differentiable as one autograd node (its backward is the program's VJP).

A new compilation happens when the shapes/dtypes of the inputs or the state, a module's
train/eval mode, Python-valued arguments or non-traced optimizer options change. Code that
needs a concrete value (``.item()``, printing a tensor, ``if loss > 0:``) cannot be
compiled: with ``fullgraph=False`` (the default) the function runs eagerly, with a warning
naming the line, as torch's graph break would; ``fullgraph=True`` raises instead.
Deviations: the returned tensors are detached (a step's loss has no ``grad_fn``);
optimizer step hooks and Python side effects run while tracing, not on every call.
"""
import functools
import itertools
import linecache
import os
import sys
import traceback
import types
import warnings

import jax
import jax.numpy as jnp
from jax.extend import core

from . import random as _random
from ._tensor import Tensor
from ._dispatch import Kernel, apply
from .autograd import grad_mode
from .nn.modules.module import Module
from .optim.optimizer import Optimizer, _OptaxOptimizer, _assign

__all__ = ["compile", "OptimizedModule"]

_LIBRARY_DIRS = (os.path.dirname(__file__), os.path.dirname(jax.__file__))
_compiling = [False]


def is_compiling():
    """torch.compiler.is_compiling: True while a compiled function is being traced."""
    return _compiling[0]


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,
            disable=False):
    """torch.compile. ``backend``, ``mode``, ``dynamic`` and ``options`` are accepted and
    ignored: XLA is the only backend. Usable as ``@compile`` or ``@compile(fullgraph=True)``."""
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                 options=options, disable=disable)
    if not callable(model):
        raise RuntimeError("torch.compile: model must be a callable (a function or an nn.Module)")
    if disable:
        return model
    if isinstance(model, Module):
        return OptimizedModule(model, fullgraph)
    return CompiledFunction(model, fullgraph)


# ---- finding the state a function touches -------------------------------------------------
def _discover(roots, depth=4):
    """Modules, Optimizers, Generators and loose Tensors reachable from ``roots`` through
    closures, named globals, bound methods, containers and object attributes."""
    found = {Module: {}, Optimizer: {}, _random.Generator: {}, Tensor: {}}
    seen = set()

    def visit(obj, level):
        if id(obj) in seen or level > depth or isinstance(obj, (type, types.ModuleType, str, bytes, int, float)):
            return
        seen.add(id(obj))
        for kind, table in found.items():
            if isinstance(obj, kind):
                table[id(obj)] = obj
                if kind is Module:
                    for v in vars(obj).values():  # an optimizer or generator a module holds
                        if isinstance(v, (Optimizer, _random.Generator)):
                            visit(v, level + 1)
                return
        if isinstance(obj, types.MethodType):
            visit(obj.__self__, level)
            visit(obj.__func__, level)
        elif isinstance(obj, types.FunctionType):
            for cell in obj.__closure__ or ():
                try:
                    visit(cell.cell_contents, level + 1)
                except ValueError:  # an empty cell
                    pass
            for name in _names(obj.__code__):
                if name in obj.__globals__:
                    visit(obj.__globals__[name], level + 1)
            for v in obj.__defaults__ or ():
                visit(v, level + 1)
        elif isinstance(obj, functools.partial):
            for v in (obj.func, *obj.args, *obj.keywords.values()):
                visit(v, level + 1)
        elif isinstance(obj, (list, tuple, set, frozenset)):
            for v in obj:
                visit(v, level + 1)
        elif isinstance(obj, dict):
            for v in obj.values():
                visit(v, level + 1)
        elif hasattr(obj, "__dict__") and not callable(getattr(obj, "__call__", None)) or hasattr(obj, "__dict__"):
            for v in vars(obj).values():
                visit(v, level + 1)

    for root in roots:
        visit(root, 0)
    return (list(found[Module].values()), list(found[Optimizer].values()), list(found[_random.Generator].values()),
            list(found[Tensor].values()))


def _names(code):
    """The global names a code object (and the code nested in it) refers to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


# ---- the state: everything a compiled call reads and writes ----------------------------
class _State:
    """The tensors, gradients, optimizer state and RNG keys a compiled call threads through.

    A *slot* is ``(kind, owner, key)``: a tensor's data, a tensor's ``.grad``, one entry of
    an optimizer's per-parameter state, or a generator's key."""

    def __init__(self, modules, optimizers, generators, tensors):
        tensors = {id(t): t for t in tensors}
        for m in modules:
            for t in itertools.chain(m.parameters(), m.buffers()):
                tensors[id(t)] = t
        for opt in optimizers:
            for group in opt.param_groups:
                for p in group["params"]:
                    tensors[id(p)] = p
        self.tensors = list(tensors.values())
        self.modules, self.optimizers = modules, optimizers
        self.generators = list({id(g): g for g in [_random.default_generator, *generators]}.values())

    def slots(self):
        for t in self.tensors:
            yield "data", t, None
            if t._requires_grad:
                yield "grad", t, None
        for opt in self.optimizers:
            for group in opt.param_groups:
                for p in group["params"]:
                    for k in sorted(opt.state.get(p, ())):
                        yield "opt", (opt, p), k
        for g in self.generators:
            yield "key", g, None

    @staticmethod
    def get(kind, owner, key):
        """The slot's array, None when empty, or a Python value (optimizer state only)."""
        if kind == "data":
            return owner._data
        if kind == "grad":
            return None if owner._grad is None else owner._grad._data
        if kind == "key":
            return owner._key
        opt, p = owner
        value = opt.state.get(p, {}).get(key)
        return value._data if isinstance(value, Tensor) else value

    @staticmethod
    def set_traced(kind, owner, key, value):
        """Swap a tracer in (no version bumps or view refreshes: this is the trace)."""
        if kind == "data":
            owner._data = value
        elif kind == "grad":
            owner._grad._data = value
        elif kind == "key":
            owner._key = value
        else:
            opt, p = owner
            opt.state[p][key]._data = value

    @staticmethod
    def write(kind, owner, key, value):
        """Write a call's result into the Python objects, as an eager step would leave them."""
        if kind == "data":
            _assign(owner, value)
        elif kind == "grad":
            if value is None:
                owner._grad = None
            elif owner._grad is None:
                owner._grad = Tensor._from_array(value)
            else:
                _assign(owner._grad, value)
        elif kind == "key":
            owner._key = value
        else:
            opt, p = owner
            state = opt.state[p]
            if isinstance(value, _Python):
                state[key] = value.value
            elif isinstance(state.get(key), Tensor):
                _assign(state[key], value)
            else:
                state[key] = Tensor._from_array(value)

    def snapshot(self):
        """Everything a trace may change, to put back afterwards."""
        grads = [(t, t._grad, None if t._grad is None else t._grad._data) for t in self.tensors]
        opt_state = [(opt, dict(opt.state), [(s, dict(s), {k: v._data for k, v in s.items() if isinstance(v, Tensor)})
                                             for s in opt.state.values()]) for opt in self.optimizers]
        groups = [(g, dict(g)) for opt in self.optimizers for g in opt.param_groups]
        return ([(t, t._data) for t in self.tensors], grads, opt_state, groups,
                [(g, g._key) for g in self.generators])

    @staticmethod
    def restore(snap):
        datas, grads, opt_state, groups, keys = snap
        for t, data in datas:
            t._data = data
        for t, grad, data in grads:
            t._grad = grad
            if grad is not None:
                grad._data = data
        for opt, table, per_param in opt_state:
            opt.state.clear()
            opt.state.update(table)
            for s, contents, datas in per_param:
                s.clear()
                s.update(contents)
                for k, data in datas.items():
                    s[k]._data = data
        for group, contents in groups:
            group.clear()
            group.update(contents)
        for g, key in keys:
            g._key = key


class _Python:
    """A non-tensor optimizer-state value (e.g. a Python step count): static, not traced."""

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, _Python) and repr(self.value) == repr(other.value)

    def __hash__(self):
        return hash(repr(self.value))


def _spec(value):
    """What of a slot's or argument's value selects a compilation."""
    if value is None:
        return None
    if isinstance(value, jax.Array):
        return value.shape, value.dtype, value.weak_type
    return _Python(value)


def _static_value(v):
    """A hashable stand-in for a Python value that selects a compilation."""
    if isinstance(v, (list, tuple)):
        return type(v).__name__, tuple(_static_value(x) for x in v)
    if isinstance(v, dict):
        return "dict", tuple((k, _static_value(x)) for k, x in v.items())
    try:
        hash(v)
        return v
    except TypeError:
        return repr(v)


def _hyper_keys(opt):
    """The param-group options passed traced: an Optax-driven optimizer's hyperparameters."""
    return opt._hyper if isinstance(opt, _OptaxOptimizer) else ()


def _hyper_array(v):
    """A traced hyperparameter: weakly typed, as the Python float an eager step passes, so
    float32 parameters are not promoted to float64 math."""
    if isinstance(v, Tensor):
        return v._data
    if isinstance(v, (tuple, list)):
        return type(v)(map(_scalar_array, v))
    return _scalar_array(v)


@functools.lru_cache(maxsize=4096)
def _scalar_array(v):
    """The device scalar of a Python number, made once per value (a transfer costs more than
    the lookup, and learning rates repeat from step to step); concrete even under a trace."""
    with jax.ensure_compile_time_eval():
        return jnp.asarray(float(v))


def _exclusive(array):
    """Whether only its slot holds ``array`` (so its buffer can be donated): the slot, the
    caller's reference and getrefcount's argument."""
    return sys.getrefcount(array) <= 3


# ---- a compiled function ----------------------------------------------------------------
class _GraphBreak(Exception):
    """Raised inside a trace when the function needs a concrete value."""


_CONCRETE_ERRORS = (jax.errors.ConcretizationTypeError, jax.errors.TracerIntegerConversionError,
                    jax.errors.TracerArrayConversionError)


def _graph_break(error, what):
    """The _GraphBreak for a JAX concretization error, naming the user's line."""
    return _GraphBreak(f"torch.compile: {type(error).__name__} at {_user_line(error.__traceback__)}: this needs "
                       f"a concrete value, which a compiled {what} does not have (e.g. .item(), printing a tensor, "
                       "or branching on a tensor's value). Move it outside the compiled code, e.g. call .item() "
                       "on a tensor it returns.")


def _user_line(tb):
    """'file:line: source' of the innermost traceback frame outside torchlike and JAX."""
    where = None
    for frame, lineno in traceback.walk_tb(tb):
        if not frame.f_code.co_filename.startswith(_LIBRARY_DIRS):
            where = frame.f_code.co_filename, lineno
    return "an unknown line" if where is None else f"{where[0]}:{where[1]}: {linecache.getline(*where).strip()}"


def _flatten(tree):
    return jax.tree_util.tree_flatten(tree, is_leaf=lambda a: isinstance(a, Tensor))


class CompiledFunction:
    """What ``torch.compile(fn)`` returns for a function: see the module docstring."""

    def __init__(self, fn, fullgraph=False):
        functools.update_wrapper(self, fn)
        self._fn, self._fullgraph = fn, fullgraph
        self._programs = {}   # signature -> _Program, or None: runs eagerly

    def __get__(self, obj, objtype=None):  # a compiled method binds like a function
        return self if obj is None else functools.partial(self.__call__, obj)

    @property
    def compile_count(self):
        """How many XLA executables this function has compiled."""
        return sum(len(p.executables) for p in self._programs.values() if p is not None)

    def __call__(self, *args, **kwargs):
        if _compiling[0]:  # called while tracing another compiled function: inline
            return self._fn(*args, **kwargs)
        leaves, treedef = _flatten((args, kwargs))
        state = _State(*_discover([self._fn, *(a for a in leaves if not isinstance(a, Tensor))]))
        slots = list(state.slots())
        exclusive = [_exclusive(state.get(*s)) and s[0] != "key" for s in slots]
        values = [state.get(*s) for s in slots]
        hypers = [(opt, g, k) for opt in state.optimizers for g in opt.param_groups for k in _hyper_keys(opt)]
        hyper_values = [_hyper_array(g[k]) for _, g, k in hypers]
        signature = (
            tuple(map(_slot_id, slots)), tuple(map(_spec, values)),
            tuple(m.training for top in state.modules for m in top.modules()),
            tuple((tuple((k, _static_value(v)) for k, v in g.items() if k != "params" and k not in _hyper_keys(opt)),
                   opt._statics(g) if isinstance(opt, _OptaxOptimizer) else ())
                  for opt in state.optimizers for g in opt.param_groups),
            tuple(jax.tree_util.tree_map(_spec, hyper_values)), treedef,
            tuple((a.shape, a.dtype, a._data.weak_type, a._requires_grad) if isinstance(a, Tensor)
                  else _static_value(a) for a in leaves),
            grad_mode.state.enabled)
        if signature not in self._programs:
            self._programs[signature] = self._trace(state, slots, values, hypers, hyper_values, leaves, treedef)
        program = self._programs[signature]
        if program is None:
            return self._fn(*args, **kwargs)
        return program.run(state, values, exclusive, hyper_values, leaves)

    def _trace(self, state, slots, values, hypers, hyper_values, leaves, treedef):
        """The traced program of one signature (None: it must run eagerly)."""
        snap = state.snapshot()
        try:
            return _Program(self._fn, state, slots, values, hypers, hyper_values, leaves, treedef)
        except _GraphBreak as e:
            if self._fullgraph:
                raise RuntimeError(str(e)) from None
            warnings.warn(f"{e} This function runs eagerly instead (torch.compile(..., fullgraph=True) makes this "
                          "an error).", stacklevel=4)
            return None
        finally:
            state.restore(snap)
            for opt in state.optimizers:
                opt._traced_options = None
            _compiling[0] = False


class _Program:
    """One traced signature of a CompiledFunction: its jaxpr, the layout of its outputs
    (which slots it writes, the returned pytree), and its executables, one per set of
    donated buffers (a slot's buffer is donated when the program changes it and no other
    tensor shares it)."""

    def __init__(self, fn, state, slots, values, hypers, hyper_values, leaves, treedef):
        self.traced = [isinstance(v, jax.Array) for v in values]
        is_tensor = [isinstance(a, Tensor) for a in leaves]

        def program(slot_arrays, hyper_arrays, arg_arrays):
            _compiling[0] = True
            inputs, traced_in = iter(slot_arrays), {}
            for slot, t in zip(slots, self.traced):
                if t:
                    traced_in[_slot_id(slot)] = array = next(inputs)
                    state.set_traced(*slot, array)
            for (opt, group, k), v in zip(hypers, hyper_arrays):
                opt._traced_options = opt._traced_options or {}
                opt._traced_options.setdefault(id(group), {})[k] = v
            concrete = [group[k] for _, group, k in hypers]
            it = iter(arg_arrays)
            args, kwargs = jax.tree_util.tree_unflatten(
                treedef, [_like(a, next(it)) if t else a for a, t in zip(leaves, is_tensor)])
            try:
                out = fn(*args, **kwargs)
            except _CONCRETE_ERRORS as e:
                raise _graph_break(e, "function") from None
            for (_, group, k), before in zip(hypers, concrete):
                if group[k] is not before:
                    raise _GraphBreak(f"torch.compile: the compiled function changed an optimizer's param group "
                                      f"option '{k}'; call the scheduler outside the compiled function.")
            self.writes, arrays, changed = [], [], set()
            for slot in state.slots():
                value, sid = state.get(*slot), _slot_id(slot)
                if isinstance(value, jax.Array):
                    if traced_in.get(sid) is not value:  # an unchanged slot is not written back
                        self.writes.append((slot, True))
                        arrays.append(value)
                        changed.add(sid)
                elif value is None:
                    if sid in traced_in or slot[0] == "grad":
                        self.writes.append((slot, None))
                else:
                    self.writes.append((slot, _Python(value)))
            self.changed = [_slot_id(s) in changed for s in slots]
            self.removed = [s for s in slots if s[0] == "opt" and state.get(*s) is None]
            out_leaves, self.out_tree = _flatten(out)
            self.out_static = [None if isinstance(o, Tensor) else o for o in out_leaves]
            return arrays, [o._data for o in out_leaves if isinstance(o, Tensor)]

        inputs = self._inputs(values, hyper_values, leaves)
        self.jaxpr = jax.make_jaxpr(program)(*inputs)
        self.n_writes = sum(1 for _, what in self.writes if what is True)
        self.executables = {}

    def _inputs(self, values, hyper_values, leaves):
        return ([v for v, t in zip(values, self.traced) if t], hyper_values,
                [a._data for a in leaves if isinstance(a, Tensor)])

    def _executable(self, donate, flat):
        try:
            return self.executables[donate]
        except KeyError:
            positions = [i for i, d in enumerate(donate) if d]
            f = jax.jit(core.jaxpr_as_fun(self.jaxpr), donate_argnums=tuple(positions))
            exe = self.executables[donate] = f.lower(*flat).compile()
            return exe

    def run(self, state, values, exclusive, hyper_values, leaves):
        flat = jax.tree_util.tree_leaves(self._inputs(values, hyper_values, leaves))
        del values
        donate = tuple(e and c for e, c, t in zip(exclusive, self.changed, self.traced) if t)
        results = self._executable(donate, flat)(*flat)
        arrays, outs = iter(results[:self.n_writes]), iter(results[self.n_writes:])
        for slot, what in self.writes:
            state.write(*slot, next(arrays) if what is True else what)
        for _, (opt, p), key in self.removed:
            opt.state.get(p, {}).pop(key, None)
        return jax.tree_util.tree_unflatten(
            self.out_tree, [Tensor._from_array(next(outs)) if s is None else s for s in self.out_static])


def _slot_id(slot):
    kind, owner, key = slot
    return kind, (id(owner) if kind != "opt" else tuple(map(id, owner))), key


def _like(t, array):
    """A Tensor of ``array`` that requires grad when ``t`` does."""
    out = Tensor._from_array(array)
    out._requires_grad = t._requires_grad
    return out


class OptimizedModule(Module):
    """What ``torch.compile(module)`` returns: ``_orig_mod`` with a compiled forward."""

    def __init__(self, mod, fullgraph=False):
        super().__init__()
        self._orig_mod = mod
        self._fullgraph = fullgraph
        self._kernels = {}

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._modules["_orig_mod"], name)

    @property
    def compile_count(self):
        return sum(1 for k in self._kernels.values() if k is not None)

    def forward(self, *args, **kwargs):
        mod = self._orig_mod
        params = [p for _, p in mod.named_parameters()]
        buffers = [b for _, b in mod.named_buffers()]
        gen = _random.default_generator
        leaves, treedef = jax.tree_util.tree_flatten((args, kwargs), is_leaf=lambda a: isinstance(a, Tensor))
        is_tensor = tuple(isinstance(a, Tensor) for a in leaves)
        signature = (treedef, is_tensor, tuple((a.shape, a.dtype) if t else _static_value(a)
                                               for a, t in zip(leaves, is_tensor)),
                     tuple(m.training for m in mod.modules()), tuple((p.shape, p.dtype) for p in params),
                     tuple((b.shape, b.dtype) for b in buffers))
        entry = self._kernels.get(signature, ())
        if entry == ():
            entry = self._kernels[signature] = _module_kernel(mod, params, buffers, leaves, treedef, is_tensor)
        if entry is None:
            return mod(*args, **kwargs)
        kernel, layout = entry
        inputs = [*params, *buffers, Tensor._from_array(gen._key), *(a for a, t in zip(leaves, is_tensor) if t)]
        try:
            results = apply(kernel, inputs)
        except _GraphBreak as e:
            if self._fullgraph:
                raise RuntimeError(str(e)) from None
            warnings.warn(f"{e} This module runs eagerly instead.", stacklevel=2)
            self._kernels[signature] = None
            return mod(*args, **kwargs)
        finally:
            _compiling[0] = False
        results = list(results) if isinstance(results, tuple) else [results]
        n_out = len(results) - len(buffers) - 1
        outs, new_buffers, key = results[:n_out], results[n_out:-1], results[-1]
        for b, nb in zip(buffers, new_buffers):
            if b._data is not nb._data:
                _assign(b, nb._data)
        gen._key = key._data
        it = iter(outs)
        out_leaves = [next(it) if t else s for t, s in zip(layout["out_tensor"], layout["out_static"])]
        return jax.tree_util.tree_unflatten(layout["out_tree"], out_leaves)


def _module_kernel(mod, params, buffers, leaves, treedef, is_tensor):
    """A Kernel running ``mod`` as a pure function of (params, buffers, rng key, inputs)."""
    layout = {}
    n_p, n_b = len(params), len(buffers)

    def fn(*arrays):
        saved = [(t, t._data) for t in (*params, *buffers)]
        gen = _random.default_generator
        saved_key = gen._key
        outer = _compiling[0]
        _compiling[0] = True
        try:
            for t, a in zip((*params, *buffers), arrays):
                t._data = a
            gen._key = arrays[n_p + n_b]
            it = iter(arrays[n_p + n_b + 1:])
            call = [Tensor._from_array(next(it)) if t else a for a, t in zip(leaves, is_tensor)]
            args, kwargs = jax.tree_util.tree_unflatten(treedef, call)
            with grad_mode.no_grad():
                try:
                    out = mod(*args, **kwargs)
                except _CONCRETE_ERRORS as e:
                    raise _graph_break(e, "module") from None
            out_leaves, out_tree = jax.tree_util.tree_flatten(out, is_leaf=lambda a: isinstance(a, Tensor))
            layout["out_tree"] = out_tree
            layout["out_tensor"] = [isinstance(o, Tensor) for o in out_leaves]
            layout["out_static"] = [None if isinstance(o, Tensor) else o for o in out_leaves]
            return (*(o._data for o in out_leaves if isinstance(o, Tensor)), *(b._data for b in buffers), gen._key)
        finally:
            for t, a in saved:
                t._data = a
            gen._key = saved_key
            _compiling[0] = outer

    return Kernel(fn, "CompiledFunctionBackward"), layout

