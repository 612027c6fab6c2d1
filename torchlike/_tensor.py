"""torch.Tensor on a jax.Array.

A Tensor holds an immutable ``jax.Array`` in ``_data``. In-place ops compute a new array
and rebind it (``_inplace_``); tensors that torch would make *views* remember the root
tensor whose storage they share (``_base``) with torch's strides and storage offset, so a
write through a view updates the root and every other live view of it, as in torch.
Autograd state lives in ``_node``/``_out`` (the graph node and output slot that produced
the tensor) and ``_requires_grad``. Op methods (``add``, ``sum``, ``__getitem__``, ...)
are attached by the modules in ``torchlike.ops``.
"""
import copy as _copy
import functools
import warnings
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from . import _device, _dtype
from ._size import Size
from ._x64 import host_only, scoped
from .autograd import grad_mode

_state = grad_mode.state
_new = object.__new__


def contiguous_strides(shape):
    strides, acc = [], 1
    for n in reversed(shape):
        strides.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(strides))


@functools.lru_cache(4096)
def overlapping(shape, strides):
    """Whether two elements of a strided view share one storage location."""
    extent = 0
    for stride, n in sorted((s, n) for n, s in zip(shape, strides) if n > 1):
        if stride <= extent:
            return True
        extent += (n - 1) * stride
    return False


