"""safetensors files for torchlike tensors: the API of ``safetensors.torch``, without torch.

The format: an 8-byte little-endian header length, a JSON header mapping each name to
``{"dtype", "shape", "data_offsets"}`` (plus an optional ``"__metadata__"`` dict of str),
then the raw little-endian bytes. Written here directly (the ``safetensors`` package's
numpy API has no bfloat16), so files interchange with ``safetensors.torch`` both ways.

Deviations: malformed files raise ``ValueError`` (safetensors: ``SafetensorError``);
complex128 has no safetensors dtype and raises ``ValueError`` on save.
"""
import contextlib
import io
import json
import os
import struct

import jax
import numpy as np

from . import _device, _dtype
from ._tensor import Tensor, contiguous_strides

__all__ = ["save", "save_file", "load", "load_file", "safe_open"]

_CODES = {"bool": "BOOL", "uint8": "U8", "int8": "I8", "int16": "I16", "int32": "I32", "int64": "I64",
          "float16": "F16", "bfloat16": "BF16", "float32": "F32", "float64": "F64", "complex64": "C64"}
_DTYPES = {code: getattr(_dtype, name) for name, code in _CODES.items()}
_MAX_HEADER = 100_000_000  # safetensors' own limit on the header size


# ---- writing ------------------------------------------------------------------------------
def _shared_groups(tensors):
    """Names of tensors whose storage ranges overlap (views of one root), as safetensors.torch finds them."""
    by_root = {}
    for name, t in tensors.items():
        root = t._base if t._base is not None else t
        if t.numel():
            strides = t.stride()
            end = t.storage_offset() + sum((n - 1) * s for n, s in zip(t.shape, strides)) + 1
            by_root.setdefault(id(root), []).append((t.storage_offset(), end, name))
    groups = []
    for spans in by_root.values():
        spans.sort()
        group, reach = [spans[0][2]], spans[0][1]
        for start, end, name in spans[1:]:
            if start < reach:
                group.append(name)
            else:
                if len(group) > 1:
                    groups.append(set(group))
                group = [name]
            reach = max(reach, end)
        if len(group) > 1:
            groups.append(set(group))
    return groups


def _check(tensors):
    if not isinstance(tensors, dict):
        raise ValueError(f"Expected a dict of [str, torch.Tensor] but received {type(tensors)}")
    for k, v in tensors.items():
        if not isinstance(v, Tensor):
            raise ValueError(f"Key `{k}` is invalid, expected torch.Tensor but received {type(v)}")
        if v.dtype.name not in _CODES:
            raise ValueError(f"safetensors has no dtype for {v.dtype} (key `{k}`)")
    shared = _shared_groups(tensors)
    if shared:
        raise RuntimeError(
            f"\n            Some tensors share memory, this will lead to duplicate memory on disk and potential "
            f"differences when loading them again: {shared}.\n            A potential way to correctly save your "
            "model is to use `save_model`.\n            More information at "
            "https://huggingface.co/docs/safetensors/torch_shared_tensors\n            ")
    for k, v in tensors.items():
        if v._base is not None and tuple(v.stride()) != contiguous_strides(tuple(v.shape)):
            raise ValueError(f"You are trying to save a non contiguous tensor: `{k}` which is not allowed. It "
                             "either means you are trying to save tensors which are reference of each other in which "
                             "case it's recommended to save only the full tensors, and reslice at load time, or simply "
                             "call `.contiguous()` on your tensor to pack it before saving.")


def _serialize(tensors, metadata, write):
    """Write header and data through ``write``; safetensors' order: larger dtypes first, then by name."""
    _check(tensors)
    if metadata is not None and not (isinstance(metadata, dict) and
                                     all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())):
        raise ValueError("metadata must be a dict of str to str")
    names = sorted(tensors, key=lambda k: (-tensors[k].element_size(), k))
    header, offset = {}, 0
    if metadata:
        header["__metadata__"] = metadata
    arrays = []
    for name in names:
        t = tensors[name]
        a = np.ascontiguousarray(np.asarray(t._data)).reshape(-1).view(np.uint8)
        header[name] = {"dtype": _CODES[t.dtype.name], "shape": list(t.shape),
                        "data_offsets": [offset, offset + a.size]}
        arrays.append(a)
        offset += a.size
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    write(struct.pack("<Q", len(text)) + text)
    for a in arrays:
        write(memoryview(a))


