"""torch.load: reads torch's zip checkpoints (storages read with one ``readinto`` per record,
CRC-checked, or memory-mapped) and its legacy pre-1.6 stream, and rebuilds the tensors."""
import concurrent.futures
import io
import mmap as _mmap
import os
import pickle
import pickletools
import struct
import warnings
import zipfile
import zlib

import jax
import numpy as np

from .. import _device
from .._tensor import Tensor, contiguous_strides
from ._save import ALIGN, LEGACY_MAGIC, LEGACY_PROTOCOL
from ._unpickler import StorageType, WeightsUnpickler, read_pickle

_new = object.__new__


def _aligned_empty(nbytes):
    """An uninitialised uint8 buffer starting ALIGN-byte aligned (so jax.device_put on CPU aliases it)."""
    raw = np.empty(nbytes + ALIGN, np.uint8)
    start = -raw.ctypes.data % ALIGN
    return raw[start:start + nbytes]


class _StorageRef:
    """What a persistent storage id unpickles to: the storage's key, dtype, device and
    (once read) its bytes; ``offset`` is a legacy storage view's element offset."""

    def __init__(self, key, dtype, numel, device, offset=0):
        self.key, self.dtype, self.numel, self.device, self.offset = key, dtype, numel, device, offset
        self.raw = None


class _HostStorage:
    """The storage handed to a ``map_location`` callable: ``storage.cuda(1)``,
    ``storage.to('cpu')`` or the storage itself pick the device its tensors go to."""

    def __init__(self, device, nbytes):
        self.device, self._nbytes = _device.device(device), nbytes

    def nbytes(self):
        return self._nbytes

    def to(self, device):
        return _HostStorage(device, self._nbytes)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None):
        return self.to(_device.device("cuda", device) if isinstance(device, int) else device or "cuda")


