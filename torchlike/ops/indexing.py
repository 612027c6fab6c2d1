"""Indexing, slicing, joining and mutating ops (torch docs' section of that name).

View ops (view, transpose, select, slicing, ...) return tensors that share storage with
their input: each computes its result with one kernel and records torch's strides and
storage offset, so writes through either side are seen by the other (see Tensor._inplace_).
Integer indices and slice starts are traced arguments: ``x[i]`` in a loop compiles once.
"""
import functools
import numbers

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._dispatch import Kernel, apply, device_index
from .._tensor import _TYPE_NAMES, Tensor, _strided_scatter, contiguous_strides, strided_gather, tensor_method
from ..autograd.grad_mode import state as _state
from ._util import (check_kind, copy_variant, functional_inplace, inplace_variant, refuse_complex_autograd, wrap_dim,
                    write_out)
from . import _pieces as _many

__all__ = ["reshape", "transpose", "swapaxes", "swapdims", "t", "permute", "squeeze", "unsqueeze", "flatten",
           "unflatten", "select", "narrow", "unbind", "split", "chunk", "movedim", "moveaxis", "cat", "concat",
           "concatenate", "stack", "broadcast_to", "hstack", "vstack", "row_stack", "dstack", "column_stack",
           "tensor_split", "hsplit", "vsplit", "dsplit", "gather", "scatter", "scatter_add", "scatter_reduce",
           "index_add", "index_copy", "index_reduce", "index_fill", "index_select", "masked_fill", "masked_select",
           "masked_scatter", "take", "put", "take_along_dim", "index_put", "nonzero", "argwhere", "where",
           "unravel_index", "tile", "diagonal", "as_strided", "diagonal_scatter", "select_scatter", "slice_scatter",
           "narrow_copy", "conj", "adjoint", "is_conj", "resolve_conj", "split_with_sizes", "unsafe_split",
           "unsafe_chunk", "unsafe_split_with_sizes", "slice_copy", "nonzero_static", "index_put_",
           "as_strided_scatter", "resize_as_", "as_strided_"]


def _view(src, k, args, statics, shape, strides, offset):
    """Run view kernel ``k`` and mark its result as a view of ``src``."""
    out = apply(k, (src, *args), statics)
    return out._as_view_of(src, tuple(strides), offset)


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def varargs(name, key, args, kwargs):
    """What a Tensor method taking ``*key`` got: varargs, one sequence, or the keyword ``key``
    (torch's methods accept all three), with torch's TypeErrors."""
    if kwargs:
        extra = set(kwargs) - {key}
        if extra or args:
            raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(extra), key)}'")
        args = (kwargs[key],)
    if not args:
        raise TypeError(f'{name}() missing 1 required positional arguments: "{key}"')
    return args


def infer_size(shape, numel):
    """Resolve one -1 in ``shape`` against ``numel``, with torch's errors."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def view_strides(old_shape, old_strides, new_shape):
    """Strides for viewing (old_shape, old_strides) as new_shape, or None if impossible
    (torch's computeStride)."""
    if not old_shape or 0 in old_shape:
        return contiguous_strides(new_shape)
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    chunk_base = old_strides[-1]
    tensor_numel = view_numel = 1
    for d in range(len(old_shape) - 1, -1, -1):
        tensor_numel *= old_shape[d]
        if d == 0 or (old_shape[d - 1] != 1 and old_strides[d - 1] != tensor_numel * chunk_base):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * chunk_base
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if d > 0:
                chunk_base = old_strides[d - 1]
                tensor_numel = view_numel = 1
    return tuple(new_strides) if view_d == -1 else None


_reshape = Kernel(lambda shape, a: a.reshape(shape), "ViewBackward0")
_reshape_copy = Kernel(lambda shape, a: a.reshape(shape), "ReshapeAliasBackward0")
_UNSAFE_VIEW = Kernel(lambda shape, a: a.reshape(shape), "UnsafeViewBackward0")


@tensor_method()
def view(self, *shape, **kwargs):
    """Tensor.view(*shape) (or view(dtype), a bit reinterpretation)."""
    if set(kwargs) == {"dtype"} and not shape:
        shape = (kwargs.pop("dtype"),)
    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        return _view_dtype(self, shape[0])
    shape = infer_size(_shape_arg(varargs("view", "size", shape, kwargs)), self.numel())
    strides = view_strides(tuple(self.shape), self.stride(), shape)
    if strides is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one dimension "
                           "spans across two contiguous subspaces). Use .reshape(...) instead.")
    return _view(self, _reshape, (), (shape,), shape, strides, self._offset)


def _bitcast_fn(dtype, a):
    """``a``'s bytes read as ``dtype`` (same item size); bool as uint8, complex as (real, imag) pairs."""
    if a.dtype == jnp.bool_:
        a = a.astype(jnp.uint8)
    if jnp.iscomplexobj(a):
        a = jnp.stack([a.real, a.imag], -1)
    target = {jnp.dtype(jnp.bool_): jnp.uint8, jnp.dtype(jnp.complex64): jnp.float32,
              jnp.dtype(jnp.complex128): jnp.float64}.get(jnp.dtype(dtype), dtype)
    out = jax.lax.bitcast_convert_type(a, target)
    if jnp.issubdtype(dtype, jnp.complexfloating):
        return jax.lax.complex(out[..., 0], out[..., 1])
    return out != 0 if dtype == jnp.bool_ else out


_bitcast = Kernel(_bitcast_fn, "ViewBackward0")


def _view_dtype(self, dtype):
    if dtype.itemsize != self.dtype.itemsize:
        raise RuntimeError("torchlike supports Tensor.view(dtype) only between dtypes of the same size")
    return apply(_bitcast, (self,), (dtype.jax,))


@tensor_method()
def view_as(self, other):
    return view(self, tuple(other.shape))


@tensor_method()
def reshape(input, *shape, **kwargs):
    """A view when the strides allow one (as torch), otherwise a copy."""
    shape = infer_size(_shape_arg(varargs("reshape", "shape", shape, kwargs)), input.numel())
    strides = view_strides(tuple(input.shape), input.stride(), shape)
    if strides is None:
        return apply(_UNSAFE_VIEW, (input,), (shape,))
    return _view(input, _reshape, (), (shape,), shape, strides, input._offset)


@tensor_method()
def reshape_as(self, other):
    return reshape(self, tuple(other.shape))


@tensor_method()
def flatten(input, start_dim=0, end_dim=-1):
    if input.ndim == 0:
        return reshape(input, (1,))
    start, end = wrap_dim(start_dim, input.ndim), wrap_dim(end_dim, input.ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    shape = tuple(input.shape)
    n = 1
    for s in shape[start:end + 1]:
        n *= s
    return reshape(input, shape[:start] + (n,) + shape[end + 1:])


@tensor_method()
def unflatten(input, dim, sizes):
    dim = wrap_dim(dim, input.ndim)
    shape = tuple(input.shape)
    sizes = infer_size(tuple(sizes), shape[dim]) if -1 in sizes else tuple(sizes)
    if _prod(sizes) != shape[dim]:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f"({shape[dim]}) in the input tensor")
    return view(input, shape[:dim] + sizes + shape[dim + 1:])


def _prod(xs):
    n = 1
    for x in xs:
        n *= x
    return n


_permute = Kernel(lambda perm, a: jnp.transpose(a, perm), "PermuteBackward0")
_transpose = Kernel(lambda perm, a: jnp.transpose(a, perm), "TransposeBackward0")
_t = Kernel(lambda perm, a: jnp.transpose(a, perm), "TBackward0")


