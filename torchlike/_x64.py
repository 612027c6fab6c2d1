"""64-bit JAX inside torchlike only: torch's int64 indices and float64 tensors without
changing JAX for the rest of the process.

torch needs JAX's 64-bit mode (``jax_enable_x64``); turning it on for the whole process
would make the user's own ``jnp.zeros(3)`` float64. Instead every entry into torchlike
turns the mode on for the calling thread and restores it on the way out (JAX's thread-local
config, ≈ 0.1 µs a call; nested entries only read the flag). The entries are found, not
listed: after each ``torchlike.*`` module runs (its own body in 64-bit mode too), its public
functions and every method, property and dunder of the classes it defines are wrapped, so
``torch.add``, ``Tensor.__add__``, ``Module.__call__``, ``optimizer.step`` and a
DataLoader's ``__next__`` each switch the mode, and whatever user code torchlike calls back
(``forward``, ``__getitem__``, hooks) runs in it. Internal helpers (``_names`` and modules
under ``_private`` paths) are not wrapped: they are only reached from an entry. A private
function that other code calls directly (a pickle reconstructor, a process target) is marked
with :func:`scoped` where it is defined.

A process that turned 64-bit mode on itself keeps it; torchlike then switches nothing.
"""
import contextlib
import enum
import functools
import importlib.abc
import importlib.machinery
import inspect
import sys
from types import FunctionType

import jax
import numpy as np

_flag = jax.enable_x64  # JAX's config state: .value, and thread-local swap_local/set_local
_swap, _restore = _flag.swap_local, _flag.set_local
_wrappers = {}  # original function -> its wrapper, so every name bound to one function gets one wrapper


def scoped(fn):
    """``fn`` run in JAX's 64-bit mode (a no-op wrapper when the mode is already on)."""
    if getattr(fn, "_torchlike_x64", False):  # already scoped, or marked host_only
        return fn
    if inspect.isgeneratorfunction(fn):
        wrapper = _scoped_generator(fn)
    elif inspect.isgeneratorfunction(getattr(fn, "__wrapped__", None)):  # a @contextmanager
        wrapper = _scoped_context_manager(fn)
    else:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if _flag.value:
                return fn(*args, **kwargs)
            previous = _swap(True)
            try:
                return fn(*args, **kwargs)
            finally:
                _restore(previous)
    wrapper._torchlike_x64 = True
    return wrapper


def host_only(obj):
    """Mark a function, or a whole class, that never touches JAX: left unwrapped, so the hot
    metadata accessors (``Tensor.shape``, ``Tensor.dim`` ...) cost nothing extra."""
    obj._torchlike_x64 = True
    return obj


@contextlib.contextmanager
def enabled():
    """Context manager: JAX's 64-bit mode on in this thread, previous state restored after."""
    previous = _swap(True)
    try:
        yield
    finally:
        _restore(previous)


@contextlib.contextmanager
def users_mode():
    """Context manager: the process's own JAX mode (its global setting), for the user's JAX
    code that torchlike runs, such as a Flax module inside ``nn.FlaxModule``."""
    previous = _swap(_flag.get_global())
    try:
        yield
    finally:
        _restore(previous)


def _scoped_generator(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return _stepped(fn(*args, **kwargs))
    return wrapper


def _stepped(generator):
    """Drive ``generator`` one step at a time in 64-bit mode (the caller's mode in between),
    passing on what is sent or thrown in (a @contextmanager's ``__exit__`` throws the with
    block's exception into it, ``close()`` a GeneratorExit)."""
    sent, thrown = None, None
    while True:
        with enabled():
            try:
                item = generator.send(sent) if thrown is None else generator.throw(thrown)
            except StopIteration as stop:
                return stop.value
        sent, thrown = None, None
        try:
            sent = yield item
        except BaseException as error:  # handed to the generator, which decides
            thrown = error


def _scoped_context_manager(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with enabled():
            manager = fn(*args, **kwargs)
        manager.gen = _stepped(manager.gen)  # contextlib's generator: __enter__ and __exit__ step it
        return manager
    return wrapper


def _ours(obj):
    return (getattr(obj, "__module__", None) or "").startswith("torchlike")


def _is_entry(name):
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))


