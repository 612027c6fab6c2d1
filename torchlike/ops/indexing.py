"""Indexing, slicing, joining and mutating ops (torch docs' section of that name).

View ops (view, transpose, select, slicing, ...) return tensors that share storage with
their input: each computes its result with one kernel and records torch's strides and
storage offset, so writes through either side are seen by the other (see Tensor._inplace_).
Integer indices and slice starts are traced arguments: ``x[i]`` in a loop compiles once.
"""
import numbers

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._dispatch import Kernel, apply
from .._size import Size
from .._tensor import Tensor, contiguous_strides, tensor_method
from ._util import wrap_dim, write_out

__all__ = ["reshape", "transpose", "swapaxes", "swapdims", "t", "permute", "squeeze", "unsqueeze", "flatten",
           "unflatten", "select", "narrow", "unbind", "split", "chunk", "movedim", "moveaxis", "cat", "concat",
           "concatenate", "stack", "broadcast_to"]


def _view(src, k, args, statics, shape, strides, offset):
    """Run view kernel ``k`` and mark its result as a view of ``src``."""
    out = apply(k, (src, *args), statics)
    return out._as_view_of(src, tuple(strides), offset)


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


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
def view(self, *shape):
    """Tensor.view(*shape) (or view(dtype), a bit reinterpretation)."""
    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        return _view_dtype(self, shape[0])
    shape = infer_size(_shape_arg(shape), self.numel())
    strides = view_strides(tuple(self.shape), self.stride(), shape)
    if strides is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one dimension "
                           "spans across two contiguous subspaces). Use .reshape(...) instead.")
    return _view(self, _reshape, (), (shape,), shape, strides, self._offset)


_bitcast = Kernel(lambda dtype, a: jax.lax.bitcast_convert_type(a, dtype), "ViewBackward0")


def _view_dtype(self, dtype):
    if dtype.itemsize != self.dtype.itemsize:
        raise RuntimeError("torchlike supports Tensor.view(dtype) only between dtypes of the same size")
    return apply(_bitcast, (self,), (dtype.jax,))


@tensor_method()
def view_as(self, other):
    return view(self, tuple(other.shape))


@tensor_method()
def reshape(input, *shape):
    """A view when the strides allow one (as torch), otherwise a copy."""
    shape = infer_size(_shape_arg(shape), input.numel())
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


@tensor_method()
def permute(input, *dims):
    dims = _shape_arg(dims)
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
    n = input.ndim
    d0, d1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
    perm = list(range(n))
    perm[d0], perm[d1] = perm[d1], perm[d0]
    perm = tuple(perm)
    shape, strides = tuple(input.shape), input.stride()
    return _view(input, _transpose, (), (perm,), [shape[p] for p in perm], [strides[p] for p in perm], input._offset)


swapaxes = swapdims = transpose
tensor_method("swapaxes", "swapdims")(transpose)


@tensor_method()
def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else input


def _mT(self):
    if self.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(self, -2, -1)


def _T(self):
    return permute(self, tuple(range(self.ndim - 1, -1, -1)))


Tensor.T = property(_T)
Tensor.mT = property(_mT)


@tensor_method()
def movedim(input, source, destination):
    n = input.ndim
    src = [wrap_dim(d, n) for d in ((source,) if isinstance(source, int) else source)]
    dst = [wrap_dim(d, n) for d in ((destination,) if isinstance(destination, int) else destination)]
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain the "
                           f"same number of dims as destination ({dst} dims)")
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
def expand(self, *sizes):
    sizes = _shape_arg(sizes)
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
    index = _index_in_range(int(index), shape[dim], dim)
    offset = input._offset + index * strides[dim]
    del shape[dim], strides[dim]
    return _view(input, _select, (index,), (dim,), shape, strides, offset)


@tensor_method()
def narrow(input, dim, start, length):
    dim = wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    start = start + size if start < 0 else start
    if start + length > size or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    shape = list(input.shape)
    shape[dim] = length
    offset = input._offset + start * input.stride(dim)
    return _view(input, _narrow, (start,), (dim, length), shape, input.stride(), offset)


def _pieces(input, dim, sizes):
    """Views of consecutive ``sizes``-long pieces of ``input`` along ``dim`` (one kernel)."""
    bounds = np.cumsum((0,) + tuple(sizes)).tolist()
    outs = apply(_split, (input,), (dim, tuple(zip(bounds[:-1], bounds[1:]))))
    strides = input.stride()
    result = []
    for out, start in zip(outs, bounds[:-1]):
        result.append(out._as_view_of(input, strides, input._offset + start * strides[dim]))
    return tuple(result)


_split = Kernel(lambda dim, bounds, a: tuple(jax.lax.slice_in_dim(a, s, e, axis=dim) for s, e in bounds),
                "SplitBackward0")
_unbind = Kernel(lambda dim, a: tuple(jnp.moveaxis(a, dim, 0)), "UnbindBackward0")


@tensor_method()
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
    return _pieces(tensor, dim, sizes)