class _Rebuilder:
    """One load's storages and the tensors rebuilt on them."""

    def __init__(self, map_location, eager):
        self.map_location, self.eager = map_location, eager
        self.pending = []  # records whose values are placed on their devices together, at the end
        self.late = []  # records whose storage is read after unpickling (legacy format)
        self.refs = {}      # key -> _StorageRef (the first seen)
        self.records = {}   # key -> [[tensor, storage ref, offset, size, stride, requires_grad]]
        self.by_tensor = {}  # id(tensor) -> its record
        self.devices = {}
        self.functions = {"_rebuild_tensor_v2": self.rebuild_tensor, "_rebuild_parameter": self.rebuild_parameter,
                          "_rebuild_parameter_with_state": self.rebuild_parameter}

    # ---- persistent ids and devices ---------------------------------------------------
    def storage(self, pid, read):
        """Resolve a persistent id (zip: 5-tuple; legacy: 6-tuple with a view entry); ``read``
        (or None to read later) returns the key's bytes as a flat uint8 array."""
        if not (isinstance(pid, tuple) and len(pid) in (5, 6) and pid[0] in ("storage", b"storage")
                and isinstance(pid[1], StorageType) and isinstance(pid[2], str) and isinstance(pid[4], int)
                and isinstance(pid[3], (str, bytes)) and pid[4] >= 0):
            raise pickle.UnpicklingError(f"Unsupported persistent id {pid!r} in checkpoint")
        _, stype, key, location, numel = pid[:5]
        offset = 0
        if len(pid) == 6 and pid[5] is not None:  # a legacy storage view: (view key, offset, size)
            view = pid[5]
            if not (isinstance(view, tuple) and len(view) == 3 and all(isinstance(v, int) for v in view[1:])):
                raise pickle.UnpicklingError(f"Unsupported storage view {view!r} in checkpoint")
            offset, numel = view[1], view[1] + view[2]
        location = location.decode("ascii") if isinstance(location, bytes) else location
        first = self.refs.get(key)
        device = first.device if first is not None else self.device(location, numel * stype.dtype.itemsize)
        ref = _StorageRef(key, stype.dtype, numel, device, offset)
        if first is None:
            first = self.refs[key] = ref
            self.records[key] = []
        if read is not None:
            if first.raw is None:
                first.raw = read(key, numel * stype.dtype.itemsize)
            ref.raw = first.raw
        return ref

    def device(self, location, nbytes):
        loc = self.map_location
        if isinstance(loc, dict):
            loc = loc.get(location, location)
        elif callable(loc) and not isinstance(loc, _device.device):
            loc = loc(_HostStorage("cpu", nbytes), location)
            loc = loc.device if isinstance(loc, _HostStorage) else loc
        loc = location if loc is None else loc
        if loc not in self.devices:
            try:
                self.devices[loc] = _device.to_jax(_device.device(loc))
            except RuntimeError as e:
                raise RuntimeError(f"Attempting to deserialize object on device {loc!r}: {e}. If you are running on "
                                   "a machine without it, use torch.load with map_location=torch.device('cpu') "
                                   "to map your storages to the CPU.") from None
        return self.devices[loc]

    # ---- rebuild functions -------------------------------------------------------------
    def rebuild_tensor(self, storage, offset, size, stride, requires_grad, backward_hooks=None, metadata=None):
        """torch._utils._rebuild_tensor_v2."""
        if not isinstance(storage, _StorageRef):
            raise RuntimeError(f"_rebuild_tensor_v2 expects a storage, got {type(storage).__name__}")
        if not (_ints(size) and _ints(stride) and len(size) == len(stride) and type(offset) is int
                and offset >= 0 and all(n >= 0 for n in size) and all(s >= 0 for s in stride)):
            raise RuntimeError(f"invalid tensor layout in checkpoint: size {size!r}, stride {stride!r}, "
                               f"storage offset {offset!r}")
        size, stride, offset = tuple(size), tuple(stride), offset + storage.offset
        if all(size) and offset + sum((n - 1) * s for n, s in zip(size, stride)) >= storage.numel:
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset} "
                               f"are out of bounds for a storage of {storage.numel} elements")
        record = [_new(Tensor), storage, offset, size, stride, bool(requires_grad)]
        self.records[storage.key].append(record)
        self.by_tensor[id(record[0])] = record
        if storage.raw is not None:
            self._fill(record)
        else:
            self.late.append(record)
        return record[0]

    def rebuild_parameter(self, data, requires_grad, backward_hooks=None, state=None):
        """torch._utils._rebuild_parameter(_with_state); extra attributes in ``state`` are dropped."""
        from ..nn.parameter import Parameter
        record = self.by_tensor.get(id(data))
        if record is None or type(record[0]) is not Tensor:
            raise RuntimeError("_rebuild_parameter expects a tensor rebuilt from this checkpoint")
        param = _new(Parameter)
        record[0], record[5] = param, bool(requires_grad)
        if record[1].raw is not None and self.eager:  # else it is pending already
            _place([record])
        return param

    def _fill(self, record):
        if self.eager:
            _place([record])
        else:
            self.pending.append(record)

    # ---- after unpickling --------------------------------------------------------------
    def finish(self):
        """Fill tensors whose storage was read late (legacy), then make the tensors rebuilt on
        one storage share it, as torch's do: one covering it contiguously is the root, the
        others its views (a hidden 1-D root if none covers it)."""
        for record in self.late:
            record[1].raw = self.refs[record[1].key].raw
        _place(self.pending + self.late)
        for key, records in self.records.items():
            if not records:
                continue
            first = self.refs[key]
            numel = first.numel
            full = [r for r in records if r[1].dtype == first.dtype and r[2] == 0 and _numel(r[3]) == numel
                    and r[4] == contiguous_strides(r[3])]
            if len(records) == 1 and (full or _numel(records[0][3]) == 0):
                continue
            if full:
                root = full[0][0]
            else:
                root = Tensor._from_array(jax.device_put(first.raw[:numel * first.dtype.itemsize].view(first.dtype.jax),
                                                         first.device))
            for t, ref, offset, size, stride, _ in records:
                if t is not root and ref.dtype == first.dtype:
                    t._as_view_of(root, stride, offset)


def _ints(seq):
    return isinstance(seq, (tuple, list)) and all(type(n) is int for n in seq)


def _numel(size):
    n = 1
    for s in size:
        n *= s
    return n


