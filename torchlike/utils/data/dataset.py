"""torch.utils.data datasets: Dataset, IterableDataset, TensorDataset, ConcatDataset,
ChainDataset, StackDataset, Subset and random_split (same rules and errors as torch).

TensorDataset, Subset and ConcatDataset also implement the DataLoader's batch fast path,
``_fetch_batch(indices)`` (see ``dataloader``): the collated batch for an int64 index array,
or ``NotImplemented``."""
import bisect
import itertools
import math
import operator
import warnings

import numpy as np

from ... import random as _random
from ...ops.creation import from_numpy
from ...ops.random import randperm

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset", "ChainDataset",
           "Subset", "random_split"]


class Dataset:
    """A map-style dataset: ``__getitem__`` (and usually ``__len__``); ``a + b`` concatenates."""

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """An iterable-style dataset: ``__iter__``; ``a + b`` chains."""

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are ``tuple(t[index] for t in tensors)``; all tensors share their first size."""

    def __init__(self, *tensors):
        assert all(tensors[0].size(0) == t.size(0) for t in tensors), "Size mismatch between tensors"
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].size(0)

    def _fetch_batch(self, indices):
        """``default_collate`` of the samples at ``indices``: one gather per tensor."""
        index = from_numpy(indices)
        return [t[index] for t in self.tensors]


class StackDataset(Dataset):
    """Zips equal-length datasets: positional ones give tuple samples, keyword ones dicts."""

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via ``kwargs``) like "
                             "input/output, but both types are given.")
        datasets = args or list(kwargs.values())
        if not datasets:
            raise ValueError("At least one dataset should be passed")
        self._length = len(datasets[0])
        if any(self._length != len(d) for d in datasets):
            raise ValueError("Size mismatch between datasets")
        self.datasets = args or kwargs

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self):
        return self._length


class ConcatDataset(Dataset):
    """Concatenation of map-style datasets (``cumulative_sizes`` as torch)."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        assert len(self.datasets) > 0, "datasets should not be an empty iterable"
        for d in self.datasets:
            assert not isinstance(d, IterableDataset), "ConcatDataset does not support IterableDataset"
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx += len(self)
        i = bisect.bisect_right(self.cumulative_sizes, idx)
        return self.datasets[i][idx - (self.cumulative_sizes[i - 1] if i else 0)]

    def _fetch_batch(self, indices):
        """The batch from the one dataset holding every index, through its ``_fetch_batch``;
        ``NotImplemented`` for a batch spanning datasets (it takes the per-sample path)."""
        if len(indices) == 0:
            return NotImplemented
        indices = np.where(indices < 0, indices + len(self), indices)
        if indices.min() < 0:
            raise ValueError("absolute value of index should not exceed dataset length")
        i = bisect.bisect_right(self.cumulative_sizes, int(indices[0]))
        start = self.cumulative_sizes[i - 1] if i else 0
        fetch = getattr(self.datasets[i], "_fetch_batch", None)
        if fetch is None or indices.min() < start or indices.max() >= self.cumulative_sizes[i]:
            return NotImplemented
        return fetch(indices - start)


class ChainDataset(IterableDataset):
    """Chains iterable datasets, one after another."""

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            assert isinstance(d, IterableDataset), "ChainDataset only supports IterableDataset"
            yield from d

    def __len__(self):
        total = 0
        for d in self.datasets:
            assert isinstance(d, IterableDataset), "ChainDataset only supports IterableDataset"
            total += len(d)
        return total


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``."""

    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self):
        return len(self.indices)

    def _fetch_batch(self, indices):
        """The underlying dataset's ``_fetch_batch`` at the mapped indices (``NotImplemented``
        when it has none)."""
        fetch = getattr(self.dataset, "_fetch_batch", None)
        if fetch is None:
            return NotImplemented
        if isinstance(self.indices, np.ndarray):
            return fetch(self.indices[indices].astype(np.int64))
        return fetch(np.fromiter((operator.index(self.indices[i]) for i in indices.tolist()), np.int64, len(indices)))


def random_split(dataset, lengths, generator=None):
    """torch.utils.data.random_split: ``lengths`` are sizes, or fractions summing to 1 (floored,
    the remainder spread one by one from the first). The permutation comes from torchlike's
    generator, so the subsets differ from torch's for the same seed."""
    generator = _random.default_generator if generator is None else generator
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        n = len(dataset)
        sizes = []
        for i, frac in enumerate(lengths):
            if not 0 <= frac <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(math.floor(n * frac))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.")
        lengths = sizes
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = randperm(sum(lengths), generator=generator).tolist()
    return [Subset(dataset, indices[end - size:end]) for size, end in zip(lengths, itertools.accumulate(lengths))]