@tensor_method()
def chunk(input, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    size = input.shape[wrap_dim(dim, input.ndim)]
    step = -(-size // chunks) if size else 1
    return split(input, step, dim)


@tensor_method()
def unbind(input, dim=0):
    dim = wrap_dim(dim, input.ndim)
    shape, strides = list(input.shape), list(input.stride())
    step = strides[dim]
    del shape[dim], strides[dim]
    outs = apply(_unbind, (input,), (dim,))
    return tuple(o._as_view_of(input, strides, input._offset + i * step) for i, o in enumerate(outs))


# ---- __getitem__ / __setitem__ --------------------------------------------------------
def _is_advanced(item):
    return isinstance(item, (Tensor, list, np.ndarray)) or (isinstance(item, (bool, np.bool_)))


def _normalize_index(index):
    if not isinstance(index, tuple):
        index = (index,)
    return index


def _basic_plan(self, index):
    """Walk a basic index (ints, slices, None, Ellipsis) like torch's sequence of select/
    slice/unsqueeze: returns (spec, starts, out_shape, strides, offset)."""
    shape, strides = list(self.shape), list(self.stride())
    consumed = sum(1 for i in index if i is not None and i is not Ellipsis)
    if consumed > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    if sum(1 for i in index if i is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    spec, starts = [], []
    out_shape, out_strides, offset = [], [], self._offset
    d = 0  # input dim
    for item in index:
        if item is Ellipsis:
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


def _as_int(v):
    return None if v is None else int(v)


def _region(spec):
    """Sizes of the dynamic_slice that covers the indexed region, per input dim."""
    return tuple(1 if s == "i" else (0 if s[0] == 0 else (s[0] - 1) * s[1] + 1) for s in spec if s is not None)


def _basic_get(spec, out_shape, a, *starts):
    x = jax.lax.dynamic_slice(a, starts, _region(spec)) if starts else a
    steps = tuple(slice(None, None, s[1]) if s != "i" else slice(None) for s in spec if s is not None)
    if any(s.step not in (None, 1) for s in steps):
        x = x[steps]
    return x.reshape(out_shape)


def _basic_set(spec, out_shape, a, value, *starts):
    value = jnp.broadcast_to(value.astype(a.dtype), out_shape)
    region = tuple(1 if s == "i" else s[0] for s in spec if s is not None)
    value = value.reshape(region)
    if all(s == "i" or s[1] == 1 for s in spec if s is not None):
        return jax.lax.dynamic_update_slice(a, value, starts) if starts else value.reshape(a.shape)
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
        else:
            arr = _index_array(item)
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
    return tuple(structure), arrays


def _index_array(item):
    if isinstance(item, Tensor):
        if item.dtype.category != 1 and item.dtype is not _dtype.bool:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        arr = np.asarray(item._data)
        return arr.astype(np.bool_) if item.dtype is _dtype.uint8 else arr
    arr = np.asarray(item)
    if arr.dtype.kind == "f":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return arr if arr.dtype == np.bool_ else arr.astype(np.int64)


def _build_index(structure, arrays):
    out = []
    for s in structure:
        if s is None or s is Ellipsis:
            out.append(s)
        elif s[0] == "s":
            out.append(slice(s[1], s[2], s[3]))
        elif s[0] == "b":
            out.append(None if s[1] else np.zeros(0, np.int64))
        else:
            out.append(arrays[s[1]])
    return tuple(out)


_getitem_adv = Kernel(lambda structure, a, *arrays: a[_build_index(structure, arrays)], "IndexBackward0")
_setitem_adv = Kernel(lambda structure, a, value, *arrays: a.at[_build_index(structure, arrays)].set(
    value.astype(a.dtype)), "IndexPutBackward0")
_setitem_mask = Kernel(lambda a, mask, value: jnp.where(mask, value.astype(a.dtype), a), "MaskedFillBackward0")


def _getitem(self, index):
    index = _normalize_index(index)
    if any(_is_advanced(i) for i in index):
        structure, arrays = _advanced_plan(self, index)
        return apply(_getitem_adv, (self, *arrays), (structure,))
    if self.ndim == 0 and not index == (Ellipsis,) and any(i is not None and i is not Ellipsis for i in index):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                         "C++ to convert a 0-dim tensor to a number")
    spec, starts, out_shape, strides, offset = _basic_plan(self, index)
    return _view(self, _getitem_basic, starts, (spec, out_shape), out_shape, strides, offset)


def _setitem(self, index, value):
    from .creation import tensor
    if not isinstance(value, Tensor):
        value = tensor(value, dtype=self.dtype) if not isinstance(value, (int, float, bool, complex)) else value
    index = _normalize_index(index)
    if any(_is_advanced(i) for i in index):
        if len(index) == 1 and isinstance(index[0], Tensor) and index[0].dtype is _dtype.bool \
                and tuple(index[0].shape) == tuple(self.shape) and _numel(value) == 1:
            new = apply(_setitem_mask, (self, index[0], _scalar_value(value)))
        else:
            structure, arrays = _advanced_plan(self, index)
            new = apply(_setitem_adv, (self, value, *arrays), (structure,))
    else:
        spec, starts, out_shape, _, _ = _basic_plan(self, index)
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
        new = apply(_setitem_basic, (self, value, *starts), (spec, out_shape))
    self._inplace_(new)


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
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    return tuple(tensors)


def cat(tensors, dim=0, *, out=None):
    """torch.cat: 1-D empty tensors are skipped, as legacy torch allows; dtypes promote."""
    tensors = _tensors_arg(tensors, "cat")
    parts = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or list(tensors[:1])
    ref = parts[0]
    if ref.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = wrap_dim(dim, ref.ndim)
    for i, p in enumerate(parts):
        if p.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {p.ndim}")
        for ax in range(ref.ndim):
            if ax != d and p.shape[ax] != ref.shape[ax]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{ref.shape[ax]} but got size {p.shape[ax]} for tensor number {i} in the list.")
    dt = _dtype.result_type_of(parts)
    return write_out(out, apply(_cat, parts, (d, dt.jax)))


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    tensors = _tensors_arg(tensors, "stack")
    ref = tensors[0]
    for i, t_ in enumerate(tensors):
        if t_.shape != ref.shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(ref.shape)} at entry 0 and "
                               f"{list(t_.shape)} at entry {i}")
    d = wrap_dim(dim, ref.ndim + 1)
    dt = _dtype.result_type_of(tensors)
    return write_out(out, apply(_stack, tensors, (d, dt.jax)))