@tensor_method()
def permute(input, *dims, **kwargs):
    dims = _shape_arg(varargs("permute", "dims", dims, kwargs))
    n = input.ndim
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the length "
                           f"of the desired ordering of dimensions i.e. input.dim() = {n} is not equal to "
                           f"len(dims) = {len(dims)}")
    perm = tuple(wrap_dim(d, n) for d in dims)
    if len(set(perm)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    shape, strides = tuple(input.shape), input.stride()
    return _view(input, _permute, (), (perm,), [shape[p] for p in perm], [strides[p] for p in perm], input._offset)


@tensor_method()
def transpose(input, dim0, dim1):
    return _swap(input, dim0, dim1, _transpose)


def _swap(input, dim0, dim1, kernel):
    """The view swapping two dims, recorded under ``kernel``'s grad_fn name."""
    n = input.ndim
    d0, d1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
    perm = list(range(n))
    if d0 != d1:  # a 0-d tensor's only dim is 0 (or -1)
        perm[d0], perm[d1] = perm[d1], perm[d0]
    perm = tuple(perm)
    shape, strides = tuple(input.shape), input.stride()
    return _view(input, kernel, (), (perm,), [shape[p] for p in perm], [strides[p] for p in perm], input._offset)


swapdims = transpose
tensor_method("swapdims")(transpose)


@tensor_method()
def swapaxes(input, axis0, axis1):
    """torch.swapaxes: :func:`transpose` under NumPy's argument names."""
    return transpose(input, axis0, axis1)


@tensor_method()
def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return _swap(input, 0, 1, _t) if input.ndim == 2 else input


def _mT(self):
    if self.ndim == 0:  # torch: the identity, deprecated
        return self
    if self.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(self, -2, -1)


def _T(self):
    return permute(self, tuple(range(self.ndim - 1, -1, -1)))


Tensor.T = property(_T)
Tensor.mT = property(_mT)
Tensor.H = property(lambda self: _T(self).conj() if self.ndim in (0, 2) else _raise_H(self))
Tensor.mH = property(lambda self: _mT(self).conj())


def _raise_H(self):
    raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor.")


@tensor_method()
def movedim(input, source, destination):
    n = input.ndim
    src = [wrap_dim(d, n) for d in ((source,) if isinstance(source, int) else source)]
    dst = [wrap_dim(d, n) for d in ((destination,) if isinstance(destination, int) else destination)]
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain the "
                           f"same number of dims as destination ({dst} dims)")
    for name, dims in (("source", src), ("destination", dst)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({dims})")
    if n == 0:
        return permute(input, ())
    perm = [None] * n
    for s, d in zip(src, dst):
        perm[d] = s
    rest = iter(d for d in range(n) if d not in src)
    perm = [p if p is not None else next(rest) for p in perm]
    return permute(input, perm)


moveaxis = movedim
tensor_method("moveaxis")(movedim)

_squeeze_k = Kernel(lambda shape, a: a.reshape(shape), "SqueezeBackward0")
_unsqueeze_k = Kernel(lambda shape, a: a.reshape(shape), "UnsqueezeBackward0")


@tensor_method()
def squeeze(input, dim=None):
    shape, strides = tuple(input.shape), input.stride()
    if dim is None:
        dims = {d for d, s in enumerate(shape) if s == 1}
    else:
        dims = {wrap_dim(d, input.ndim) for d in ((dim,) if isinstance(dim, int) else dim)}
        dims = {d for d in dims if input.ndim and shape[d] == 1}
    keep = [d for d in range(len(shape)) if d not in dims]
    new_shape = tuple(shape[d] for d in keep)
    return _view(input, _squeeze_k, (), (new_shape,), new_shape, [strides[d] for d in keep], input._offset)


@tensor_method()
def unsqueeze(input, dim):
    n = input.ndim
    dim = wrap_dim(dim, n + 1)
    shape, strides = list(input.shape), list(input.stride())
    stride = shape[dim] * strides[dim] if dim < n else 1
    shape.insert(dim, 1)
    strides.insert(dim, stride)
    return _view(input, _unsqueeze_k, (), (tuple(shape),), shape, strides, input._offset)


_expand = Kernel(lambda shape, a: jnp.broadcast_to(a, shape), "ExpandBackward0")


@tensor_method()
def expand(self, *sizes, **kwargs):
    sizes = _shape_arg(varargs("expand", "size", sizes, kwargs))
    shape, strides = tuple(self.shape), self.stride()
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shape)}}}, size=[{', '.join(map(str, sizes))}]): the "
                           "number of sizes provided must be greater or equal to the number of dimensions in the "
                           "tensor")
    lead = len(sizes) - len(shape)
    new_shape, new_strides = [], []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing "
                                   "dimension 0")
            new_shape.append(s)
            new_strides.append(0)
            continue
        old = shape[i - lead]
        if s == -1 or s == old:
            new_shape.append(old)
            new_strides.append(strides[i - lead])
        elif old == 1:
            new_shape.append(s)
            new_strides.append(0)
        else:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({old}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(shape)}")
    new_shape = tuple(new_shape)
    return _view(self, _expand, (), (new_shape,), new_shape, new_strides, self._offset)


@tensor_method()
def expand_as(self, other):
    return expand(self, tuple(other.shape))


def broadcast_to(input, size):
    return expand(input, tuple(size))


tensor_method("broadcast_to")(broadcast_to)

_select = Kernel(lambda dim, a, i: jax.lax.dynamic_index_in_dim(a, i, dim, keepdims=False), "SelectBackward0")
_narrow = Kernel(lambda dim, length, a, start: jax.lax.dynamic_slice_in_dim(a, start, length, dim), "SliceBackward0")


def _index_in_range(index, size, dim):
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    return index % size


@tensor_method()
def select(input, dim, index):
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, input.ndim)
    shape, strides = list(input.shape), list(input.stride())
    if not -shape[dim] <= int(index) < shape[dim]:
        raise IndexError(f"select(): index {int(index)} out of range for tensor of size {shape} at dimension {dim}")
    index = int(index) % shape[dim]
    offset = input._offset + index * strides[dim]
    del shape[dim], strides[dim]
    return _view(input, _select, (device_index(index),), (dim,), shape, strides, offset)


def _narrow_start(input, dim, start, length):
    """narrow's (dim, start) normalised and checked, with torch's errors."""
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    start = start + size if start < 0 else start
    if start + length > size or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return dim, start


@tensor_method()
def narrow(input, dim, start, length):
    dim, start = _narrow_start(input, dim, start, length)
    shape = list(input.shape)
    shape[dim] = length
    offset = input._offset + start * input.stride(dim)
    return _view(input, _narrow, (start,), (dim, length), shape, input.stride(), offset)


def _pieces(input, dim, bounds):
    """Views ``input[start:end]`` along ``dim`` for each (start, end) of ``bounds``: one kernel, or for
    many pieces the bucketed kernels of ops/_pieces.py."""
    bounds = tuple((s, max(s, e)) for s, e in bounds)
    with _many.gc_paused(len(bounds)):
        if len(bounds) <= _many.SMALL:
            outs = apply(_split, (input,), (dim, bounds))
        else:  # many pieces: bucketed kernels, one node (see ops/_pieces.py)
            shape, dtype = input._data.shape, input._data.dtype
            lengths = [e - s for s, e in bounds]
            shapes = [shape[:dim] + (n,) + shape[dim + 1:] for n in lengths]
            outs = _many.pieces(input, dim, _many.runs_of(shapes, [dtype] * len(shapes), dim, lengths))
        strides = input.stride()
        return tuple(out._as_view_of(input, strides, input._offset + start * strides[dim])
                     for out, (start, _) in zip(outs, bounds))


_split = Kernel(lambda dim, bounds, a: tuple(jax.lax.slice_in_dim(a, s, e, axis=dim) for s, e in bounds),
                "SplitBackward0")
_unbind = Kernel(lambda dim, a: tuple(jnp.moveaxis(a, dim, 0)), "UnbindBackward0")


def split(tensor, split_size_or_sections, dim=0):
    dim = wrap_dim(dim, tensor.ndim)
    size = tensor.shape[dim]
    if isinstance(split_size_or_sections, numbers.Integral):
        step = int(split_size_or_sections)
        if step <= 0 and size:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
        sizes = [min(step, size - i) for i in range(0, size, step)] if size else [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != size:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                               f"dimension {dim}), but got split_sizes={sizes}")
    bounds = np.cumsum([0] + sizes).tolist()
    return _pieces(tensor, dim, list(zip(bounds[:-1], bounds[1:])))


@tensor_method("split")
def _split_method(self, split_size, dim=0):
    """Tensor.split: :func:`split` under the method's argument name."""
    return split(self, split_size, dim)