class Tensor:
    """torch.Tensor. Construct with ``torch.tensor(...)``; ``torch.Tensor(...)`` is the
    legacy float constructor, as in torch."""

    # Class-level defaults: a fresh op result only sets ``_data`` (see _dispatch).
    _node = None            # autograd Node that produced this tensor (None for leaves)
    _out = 0                # which output of _node
    _requires_grad = False
    _grad = None
    _accumulator = None     # AccumulateGrad node of a leaf that requires grad
    _base = None            # root tensor whose storage this view shares
    _strides = None         # torch strides of a view (roots are contiguous)
    _offset = 0             # storage offset of a view
    _views = None           # {id: weakref} of live views of this root
    _detached = False       # view made by detach()/.data: invisible to autograd
    _version = 0
    _retains_grad = False
    __array_priority__ = 1000
    __hash__ = object.__hash__

    def __new__(cls, *args, **kwargs):
        from ._legacy import legacy_new
        t = legacy_new(cls, _dtype.get_default_dtype(), args, kwargs.get("device"))
        return t if cls is Tensor else t.as_subclass(cls)  # a subclass's constructor gives an instance of it

    def __init__(self, *args, **kwargs):
        pass

    @classmethod
    def _from_array(cls, array):
        t = _new(cls)
        t._data = array
        return t

    @staticmethod
    def _make_subclass(cls, data, require_grad=False):
        """Wrap ``data``'s array in a subclass instance (used by nn.Parameter)."""
        t = _new(cls)
        t._data = data._data
        if require_grad:
            t.requires_grad = True
        return t

    # ---- metadata -------------------------------------------------------------------
    @property
    @host_only
    def dtype(self):
        return _dtype.from_jax(self._data.dtype)

    @property
    @host_only
    def shape(self):
        return Size(self._data.shape)

    @host_only
    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    @property
    @host_only
    def ndim(self):
        return self._data.ndim

    @host_only
    def dim(self):
        return self._data.ndim

    ndimension = dim

    @host_only
    def numel(self):
        return self._data.size

    nelement = numel

    @host_only
    def element_size(self):
        return self._data.dtype.itemsize

    @property
    @host_only
    def itemsize(self):
        return self._data.dtype.itemsize

    @property
    @host_only
    def nbytes(self):
        return self._data.size * self._data.dtype.itemsize

    @property
    @host_only
    def device(self):
        data = self._data
        if isinstance(data, jax.core.Tracer):
            return _device.CPU if jax.default_backend() == "cpu" else _device.from_jax(jax.devices()[0])
        return _device.from_jax(next(iter(data.devices())))

    @property
    @host_only
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    @host_only
    def is_cpu(self):
        return self.device.type == "cpu"

    @property
    @host_only
    def layout(self):
        from . import strided
        return strided

    is_sparse = False
    is_quantized = False
    # device kinds JAX never places a torchlike tensor on (torch's flags, False here)
    is_xpu = is_mps = is_ipu = is_mtia = is_maia = is_vulkan = is_xla = is_mkldnn = is_sparse_csr = False
    is_meta = False
    is_nested = False

    @host_only
    def get_device(self):
        d = self.device
        return -1 if d.type == "cpu" else (d.index or 0)

    @host_only
    def is_floating_point(self):
        return self.dtype.category == 2

    @host_only
    def is_complex(self):
        return self.dtype.category == 3

    @host_only
    def is_signed(self):
        return self.dtype.is_signed

    @host_only
    def stride(self, dim=None):
        strides = self._strides if self._base is not None else contiguous_strides(self._data.shape)
        return strides if dim is None else strides[_wrap_dim(dim, self._data.ndim)]

    @host_only
    def storage_offset(self):
        return self._offset

    @host_only
    def is_contiguous(self, memory_format=None):
        return self._base is None or _is_contiguous(self._data.shape, self._strides)

    def contiguous(self, memory_format=None):
        return self if self.is_contiguous() else self.clone()

    def data_ptr(self):
        root = self._base if self._base is not None else self
        return id(root) * 64 + self._offset * self.element_size()

    def untyped_storage(self):
        raise NotImplementedError("torchlike tensors wrap immutable jax.Arrays and expose no storage object")

    def is_same_size(self, other):
        return self._data.shape == other._data.shape

    def is_nonzero(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous" if self._data.size
                               else "Boolean value of Tensor with no values is ambiguous")
        return bool(self.item())

    def is_inference(self):
        return False

    def is_pinned(self, device=None):
        return False

    def pin_memory(self, device=None):
        """Accepted for compatibility; JAX manages host-to-device transfers itself."""
        return self

    def is_shared(self):
        """Tensor.is_shared: False; processes do not share JAX arrays (see torchlike.multiprocessing)."""
        return False

    def share_memory_(self):
        """Tensor.share_memory_: returns self. Deviation: nothing is shared; a tensor sent to another process
        is copied and writes made there are not seen here (see torchlike.multiprocessing)."""
        return self

    @property
    def output_nr(self):
        return self._out

    def as_subclass(self, cls):
        t = _new(cls)
        t.__dict__.update(self.__dict__)
        return t

    def new(self, *args, **kwargs):
        """Legacy Tensor.new: a tensor of this dtype from data or sizes."""
        from ._legacy import legacy_new
        return legacy_new(type(self), self.dtype, args, kwargs.get("device"))

    def register_post_accumulate_grad_hook(self, hook):
        """hook(tensor) after a backward pass has accumulated into this leaf's ``.grad``."""
        if self._node is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        return self._edge()[0].register_post_accumulate_hook(hook)

    @host_only
    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    # ---- conversion to Python / NumPy ------------------------------------------------
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return np.asarray(self._data).reshape(()).item()

    def tolist(self):
        a = np.asarray(self._data)
        if a.dtype == jnp.bfloat16:
            a = a.astype(np.float32)
        return a.tolist()

    def numpy(self, *, force=False):
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return np.asarray(self._data)

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self._data)
        return a.astype(dtype) if dtype is not None else a

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def __int__(self):
        return int(self.item())

    def __float__(self):
        return float(self.item())

    def __complex__(self):
        return complex(self.item())

    def __index__(self):
        if self.dtype.category > 1 or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import tensor_repr
        return tensor_repr(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (np.asarray(self._data), self._requires_grad, type(self)))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                               "because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        t = _new(type(self))
        t.__dict__.update({k: v for k, v in self.__dict__.items() if k not in
                           ("_base", "_strides", "_offset", "_views", "_accumulator", "_grad", "_detached")})
        t._data = self._data
        if self._grad is not None:
            t._grad = _copy.deepcopy(self._grad, memo)
        memo[id(self)] = t
        return t

    # ---- autograd --------------------------------------------------------------------
    @property
    @host_only
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    @host_only
    def requires_grad(self, flag):
        flag = bool(flag)
        if self._node is not None and not flag:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed variable "
                "in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
        if flag and self.dtype.category < 2:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if self._node is None:
            self._requires_grad = flag

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    @host_only
    def is_leaf(self):
        return self._node is None or type(self._node).__name__ == "AccumulateGrad"

    @property
    @host_only
    def grad_fn(self):
        node = self._node
        return None if node is None or type(node).__name__ == "AccumulateGrad" else node

    @property
    @host_only
    def grad(self):
        if self._node is not None and not self._retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor "
                "by mistake, make sure you access the leaf Tensor instead.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    @host_only
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                                   f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor are "
                                   "the same size")
            if value.dtype is not self.dtype:
                raise RuntimeError("attempting to assign a gradient with dtype "
                                   f"'{value.dtype.name}' to a tensor with dtype '{self.dtype.name}'. Please ensure "
                                   "that the gradient and the tensor have the same dtype")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    @host_only
    def retains_grad(self):
        return self._retains_grad

    def retain_grad(self):
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._node is None:
            return
        self._retains_grad = True
        ref = weakref.ref(self)

        def keep(grad):  # runs after the tensor's other hooks, as in torch
            t = ref()
            if t is not None:
                accumulate(t, grad)
        self._node._set_retain(self._out, keep)

    def register_hook(self, hook):
        """hook(grad) -> Tensor or None, run when the gradient w.r.t. this tensor is computed."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node, index = self._edge()
        return node._add_pre_hook(index, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def _edge(self):
        """(graph node, output slot) that gradients w.r.t. this tensor flow into."""
        node = self._node
        if node is not None:
            return node, self._out
        acc = self._accumulator
        if acc is None:
            acc = self._accumulator = AccumulateGrad(self)
        return acc, 0

    def detach(self):
        """A tensor sharing this one's storage, cut from the graph (writes reach both)."""
        t = _new(Tensor)
        t._data = self._data
        t._as_view_of(self, self.stride(), self._offset)
        t._detached = True
        return t

    def detach_(self):
        self._node, self._out, self._requires_grad = None, 0, False
        return self

    @property
    def data(self):
        return self.detach()

    @data.setter
    def data(self, value):
        """Swap in another tensor's contents (any shape), leaving autograd state as is."""
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self._data = value._data
        self._base, self._strides, self._offset, self._views = None, None, 0, None

    # ---- views and in-place updates ----------------------------------------------------
    def _as_view_of(self, src, strides, offset):
        """Mark ``self`` (a fresh op result) as a view of ``src``'s storage."""
        base = src._base if src._base is not None else src
        self._base, self._strides, self._offset = base, strides, offset
        if src._detached:
            self._detached = True
        views = base._views
        if views is None:
            views = base._views = {}
        key = id(self)  # keyed by id: a WeakSet would compare tensors with their elementwise __eq__
        views[key] = weakref.ref(self, lambda _, views=views, key=key: views.pop(key, None))
        return self

    def _overlaps_itself(self):
        """Whether this is a view in which several elements share one memory location (expanded)."""
        return self._base is not None and overlapping(self._data.shape, self._strides)

    def _check_inplace(self, overlap=True):
        """torch's checks before an in-place write: no overlapping (expanded) view (unless
        ``overlap`` is False: the op writes nothing), no leaf that requires grad."""
        if _state.enabled and not self._detached:
            if self._requires_grad and self._node is None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
            base = self._base
            if base is not None and base._requires_grad and base._node is None:
                raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                                   "operation.")
        if overlap and self._overlaps_itself():
            raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                               "single memory location. Please clone() the tensor before performing the operation.")

    def _inplace_(self, value):
        """Make ``value`` (a Tensor of this shape) this tensor's contents, in place: every
        view of the same storage sees it, and autograd records it. Returns self."""
        self._check_inplace()
        if value._data.shape != self._data.shape:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(value.shape)}")
        if value._data.dtype != self._data.dtype:
            if not _dtype.can_cast(value.dtype, self.dtype):
                raise RuntimeError(f"result type {_TYPE_NAMES[value.dtype]} can't be cast to the desired output "
                                   f"type {_TYPE_NAMES[self.dtype]}")
            value = value.to(self.dtype)
        track = _state.enabled and not self._detached
        base = self._base
        if track and not value._requires_grad and value._data.dtype in DIFFERENTIABLE and \
                (self._requires_grad or base is not None and base._requires_grad):
            value = apply(_zero_gradient, (value, self))  # a comparison written in place: its gradient is 0
        if base is None:
            self._data = value._data
            if track and value._requires_grad:
                if self._retains_grad and self._node is not None:  # torch moves retain_grad to the new grad_fn
                    (self._node._retain or {}).pop(self._out, None)
                self._node, self._out, self._requires_grad = value._node, value._out, True
                if self._retains_grad:
                    self.retain_grad()
            self._version += 1
            if self._views:
                self._refresh_views()
            return self
        statics = (self._data.shape, self._strides)
        if track and (value._requires_grad or base._requires_grad):
            new = apply(strided_scatter, (base, value, self._offset), statics)
            base._node, base._out, base._requires_grad = new._node, new._out, True
            base._data = new._data
        else:
            base._data = run(strided_scatter, (base._data, value._data, self._offset), statics)
        base._version += 1
        base._refresh_views()
        return self

    def _refresh_views(self):
        """Re-derive every live view after this root's storage changed."""
        track = _state.enabled and self._requires_grad
        for ref in list(self._views.values()):
            view = ref()
            if view is None:
                continue
            statics = (view._data.shape, view._strides)
            if track and not view._detached:
                new = apply(strided_gather, (self, view._offset), statics)
                view._data, view._node, view._out, view._requires_grad = new._data, new._node, new._out, True
            else:
                view._data = run(strided_gather, (self._data, view._offset), statics)
            view._version = self._version


