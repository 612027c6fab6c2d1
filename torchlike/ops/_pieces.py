"""Ops over many pieces of one tensor (unbind, split, iteration) and over many tensors (cat,
stack, torch.tensor of tensors), with compiled programs whose number and size do not depend
on how many pieces there are.

A kernel with n inputs or n outputs is a program whose size, and compile time, grow with n
(unbinding 2 000 rows in one program took 17 s to compile). Here the pieces are described
as *runs*: consecutive pieces of one length along ``dim``, and each run is done in buckets of
at most ``BUCKET`` pieces: one cached kernel per bucket size (64, 32, ..., 1) whose first
position is a traced argument, reused along the run. Joining writes each bucket into one
zero-filled output buffer that the kernel donates and updates in place, so the whole join
costs O(total size).

Autograd: one node for all n pieces, as torch's UnbindBackward/CatBackward. The backward of
pieces is a join of their gradients (missing ones stay zero) and the backward of a join is
pieces of its gradient, so both are O(n) and both record when ``create_graph=True``.

Also here: the values of many one-element tensors brought to the host in one transfer per
dtype (torch.tensor of tensors), and cat of a signature that does not recur done by NumPy on
the CPU (a growing ``acc = torch.cat([acc, row])`` would otherwise compile every iteration).
"""
import contextlib
import functools
import gc

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dispatch
from .._dispatch import DIFFERENTIABLE, Kernel, device_index, run
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.graph import Node, sequence
from ._util import host_array

BUCKET = 64  # pieces per kernel call
SMALL = 16   # up to this many pieces, the ops keep their one-program kernels


class _DonatingKernel(Kernel):
    """A Kernel whose compiled versions donate their first array argument (updated in place)."""

    __slots__ = ()

    def compiled(self, statics):
        try:
            return self.cache[statics]
        except KeyError:
            f = self.cache[statics] = jax.jit(functools.partial(self.fn, *statics), donate_argnums=0)
            return f


def _slices_fn(dim, length, count, shape, dtype, a, first):
    return tuple(jax.lax.dynamic_slice_in_dim(a, first + j * length, length, dim).reshape(shape).astype(dtype)
                 for j in range(count))


def _write_fn(dim, length, buf, first, *xs):
    shape = buf.shape[:dim] + (length,) + buf.shape[dim + 1:]
    block = jnp.concatenate([x.reshape(shape).astype(buf.dtype) for x in xs], axis=dim)
    return jax.lax.dynamic_update_slice_in_dim(buf, block, first, dim)


_slices = Kernel(_slices_fn, "SplitBackward0")
_write = _DonatingKernel(_write_fn, "CatBackward0")
_zeros = Kernel(lambda shape, dtype: jnp.zeros(shape, dtype), "ZerosBackward0")


def _buckets(count):
    """(offset, size) chunks covering ``count`` pieces: BUCKET-sized ones, then the binary
    digits of the remainder, so only log2(BUCKET) + 1 kernel variants ever exist."""
    i, size = 0, BUCKET
    while i < count:
        while count - i < size:
            size //= 2
        yield i, size
        i += size


class Run(tuple):
    """``count`` consecutive pieces of ``length`` along the dim, the first at ``first``; each
    piece has ``shape`` and ``dtype`` (a cat/stack input's own shape, an unbind row's shape)."""

    __slots__ = ()

    def __new__(cls, first, length, count, shape, dtype):
        return tuple.__new__(cls, (first, length, count, tuple(shape), dtype))


def runs_of(shapes, dtypes, dim, lengths=None):
    """Runs grouping consecutive pieces of equal shape and dtype; piece i spans ``lengths[i]``
    along ``dim`` (default: its shape's size there)."""
    runs, first, i, n = [], 0, 0, len(shapes)
    while i < n:
        j = i + 1
        while j < n and shapes[j] == shapes[i] and dtypes[j] is dtypes[i] and \
                (lengths is None or lengths[j] == lengths[i]):
            j += 1
        length = shapes[i][dim] if lengths is None else lengths[i]
        runs.append(Run(first, length, j - i, shapes[i], dtypes[i]))
        first += length * (j - i)
        i = j
    return runs


@contextlib.contextmanager
def gc_paused(n):
    """Pause Python's cyclic garbage collector while ``n`` > SMALL pieces are made at once: its
    full collections, triggered every few thousand allocations, took 2/3 of the time of making
    50 000 views (there are no reference cycles to find among fresh pieces)."""
    if n <= SMALL or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _slice_arrays(a, dim, runs):
    out = []
    for first, length, count, shape, dtype in runs:
        for i, size in _buckets(count):
            out.extend(run(_slices, (a, device_index(first + i * length)), (dim, length, size, shape, dtype)))
    return out


def _join_arrays(arrays, dim, shape, dtype, runs):
    """One array of ``shape``/``dtype`` with ``arrays`` (None: left zero) written at ``runs``."""
    buf = run(_zeros, (), (tuple(shape), dtype))
    k = 0
    for first, length, count, _, _ in runs:
        i = 0
        while i < count:  # maximal stretches without None, each in buckets
            if arrays[k + i] is None:
                i += 1
                continue
            j = i
            while j < count and arrays[k + j] is not None:
                j += 1
            for o, size in _buckets(j - i):
                start = k + i + o
                buf = run(_write, (buf, device_index(first + (i + o) * length), *arrays[start:start + size]),
                          (dim, length))
            i = j
        k += count
    return buf