@tensor_method()
def chunk(input, chunks, dim=0):
    """torch.chunk: ceil(size / chunks)-long views (fewer when that covers the dim early; an
    empty dim gives ``chunks`` empty pieces)."""
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    dim = wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    if not size:
        return _pieces(input, dim, [(0, 0)] * chunks)
    return split(input, -(-size // chunks), dim)


@tensor_method()
def unbind(input, dim=0):
    dim = wrap_dim(dim, input.ndim)
    shape, strides = list(input.shape), list(input.stride())
    step = strides[dim]
    del shape[dim], strides[dim]
    n = input._data.shape[dim]
    with _many.gc_paused(n):
        if n <= _many.SMALL:
            outs = apply(_unbind, (input,), (dim,))
        else:  # many rows: bucketed kernels, one node (see ops/_pieces.py)
            outs = _many.pieces(input, dim, [_many.Run(0, 1, n, shape, input._data.dtype)], "UnbindBackward0")
        return tuple(o._as_view_of(input, tuple(strides), input._offset + i * step) for i, o in enumerate(outs))


# ---- __getitem__ / __setitem__ --------------------------------------------------------
def _is_advanced(item):
    return isinstance(item, (Tensor, list, np.ndarray)) or (isinstance(item, (bool, np.bool_)))


def _normalize_index(index):
    """The index as a tuple; a short list holding a sequence, slice, None, ... or tensor counts as
    a tuple (torch's legacy treatSequenceAsTuple); 0-d integer tensors act as ints."""
    if isinstance(index, list) and len(index) < 32 and any(
            i is None or i is Ellipsis or isinstance(i, (slice, Tensor, list, tuple, np.ndarray)) for i in index):
        index = tuple(index)
    if not isinstance(index, tuple):
        index = (index,)
    return tuple(_int_like(i) for i in index)


def _int_like(item):
    """Python int for int-like items (0-d integer tensors too), a list for ranges and nested tuples;
    torch's errors for other scalars."""
    if isinstance(item, Tensor):
        return int(item.item()) if item.ndim == 0 and item.dtype.category == 1 else item
    if item is None or item is Ellipsis or isinstance(item, (slice, list, np.ndarray, bool, np.bool_)):
        return item
    if isinstance(item, numbers.Integral):
        return int(item)
    if isinstance(item, (range, tuple)):  # any other sequence indexes like a list of indices
        return list(item)
    if isinstance(item, numbers.Number):
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                         "indices (got " + type(item).__name__ + ")")
    raise TypeError(f"new(): invalid data type '{type(item).__name__}'")


def _basic_plan(self, index):
    """Walk a basic index (ints, slices, None, Ellipsis) like torch's sequence of select/
    slice/unsqueeze: returns (spec, starts, out_shape, strides, offset)."""
    shape, strides = list(self.shape), list(self.stride())
    consumed = sum(1 for i in index if i is not None and i is not Ellipsis)
    if consumed > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    spec, starts = [], []
    out_shape, out_strides, offset = [], [], self._offset
    d = 0  # input dim
    for item in index:
        if item is Ellipsis:  # a later ellipsis covers no dims (torch accepts several)
            for _ in range(len(shape) - consumed):
                spec.append((shape[d], 1))
                starts.append(0)
                out_shape.append(shape[d])
                out_strides.append(strides[d])
                d += 1
            consumed = len(shape)
        elif item is None:
            spec.append(None)
            out_shape.append(1)
            out_strides.append(shape[d] * strides[d] if d < len(shape) else 1)
        elif isinstance(item, slice):
            start, stop, step = item.start, item.stop, item.step
            step = 1 if step is None else int(step)
            if step <= 0:
                raise ValueError("step must be greater than zero")
            start, stop, _ = slice(_as_int(start), _as_int(stop)).indices(shape[d])
            length = max(0, -(-(stop - start) // step))
            spec.append((length, step))
            starts.append(start if length else 0)
            offset += start * strides[d] if length else 0
            out_shape.append(length)
            out_strides.append(strides[d] * step)
            d += 1
        else:
            i = _index_in_range(int(item), shape[d], d)
            spec.append("i")
            starts.append(i)
            offset += i * strides[d]
            d += 1
    for _ in range(d, len(shape)):
        spec.append((shape[d], 1))
        starts.append(0)
        out_shape.append(shape[d])
        out_strides.append(strides[d])
        d += 1
    return tuple(spec), tuple(starts), tuple(out_shape), tuple(out_strides), offset


def _start_args(starts):
    """(static mask of nonzero starts, the nonzero starts as cached device scalars): a start of
    0 (whole dims, ``x[0]``) costs nothing, others do not recompile per value."""
    nonzero = tuple(s != 0 for s in starts)
    return (nonzero if any(nonzero) else ()), tuple(device_index(s) for s in starts if s)


def _as_int(v):
    return None if v is None else int(v)


def _region(spec):
    """Sizes of the dynamic_slice that covers the indexed region, per input dim."""
    return tuple(1 if s == "i" else (0 if s[0] == 0 else (s[0] - 1) * s[1] + 1) for s in spec if s is not None)


def _dynamic_starts(spec, nonzero, starts):
    """Per-dim start indices: traced ones where ``nonzero`` flags them, static 0 elsewhere."""
    if not nonzero:
        return (0,) * sum(1 for s in spec if s is not None)
    it = iter(starts)
    return tuple(next(it) if nz else 0 for nz in nonzero)


def _basic_get(spec, nonzero, out_shape, a, *starts):
    region = _region(spec)
    x = jax.lax.dynamic_slice(a, _dynamic_starts(spec, nonzero, starts), region) if region != a.shape else a
    steps = tuple(slice(None, None, s[1]) if s != "i" else slice(None) for s in spec if s is not None)
    if any(s.step not in (None, 1) for s in steps):
        x = x[steps]
    return x.reshape(out_shape)


def _basic_set(spec, nonzero, out_shape, a, value, *starts):
    starts = _dynamic_starts(spec, nonzero, starts)
    value = jnp.broadcast_to(jnp.asarray(value).astype(a.dtype), out_shape)
    region = tuple(1 if s == "i" else s[0] for s in spec if s is not None)
    value = value.reshape(region)
    if all(s == "i" or s[1] == 1 for s in spec if s is not None):
        return jax.lax.dynamic_update_slice(a, value, starts)
    index = tuple(start + (jnp.arange(s[0]) * s[1] if s != "i" else jnp.arange(1))
                  for start, s in zip(starts, (s for s in spec if s is not None)))
    return a.at[jnp.ix_(*index)].set(value)


_getitem_basic = Kernel(_basic_get, "SliceBackward0")
_setitem_basic = Kernel(_basic_set, "CopySlices")


def _advanced_plan(self, index):
    """Split an advanced index into a static structure and the index arrays."""
    structure, arrays = [], []
    shape = tuple(self.shape)
    d = 0
    n_ellipsis_dims = self.ndim - sum(
        (item.ndim if isinstance(item, Tensor) and item.dtype in (_dtype.bool, _dtype.uint8) else
         np.ndim(item) if isinstance(item, (np.ndarray,)) and item.dtype == bool else 1)
        for item in index if item is not None and item is not Ellipsis and not isinstance(item, (bool, np.bool_)))
    for item in index:
        if item is Ellipsis:
            structure.append(Ellipsis)
            d += max(n_ellipsis_dims, 0)
        elif item is None:
            structure.append(None)
        elif isinstance(item, slice):
            structure.append(("s", _as_int(item.start), _as_int(item.stop), _as_int(item.step)))
            if item.step is not None and item.step <= 0:
                raise ValueError("step must be greater than zero")
            d += 1
        elif isinstance(item, (bool, np.bool_)):
            structure.append(("b", bool(item)))
        elif isinstance(item, int):
            if d >= len(shape):
                raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
            structure.append(("i", _index_in_range(item, shape[d], d)))
            d += 1
        else:
            arr = _index_array(item)
            if arr.dtype == np.bool_ and arr.ndim == 0:
                structure.append(("b", bool(arr)))
                continue
            if arr.dtype == np.bool_:
                if arr.shape != shape[d:d + arr.ndim]:
                    raise IndexError(f"The shape of the mask {list(arr.shape)} at index {len(structure)} does not "
                                     f"match the shape of the indexed tensor {list(shape[d:d + arr.ndim])} at index "
                                     f"{d}")
                for nz in np.nonzero(arr):
                    structure.append(("a", len(arrays)))
                    arrays.append(nz)
                d += arr.ndim
            else:
                if d >= len(shape):
                    raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
                bad = (arr >= shape[d]) | (arr < -shape[d])
                if bad.any():
                    raise IndexError(f"index {int(arr[bad].flat[0])} is out of bounds for dimension {d} with size "
                                     f"{shape[d]}")
                structure.append(("a", len(arrays)))
                arrays.append(arr)
                d += 1
    if d > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    try:
        np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + ", ".join(str(list(a.shape)) for a in arrays)) from None
    return tuple(structure), arrays


def _index_array(item):
    if isinstance(item, Tensor):
        if item.dtype.category != 1 and item.dtype is not _dtype.bool:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        arr = np.asarray(item._data)
        return arr.astype(np.bool_) if item.dtype is _dtype.uint8 else arr
    arr = np.asarray(item)
    if arr.size == 0 and isinstance(item, list):
        return arr.astype(np.int64)
    if arr.dtype.kind == "f":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return arr if arr.dtype == np.bool_ else arr.astype(np.int64)


def _build_index(structure, arrays):
    """(ints, rest): torch applies integer indices first (as selects), then the rest as one
    NumPy-style index, so ``x[0, :, [1, 2]]`` is (3, 2) where NumPy gives (2, 3). ``ints`` is
    None when there are none."""
    ints, rest = [], []
    for s in structure:
        if s is None or s is Ellipsis:
            rest.append(s)
            if s is Ellipsis:
                ints.append(s)
        elif s[0] == "s":
            ints.append(slice(None))
            rest.append(slice(s[1], s[2], s[3]))
        elif s[0] == "b":
            rest.append(s[1])
        elif s[0] == "i":
            ints.append(s[1])
        else:
            ints.append(slice(None))
            rest.append(arrays[s[1]])
    has_ints = any(s[0] == "i" for s in structure if s is not None and s is not Ellipsis)
    return (tuple(ints) if has_ints else None), tuple(rest)


def _index_get(structure, a, *arrays):
    ints, rest = _build_index(structure, arrays)
    return (a if ints is None else a[ints])[rest]


def _index_update(structure, a, arrays, write):
    """``a`` with ``write(sub, index)`` applied where ``structure`` indexes it."""
    ints, rest = _build_index(structure, arrays)
    if ints is None:
        return write(a, rest)
    return a.at[ints].set(write(a[ints], rest))


def _set_at(a, index, values):
    """``a.at[index].set(values)`` with torch's gradient for repeated indices: every copy of a
    repeated position gets that position's gradient (JAX's would credit only the one written)."""
    values = jnp.broadcast_to(values.astype(a.dtype), jax.eval_shape(lambda x: x[index], a).shape)

    def bwd(_, g):
        return g.at[index].set(0), g[index]

    f = jax.custom_vjp(lambda a, values: a.at[index].set(values))
    f.defvjp(lambda a, values: (f(a, values), None), bwd)
    return f(a, values)


_getitem_adv = Kernel(_index_get, "IndexBackward0")
_setitem_mask = Kernel(lambda a, mask, value: jnp.where(mask, value.astype(a.dtype), a), "MaskedFillBackward0")


def _getitem(self, index):
    if type(index) is int and self._data.ndim:  # the common x[i]: torch's select
        return select(self, 0, index)
    if type(index) is slice and index.step is None and self._data.ndim:  # x[a:b]: torch's slice
        start, stop, _ = index.indices(self._data.shape[0])
        strides = self.stride()
        shape = (max(stop - start, 0),) + self._data.shape[1:]
        return _view(self, _narrow, (device_index(start),), (0, shape[0]), shape, strides,
                     self._offset + start * strides[0])
    index = _normalize_index(index)
    if any(_is_advanced(i) for i in index):
        structure, arrays = _advanced_plan(self, index)
        return apply(_getitem_adv, (self, *arrays), (structure,))
    if self.ndim == 0 and not index == (Ellipsis,) and any(i is not None and i is not Ellipsis for i in index):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                         "C++ to convert a 0-dim tensor to a number")
    spec, starts, out_shape, strides, offset = _basic_plan(self, index)
    nonzero, starts = _start_args(starts)
    return _view(self, _getitem_basic, starts, (spec, nonzero, out_shape), out_shape, strides, offset)


@functools.lru_cache(1024)
def _leading_int_plan(shape, index):
    """(spec, nonzero mask, out_shape) of ``x[index]`` for an int ``index`` (setitem's fast path)."""
    index = _index_in_range(index, shape[0], 0)
    spec = ("i",) + tuple((n, 1) for n in shape[1:])
    return spec, ((True,) + (False,) * (len(shape) - 1) if index else ()), shape[1:], index


def _setitem(self, index, value):
    if type(index) is int and self._data.ndim and type(value) in (int, float, bool):
        spec, nonzero, out_shape, index = _leading_int_plan(self._data.shape, index)
        starts = (device_index(index),) if index else ()
        self._inplace_(apply(_setitem_basic, (self, value, *starts), (spec, nonzero, out_shape)))
        return
    if not isinstance(value, (Tensor, int, float, bool, complex)):
        from .creation import tensor
        value = tensor(value, dtype=self.dtype)
    index = _normalize_index(index)
    if any(_is_advanced(i) for i in index):
        if len(index) == 1 and isinstance(index[0], Tensor) and index[0].dtype is _dtype.bool \
                and tuple(index[0].shape) == tuple(self.shape) and _numel(value) == 1:
            new = apply(_setitem_mask, (self, index[0], _scalar_value(value)))
        else:
            structure, arrays = _advanced_plan(self, index)
            out_shape = jax.eval_shape(functools.partial(_index_get, structure), self._data, *arrays).shape
            value = _fit_value(value, out_shape)
            new = apply(_index_put, (self, value, *arrays), (structure, False))
    else:
        spec, starts, out_shape, _, _ = _basic_plan(self, index)
        if isinstance(value, Tensor):
            value = _fit_value(value, out_shape)
        nonzero, starts = _start_args(starts)
        new = apply(_setitem_basic, (self, value, *starts), (spec, nonzero, out_shape))
    self._inplace_(new)


def _fit_value(value, out_shape):
    """Check that ``value`` broadcasts to the indexing result (leading 1s may be dropped, as
    torch allows) and drop those leading dims."""
    vshape = tuple(value.shape) if isinstance(value, Tensor) else ()
    try:
        np.broadcast_shapes(vshape, out_shape)
        if len(vshape) > len(out_shape) and any(s != 1 for s in vshape[:len(vshape) - len(out_shape)]):
            raise ValueError
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(vshape)} cannot be broadcast to indexing "
                           f"result of shape {list(out_shape)}") from None
    if len(vshape) > len(out_shape):
        value = value.reshape(vshape[len(vshape) - len(out_shape):])
    return value