def _values(record):
    """A rebuilt tensor's values: a numpy view of its storage's bytes (on CPU, JAX aliases an
    aligned contiguous view instead of copying it)."""
    _, ref, offset, size, stride, _ = record
    dt = ref.dtype.jax
    itemsize = dt.itemsize
    if len(ref.raw) < ref.numel * itemsize:
        raise RuntimeError(f"storage {ref.key} of the checkpoint holds {len(ref.raw)} bytes, fewer than its "
                           f"{ref.numel} elements of {ref.dtype} need")
    flat = ref.raw[:ref.numel * itemsize].view(dt)  # checkpoints are little-endian, as are JAX's hosts
    if stride == contiguous_strides(size) or _numel(size) == 0:
        return flat[offset:offset + _numel(size)].reshape(size)
    return np.lib.stride_tricks.as_strided(flat[offset:], size, tuple(s * itemsize for s in stride), writeable=False)


def _place(records):
    """Put the tensors of ``records`` on their devices, one jax.device_put per device."""
    by_device = {}
    for record in records:
        by_device.setdefault(record[1].device, []).append(record)
    for device, group in by_device.items():
        for record, array in zip(group, jax.device_put([_values(r) for r in group], device)):
            record[0]._data = array
            if record[5]:
                record[0].requires_grad_(True)


# ---- zip checkpoints --------------------------------------------------------------------
class _ZipStorages:
    """Reads ``data/<key>`` records of an uncompressed torch zip: one seek + ``readinto`` into
    an aligned buffer and a CRC-32 check per record, or a zero-copy slice of a memory map."""

    def __init__(self, f, zf, prefix, mapped):
        self.f, self.zf, self.prefix, self.mapped = f, zf, prefix, mapped
        self.size = f.seek(0, os.SEEK_END)
        self.pool, self.checks = None, []

    def __call__(self, key, nbytes):
        name = f"{self.prefix}data/{key}"
        try:
            info = self.zf.getinfo(name)
        except KeyError:
            raise RuntimeError(f"PytorchStreamReader failed locating file data/{key}: file not found") from None
        if info.file_size < nbytes:
            raise RuntimeError(f"PytorchStreamReader: record data/{key} holds {info.file_size} bytes, the checkpoint "
                               f"expects {nbytes} (corrupt file?)")
        if info.compress_type != zipfile.ZIP_STORED:
            return np.frombuffer(_read_record(self.zf, name), np.uint8)
        self.f.seek(info.header_offset)
        header = self.f.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise RuntimeError(f"PytorchStreamReader failed reading record data/{key}: bad local header "
                               "(truncated or corrupt file?)")
        start = info.header_offset + 30 + sum(struct.unpack("<HH", header[26:30]))
        if start + info.file_size > self.size:
            raise RuntimeError(f"PytorchStreamReader failed reading record data/{key}: the file is truncated")
        if self.mapped is not None:
            return np.frombuffer(self.mapped, np.uint8, info.file_size, start)
        buf = _aligned_empty(info.file_size)
        self.f.seek(start)
        got = _readinto(self.f, buf)
        if got != info.file_size:
            raise RuntimeError(f"PytorchStreamReader failed reading record data/{key}: the file is truncated")
        if info.file_size < _THREADED_CRC:
            _check_crc(zlib.crc32(buf), info.CRC, key)
        else:  # zlib releases the GIL: check large records while the next ones are read
            if self.pool is None:
                self.pool = concurrent.futures.ThreadPoolExecutor(1)
            self.checks.append((self.pool.submit(zlib.crc32, buf), info.CRC, key))
        return buf

    def close(self):
        """Wait for the pending CRC checks; raise if one failed."""
        if self.pool is not None:
            self.pool.shutdown()
            for future, crc, key in self.checks:
                _check_crc(future.result(), crc, key)


_THREADED_CRC = 1 << 20


def _check_crc(got, expected, key):
    if got != expected:
        raise RuntimeError(f"PytorchStreamReader failed reading record data/{key}: CRC-32 mismatch (the checkpoint "
                           "is corrupt)")


def _readinto(f, buf):
    view, got = memoryview(buf), 0
    readinto = getattr(f, "readinto", None)
    while got < len(view):
        if readinto is not None:
            n = readinto(view[got:])
        else:
            chunk = f.read(len(view) - got)
            n = len(chunk)
            view[got:got + n] = chunk
        if not n:
            break
        got += n
    return got


def _read_record(zf, name):
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as e:
        raise RuntimeError(f"PytorchStreamReader failed reading record {name}: {e} (corrupt file?)") from None


