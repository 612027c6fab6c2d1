"""torch.save / torch.load in PyTorch's zip checkpoint format, without torch.

A checkpoint is a zip archive ``<name>/`` holding ``data.pkl`` (a protocol-2 pickle whose
tensors refer, by persistent id ``('storage', torch.<Dtype>Storage, key, location, numel)``,
to raw little-endian storages ``data/<key>``), ``byteorder`` and ``version``, as torch 2.x
writes it, so each side reads the other's files. Tensors that view one root share one
storage, written once. Deviations: only the zip format (not torch's pre-1.6 legacy one) is
read or written; ``mmap`` is accepted but storages are always read into memory.
"""
import _compat_pickle
import collections
import contextlib
import io
import os
import pickle
import secrets
import struct
import tempfile
import zipfile

import jax
import numpy as np

from . import _device, _dtype
from ._size import Size
from ._tensor import _TYPE_NAMES, Tensor, contiguous_strides

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals"]

_STORAGE_DTYPE = {name + "Storage": d for d, name in _TYPE_NAMES.items()}
_ALIGN = 64


# ---- save --------------------------------------------------------------------------
class _Global:
    """Pickled as a bare ``GLOBAL module name`` reference (torch's names need no torch)."""
    _cache = {}

    def __new__(cls, module, name):
        key = (module, name)
        if key not in cls._cache:
            obj = cls._cache[key] = object.__new__(cls)
            obj.module, obj.name = module, name
        return cls._cache[key]

    def __call__(self, *args):  # pickle requires reduce functions to be callable; never called
        raise TypeError(f"{self.module}.{self.name} is a pickling placeholder")


class _Storage:
    """A root tensor's storage during save, keyed by the root's id."""

    def __init__(self, key, root):
        self.key, self.root = key, root