def _numel(v):
    return v.numel() if isinstance(v, Tensor) else 1


def _scalar_value(v):
    return v.reshape(()) if isinstance(v, Tensor) else v


Tensor.__getitem__ = _getitem
Tensor.__setitem__ = _setitem


# ---- joining --------------------------------------------------------------------------
_cat = Kernel(lambda dim, dtype, *xs: jnp.concatenate([x.astype(dtype) for x in xs], axis=dim), "CatBackward0")
_stack = Kernel(lambda dim, dtype, *xs: jnp.stack([x.astype(dtype) for x in xs], axis=dim), "StackBackward0")


def _tensors_arg(tensors, name):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    if not tensors:
        if name == "cat":
            raise ValueError("torch.cat(): expected a non-empty list of Tensors")
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tuple(tensors)


def cat(tensors, dim=0, *, out=None):
    """torch.cat: 1-D empty tensors take part as empty slices, as legacy torch allows; dtypes promote."""
    tensors = _tensors_arg(tensors, "cat")
    return write_out(out, _cat_shaped(tensors, [t._data.shape for t in tensors], dim))


def _promoted(tensors):
    """The promotion of the tensors' dtypes (what torch.result_type gives dimensioned tensors)."""
    return functools.reduce(_dtype.promote_types, map(_dtype.from_jax, {t._data.dtype for t in tensors}))


def _cat_shaped(tensors, shapes, dim):
    """cat of ``tensors`` reshaped to ``shapes`` (what hstack/vstack/... give them). Up to
    _many.SMALL tensors: one kernel; more: bucketed writes with one node (see ops/_pieces.py)."""
    ref = next((s for s in shapes if s != (0,)), shapes[0])
    if not ref:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = wrap_dim(dim, len(ref))
    empty = ref[:d] + (0,) + ref[d + 1:]  # what legacy 1-D empty tensors take part as
    parts = [(t, empty if s == (0,) else s) for t, s in zip(tensors, shapes)]
    for i, (_, s) in enumerate(parts):
        if s == ref:
            continue
        if len(s) != len(ref):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} and {len(s)}")
        for ax in range(len(ref)):
            if ax != d and s[ax] != ref[ax]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{ref[ax]} but got size {s[ax]} for tensor number {i} in the list.")
    tensors = [t for t, _ in parts]
    dt = _promoted(tensors)
    if len(parts) <= _many.SMALL:
        shapes = [s for _, s in parts]
        host = _many.host_cat(tensors, shapes, d, dt.jax)
        if host is not None:
            return Tensor._from_array(host)
        return apply(_cat, [t if t._data.shape == s else reshape(t, s) for t, s in parts], (d, dt.jax))
    lengths = [s[d] for _, s in parts]
    runs = _many.runs_of([t._data.shape for t in tensors], [t._data.dtype for t in tensors], d, lengths)
    return _many.join(tensors, d, ref[:d] + (sum(lengths),) + ref[d + 1:], dt.jax, runs)


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    tensors = _tensors_arg(tensors, "stack")
    ref = tensors[0]._data.shape
    for i, t_ in enumerate(tensors):
        if t_._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(ref)} at entry 0 and "
                               f"{list(t_.shape)} at entry {i}")
    d = wrap_dim(dim, len(ref) + 1)
    dt = _promoted(tensors)
    if len(tensors) <= _many.SMALL:
        return write_out(out, apply(_stack, tensors, (d, dt.jax)))
    runs = _many.runs_of([ref] * len(tensors), [t._data.dtype for t in tensors], d, [1] * len(tensors))
    return write_out(out, _many.join(tensors, d, ref[:d] + (len(tensors),) + ref[d:], dt.jax, runs,
                                     "StackBackward0"))


def _atleast_shape(shape, n):
    """torch.atleast_{1,2,3}d's shape: () -> (1,)*n, (k,) -> (1, k) / (1, k, 1), (m, k) -> (m, k, 1)."""
    if len(shape) >= n:
        return shape
    if n < 3 or not shape:
        return (1,) * (n - len(shape)) + shape
    return ((1,) + shape if len(shape) == 1 else shape) + (1,)


def _joined(name, tensors, dim, min_ndim):
    """cat along ``dim`` after giving each tensor at least ``min_ndim`` dims the way torch's
    atleast_{1,2,3}d do."""
    tensors = _tensors_arg(tensors, name)
    return _cat_shaped(tensors, [_atleast_shape(t._data.shape, min_ndim) for t in tensors], dim)


def hstack(tensors, *, out=None):
    """torch.hstack: cat along dim 1 (dim 0 for 1-D tensors)."""
    tensors = _tensors_arg(tensors, "hstack")
    return write_out(out, _joined("hstack", tensors, 0 if tensors[0].ndim <= 1 else 1, 1))


def vstack(tensors, *, out=None):
    """torch.vstack / row_stack: cat along dim 0 after atleast_2d."""
    return write_out(out, _joined("vstack", tensors, 0, 2))


row_stack = vstack


def dstack(tensors, *, out=None):
    """torch.dstack: cat along dim 2 after atleast_3d."""
    return write_out(out, _joined("dstack", tensors, 2, 3))


def column_stack(tensors, *, out=None):
    """torch.column_stack: 0-d and 1-d tensors become columns, then cat along dim 1."""
    tensors = _tensors_arg(tensors, "column_stack")
    shapes = [(t._data.size, 1) if t._data.ndim <= 1 else t._data.shape for t in tensors]
    return write_out(out, _cat_shaped(tensors, shapes, 1))


