"""torch.save: PyTorch's zip checkpoint format (and its legacy pre-1.6 stream), written without torch."""
import collections
import io
import os
import pickle
import secrets
import struct
import sys
import zipfile

import numpy as np

from .. import _device, _dtype
from .._size import Size
from .._tensor import _TYPE_NAMES, Tensor, contiguous_strides

ALIGN = 64  # torch starts every storage record 64-byte aligned (mmap and zero-copy loads rely on it)
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001


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
    """The storage of one root tensor during a save: its key and the tensor that holds it."""

    def __init__(self, key, tensor):
        self.key, self.tensor = key, tensor

    def array(self):
        """The storage's bytes as a flat little-endian uint8 array."""
        a = np.asarray(self.tensor._data).reshape(-1)
        return a.astype(a.dtype.newbyteorder("<"), copy=False).view(np.uint8)


class _Plain:
    """Stands for a tensor pickled without its subclass or requires_grad (a Parameter's data)."""

    def __init__(self, tensor):
        self.tensor = tensor


class _TensorPickler(pickle._Pickler):
    """Pickles Tensors as ``torch._utils._rebuild_tensor_v2`` calls on persistent storages
    (one per root tensor, so views stay shared), Parameters as ``_rebuild_parameter``, and
    dtypes/devices/Sizes under torch's names. ``legacy`` selects the pre-1.6 persistent ids."""

    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, file, protocol, legacy=False):
        super().__init__(file, protocol)
        self.storages, self.legacy = {}, legacy  # id(root) -> _Storage

    def _save_global(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[_Global] = _save_global
    dispatch[_dtype.dtype] = lambda self, obj: self.save(_Global("torch", obj.name))

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            from ..nn.parameter import Parameter
            if isinstance(obj, Parameter):
                return (_Global("torch._utils", "_rebuild_parameter"),
                        (_Plain(obj), obj.requires_grad, collections.OrderedDict()))
            return self._reduce_tensor(obj, obj.requires_grad)
        if isinstance(obj, _Plain):
            return self._reduce_tensor(obj.tensor, False)
        if isinstance(obj, _device.device):
            return (_Global("torch", "device"), (str(obj),))
        if isinstance(obj, Size):
            return (_Global("torch", "Size"), (tuple(obj),))
        return NotImplemented

    def _reduce_tensor(self, t, requires_grad):
        base = t._base
        if base is not None and base.dtype == t.dtype:
            root, offset, strides = base, t._offset, t._strides
        else:  # a root, or a view reinterpreting another dtype (saved as its own storage)
            root, offset, strides = t, 0, contiguous_strides(t._data.shape)
        if id(root) not in self.storages:
            self.storages[id(root)] = _Storage(str(len(self.storages)), root)
        return (_Global("torch._utils", "_rebuild_tensor_v2"),
                (self.storages[id(root)], offset, tuple(t._data.shape), strides, requires_grad,
                 collections.OrderedDict()))

    def persistent_id(self, obj):
        if not isinstance(obj, _Storage):
            return None
        t = obj.tensor
        pid = ("storage", _Global("torch", _TYPE_NAMES[t.dtype] + "Storage"), obj.key, str(t.device), t.numel())
        return pid + (None,) if self.legacy else pid


def _pickle(obj, pickle_protocol, legacy=False):
    buf = io.BytesIO()
    pickler = _TensorPickler(buf, pickle_protocol, legacy)
    pickler.dump(obj)
    return buf.getvalue(), list(pickler.storages.values())


def _write_record(zf, name, data):
    """Store ``data`` uncompressed, starting 64-byte aligned (padded via an extra field) as torch does."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    pad = -(zf.fp.tell() + 30 + len(name.encode()) + 4) % ALIGN
    info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    zf.writestr(info, memoryview(data), compress_type=zipfile.ZIP_STORED)


def write_zip(obj, fileobj, name, pickle_protocol):
    """Write ``obj`` as torch 2.x's zip checkpoint ``name/...`` to a writable binary file."""
    data, storages = _pickle(obj, pickle_protocol)
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_STORED) as zf:
        _write_record(zf, f"{name}/data.pkl", data)
        _write_record(zf, f"{name}/.format_version", b"1")
        _write_record(zf, f"{name}/.storage_alignment", str(ALIGN).encode())
        _write_record(zf, f"{name}/byteorder", b"little")
        for storage in storages:
            _write_record(zf, f"{name}/data/{storage.key}", storage.array())
        _write_record(zf, f"{name}/version", b"3\n")
        _write_record(zf, f"{name}/.data/serialization_id", str(secrets.randbits(128)).zfill(40).encode())


def write_legacy(obj, fileobj, pickle_protocol):
    """Write ``obj`` in torch's legacy stream format (``_use_new_zipfile_serialization=False``):
    magic, protocol and system-info pickles, the object pickle, the storage keys, then each
    storage as an int64 element count followed by its raw bytes."""
    data, storages = _pickle(obj, pickle_protocol, legacy=True)
    sys_info = {"protocol_version": LEGACY_PROTOCOL, "little_endian": sys.byteorder == "little",
                "type_sizes": {"short": 2, "int": 4, "long": 4}}
    for header in (LEGACY_MAGIC, LEGACY_PROTOCOL, sys_info):
        fileobj.write(pickle.dumps(header, protocol=pickle_protocol))
    fileobj.write(data)
    fileobj.write(pickle.dumps(sorted(s.key for s in storages), protocol=pickle_protocol))
    for storage in sorted(storages, key=lambda s: s.key):
        fileobj.write(struct.pack("<q", storage.tensor.numel()))
        fileobj.write(memoryview(storage.array()))


def save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """torch.save: write ``obj`` to ``f`` (a path, os.PathLike or writable binary file) in
    torch's zip format, or its legacy format with ``_use_new_zipfile_serialization=False``.

    Writes to a path are atomic: the file is written under a temporary name in the same
    directory and renamed over ``f`` only once complete, so an error (or a crash) mid-save
    leaves any previous file under that name untouched. ``pickle_module`` is accepted for
    parity; torch's names are written by torchlike's own pickler.
    """
    if not isinstance(f, (str, os.PathLike)):
        if not hasattr(f, "write"):
            raise AttributeError("expected 'f' to be string, path, or a file-like object with a 'write' attribute")
        _write(obj, f, "archive", pickle_protocol, _use_new_zipfile_serialization)
        return
    path = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise RuntimeError(f"Parent directory {directory} does not exist.")
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    try:
        with open(tmp, "xb") as out:
            _write(obj, out, os.path.splitext(os.path.basename(path))[0] or "archive", pickle_protocol,
                   _use_new_zipfile_serialization)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _write(obj, fileobj, name, pickle_protocol, zip_format):
    if zip_format:
        write_zip(obj, fileobj, name, pickle_protocol)
    else:
        write_legacy(obj, fileobj, pickle_protocol)