class _TensorPickler(pickle._Pickler):
    """Pickles Tensors as ``torch._utils._rebuild_tensor_v2`` calls on persistent storages,
    Parameters as ``torch._utils._rebuild_parameter``, dtypes/devices/Sizes as torch's."""

    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages = {}  # id(root) -> _Storage

    def _save_global(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[_Global] = _save_global
    dispatch[_dtype.dtype] = lambda self, obj: self.save(_Global("torch", obj.name))

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            from .nn.parameter import Parameter
            if isinstance(obj, Parameter):
                return (_Global("torch._utils", "_rebuild_parameter"),
                        (_TensorRef(obj), obj.requires_grad, collections.OrderedDict()))
            return self._reduce_tensor(obj)
        if isinstance(obj, _TensorRef):
            return self._reduce_tensor(obj.tensor, requires_grad=False)
        if isinstance(obj, _device.device):
            return (_Global("torch", "device"), (str(obj),))
        if isinstance(obj, Size):
            return (_Global("torch", "Size"), (tuple(obj),))
        return NotImplemented

    def _reduce_tensor(self, t, requires_grad=None):
        base = t._base
        if base is None:
            root, offset, strides = t, 0, contiguous_strides(t._data.shape)
        elif base.dtype == t.dtype:
            root, offset, strides = base, t._offset, t._strides
        else:  # a view reinterpreting another dtype: saved as its own storage
            root, offset, strides = _TensorRef(t), 0, contiguous_strides(t._data.shape)
        key = id(root)
        if key not in self.storages:
            self.storages[key] = _Storage(str(len(self.storages)), root)
        requires_grad = t.requires_grad if requires_grad is None else requires_grad
        return (_Global("torch._utils", "_rebuild_tensor_v2"),
                (self.storages[key], offset, tuple(t._data.shape), strides, requires_grad,
                 collections.OrderedDict()))

    def persistent_id(self, obj):
        if isinstance(obj, _Storage):
            t = obj.root.tensor if isinstance(obj.root, _TensorRef) else obj.root
            return ("storage", _Global("torch", _TYPE_NAMES[t.dtype] + "Storage"), obj.key, "cpu", t.numel())
        return None


class _TensorRef:
    """Stands for a tensor pickled without its subclass or requires_grad."""

    def __init__(self, tensor):
        self.tensor = tensor


def _storage_bytes(root):
    t = root.tensor if isinstance(root, _TensorRef) else root
    a = np.asarray(t._data)
    return a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()


def _write_record(zf, name, data):
    """Store ``data`` uncompressed, padded (via an extra field) to start 64-byte aligned as torch does."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    header_end = zf.fp.tell() + 30 + len(name.encode()) + 4
    pad = -header_end % _ALIGN
    info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    zf.writestr(info, data, compress_type=zipfile.ZIP_STORED)


def _write_zip(obj, fileobj, name, pickle_protocol):
    buf = io.BytesIO()
    pickler = _TensorPickler(buf, pickle_protocol)
    pickler.dump(obj)
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_STORED) as zf:
        _write_record(zf, f"{name}/data.pkl", buf.getvalue())
        _write_record(zf, f"{name}/.format_version", b"1")
        _write_record(zf, f"{name}/.storage_alignment", str(_ALIGN).encode())
        _write_record(zf, f"{name}/byteorder", b"little")
        for storage in pickler.storages.values():
            _write_record(zf, f"{name}/data/{storage.key}", _storage_bytes(storage.root))
        _write_record(zf, f"{name}/version", b"3\n")
        _write_record(zf, f"{name}/.data/serialization_id", str(secrets.randbits(128)).zfill(40).encode())


def save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True):
    """torch.save: write ``obj`` to ``f`` (a path, os.PathLike or writable binary file) in
    torch's zip format. Writes to a path are atomic (temp file, then os.replace).
    ``pickle_module`` is accepted for parity; the pickler is always the standard one."""
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("torchlike.save writes only the zip format (_use_new_zipfile_serialization=True)")
    if not isinstance(f, (str, os.PathLike)):
        _write_zip(obj, f, "archive", pickle_protocol)
        return
    path = os.fspath(f)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".tmp-", suffix=".pt")
    try:
        with os.fdopen(fd, "wb") as out:
            _write_zip(obj, out, os.path.splitext(os.path.basename(path))[0] or "archive", pickle_protocol)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


# ---- safe globals --------------------------------------------------------------------
_safe_globals = {}  # "module.qualname" -> object


def _qualified(obj):
    if isinstance(obj, tuple):
        return obj[1], obj[0]
    return f"{obj.__module__}.{obj.__qualname__}", obj


def add_safe_globals(safe_globals):
    """torch.serialization.add_safe_globals: allow these classes/functions (or
    ``(obj, "module.name")`` pairs) in ``weights_only`` loads."""
    _safe_globals.update(_qualified(g) for g in safe_globals)


def get_safe_globals():
    """The user-added allowlist of ``weights_only`` loads."""
    return list(_safe_globals.values())


def clear_safe_globals():
    """Empty the user-added allowlist of ``weights_only`` loads."""
    _safe_globals.clear()


@contextlib.contextmanager
def safe_globals(safe_globals):
    """Context manager allowing ``safe_globals`` in ``weights_only`` loads within it."""
    saved = dict(_safe_globals)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _safe_globals.clear()
        _safe_globals.update(saved)


# ---- load ----------------------------------------------------------------------------
_BUILTINS = {("collections", "OrderedDict"): collections.OrderedDict, ("builtins", "set"): set,
             ("builtins", "frozenset"): frozenset, ("builtins", "complex"): complex,
             ("builtins", "bytearray"): bytearray, ("builtins", "slice"): slice,
             ("_codecs", "encode"): __import__("codecs").encode}


class _Loader:
    """State of one load: the zip, the storages read so far, and the tensors built on each."""

    def __init__(self, zf, prefix, map_location):
        self.zf, self.prefix, self.map_location = zf, prefix, map_location
        self.storages, self.tensors = {}, {}  # key -> flat array; key -> [[tensor, offset, size, stride]]
        self.swap = prefix + "byteorder" in zf.namelist() and zf.read(prefix + "byteorder").strip() == b"big"

    def storage(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage" and isinstance(pid[1], _StorageType)):
            raise pickle.UnpicklingError(f"Unsupported persistent id {pid!r} in checkpoint")
        _, stype, key, location, numel = pid
        if key not in self.storages:
            dt = stype.dtype.jax
            try:
                raw = self.zf.read(f"{self.prefix}data/{key}")
            except KeyError as e:
                raise RuntimeError(f"checkpoint is missing its storage record data/{key}") from e
            if len(raw) < numel * dt.itemsize:
                raise RuntimeError(f"storage data/{key} of the checkpoint is truncated: expected {numel} "
                                   f"elements of {stype.dtype}, found {len(raw)} bytes")
            array = np.frombuffer(raw, dt.newbyteorder(">" if self.swap else "<"), numel).astype(dt)
            self.storages[key] = jax.device_put(array, _device.to_jax(self.device(location)))
            self.tensors[key] = []
        return _StorageRef(key, stype.dtype)

    def device(self, location):
        loc = self.map_location
        if callable(loc) and not isinstance(loc, _device.device):
            loc = loc(None, location)
        if isinstance(loc, dict):
            loc = loc.get(location, location)
        return _device.device(loc if loc is not None else location)

    def rebuild_tensor(self, storage, offset, size, stride, requires_grad, backward_hooks=None, metadata=None):
        flat = self.storages[storage.key]
        size, stride = tuple(size), tuple(stride)
        n = int(np.prod(size))
        if n and offset + sum((s - 1) * st for s, st in zip(size, stride)) >= flat.shape[0]:
            raise RuntimeError(f"tensor of size {list(size)} exceeds its storage of {flat.shape[0]} elements")
        from ._tensor import _strided_gather
        data = flat[offset:offset + n].reshape(size) if stride == contiguous_strides(size) else \
            _strided_gather(size, stride, flat, offset)
        t = Tensor._from_array(data)
        self.tensors[storage.key].append([t, offset, size, stride])
        if requires_grad:
            t.requires_grad_(True)
        return t

    def rebuild_parameter(self, data, requires_grad, backward_hooks=None, state=None):
        """torch's _rebuild_parameter(_with_state); extra Python attributes in ``state`` are dropped."""
        from .nn.parameter import Parameter
        p = Parameter(data, requires_grad)
        for rec in (r for recs in self.tensors.values() for r in recs):
            if rec[0] is data:
                rec[0] = p
        return p

    def link_views(self):
        """Make the tensors rebuilt on one storage share it, as torch's do: one covering it
        contiguously is the root, the others its views (a hidden 1-D root if none does)."""
        for key, recs in self.tensors.items():
            numel = self.storages[key].shape[0]
            full = [r for r in recs if r[1] == 0 and int(np.prod(r[2])) == numel and r[3] == contiguous_strides(r[2])]
            if len(recs) == 1 and full:
                continue
            root = full[0][0] if full else Tensor._from_array(self.storages[key])
            for t, offset, size, stride in recs:
                if t is not root:
                    t._as_view_of(root, stride, offset)


class _StorageType:
    """What ``torch.<Dtype>Storage`` unpickles to."""

    def __init__(self, dtype):
        self.dtype = dtype


class _StorageRef:
    def __init__(self, key, dtype):
        self.key, self.dtype = key, dtype


def _unsupported(module, name):
    return pickle.UnpicklingError(
        "Weights only load failed. Loading this file with `weights_only=False` would likely succeed, but it can run "
        "arbitrary code while unpickling: do it only if you trust the source of the file.\n"
        f"WeightsUnpickler error: Unsupported global: GLOBAL {module}.{name} was not an allowed global by default. "
        f"If you trust this class/function, allowlist it with `torch.serialization.add_safe_globals([{name}])` or "
        f"the `torch.serialization.safe_globals([{name}])` context manager.")


def _unpickler(file, loader, weights_only, pickle_load_args):
    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) in _compat_pickle.NAME_MAPPING:  # protocol-2 pickles use Python 2 names
                module, name = _compat_pickle.NAME_MAPPING[module, name]
            module = _compat_pickle.IMPORT_MAPPING.get(module, module)
            special = {("torch._utils", "_rebuild_tensor_v2"): loader.rebuild_tensor,
                       ("torch._utils", "_rebuild_parameter"): loader.rebuild_parameter,
                       ("torch._utils", "_rebuild_parameter_with_state"): loader.rebuild_parameter}
            if (module, name) in special:
                return special[module, name]
            if module == "torch" and name in _STORAGE_DTYPE:
                return _StorageType(_STORAGE_DTYPE[name])
            if module == "torch" and isinstance(getattr(_dtype, name, None), _dtype.dtype):
                return getattr(_dtype, name)
            if (module, name) == ("torch", "device"):
                return _device.device
            if (module, name) == ("torch", "Size"):
                return Size
            if (module, name) in _BUILTINS:
                return _BUILTINS[module, name]
            if f"{module}.{name}" in _safe_globals:
                return _safe_globals[f"{module}.{name}"]
            if weights_only:
                raise _unsupported(module, name)
            if module == "torch" or module.startswith("torch."):
                module = "torchlike" + module[5:]
            return super().find_class(module, name)

        def persistent_load(self, pid):
            return loader.storage(pid)

    return Unpickler(file, **pickle_load_args)