# ---- splitting --------------------------------------------------------------------------
@tensor_method()
def tensor_split(input, indices_or_sections=None, dim=0, *, sections=None, indices=None,
                 tensor_indices_or_sections=None):
    """torch.tensor_split: ``n`` near-equal sections (the first size % n one longer), or split
    before each index of a list / 1-D tensor; the pieces are views. The keywords are torch's
    overloads' names."""
    given = [a for a in (indices_or_sections, sections, indices, tensor_indices_or_sections) if a is not None]
    if len(given) != 1:
        raise TypeError("tensor_split() takes one of sections, indices or tensor_indices_or_sections")
    indices_or_sections = given[0]
    dim = wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    if isinstance(indices_or_sections, Tensor):
        if indices_or_sections.dtype.category != 1 or indices_or_sections.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have integral dtype and be a "
                               "0-D or 1-D tensor")
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, numbers.Integral):
        n = int(indices_or_sections)
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        lengths = [size // n + (i < size % n) for i in range(n)]
        bounds = np.cumsum([0] + lengths).tolist()
    else:
        bounds = [0] + [min(max(int(i) + size * (i < 0), 0), size) for i in indices_or_sections] + [size]
    return _pieces(input, dim, list(zip(bounds[:-1], bounds[1:])))


def _split_dim(name, input, sections, dim, min_ndim):
    if input.ndim < min_ndim:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_ndim} dimension, but got a tensor with "
                           f"{input.ndim} dimensions!")
    if isinstance(sections, numbers.Integral):
        size = input.shape[dim]
        if sections == 0 or size % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
                               f"{size} is not divisible by the split_size {sections}!")
    return tensor_split(input, sections, dim)


@tensor_method()
def hsplit(input, indices_or_sections):
    return _split_dim("hsplit", input, indices_or_sections, 1 if input.ndim > 1 else 0, 1)


@tensor_method()
def vsplit(input, indices_or_sections):
    return _split_dim("vsplit", input, indices_or_sections, 0, 2)


@tensor_method()
def dsplit(input, indices_or_sections):
    return _split_dim("dsplit", input, indices_or_sections, 2, 3)


# ---- gather / scatter / index_* ---------------------------------------------------------
def _host_index(index, size, dim, name, *, negative=False, exc=RuntimeError, msg=None):
    """Host copy of an integer index tensor, range-checked like torch (JAX would clamp);
    negative entries wrap when ``negative``; ``msg`` formats the first bad index."""
    if not isinstance(index, Tensor) or index.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32 or int64 for index")
    arr = np.asarray(index._data).astype(np.int64)
    bad = (arr < (-size if negative else 0)) | (arr >= size)
    if bad.any():
        first = int(arr[bad].flat[0])
        raise exc(msg.format(first) if msg else f"index {first} is out of bounds for dimension {dim} with size {size}")
    return np.where(arr < 0, arr + size, arr) if negative else arr


def _grid(dim, idx):
    """Index tuple taking, at each position of ``idx``, element ``idx`` along ``dim`` and the
    same position along every other dim (torch's gather/scatter addressing)."""
    return tuple(idx if d == dim else jax.lax.broadcasted_iota(idx.dtype, idx.shape, d) for d in range(idx.ndim))


def _gather_fn(dim, a, idx):
    if a.ndim == 0 or idx.ndim == 0:  # torch treats 0-d operands as 1-d here
        return a.reshape(-1)[idx.reshape(-1)].reshape(idx.shape)
    return a[_grid(dim, idx)]


_IDENTITY = {"sum": 0, "mean": 0, "prod": 1}


def _extremal(dim, is_max, include_self, a, idx, src):
    """scatter amax/amin. Gradient as torch's: shared evenly by the elements equal to the
    result, counting ``a``'s even when ``include_self=False`` (its own share is then dropped)."""
    grid = _grid(dim, idx)

    def forward(a, src):
        if not include_self:
            a = a.at[grid].set(_limit(a.dtype, low=is_max))
        return a.at[grid].max(src) if is_max else a.at[grid].min(src)

    def fwd(a, src):
        r = forward(a, src)
        return r, (a, src, r)

    def bwd(res, g):
        a, src, r = res
        hit_a, hit_src = a == r, src == r[grid]
        share = g / jnp.maximum(hit_a + jnp.zeros(a.shape, g.dtype).at[grid].add(hit_src), 1)
        grad_a = jnp.where(hit_a, share, 0)
        return grad_a if include_self else grad_a.at[grid].set(0), jnp.where(hit_src, share[grid], 0)

    f = jax.custom_vjp(forward)
    f.defvjp(fwd, bwd)
    return f(a, src)


def _limit(dtype, low):
    """The lowest (or highest) value of ``dtype``: the identity of max (min)."""
    if dtype == jnp.bool_:
        return not low
    if jnp.issubdtype(dtype, jnp.floating):
        return -jnp.inf if low else jnp.inf
    info = jnp.iinfo(dtype)
    return info.min if low else info.max


def _scatter_fn(dim, reduce, include_self, a, idx, src):
    """``a`` with ``src`` (sliced to ``idx``'s shape, or a scalar) scattered at ``_grid(dim, idx)``
    and combined by ``reduce`` (None: overwrite); ``include_self=False`` leaves the old values
    of the written positions out of the reduction."""
    if a.ndim == 0 or idx.ndim == 0:
        src = src if jnp.ndim(src) == 0 else src.reshape(-1)
        return _scatter_fn(0, reduce, include_self, a.reshape(-1), idx.reshape(-1), src).reshape(a.shape)
    src = jnp.asarray(src).astype(a.dtype)
    src = jnp.broadcast_to(src, idx.shape) if src.ndim == 0 else src[tuple(slice(0, n) for n in idx.shape)]
    if a.dtype == jnp.bool_:  # torch: a sum of bools is their OR, a product their AND
        reduce = {"sum": "amax", "prod": "amin"}.get(reduce, reduce)
    if reduce is None:
        return _set_at(a, _grid(dim, idx), src)
    at = a.at[_grid(dim, idx)]
    if reduce in ("amax", "amin"):
        return _extremal(dim, reduce == "amax", include_self, a, idx, src)
    if not include_self:
        a = at.set(_IDENTITY[reduce])
        at = a.at[_grid(dim, idx)]
    if reduce == "sum":
        return at.add(src)
    if reduce == "mean":
        total = at.add(src)
        count = jnp.zeros(a.shape, a.dtype).at[_grid(dim, idx)].add(1) + include_self
        count = jnp.maximum(count, 1)
        return total // count if jnp.issubdtype(a.dtype, jnp.integer) else total / count
    # prod: JAX's scatter-multiply has no gradient for repeated indices, so reduce a dense one-hot
    # along ``dim`` (memory: idx.size * a.shape[dim]) whose product gradient handles zeros.
    hit = idx[..., None] == jnp.arange(a.shape[dim])
    factors = jnp.moveaxis(jnp.where(hit, src[..., None], 1).prod(axis=dim), -1, dim)
    factors = jnp.pad(factors, [(0, n - f) for n, f in zip(a.shape, factors.shape)], constant_values=1)
    return a * factors.astype(a.dtype)  # prod() promotes small integers


_gather = Kernel(_gather_fn, "GatherBackward0")
_scatter = Kernel(_scatter_fn, "ScatterBackward0")
_scatter_value = Kernel(_scatter_fn, "ScatterBackward1")
_scatter_add = Kernel(_scatter_fn, "ScatterAddBackward0")
_scatter_reduce = Kernel(_scatter_fn, "ScatterReduceBackward0")


def _check_gather_shapes(name, input, dim, index, src=None):
    """torch's shape rules: index has input's ndim and is no larger than input (except along
    ``dim``) and than ``src``."""
    if index.ndim != input.ndim and max(index.ndim, input.ndim) > 1:
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {name} tensor")
    too_big = any(i > s for d, (i, s) in enumerate(zip(index.shape, input.shape)) if d != dim)
    if src is not None and src.ndim:
        too_big = too_big or any(i > s for i, s in zip(index.shape, src.shape))
    if too_big:
        what = f" and to be no larger size than src {list(src.shape)}" if src is not None else ""
        raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self {list(input.shape)} apart "
                           f"from dimension {dim}{what}")


@tensor_method()
def gather(input, dim, index, *, sparse_grad=False, out=None):
    """torch.gather: out[i][j] = input[i][index[i][j]] (for dim=1); indices are range-checked."""
    dim = wrap_dim(dim, input.ndim)
    _check_gather_shapes("input", input, dim, index)
    idx = _host_index(index, input.shape[dim] if input.ndim else 1, dim, "gather")
    return write_out(out, apply(_gather, (input, idx), (dim,)))


def _scatter_args(name, input, dim, index, src):
    """Normalised dim, checked host index, and src (a tensor of input's dtype or a number)."""
    dim = wrap_dim(dim, input.ndim)
    if isinstance(src, Tensor):
        if src.dtype is not input.dtype:
            raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
        _check_gather_shapes("self", input, dim, index, src)
    else:
        _check_gather_shapes("self", input, dim, index)
    return dim, _host_index(index, input.shape[dim] if input.ndim else 1, dim, name)


_SCATTER_REDUCE = {None: None, "add": "sum", "multiply": "prod"}


@tensor_method()
def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    """torch.scatter: src (tensor) or value (number) written at index along dim; the legacy
    ``reduce='add'|'multiply'`` accumulates instead."""
    src = value if src is None else src
    if reduce not in _SCATTER_REDUCE:
        raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce}")
    dim, idx = _scatter_args("scatter", input, dim, index, src)
    k = _scatter if isinstance(src, Tensor) else _scatter_value
    return write_out(out, apply(k, (input, idx, src), (dim, _SCATTER_REDUCE[reduce], True)))