def _wrapped(fn):
    try:
        return _wrappers[fn]
    except KeyError:
        wrapper = _wrappers[fn] = scoped(fn)
        _wrappers[wrapper] = wrapper
        return wrapper


def _rebind(module):
    """Point every name of ``module`` bound to a wrapped function at its wrapper: one object per
    function everywhere, so pickle (which finds functions by module and name) accepts it."""
    namespace = vars(module)
    for name, value in list(namespace.items()):
        if isinstance(value, FunctionType) and value in _wrappers:
            namespace[name] = _wrappers[value]


def _ours_function(obj):
    return isinstance(obj, FunctionType) and _ours(obj)


def _scope_member(member):
    """A class attribute with torchlike's functions in it wrapped (plain, static and class
    methods, properties); functions from elsewhere (Enum's ``__new__`` ...) stay as they are."""
    if _ours_function(member):
        return _wrapped(member)
    if isinstance(member, (staticmethod, classmethod)) and _ours_function(member.__func__):
        wrapped = _wrapped(member.__func__)
        return member if wrapped is member.__func__ else type(member)(wrapped)
    if type(member) is property:
        parts = (member.fget, member.fset, member.fdel)
        wrapped = tuple(_wrapped(f) if _ours_function(f) else f for f in parts)
        return member if wrapped == parts else property(*wrapped, member.__doc__)
    return member


def scope_class(cls):
    """Wrap the entries of a class defined in torchlike: every public method and every dunder
    (again after ops modules attach methods: wrapping a wrapper returns it)."""
    if vars(cls).get("_torchlike_x64") or isinstance(cls, enum.EnumMeta):  # enums hold no JAX code
        return
    for name, member in list(vars(cls).items()):
        if _is_entry(name):
            new = _scope_member(member)
            if new is not member:
                setattr(cls, name, new)


def _public(module_name):
    return not any(part.startswith("_") for part in module_name.split("."))


def _offers(module, name, fn):
    """Whether a public module offers ``fn`` as an entry: a package's public names, a module's
    ``__all__``, or else the public functions it defines."""
    if hasattr(module, "__path__"):
        return True
    names = vars(module).get("__all__")
    return name in names if names is not None else _public(fn.__module__)


def scope_module(module):
    """Wrap a torchlike module's entries: the classes it defines (wherever they live:
    ``torchlike._tensor.Tensor`` is public) and, in a public module, the functions it offers
    (:func:`_offers`). Helpers (``varargs``, or ``apply`` imported from a private module) stay
    as they are."""
    namespace, public = vars(module), _public(module.__name__)
    for name, value in list(namespace.items()):
        if isinstance(value, type) and _ours(value) and value.__module__ == module.__name__:
            scope_class(value)
        elif public and isinstance(value, FunctionType) and _is_entry(name) and _ours(value) and \
                _offers(module, name, value):
            namespace[name] = _wrapped(value)
    _rebind(module)


class _Loader(importlib.abc.Loader):
    """Runs a torchlike module's body in 64-bit mode, then wraps its entries."""

    def __init__(self, loader):
        self.loader = loader

    def __getattr__(self, name):  # get_source, get_filename, is_package ... as the real loader
        return getattr(self.loader, name)

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        with enabled():
            self.loader.exec_module(module)
        scope_module(module)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds ``torchlike.*`` modules as usual and hands them to :class:`_Loader`."""

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("torchlike.") or path is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and spec.loader is not None and not isinstance(spec.loader, _Loader):
            spec.loader = _Loader(spec.loader)
        return spec


def install():
    """Called first thing by ``torchlike/__init__``: 64-bit mode for the package's own body,
    and the import hook that scopes every submodule; returns the mode to restore."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
    return _swap(True)