def save(tensors, metadata=None):
    """safetensors.torch.save: the file's bytes."""
    parts = []
    _serialize(tensors, metadata, lambda b: parts.append(bytes(b)))
    return b"".join(parts)


def save_file(tensors, filename, metadata=None):
    """safetensors.torch.save_file: write ``tensors`` (a dict of str to Tensor) to ``filename``."""
    with open(filename, "wb") as f:
        _serialize(tensors, metadata, f.write)


# ---- reading ------------------------------------------------------------------------------
def _header(read, size):
    """Parse and validate the header; return (entries, metadata, data start)."""
    raw = read(8)
    if len(raw) != 8:
        raise ValueError("Error while deserializing header: HeaderTooSmall")
    n = struct.unpack("<Q", raw)[0]
    if n > _MAX_HEADER or 8 + n > size:
        raise ValueError("Error while deserializing header: InvalidHeaderLength")
    try:
        header = json.loads(read(n))
    except (UnicodeDecodeError, ValueError) as e:
        raise ValueError(f"Error while deserializing header: InvalidHeaderDeserialization ({e})") from None
    if not isinstance(header, dict):
        raise ValueError("Error while deserializing header: InvalidHeaderDeserialization")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())):
        raise ValueError("Error while deserializing header: invalid __metadata__")
    end = size - 8 - n
    for name, e in header.items():
        ok = isinstance(e, dict) and e.get("dtype") in _DTYPES and isinstance(e.get("shape"), list) \
            and all(type(s) is int and s >= 0 for s in e["shape"]) and isinstance(e.get("data_offsets"), list) \
            and len(e["data_offsets"]) == 2 and all(type(o) is int for o in e["data_offsets"])
        if not ok:
            raise ValueError(f"Error while deserializing header: invalid entry for tensor {name!r}")
        begin, stop = e["data_offsets"]
        nbytes = _DTYPES[e["dtype"]].itemsize * int(np.prod(e["shape"], dtype=np.int64))
        if not 0 <= begin <= stop <= end or stop - begin != nbytes:
            raise ValueError(f"Error while deserializing header: TensorInvalidInfo for tensor {name!r}")
    return header, metadata, 8 + n


def _tensor(buffer, entry, device):
    begin, stop = entry["data_offsets"]
    dt = _DTYPES[entry["dtype"]]
    array = np.frombuffer(buffer, np.uint8, stop - begin, begin).view(dt.jax).reshape(entry["shape"])
    return Tensor._from_array(jax.device_put(array, _device.to_jax(device)))


def load(data):
    """safetensors.torch.load: tensors from a file's bytes."""
    header, _, start = _header(io.BytesIO(data).read, len(data))
    body = memoryview(data)[start:]
    return {name: _tensor(body, e, "cpu") for name, e in header.items()}


def load_file(filename, device="cpu"):
    """safetensors.torch.load_file: every tensor of ``filename``, on ``device``."""
    with safe_open(filename, "pt", device) as f:
        return {name: f.get_tensor(name) for name in f.keys()}


class _SafeOpen:
    def __init__(self, filename, device):
        self.device = device
        self.file = open(filename, "rb")
        try:
            size = os.fstat(self.file.fileno()).st_size
            self.entries, self._metadata, self.start = _header(self.file.read, size)
        except BaseException:
            self.file.close()
            raise

    def keys(self):
        return sorted(self.entries)

    def metadata(self):
        return self._metadata

    def get_tensor(self, name):
        entry = self.entries[name]
        begin, stop = entry["data_offsets"]
        raw = np.empty(stop - begin + 64, np.uint8)
        buf = raw[-raw.ctypes.data % 64:][:stop - begin]  # aligned, so JAX on CPU aliases it
        self.file.seek(self.start + begin)
        if self.file.readinto(buf) != buf.size:
            raise ValueError(f"safetensors file is truncated: tensor {name!r}")
        return _tensor(buf, {**entry, "data_offsets": [0, buf.size]}, self.device)


@contextlib.contextmanager
def safe_open(filename, framework="pt", device="cpu"):
    """safetensors.safe_open: ``with safe_open(path, "pt") as f: f.keys(), f.get_tensor(name),
    f.metadata()`` reads the header up front and each tensor on request."""
    handle = _SafeOpen(filename, device)
    try:
        yield handle
    finally:
        handle.file.close()