@tensor_method()
def scatter_add(input, dim, index, src, *, out=None):
    dim, idx = _scatter_args("scatter_add", input, dim, index, src)
    return write_out(out, apply(_scatter_add, (input, idx, src), (dim, "sum", True)))


@tensor_method()
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """torch.scatter_reduce with reduce in sum/prod/mean/amax/amin (integer mean floors, as torch)."""
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)  # torch accepts these aliases
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if reduce == "mean" and input.dtype is _dtype.bool:
        raise NotImplementedError("\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'")
    if reduce in ("amax", "amin"):
        check_kind(input.dtype, "bif", f"scatter_gather_tensor_cpu_reduce_{reduce}")
    dim, idx = _scatter_args("scatter_reduce", input, dim, index, src)
    refuse_complex_autograd("scatter_reduce", input, src)
    return write_out(out, apply(_scatter_reduce, (input, idx, src), (dim, reduce, bool(include_self))))


def _index_fn(dim, reduce, include_self, a, index, src):
    """index_add/copy/reduce as a scatter: ``index`` (1-D) spread over ``src``'s shape."""
    if src.ndim == 0:
        return _scatter_fn(dim, reduce, include_self, a, index, src)
    idx = jnp.broadcast_to(index.reshape((-1,) + (1,) * (src.ndim - dim - 1)), src.shape)
    return _scatter_fn(dim, reduce, include_self, a, idx, src)


_index_add = Kernel(_index_fn, "IndexAddBackward0")
_index_copy = Kernel(_index_fn, "IndexCopyBackward0")
_index_reduce = Kernel(_index_fn, "IndexReduceBackward0")


def _index_args(name, input, dim, index, source, exc=RuntimeError):
    """Checks shared by index_add/index_copy/index_reduce; returns (dim, host index); an index
    out of range raises ``exc``."""
    dim = wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"{name}(): self ({_TYPE_NAMES[input.dtype]}) and source ({_TYPE_NAMES[source.dtype]}) "
                           "must have the same scalar type")
    n = index.numel()
    if source.ndim and source.ndim != input.ndim:
        raise IndexError(f"{name}(): When source and destination are not scalars, their dimensionality must match. "
                         f"Source dimensionality ({source.ndim}), destination dimensionality ({input.ndim})")
    if (source.shape[dim] if source.ndim else 1) != n:
        raise RuntimeError(f"{name}(): Number of indices ({n}) should be equal to source.size(dim): "
                           f"({source.shape[dim] if source.ndim else 1}), for dim: {dim}")
    if any(s != i for d, (s, i) in enumerate(zip(source.shape, input.shape)) if d != dim):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
    size = input.shape[dim] if input.ndim else 1
    arr = _host_index(index, size, dim, name, exc=exc, msg=f"{name}(): index {{}} is out of bounds for dimension "
                      f"{dim} with size {size}" if exc is IndexError else None)
    return dim, arr.reshape(-1)


@tensor_method()
def index_add(input, dim, index, source, *, alpha=1, out=None):
    """torch.index_add: input with ``alpha * source`` slices added at ``index`` along dim."""
    dim, idx = _index_args("index_add_", input, dim, index, source)
    source = source if alpha == 1 else source * alpha
    return write_out(out, apply(_index_add, (input, idx, source), (dim, "sum", True)))


@tensor_method()
def index_copy(input, dim, index, source, *, out=None):
    dim, idx = _index_args("index_copy_", input, dim, index, source, IndexError)
    return write_out(out, apply(_index_copy, (input, idx, source), (dim, None, True)))


@tensor_method()
def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """torch.index_reduce with reduce in prod/mean/amax/amin."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    dim, idx = _index_args("index_reduce_", input, dim, index, source)
    return write_out(out, apply(_index_reduce, (input, idx, source), (dim, reduce, bool(include_self))))


_index_fill = Kernel(lambda dim, a, index, value: a.at[(slice(None),) * dim + (index,)].set(
    jnp.asarray(value).astype(a.dtype)), "IndexFillBackward0")


@tensor_method()
def index_fill(input, dim, index, value):
    """torch.index_fill: slices at ``index`` (negative entries wrap) along dim set to ``value``."""
    dim = wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    size = input.shape[dim] if input.ndim else 1
    idx = _host_index(index, size, dim, "index_fill", negative=True, exc=IndexError).reshape(-1)
    if input.ndim == 0:
        return apply(_index_fill, (input.reshape(1), idx, value), (0,)).reshape(())
    return apply(_index_fill, (input, idx, value), (dim,))


_index_select = Kernel(lambda dim, a, index: jnp.take(a, index, axis=dim), "IndexSelectBackward0")


@tensor_method()
def index_select(input, dim, index, *, out=None):
    dim = wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    size = input.shape[dim] if input.ndim else 1
    if input.ndim == 0 and index.numel() != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {index.numel()} value(s)")
    top = int(np.max(np.asarray(index._data), initial=-1))
    if top >= size and dim:  # torch: a RuntimeError past the end of dims > 0, IndexError otherwise
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={top} axis_dim={size}")
    idx = _host_index(index, size, dim, "index_select", exc=IndexError, msg="index out of range in self").reshape(-1)
    if input.ndim == 0:
        return write_out(out, apply(_index_select, (input.reshape(1), idx), (0,)).reshape(index.shape))
    return write_out(out, apply(_index_select, (input, idx), (dim,)))


# ---- masks, flat indices, nonzero, where -------------------------------------------------
def _bool_mask(mask, name):
    if not isinstance(mask, Tensor) or mask.dtype is not _dtype.bool:
        dt = mask.dtype if isinstance(mask, Tensor) else type(mask).__name__
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype {dt}")
    return mask


def _broadcast_shape(*shapes):
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        a, b = shapes[:2]
        for d in range(1, min(len(a), len(b)) + 1):
            if a[-d] != b[-d] and 1 not in (a[-d], b[-d]):
                raise RuntimeError(f"The size of tensor a ({a[-d]}) must match the size of tensor b ({b[-d]}) at "
                                   f"non-singleton dimension {max(len(a), len(b)) - d}") from None
        raise


_masked_fill = Kernel(lambda a, mask, value: jnp.where(mask, jnp.asarray(value).astype(a.dtype), a),
                      "MaskedFillBackward0")


@tensor_method()
def masked_fill(input, mask, value):
    """torch.masked_fill: ``value`` (number or 0-d tensor) where the bool ``mask`` is True; input
    and mask broadcast (the in-place form needs input's shape)."""
    _bool_mask(mask, "masked_fill_")
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    _broadcast_shape(tuple(input.shape), tuple(mask.shape))
    return apply(_masked_fill, (input, mask, value))


_masked_select = Kernel(lambda shape, a, *nz: jnp.broadcast_to(a, shape)[nz], "MaskedSelectBackward0")


@tensor_method()
def masked_select(input, mask, *, out=None):
    """torch.masked_select: the elements where ``mask`` (broadcast with input) is True, as 1-D."""
    if not isinstance(mask, Tensor) or mask.dtype is not _dtype.bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = _broadcast_shape(tuple(input.shape), tuple(mask.shape)) or (1,)
    nz = np.nonzero(np.broadcast_to(np.asarray(mask._data), shape))
    return write_out(out, apply(_masked_select, (input, *nz), (shape,)))


def _masked_scatter_fn(a, mask, source):
    mask = jnp.broadcast_to(mask, a.shape)
    pos = jnp.cumsum(mask.reshape(-1)) - 1
    return jnp.where(mask, source.reshape(-1)[jnp.maximum(pos, 0)].reshape(a.shape).astype(a.dtype), a)


_masked_scatter = Kernel(_masked_scatter_fn, "MaskedScatterBackward0")


@tensor_method()
def masked_scatter(input, mask, source):
    """torch.masked_scatter: source's elements, in order, go where ``mask`` is True."""
    _bool_mask(mask, "masked_scatter_")
    _broadcast_shape(tuple(input.shape), tuple(mask.shape))
    if source.dtype is not input.dtype:
        raise RuntimeError("masked_scatter_: expected self and source to have same dtypes but got "
                           f"{_TYPE_NAMES[input.dtype]} and {_TYPE_NAMES[source.dtype]}")
    if int(np.broadcast_to(np.asarray(mask._data), tuple(input.shape)).sum()) > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return apply(_masked_scatter, (input, mask, source))


def _flat_index(index, input, name):
    n = input.numel()
    if not isinstance(index, Tensor) or index.dtype is not _dtype.int64:
        raise RuntimeError(f"{name}(): Expected a long tensor for index, but got "
                           f"{index.dtype if isinstance(index, Tensor) else type(index).__name__}")
    arr = np.asarray(index._data)
    bad = (arr >= n) | (arr < -n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {int(arr[bad].flat[0])} on a tensor of {n} elements.")
    return np.where(arr < 0, arr + n, arr)


_take = Kernel(lambda a, idx: a.reshape(-1)[idx], "TakeBackward0")


@tensor_method()
def take(input, index, *, out=None):
    """torch.take: input read as 1-D at ``index`` (negative entries wrap); result has index's shape."""
    return write_out(out, apply(_take, (input, _flat_index(index, input, "take"))))


def _accumulate(at, values):
    """``at.add(values)``; for bool, OR (torch's sum of bools)."""
    return at.max(values) if values.dtype == jnp.bool_ else at.add(values)


def _put_fn(accumulate, a, idx, source):
    flat, idx, source = a.reshape(-1), idx.reshape(-1), source.reshape(-1).astype(a.dtype)
    return (_accumulate(flat.at[idx], source) if accumulate else _set_at(flat, idx, source)).reshape(a.shape)


_put = Kernel(_put_fn, "PutBackward0")


@tensor_method()
def put(input, index, source, accumulate=False):
    """torch.put: source written (or added) into input read as 1-D at ``index``."""
    idx = _flat_index(index, input, "put")
    if source.numel() != idx.size:
        raise IndexError("put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {idx.size}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {input.dtype} and source.dtype = {source.dtype}")
    return apply(_put, (input, idx, source), (bool(accumulate),))


@tensor_method()
def take_along_dim(input, indices, dim=None, *, out=None):
    """torch.take_along_dim: gather after broadcasting input and indices except along ``dim``
    (dim=None: both flattened)."""
    if dim is None:
        return write_out(out, gather(reshape(input, -1), 0, reshape(indices, -1)))
    dim = wrap_dim(dim, input.ndim)
    if indices.ndim != input.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    ishape, jshape = list(input.shape), list(indices.shape)
    ishape[dim] = jshape[dim] = 1
    batch = _broadcast_shape(tuple(ishape), tuple(jshape))
    a_shape, i_shape = list(batch), list(batch)
    a_shape[dim], i_shape[dim] = input.shape[dim], indices.shape[dim]
    return write_out(out, gather(expand(input, a_shape), dim, expand(indices, i_shape)))


def _index_put_fn(structure, accumulate, a, value, *arrays):
    add = lambda sub, index: _accumulate(sub.at[index], value.astype(a.dtype))  # noqa: E731
    return _index_update(structure, a, arrays, add if accumulate else lambda sub, index: _set_at(sub, index, value))


_index_put = Kernel(_index_put_fn, "IndexPutBackward0")


@tensor_method()
def index_put(input, indices, values, accumulate=False):
    """torch.index_put: ``input[indices] = values`` (``+=`` with accumulate, repeated indices
    summing), out of place."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): argument 'indices' must be tuple of Tensors, not {type(indices).__name__}")
    if any(not isinstance(i, Tensor) for i in indices):
        bad = next(i for i in indices if not isinstance(i, Tensor))
        raise TypeError(f"expected Tensor as element {indices.index(bad)} in argument 1, but got "
                        f"{type(bad).__name__}")
    if len(indices) > input.ndim:
        raise IndexError(f"too many indices for tensor of dimension {input.ndim} (got {len(indices)})")
    structure, arrays = _advanced_plan(input, tuple(indices))
    if values.dtype is not input.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {input.dtype} for the "
                           f"destination and {values.dtype} for the source.")
    return apply(_index_put, (input, values, *arrays), (structure, bool(accumulate)))


def _nonzero_host(input):
    a = np.asarray(input._data)
    return np.nonzero(a.reshape(1) if a.ndim == 0 else a)


@tensor_method()
def nonzero(input, *, out=None, as_tuple=False):
    """torch.nonzero: (n, ndim) int64 indices of the non-zero elements, or a tuple of 1-D index
    tensors with ``as_tuple`` (a 0-d input counts as 1-d there)."""
    nz = _nonzero_host(input)
    if as_tuple:
        return tuple(Tensor._from_array(jnp.asarray(i, jnp.int64)) for i in nz)
    result = np.stack(nz, axis=1) if input.ndim else np.zeros((len(nz[0]), 0), np.int64)
    return write_out(out, Tensor._from_array(jnp.asarray(result, jnp.int64)))


@tensor_method()
def argwhere(input):
    return nonzero(input)


@tensor_method()
def nonzero_static(input, *, size, fill_value=-1):
    """torch.nonzero_static: :func:`nonzero`'s (n, ndim) indices cut or padded with
    ``fill_value`` to exactly ``size`` rows."""
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, but got size={size}")
    nz = _nonzero_host(input)
    found = np.stack(nz, axis=1) if input.ndim else np.zeros((len(nz[0]), 0), np.int64)
    result = np.full((size, input.ndim), fill_value, np.int64)
    result[:min(size, len(found))] = found[:size]
    return Tensor._from_array(jnp.asarray(result, jnp.int64))


_where = Kernel(lambda dtype, c, a, b: jnp.where(c, jnp.asarray(a).astype(dtype), jnp.asarray(b).astype(dtype)),
                "WhereBackward0")


def where(condition, input=None, other=None, *, out=None):
    """torch.where(condition, input, other) with torch's type promotion (numbers are
    'wrapped'); torch.where(condition) is nonzero(as_tuple=True). A uint8 condition counts as
    bool (torch: deprecated)."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if not isinstance(condition, Tensor):
        raise TypeError(f"where(): argument 'condition' (position 1) must be Tensor, not {type(condition).__name__}")
    if condition.dtype is _dtype.uint8:  # deprecated in torch, still accepted
        condition = condition.bool()
    if condition.dtype is not _dtype.bool:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_TYPE_NAMES[condition.dtype]}")
    if out is not None:  # torch's out= overload takes tensors only
        for name, a in (("input", input), ("other", other)):
            if not isinstance(a, Tensor):
                raise TypeError(f"where(): argument '{name}' must be Tensor, not {type(a).__name__}")
    dt = _dtype.result_type_of((input, other))
    return write_out(out, apply(_where, (condition, input, other), (dt.jax,)))


