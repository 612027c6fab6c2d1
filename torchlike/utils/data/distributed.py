"""torch.utils.data.distributed.DistributedSampler.

Same index assignment, padding, ``drop_last`` and errors as torch. Deviations: with
``num_replicas``/``rank`` left out, torch asks its initialised process group; here they are
JAX's ``jax.process_count()``/``jax.process_index()`` (1 and 0 in a single process). The
shuffled permutation (seeded with ``seed + epoch``) comes from a torchlike Generator, so it
is the same on every replica and run but not torch's.
"""
import math

import jax

from ... import random as _random
from ...ops.random import randperm
from .sampler import Sampler

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler):
    """The ``rank``-th of ``num_replicas`` interleaved shares of the dataset's indices, padded by
    wrapping around to an equal share (or trimmed with ``drop_last``); call ``set_epoch`` each
    epoch to reshuffle."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        num_replicas = jax.process_count() if num_replicas is None else num_replicas
        rank = jax.process_index() if rank is None else rank
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank, self.epoch, self.drop_last = (
            dataset, num_replicas, rank, 0, drop_last)
        n = len(dataset)
        if drop_last and n % num_replicas:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle, self.seed = shuffle, seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            generator = _random.Generator().manual_seed(self.seed + self.epoch)
            indices = randperm(n, generator=generator).tolist()
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            padding = self.total_size - n
            indices += (indices * math.ceil(padding / n))[:padding] if padding > n else indices[:padding]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Set the epoch: with ``shuffle``, each epoch gets its own order (the same on every replica)."""
        self.epoch = epoch