def _is_contiguous(shape, strides):
    expected = 1
    for n, s in reversed(list(zip(shape, strides))):
        if n != 1 and s != expected:
            return False
        expected *= n
    return True


def _wrap_dim(dim, ndim):
    """Normalise a possibly negative dim, raising torch's IndexError when out of range."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


_TYPE_NAMES = {d: {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
                   "complex64": "ComplexFloat", "complex128": "ComplexDouble", "uint8": "Byte", "int8": "Char",
                   "int16": "Short", "int32": "Int", "int64": "Long", "bool": "Bool"}[d.name] for d in _dtype.ALL}
_TYPE_NAMES.update(_dtype.EXTRA_NAMES)


@scoped  # called by pickle, from outside any torchlike call
def _rebuild(array, requires_grad, cls=Tensor):
    t = _new(cls)
    t._data = jax.device_put(np.asarray(array), may_alias=False)  # jnp.asarray would compile per shape
    if requires_grad:
        t._requires_grad = True
    return t


def _strided_index(shape, strides, offset):
    index = offset
    for d, (n, s) in enumerate(zip(shape, strides)):
        index = index + (jnp.arange(n) * s).reshape((n,) + (1,) * (len(shape) - d - 1))
    return index


def _strided_gather(shape, strides, base, offset):
    return base.reshape(-1)[_strided_index(shape, strides, offset)]


def _strided_scatter(shape, strides, base, src, offset):
    flat = base.reshape(-1).at[_strided_index(shape, strides, offset)].set(src.astype(base.dtype),
                                                                          unique_indices=True)
    return flat.reshape(base.shape)


def tensor_method(*names):
    """Decorator for op modules: also expose ``fn`` as Tensor methods ``names``
    (default: its own name)."""
    def register(fn):
        for name in names or (fn.__name__,):
            setattr(Tensor, name, fn)
        return fn
    return register


from ._dispatch import DIFFERENTIABLE, Kernel, apply, run  # noqa: E402
from .autograd.graph import AccumulateGrad, accumulate  # noqa: E402

strided_gather = Kernel(_strided_gather, "AsStridedBackward0")
_zero_gradient = Kernel(lambda value, target: value, "CopyBackwards")
strided_scatter = Kernel(_strided_scatter, "AsStridedScatterBackward0")