def load(f, map_location=None, pickle_module=pickle, *, weights_only=True, mmap=False, **pickle_load_args):
    """torch.load: read a zip checkpoint written by torch 2.x or torchlike.save.

    ``weights_only=True`` (torch's default) admits only tensors, Parameters, primitive
    containers, OrderedDict, torch dtypes/devices/Sizes and :func:`add_safe_globals`
    entries; any other global raises ``pickle.UnpicklingError``. ``weights_only=False``
    loads any pickle, resolving ``torch.*`` names to their ``torchlike.*`` equivalents.
    ``map_location`` (a device, string, ``{saved_location: location}`` dict, or a
    callable; unlike torch's, the callable gets ``(None, location)`` and returns a location
    or None) picks where storages go; ``mmap`` is accepted and ignored.
    """
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return load(fh, map_location, pickle_module, weights_only=weights_only, mmap=mmap, **pickle_load_args)
    start = f.tell() if f.seekable() else 0
    magic = f.read(4)
    f.seek(start)
    if magic[:2] == b"\x80\x02" or magic[:1] == b"\x80":
        raise RuntimeError("torchlike.load reads only torch's zip checkpoint format; this file is in torch's legacy "
                           "(pre-1.6, or _use_new_zipfile_serialization=False) format")
    if magic != b"PK\x03\x04":
        raise RuntimeError(f"Invalid checkpoint: expected a zip archive (magic b'PK\\x03\\x04'), got {magic!r}")
    try:
        zf = zipfile.ZipFile(f)
    except zipfile.BadZipFile as e:
        raise RuntimeError(f"PytorchStreamReader failed reading zip archive: {e} (truncated or corrupt file?)") from e
    with zf:
        pkl = [n for n in zf.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
        if not pkl:
            raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not found")
        loader = _Loader(zf, pkl[0][:-len("data.pkl")], map_location)
        try:
            data = zf.read(pkl[0])
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise RuntimeError(f"PytorchStreamReader failed reading data.pkl: {e}") from e
        pickle_load_args.setdefault("encoding", "utf-8")
        obj = _unpickler(io.BytesIO(data), loader, weights_only, pickle_load_args).load()
        loader.link_views()
        return obj