def _load_zip(f, path, rebuilder, unpickle, mmap):
    try:
        zf = zipfile.ZipFile(f)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error,
            NotImplementedError) as e:
        raise RuntimeError(f"PytorchStreamReader failed reading zip archive: {e} (truncated or corrupt file?)") \
            from None
    with zf:
        names = zf.namelist()
        pkl = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1] or \
            [n for n in names if n == "data.pkl"]
        if not pkl:
            if any(n.endswith("constants.pkl") for n in names):
                raise RuntimeError("This is a TorchScript archive (torch.jit.save); torchlike.load reads torch.save "
                                   "checkpoints only")
            raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not found")
        prefix = pkl[0][:-len("data.pkl")]
        if prefix + "byteorder" in names:
            order = _read_record(zf, prefix + "byteorder")
            if order not in (b"little", b"big"):
                raise ValueError("Unknown endianness type: " + order.decode("latin1"))
            if order == b"big":
                raise RuntimeError("big-endian checkpoints are not supported by torchlike.load")
        mapped = None
        if mmap:
            with open(path, "rb") as fh:
                mapped = _mmap.mmap(fh.fileno(), 0, access=_mmap.ACCESS_READ)
        read = _ZipStorages(f, zf, prefix, mapped)
        data = _read_record(zf, pkl[0])
        try:
            return unpickle(data, lambda pid: rebuilder.storage(pid, read))
        finally:
            read.close()


# ---- legacy (pre-1.6) stream ------------------------------------------------------------
def _small_pickle(f):
    return WeightsUnpickler(f, {}, _no_persistent_ids).load()


def _no_persistent_ids(pid):
    raise pickle.UnpicklingError("unexpected persistent id in a legacy checkpoint header")


def _load_legacy(f, rebuilder, unpickle):
    """torch's ``_use_new_zipfile_serialization=False`` stream: magic, protocol, system info,
    the object pickle, its storage keys, then each storage (int64 element count + bytes)."""
    begin = f.tell()
    size = f.seek(0, os.SEEK_END)
    f.seek(begin)
    if _small_pickle(f) != LEGACY_MAGIC:
        raise RuntimeError("Invalid magic number; corrupt file?")
    protocol = _small_pickle(f)
    if protocol != LEGACY_PROTOCOL:
        raise RuntimeError(f"Invalid protocol version: {protocol}")
    info = _small_pickle(f)
    if not (isinstance(info, dict) and info.get("little_endian", True)):
        raise RuntimeError("big-endian legacy checkpoints are not supported by torchlike.load")
    start = f.tell()
    try:
        with warnings.catch_warnings():  # genops warns about odd escapes in damaged STRING opcodes
            warnings.simplefilter("ignore", DeprecationWarning)
            for _ in pickletools.genops(f):  # skip the object pickle without running it
                pass
    except ValueError as e:
        raise pickle.UnpicklingError(f"corrupt object pickle in legacy checkpoint: {e}") from None
    data_end = f.tell()
    keys = _small_pickle(f)
    if not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)):
        raise RuntimeError("corrupt legacy checkpoint: bad storage key list")
    storages_start = f.tell()
    f.seek(start)
    obj = unpickle(f.read(data_end - start), lambda pid: rebuilder.storage(pid, None))
    f.seek(storages_start)
    for key in keys:
        ref, count = rebuilder.refs.get(key), f.read(8)
        if ref is None:
            raise RuntimeError(f"corrupt legacy checkpoint: storage {key!r} is not used by the object pickle")
        if len(count) != 8:
            raise RuntimeError("legacy checkpoint is truncated")
        nbytes = struct.unpack("<q", count)[0] * ref.dtype.itemsize
        if not 0 <= nbytes <= size - f.tell():
            raise RuntimeError(f"legacy checkpoint is truncated or corrupt: storage {key!r} of {nbytes} bytes")
        ref.raw = _aligned_empty(nbytes)
        if _readinto(f, ref.raw) != nbytes:
            raise RuntimeError("legacy checkpoint is truncated")
    if any(ref.raw is None for ref in rebuilder.refs.values()):
        raise RuntimeError("corrupt legacy checkpoint: a storage is missing")
    return obj


