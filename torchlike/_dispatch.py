"""Kernels and their dispatch: every eager op runs one cached, compiled JAX function.

A *kernel* is a pure JAX function ``fn(*statics, *arrays)``. Static arguments (dims,
dtypes, shapes) select one ``jax.jit`` compilation, cached on the kernel; arrays and
Python numbers are traced arguments, so new values never recompile. When grad mode is
on and an input requires grad, ``apply`` records an autograd node that keeps the input
arrays; its backward is the kernel's VJP, itself a cached compiled kernel that recomputes
what it needs from those inputs (XLA drops the parts the gradient does not use).
"""
import functools

import jax
import numpy as np

from . import _dtype
from .autograd import grad_mode

_state = grad_mode.state
DIFFERENTIABLE = frozenset(d.jax for d in _dtype.ALL if d.category >= 2)


class Kernel:
    """A pure JAX function plus its per-statics cache of compiled versions."""

    __slots__ = ("fn", "name", "cache", "vjps", "__weakref__")

    def __init__(self, fn, name):
        self.fn, self.name, self.cache, self.vjps = fn, name, {}, {}

    def compiled(self, statics):
        try:
            return self.cache[statics]
        except KeyError:
            f = jax.jit(functools.partial(self.fn, *statics) if statics else self.fn)
            self.cache[statics] = f
            return f

    def __call__(self, *args):  # plain (traceable) call, for composing kernels
        return self.fn(*args)

    def vjp(self, mask, n_out=1):
        """The kernel computing input cotangents for the inputs flagged in ``mask`` from
        the cotangents of the ``n_out`` outputs."""
        try:
            return self.vjps[mask, n_out]
        except KeyError:
            k = self.vjps[mask, n_out] = Kernel(_vjp_fn(self.fn, mask, n_out), self.name + "Backward")
            return k

    def __repr__(self):
        return f"<kernel {self.name}>"


def kernel(name):
    """Decorator: ``@kernel("AddBackward0")`` turns a JAX function into a Kernel whose
    autograd node prints under torch's grad_fn name."""
    return lambda fn: Kernel(fn, name)


def _vjp_fn(fn, mask, n_out):
    n_in = len(mask)

    def vjp(*args):
        # args: statics..., primals (n_in of them), one cotangent per output (each a
        # separate argument, so that under create_graph autograd tracks every one)
        statics, primals, cts = args[:-n_in - n_out], args[-n_in - n_out:-n_out], args[-n_out:]
        diff = [p for p, m in zip(primals, mask) if m]

        def f(*d):
            it = iter(d)
            return fn(*statics, *(next(it) if m else p for p, m in zip(primals, mask)))

        out, pull = jax.vjp(f, *diff)
        if isinstance(out, (tuple, list)):
            cts = type(out)(_cotangent(o, c) for o, c in zip(out, cts))
        else:
            cts = _cotangent(out, cts[0])
        return tuple(jax.numpy.conj(g) if jax.numpy.iscomplexobj(g) else g for g in pull(cts))
    return vjp


def _cotangent(out, ct):
    """The output cotangent in JAX's convention. torch's complex gradients are the conjugate
    of JAX's (torch returns conj(vjp(conj(v)))), so complex cotangents are conjugated here
    and complex input gradients on the way out."""
    if out.dtype not in DIFFERENTIABLE:
        return np.zeros(out.shape, jax.dtypes.float0)
    if ct is None:
        return jax.numpy.zeros_like(out)
    ct = ct.astype(out.dtype)
    return jax.numpy.conj(ct) if jax.numpy.iscomplexobj(ct) else ct


# torchlike.jit's op recorder: None, except while torchlike.jit renders a program's ``.code``,
# when it is called as ``observer(kernel, statics, args, out)`` for every ``apply``.
observer = None


def apply(k, args, statics=()):
    """Run kernel ``k`` on ``args`` (Tensors or Python numbers) with ``statics``;
    return Tensor(s), recording an autograd node when needed."""
    try:
        f = k.cache[statics]
    except KeyError:
        f = k.compiled(statics)
    arrays = [a._data if isinstance(a, Tensor) else a for a in args]
    try:
        out = f(*arrays)
    except (TypeError, ValueError) as e:
        raise _torch_error(k, arrays, e) from None
    if observer is not None:
        observer(k, statics, args, out)
    if _state.enabled:
        for a in args:
            if isinstance(a, Tensor) and a._requires_grad:
                return _record(k, statics, args, arrays, out)
    if type(out) is tuple or type(out) is list:
        return tuple(_wrap(o) for o in out)
    t = _new(Tensor)
    t._data = out
    return t


def _torch_error(k, arrays, error):
    """Turn a JAX shape/type error raised while tracing a kernel into torch's RuntimeError."""
    shapes = [a.shape for a in arrays if hasattr(a, "shape")]
    for a, b in zip(shapes, shapes[1:]):
        for d in range(1, min(len(a), len(b)) + 1):
            if a[-d] != b[-d] and 1 not in (a[-d], b[-d]):
                return RuntimeError(f"The size of tensor a ({a[-d]}) must match the size of tensor b ({b[-d]}) at "
                                    f"non-singleton dimension {max(len(a), len(b)) - d}")
    return RuntimeError(f"{k.name.replace('Backward0', '').replace('Backward1', '')}: {error}")


def run(k, arrays, statics=()):
    """Run a kernel on raw arrays, no autograd; returns raw arrays."""
    try:
        f = k.cache[statics]
    except KeyError:
        f = k.compiled(statics)
    return f(*arrays)


_INDEX_SCALARS = {}


def device_index(i):
    """A cached int64 device scalar for index ``i``: passing it to a compiled kernel costs far
    less than converting a Python int on every call."""
    try:
        return _INDEX_SCALARS[i]
    except KeyError:
        with jax.ensure_compile_time_eval():  # concrete even when first asked for inside a trace
            scalar = jax.numpy.asarray(i, dtype=jax.numpy.int64)
        if -65536 <= i < 65536:
            _INDEX_SCALARS[i] = scalar
        return scalar


def _wrap(array):
    t = _new(Tensor)
    t._data = array
    return t


def _record(k, statics, args, arrays, out):
    mask, edges = [], []
    for a in args:
        if isinstance(a, Tensor) and a._requires_grad:
            mask.append(True)
            edges.append(a._edge())
        else:
            mask.append(False)
            edges.append(None)
    multi = type(out) is tuple or type(out) is list
    node = OpNode(k, statics, arrays, tuple(mask), tuple(edges), len(out) if multi else 1)
    if not multi:
        t = _new(Tensor)
        t._data = out
        if out.dtype in DIFFERENTIABLE:
            t._node, t._out, t._requires_grad = node, 0, True
        return t
    outs = []
    for i, o in enumerate(out):
        t = _new(Tensor)
        t._data = o
        if o.dtype in DIFFERENTIABLE:
            t._node, t._out, t._requires_grad = node, i, True
        outs.append(t)
    return tuple(outs)


_new = object.__new__

from ._tensor import Tensor  # noqa: E402
from .autograd.graph import OpNode  # noqa: E402