tensor_method("where")(lambda self, condition, other: where(condition, self, other))


def _unravel_fn(shape, idx):
    out = []
    for n in reversed(shape):
        out.append(idx % n)
        idx = idx // n
    return tuple(reversed(out))


_unravel = Kernel(_unravel_fn, "UnravelIndex")


def unravel_index(indices, shape):
    """torch.unravel_index: flat indices to a tuple of coordinate tensors (negative indices
    count from the end, as in torch)."""
    if not isinstance(indices, Tensor):
        from .creation import tensor
        indices = tensor(indices)
    if indices.dtype.category != 1:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (int(shape),) if isinstance(shape, numbers.Integral) else tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got " + str(shape))
    return apply(_unravel, (indices.long(),), (shape,))


# ---- repeat, tile -----------------------------------------------------------------------
_repeat = Kernel(lambda reps, a: jnp.tile(a.reshape((1,) * (len(reps) - a.ndim) + a.shape), reps),
                 "RepeatBackward0")


@tensor_method()
def repeat(self, *sizes, **kwargs):
    """Tensor.repeat: tile ``self`` ``sizes`` times (len(sizes) >= self.dim())."""
    sizes = _shape_arg(varargs("repeat", "repeats", sizes, kwargs))
    if len(sizes) < self.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: {list(sizes)}")
    return apply(_repeat, (self,), (sizes,))


@tensor_method()
def tile(input, dims):
    """torch.tile: repeat, with ``dims`` padded by leading ones up to input.dim()."""
    dims = _shape_arg((dims,) if isinstance(dims, numbers.Integral) else (dims,))
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


# ---- strided views: diagonal, unfold, as_strided, and their *_scatter counterparts --------
def _diagonal_geometry(shape, strides, offset, diag, dim1, dim2):
    """(shape, strides, storage offset) of diagonal ``diag`` of dims ``dim1``/``dim2``, as torch."""
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n1, n2 = shape[dim1], shape[dim2]
    length = max(0, min(n1, n2 - diag) if diag >= 0 else min(n1 + diag, n2))
    if length:
        offset += diag * strides[dim2] if diag >= 0 else -diag * strides[dim1]
    keep = [d for d in range(len(shape)) if d not in (dim1, dim2)]
    return ([shape[d] for d in keep] + [length], [strides[d] for d in keep] + [strides[dim1] + strides[dim2]],
            offset)


_diagonal = Kernel(lambda diag, d1, d2, a: jnp.diagonal(a, diag, d1, d2), "DiagonalBackward0")


@tensor_method()
def diagonal(input, offset=0, dim1=0, dim2=1):
    """torch.diagonal: a view of the ``offset`` diagonal of dims dim1/dim2, appended as the last dim."""
    d1, d2 = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    shape, strides, off = _diagonal_geometry(tuple(input.shape), input.stride(), input._offset, offset, d1, d2)
    return _view(input, _diagonal, (), (offset, d1, d2), shape, strides, off)


def _unfold_fn(dim, size, step, a):
    n = (a.shape[dim] - size) // step + 1
    windows = jnp.arange(n)[:, None] * step + jnp.arange(size)
    return jnp.moveaxis(jnp.take(a, windows, axis=dim), dim + 1, -1)


_unfold = Kernel(_unfold_fn, "UnfoldBackward0")


@tensor_method()
def unfold(self, dimension, size, step):
    """Tensor.unfold: a view of all ``size``-long windows along ``dimension``, ``step`` apart."""
    dim = wrap_dim(dimension, self.ndim)
    n = self.shape[dim] if self.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if self.ndim == 0:
        return unsqueeze(self, 0)
    shape, strides = list(self.shape), list(self.stride())
    shape[dim] = (n - size) // step + 1
    shape.append(size)
    strides.append(strides[dim])
    strides[dim] *= step
    return _view(self, _unfold, (), (dim, size, step), shape, strides, self._offset)