class PiecesBackward(Node):
    """Backward of ``pieces``: joins the pieces' gradients into the input's gradient."""

    def __init__(self, name, edge, shape, dtype, dim, runs, n):
        self._seq = next(sequence)
        self._name, self.edges, self.n_outputs = name, (edge,), n
        self.shape, self.dtype, self.dim, self.runs = shape, dtype, dim, runs

    def name(self):
        return self._name

    def apply(self, grads, create_graph):
        return [join(grads, self.dim, self.shape, self.dtype, self.runs)]

    def release(self):
        pass


class JoinBackward(Node):
    """Backward of ``join``: slices the output gradient back into its inputs' gradients."""

    def __init__(self, name, edges, dim, runs):
        self._seq = next(sequence)
        self._name, self.edges, self.dim, self.runs = name, edges, dim, runs

    def name(self):
        return self._name

    def apply(self, grads, create_graph):
        return [g if e is not None else None for g, e in zip(pieces(grads[0], self.dim, self.runs), self.edges)]

    def release(self):
        pass


def pieces(input, dim, runs, name="SplitBackward0"):
    """The pieces of ``input`` along ``dim`` described by ``runs``, as new tensors (the
    caller marks them as views), with one autograd node for all of them."""
    outs = []
    for array in _slice_arrays(input._data, dim, runs):
        t = object.__new__(Tensor)
        t._data = array
        outs.append(t)
    if grad_mode.state.enabled and input._requires_grad:
        node = PiecesBackward(name, input._edge(), input._data.shape, input._data.dtype, dim, runs, len(outs))
        for i, t in enumerate(outs):
            if t._data.dtype in DIFFERENTIABLE:
                t._node, t._out, t._requires_grad = node, i, True
    return outs


def join(tensors, dim, shape, dtype, runs, name="CatBackward0"):
    """One tensor of ``shape``/``dtype`` (a jax dtype) made of ``tensors`` (None: zeros) placed
    along ``dim`` as ``runs`` say, with one autograd node for all of them."""
    arrays = [None if t is None else t._data for t in tensors]
    out = object.__new__(Tensor)
    out._data = _join_arrays(arrays, dim, shape, dtype, runs)
    if grad_mode.state.enabled and out._data.dtype in DIFFERENTIABLE:
        edges = [t._edge() if t is not None and t._requires_grad else None for t in tensors]
        if any(e is not None for e in edges):
            out._node, out._out, out._requires_grad = JoinBackward(name, tuple(edges), dim, runs), 0, True
    return out


def host_values(tensors):
    """Python numbers of many one-element tensors, in order: the tensors of each dtype are
    joined on the device and come to the host in one transfer."""
    groups = {}
    for i, t in enumerate(tensors):
        groups.setdefault(t._data.dtype, []).append(i)
    values = [None] * len(tensors)
    for dtype, idx in groups.items():
        group = [tensors[i] for i in idx]
        shapes = [t._data.shape for t in group]
        runs = runs_of(shapes, [dtype] * len(group), 0, [1] * len(group))
        array = jax.device_get(_join_arrays([t._data for t in group], 0, (len(group),), dtype, runs))
        if array.dtype == jnp.bfloat16:
            array = array.astype("float32")
        for i, v in zip(idx, array.tolist()):
            values[i] = v
    return values


_MET = {}         # cat signature -> the cat call it was last met at (insertion-ordered, bounded)
_COMPILED = set()  # cat signatures left to the compiled kernel
_CALLS = [0]
RECENT = 16        # a signature met again within this many cats is compiled


def host_cat(tensors, shapes, dim, dtype):
    """cat (of ``tensors`` reshaped to ``shapes``, promoted to the jax ``dtype``) done by NumPy
    on the CPU without autograd, unless its signature of shapes and dtypes recurs (met again
    within RECENT cats: compiled from then on, as a loop over fixed shapes wants); None when
    the compiled kernel should run. ``acc = torch.cat([acc, row])`` in a loop meets a new shape
    every iteration, and compiling each one cost ~14 ms, in every epoch that repeated it."""
    arrays = [t._data for t in tensors]
    if _dispatch.observer is not None or jax.default_backend() != "cpu" or \
            any(isinstance(a, jax.core.Tracer) for a in arrays) or \
            (grad_mode.state.enabled and any(t._requires_grad for t in tensors)):
        return None
    key = (dim, dtype, tuple((a.shape, a.dtype) for a in arrays), tuple(shapes))
    if key in _COMPILED:
        return None
    _CALLS[0] += 1
    last = _MET.pop(key, None)
    _MET[key] = _CALLS[0]
    if last is not None and _CALLS[0] - last <= RECENT:
        _COMPILED.add(key)
        return None
    if len(_MET) > 4096:
        del _MET[next(iter(_MET))]
    return host_array(np.concatenate([np.asarray(a).reshape(s).astype(dtype, copy=False)
                                      for a, s in zip(arrays, shapes)], axis=dim))
