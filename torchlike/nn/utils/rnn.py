"""torch.nn.utils.rnn: padding and packing variable-length sequences.

A PackedSequence stores the time steps of a sorted (longest first) batch back to back:
``data`` has one row per valid (time, sequence) pair, ``batch_sizes[t]`` counts the
sequences still running at step t. Packing and unpacking are single gathers whose indices
are computed on the host from the lengths (metadata, as torch keeps them on the CPU).
"""
from collections import namedtuple

import numpy as np

from ... import _dtype, ops
from ..._tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


def _int64(values):
    return ops.creation.tensor(np.asarray(values, dtype=np.int64))


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """torch.nn.utils.rnn.PackedSequence (data, batch_sizes, sorted_indices, unsorted_indices)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _map(self, fn):
        """A PackedSequence with ``fn`` applied to data and the index tensors (metadata kept as is)."""
        return type(self)(fn(self.data), self.batch_sizes, *(None if i is None else fn(i) for i in
                                                             (self.sorted_indices, self.unsorted_indices)))

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        idx = [None if i is None else i.to(data.device) for i in (self.sorted_indices, self.unsorted_indices)]
        return type(self)(data, self.batch_sizes, *idx)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, *args, **kwargs):
        return self.to("cuda")

    def _cast(self, dtype):
        return type(self)(self.data.to(dtype), *self[1:])

    def float(self):
        return self._cast(_dtype.float32)

    def double(self):
        return self._cast(_dtype.float64)

    def half(self):
        return self._cast(_dtype.float16)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def invert_permutation(permutation):
    if permutation is None:
        return None
    return _int64(np.argsort(permutation.numpy()))


def _layout(batch_sizes):
    """Positions ``t * B + b`` of a packed sequence's rows in the padded (T, B) layout, and
    the sorted lengths."""
    sizes = np.asarray(batch_sizes.numpy() if isinstance(batch_sizes, Tensor) else batch_sizes)
    positions = np.concatenate([t * sizes[0] + np.arange(n) for t, n in enumerate(sizes)])
    lengths = (sizes[None, :] > np.arange(sizes[0])[:, None]).sum(1)
    return positions, lengths


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded (T, B, *) (or (B, T, *)) batch given each sequence's length."""
    lengths = np.asarray(lengths.tolist() if isinstance(lengths, Tensor) else lengths, dtype=np.int64)
    if enforce_sorted:
        if np.any(lengths[:-1] < lengths[1:]):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                               "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
                               "to sidestep this requirement if you do not need ONNX exportability.")
        sorted_indices = None
    else:
        order = np.argsort(-lengths, kind="stable")
        lengths, sorted_indices = lengths[order], _int64(order)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if lengths.size == 0 or lengths[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if batch_first:
        input = input.transpose(0, 1)
    steps = int(lengths[0])
    if steps > input.shape[0]:
        raise RuntimeError(f"Expected sequence length to be larger than or equal to {steps}, "
                           f"got {input.shape[0]}")
    batch_sizes = (lengths[None, :] > np.arange(steps)[:, None]).sum(1)
    positions, _ = _layout(batch_sizes)
    data = input[:steps].reshape(-1, *input.shape[2:]).index_select(0, _int64(positions))
    return PackedSequence(data, _int64(batch_sizes), sorted_indices, None)


def _pad_sorted(data, batch_sizes, padding_value=0.0, total_length=None):
    """The packed rows laid out as a padded (T, B, *) batch in sorted order, and the lengths."""
    positions, lengths = _layout(batch_sizes)
    steps, batch = len(batch_sizes), int(lengths.size)
    total = steps if total_length is None else total_length
    source = np.full(total * batch, len(positions), dtype=np.int64)
    source[positions] = np.arange(len(positions))
    filler = ops.creation.full((1, *data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    padded = ops.cat([data, filler]).index_select(0, _int64(source))
    return padded.reshape(total, batch, *data.shape[1:]), lengths


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Inverse of pack_padded_sequence: returns (padded batch, lengths as an int64 tensor)."""
    steps = len(sequence.batch_sizes)
    if total_length is not None and total_length < steps:
        raise ValueError(f"Expected total_length to be at least the length of the longest sequence in input, "
                         f"but got total_length={total_length} and max sequence length being {steps}")
    padded, lengths = _pad_sorted(sequence.data, sequence.batch_sizes, padding_value, total_length)
    lengths = _int64(lengths)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices]
    return (padded.transpose(0, 1) if batch_first else padded), lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack variable-length (L_i, *) tensors into (T, B, *) (or (B, T, *)), padding each one:
    one cat of all sequences and one gather whose indices are computed on the host, so the
    cost per sequence is a few microseconds and no program depends on the batch size."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    lengths = np.array([s.shape[0] for s in sequences], dtype=np.int64)
    steps, rest = int(lengths.max()), tuple(sequences[0].shape[1:])
    data = ops.cat(list(sequences))
    t = np.arange(steps)[None, :]
    if padding_side == "left":
        t = t - (steps - lengths)[:, None]
    starts = np.cumsum(lengths) - lengths
    source = np.where((t >= 0) & (t < lengths[:, None]), starts[:, None] + t, data.shape[0])  # (B, T)
    if not batch_first:
        source = source.T
    filler = ops.creation.full((1, *rest), padding_value, dtype=data.dtype, device=data.device)
    padded = ops.cat([data, filler]).index_select(0, _int64(source.reshape(-1)))
    return padded.reshape(*source.shape, *rest)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into its sequences."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(n)] for seq, n in zip(padded_sequences.unbind(0), lengths)]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of variable-length tensors (longest first unless ``enforce_sorted=False``)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """Inverse of pack_sequence: the list of sequences."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths.tolist(), batch_first=True)
