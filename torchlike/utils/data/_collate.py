"""torch.utils.data default_collate / default_convert. Same rules as torch: tensors are
stacked; NumPy arrays and scalars are stacked with NumPy and moved to the device once per
field; Python floats give float64, ints int64, bools bool; str/bytes stay lists; mappings,
namedtuples and sequences are collated per field (tuples come back as lists)."""
import collections.abc
import copy

import numpy as np

from ... import _dtype
from ..._tensor import Tensor
from ...ops.creation import from_numpy, tensor
from ...ops.indexing import stack

__all__ = ["default_collate", "default_convert"]

_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _is_numpy(x):
    return type(x).__module__ == "numpy" and isinstance(x, (np.ndarray, np.generic)) and not isinstance(
        x, (np.str_, np.bytes_))


def _rebuild(elem, values):
    """``values`` in the container type of ``elem`` (a plain list/dict where that fails)."""
    if isinstance(elem, collections.abc.MutableMapping) or isinstance(elem, collections.abc.MutableSequence):
        clone = copy.copy(elem)
        for k, v in (values.items() if isinstance(values, dict) else enumerate(values)):
            clone[k] = v
        return clone
    try:
        return type(elem)(values)
    except TypeError:
        return values


def default_collate(batch):
    """Collate a list of samples into a batch, following torch's rules."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if _is_numpy(elem):
        if elem.dtype.char in "SaUO":
            raise TypeError(_ERR.format(elem.dtype))
        return from_numpy(np.stack(batch) if elem.ndim else np.asarray(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=_dtype.float64)
    if isinstance(elem, int):  # bool included: torch.tensor keeps bool
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild(elem, {k: default_collate([d[k] for d in batch]) for k in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(e) != len(elem) for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [default_collate(s) for s in zip(*batch)]
        return columns if isinstance(elem, tuple) else _rebuild(elem, columns)
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data):
    """Convert one unbatched sample: NumPy arrays/scalars become tensors, containers are
    converted per field (tuples as lists, as torch), everything else is returned as is."""
    if isinstance(data, Tensor):
        return data
    if _is_numpy(data):
        return data if data.dtype.char in "SaUO" else from_numpy(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, {k: default_convert(v) for k, v in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild(data, [default_convert(d) for d in data])
    return data