def _storage_check(size, stride, offset, storage, itemsize):
    need = offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1 if all(size) else 0
    if need > storage:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {itemsize} requiring a storage size of {need * itemsize} are out of bounds "
                           f"for storage of size {storage * itemsize}")


@tensor_method()
def as_strided(input, size, stride, storage_offset=None):
    """torch.as_strided: a view of input's storage (its root tensor's elements, in order) with
    the given geometry; gradients flow to that root."""
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    offset = input._offset if storage_offset is None else int(storage_offset)
    root = input._base if input._base is not None else input
    _storage_check(size, stride, offset, root.numel(), input.element_size())
    out = apply(strided_gather, (root, offset), (size, stride))
    return out._as_view_of(input, stride, offset)


def _scatter_into(name, input, src, geometry):
    """``input`` (copied) with the view ``geometry`` = (shape, strides, offset) of a contiguous
    tensor of its shape replaced by ``src`` (torch's *_scatter ops)."""
    shape, strides, offset = geometry
    if tuple(src.shape) != tuple(shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(shape)}")
    return apply(_EMBED[name], (input, src), (tuple(shape), tuple(strides), offset))


_EMBED = {name: Kernel(lambda shape, strides, offset, a, src: _strided_scatter(shape, strides, a, src, offset), name)
          for name in ("DiagonalScatterBackward0", "SelectScatterBackward0", "SliceScatterBackward0")}


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """torch.diagonal_scatter: input with its ``offset`` diagonal replaced by ``src``."""
    d1, d2 = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    geometry = _diagonal_geometry(tuple(input.shape), contiguous_strides(input.shape), 0, offset, d1, d2)
    return _scatter_into("DiagonalScatterBackward0", input, src, geometry)


def select_scatter(input, src, dim, index):
    """torch.select_scatter: input with ``input.select(dim, index)`` replaced by ``src``."""
    dim = wrap_dim(dim, input.ndim)
    shape, strides = list(input.shape), list(contiguous_strides(input.shape))
    index = _index_in_range(int(index), shape[dim], dim)
    refuse_complex_autograd("select_scatter", input, src)
    offset = index * strides[dim]
    del shape[dim], strides[dim]
    return _scatter_into("SelectScatterBackward0", input, src, (shape, strides, offset))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """torch.slice_scatter: input with ``input[..., start:end:step, ...]`` (along dim) replaced by ``src``."""
    refuse_complex_autograd("slice_scatter", input, src)
    dim = wrap_dim(dim, input.ndim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    shape, strides = list(input.shape), list(contiguous_strides(input.shape))
    start, end, _ = slice(start, end).indices(shape[dim])
    shape[dim] = max(0, -(-(end - start) // step))
    offset = start * strides[dim] if shape[dim] else 0
    strides[dim] *= step
    return _scatter_into("SliceScatterBackward0", input, src, (shape, strides, offset))


_narrow_copy = Kernel(_narrow.fn, "NarrowCopyBackward0")


@tensor_method()
def narrow_copy(input, dim, start, length, *, out=None):
    """torch.narrow_copy: narrow's values in a new tensor (no shared storage)."""
    if input.ndim and not -input.ndim <= dim < input.ndim:  # torch: a RuntimeError here, unlike narrow
        raise RuntimeError("Expected dim < static_cast<int64_t>(self_sizes.size()) to be true, but got false.")
    dim, start = _narrow_start(input, dim, start, length)
    return write_out(out, apply(_narrow_copy, (input, start), (dim, length)))


# ---- conj, adjoint ----------------------------------------------------------------------
_conj = Kernel(jnp.conj, "ConjBackward0")


@tensor_method()
def conj(input):
    """torch.conj: ``input`` itself for real dtypes; complex inputs get a conjugated copy
    (torch returns a lazily conjugated view; writes through it are not reflected here)."""
    return apply(_conj, (input,)) if input.dtype.category == 3 else input


@tensor_method()
def is_conj(input):
    """Always False: conj() here conjugates eagerly (no lazy conjugate bit)."""
    return False


@tensor_method()
def resolve_conj(input):
    return input


@tensor_method()
def adjoint(input):
    """torch.adjoint: conj of the transpose of the last two dims (a view for real dtypes)."""
    if input.ndim < 2:
        raise RuntimeError(f"tensor.adjoint() is only supported on matrices or batches of matrices. Got "
                           f"{input.ndim}-D tensor.")
    return conj(transpose(input, -2, -1))


for _name in ("scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_reduce", "index_fill",
              "masked_fill", "masked_scatter", "put", "index_put"):
    setattr(Tensor, _name + "_", inplace_variant(globals()[_name], _name + "_"))


# ---- in-place shape changes -------------------------------------------------------------
def _take_shape_(self, result):
    """Make ``result`` (an op of ``self``) self's new shape and contents, as torch's in-place
    shape ops (squeeze_, t_, resize_ ...) do. Views share one storage layout here, so this is
    refused for views and for tensors with live views."""
    self._check_inplace()
    if self._base is not None:
        raise RuntimeError("torchlike does not support in-place shape changes of a view; use the out-of-place op")
    if self._views:
        self._views.pop(id(result), None)
        if any(ref() is not None for ref in self._views.values()):
            raise RuntimeError("torchlike does not support in-place shape changes of a tensor that has live views; "
                               "use the out-of-place op")
    result._base, result._strides, result._offset = None, None, 0
    self._data = result._data
    if _state.enabled and result._requires_grad:
        self._node, self._out, self._requires_grad = result._node, result._out, True
    self._version += 1
    return self


def _shape_inplace(fn, name):
    def method(self, *args, **kwargs):
        return _take_shape_(self, fn(self, *args, **kwargs))
    method.__name__ = name
    method.__doc__ = f"In-place version of :meth:`{fn.__name__}` (changes this tensor's shape)."
    return tensor_method(name)(method)


for _fn, _name in ((squeeze, "squeeze_"), (unsqueeze, "unsqueeze_"), (t, "t_"), (transpose, "transpose_"),
                   (swapaxes, "swapaxes_"), (transpose, "swapdims_"), (as_strided, "as_strided_")):
    _shape_inplace(_fn, _name)
as_strided_ = functional_inplace("as_strided_")

_resize = Kernel(lambda shape, a: jnp.pad(a.reshape(-1), (0, max(0, _prod(shape) - a.size)))[:_prod(shape)]
                 .reshape(shape), "ResizeBackward0")


@tensor_method()
def resize_(self, *sizes, memory_format=None):
    """Tensor.resize_: keeps the leading elements in order; new elements are zero (torch leaves
    them uninitialised)."""
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    sizes = _shape_arg(sizes)
    return _take_shape_(self, apply(_resize, (self,), (sizes,)))


@tensor_method()
def resize_as_(self, other, memory_format=None):
    return resize_(self, tuple(other.shape))


@tensor_method()
def split_with_sizes(self, split_sizes, dim=0):
    return split(self, list(split_sizes), dim)


def unsafe_split(tensor, split_size_or_sections, dim=0):
    """torch.unsafe_split: :func:`split` (torch's version skips autograd's view checks)."""
    return split(tensor, split_size_or_sections, dim)


def unsafe_chunk(input, chunks, dim=0):
    """torch.unsafe_chunk: :func:`chunk` (torch's version skips autograd's view checks)."""
    return chunk(input, chunks, dim)


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """torch.unsafe_split_with_sizes: :func:`split_with_sizes`."""
    return split_with_sizes(input, split_sizes, dim)


tensor_method("unsafe_split")(split)
tensor_method("unsafe_chunk")(chunk)
tensor_method("unsafe_split_with_sizes")(split_with_sizes)
for _fn in (diagonal_scatter, select_scatter, slice_scatter):
    tensor_method()(_fn)


index_put_ = functional_inplace("index_put_")


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """torch.as_strided_scatter: a copy of ``input`` with ``src`` written into its
    ``as_strided(size, stride, storage_offset)`` window; differentiable in both."""
    out = input.clone()
    as_strided(out, size, stride, storage_offset).copy_(src)
    return out


tensor_method()(as_strided_scatter)


# ---- *_copy: the view ops' results as fresh tensors (torch.view_copy(x, s) is x.view(s).clone()) ----
def slice_copy(input, dim=0, start=None, end=None, step=1):
    """torch.slice_copy: a copy of ``input`` sliced ``start:end:step`` along ``dim``."""
    refuse_complex_autograd("slice_copy", input)
    return input[(slice(None),) * wrap_dim(dim, input.ndim) + (slice(start, end, step),)].clone()


def alias_copy(input):
    """torch.alias_copy: a fresh copy of ``input``; differentiable."""
    return input.clone()


_COPY_VARIANTS = {"as_strided_copy": as_strided, "detach_copy": Tensor.detach, "diagonal_copy": diagonal,
                  "expand_copy": Tensor.expand, "permute_copy": permute, "select_copy": select,
                  "split_copy": split, "split_with_sizes_copy": split_with_sizes, "squeeze_copy": squeeze,
                  "t_copy": t, "transpose_copy": transpose, "unbind_copy": unbind, "unfold_copy": Tensor.unfold,
                  "unsqueeze_copy": unsqueeze, "view_copy": Tensor.view}
for _name, _view_op in _COPY_VARIANTS.items():
    globals()[_name] = copy_variant(_view_op, _name, complex_differentiable=_name != "select_copy")
__all__ += ["alias_copy", *_COPY_VARIANTS]