# ---- torch.load ---------------------------------------------------------------------------
def _resolve_weights_only(weights_only, pickle_module):
    """torch.load's choice of ``weights_only``: unset means True without a ``pickle_module`` (False with one);
    ``TORCH_FORCE_WEIGHTS_ONLY_LOAD`` (1/y/yes/true) forces True; ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` forces
    False only when the argument was not passed, with torch's warning; both set is a RuntimeError."""
    not_set = weights_only is None
    if not_set:
        weights_only = pickle_module is None
    truthy = ("1", "y", "yes", "true")
    force = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in truthy
    force_no = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in truthy
    if force and force_no:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` "
                           "should be set, but both were set.")
    if force:
        return True
    if force_no and not_set:
        warnings.warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the`weights_only` "
                      "argument was not explicitly passed to `torch.load`, forcing weights_only=False.",
                      UserWarning, stacklevel=3)
        return False
    return weights_only


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """torch.load: read a checkpoint written by torch (zip format, or the legacy format of
    ``_use_new_zipfile_serialization=False``) or by torchlike.save.

    ``weights_only=True`` (the default without a ``pickle_module``, as in torch) admits only tensors, Parameters,
    primitive containers, OrderedDict/Counter, torch dtypes/devices/Sizes and
    :func:`add_safe_globals` entries; anything else raises ``pickle.UnpicklingError``
    explaining the risk and how to opt in. ``weights_only=False`` unpickles anything,
    resolving ``torch.*`` names to ``torchlike.*``. ``map_location`` is a device, a string,
    a ``{saved_location: location}`` dict or a callable ``(storage, location)`` returning
    a storage (``storage``, ``storage.cuda(1)``), a location, or None for the saved one.
    ``mmap=True`` maps the file instead of reading it: on CPU the tensors alias the mapped
    pages (read lazily by the OS); placing them on an accelerator copies them.

    Errors: ``FileNotFoundError``/``IsADirectoryError`` (and other ``OSError``) for the path,
    ``EOFError`` for an empty file, ``RuntimeError`` for a file that is not a checkpoint or
    whose archive or storages are damaged (storages are CRC-checked unless mmap'd),
    ``pickle.UnpicklingError`` for a damaged or refused pickle, and ``ValueError`` for an
    unknown ``byteorder`` record (as torch). Nothing else, for any input bytes (fuzz-tested).
    Under ``weights_only`` the tensors' values are placed on their devices in one batch
    after unpickling; a full unpickle places each as it is rebuilt. The environment variables
    ``TORCH_FORCE_WEIGHTS_ONLY_LOAD`` / ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` act as in torch.
    """
    weights_only = _resolve_weights_only(weights_only, pickle_module)
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    pickle_load_args.setdefault("encoding", "utf-8")
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return _load(fh, f, map_location, pickle_module or pickle, weights_only, mmap, pickle_load_args)
    if mmap:
        raise ValueError("f must be a file path in order to use the mmap argument")
    if not f.seekable():
        f = io.BytesIO(f.read())
    return _load(f, None, map_location, pickle_module or pickle, weights_only, mmap, pickle_load_args)


def _load(f, path, map_location, pickle_module, weights_only, mmap, load_args):
    start = f.tell()
    magic = f.read(4)
    f.seek(start)
    if not magic:
        raise EOFError("Ran out of input: the checkpoint is empty")
    rebuilder = _Rebuilder(map_location, eager=not weights_only)  # a full unpickle may use tensors on the way

    def unpickle(data, persistent_load):
        return read_pickle(data, weights_only, pickle_module, rebuilder.functions, persistent_load, load_args)

    if magic == b"PK\x03\x04":
        obj = _load_zip(f, path, rebuilder, unpickle, mmap)
    elif magic[:1] == pickle.PROTO:
        if mmap:
            raise RuntimeError("mmap can only be used with files saved with `torch.save(_use_new_zipfile_serialization"
                               "=True)`, please torch.save your checkpoint with this option in order to use mmap.")
        obj = _load_legacy(f, rebuilder, unpickle)
    else:
        raise RuntimeError(f"Invalid magic number; corrupt file? (expected a zip checkpoint, b'PK\\x03\\x04', or "
                           f"a legacy one, got {magic!r})")
    rebuilder.finish()
    return obj