def finish(previous):
    """End of ``torchlike/__init__``: wrap the package's own entries, scope every class again
    (ops modules attach methods to Tensor after it is defined), restore the caller's mode."""
    modules = [m for name, m in list(sys.modules.items()) if name == "torchlike" or name.startswith("torchlike.")]
    for module in modules:
        scope_module(module)
    for module in modules:  # again: a module scoped early holds functions a later one wrapped
        _rebind(module)
    _restore(previous)


def traced_in_32_bit(leaves):
    """Whether the caller is tracing (some leaf is a tracer) in 32-bit mode: torchlike's 64-bit
    code cannot be inlined into such a program (it would be lowered with 32-bit types)."""
    return not _flag.value and any(isinstance(a, jax.core.Tracer) for a in leaves)


_TO_32_BIT = {"int64": "int32", "uint64": "uint32", "float64": "float32", "complex128": "complex64"}


def program_32_bit(fn):
    """``fn(*arrays) -> pytree of arrays`` as a program that 32-bit JAX code can call inside
    ``jit``/``grad``: ``fn`` and its VJP are traced and lowered in 64-bit mode and embedded with
    ``jax.export`` (one export per argument shapes and dtypes); 64-bit outputs come back as
    32-bit, as 32-bit JAX would have made them. Differentiable w.r.t. float arguments
    (reverse mode)."""
    from jax import export
    cache = {}

    def outputs_32_bit(*args):
        return jax.tree_util.tree_map(lambda a: a.astype(_TO_32_BIT.get(a.dtype.name, a.dtype)), fn(*args))

    def exported(kind, avals):
        if (kind, avals) not in cache:
            with enabled():
                if kind == "forward":
                    program = export.export(jax.jit(outputs_32_bit))(*avals)
                else:
                    cotangents = _cotangent_avals(outputs_32_bit, avals)
                    program = export.export(jax.jit(_vjp_of(outputs_32_bit, len(avals))))(*avals, *cotangents)
            cache[kind, avals] = program
        return cache[kind, avals]

    @jax.custom_vjp
    def call(*args):
        return exported("forward", _avals(args)).call(*args)

    def call_forward(*args):
        return call(*args), args

    def call_backward(args, cotangents):
        float_cts = [c for c in jax.tree_util.tree_leaves(cotangents) if c.dtype != jax.dtypes.float0]
        grads = iter(exported("backward", _avals(args)).call(*args, *float_cts))
        return tuple(next(grads) if _differentiable(a) else np.zeros(a.shape, jax.dtypes.float0) for a in args)

    call.defvjp(call_forward, call_backward)
    return call


def _avals(args):
    return tuple(jax.ShapeDtypeStruct(a.shape, a.dtype) for a in args)


def _differentiable(a):
    return jax.numpy.issubdtype(a.dtype, jax.numpy.inexact)


def _cotangent_avals(fn, avals):
    outs = jax.tree_util.tree_leaves(jax.eval_shape(fn, *avals))
    return [o for o in outs if _differentiable(o)]


def _vjp_of(fn, n_args):
    """(args..., float output cotangents...) -> gradients of the float args."""
    def vjp(*args_and_cts):
        args, cts = args_and_cts[:n_args], iter(args_and_cts[n_args:])
        mask = [_differentiable(a) for a in args]

        def of_floats(*floats):
            it = iter(floats)
            return fn(*(next(it) if m else a for a, m in zip(args, mask)))
        out, pull = jax.vjp(of_floats, *(a for a, m in zip(args, mask) if m))
        leaves, tree = jax.tree_util.tree_flatten(out)
        full = [next(cts) if _differentiable(o) else np.zeros(o.shape, jax.dtypes.float0) for o in leaves]
        return pull(jax.tree_util.tree_unflatten(tree, full))
    return vjp
