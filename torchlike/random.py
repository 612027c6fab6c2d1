"""torch.random: ``Generator`` and the global random state.

A Generator's state is a raw JAX PRNG key (``gen._key``, uint32[2], threefry) derived from
its 64-bit seed exactly as ``jax.random.key_data(jax.random.PRNGKey(seed))``. Random ops
split it inside their kernel and store the new key back (see ``torchlike.ops.random``), so
a compiled step can thread the key as state. Same seed, same numbers on every run and
platform; the numbers differ from torch's (Mersenne Twister / Philox), which no JAX
sampler can reproduce. Deviations: one default generator serves every device, it starts
from torch's documented default seed 67280421310721 (torch 2.13 may seed it randomly), and
``get_state()`` is 16 bytes (seed, key) rather than torch's 5056-byte CPU state.
"""
import contextlib
import os

import jax.numpy as jnp
import numpy as np

from . import _device, _dtype
from ._tensor import Tensor

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
           "set_rng_state", "fork_rng"]

DEFAULT_SEED = 67280421310721
_STATE_BYTES = 16


def _seed_value(seed):
    """torch's seed check: any int in [-2**63, 2**64); negative seeds wrap to unsigned."""
    if isinstance(seed, Tensor):
        seed = seed.item()
    if not isinstance(seed, (int, np.integer)):
        raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if not -2 ** 63 <= seed < 2 ** 64:
        raise ValueError("Overflow when unpacking long long")
    return seed % 2 ** 64


def _key(seed):
    """The threefry key of a 64-bit seed: (high word, low word), as jax.random.PRNGKey."""
    return jnp.asarray(np.array([seed >> 32, seed & 0xFFFFFFFF], dtype=np.uint32))


class Generator:
    """torch.Generator(device='cpu'): a seedable random stream holding a JAX key."""

    def __init__(self, device="cpu"):
        self.device = _device.device(device)
        _device.to_jax(self.device)  # a device JAX cannot see raises RuntimeError
        self.manual_seed(DEFAULT_SEED)

    def manual_seed(self, seed):
        """Reset the stream from ``seed``; returns the generator."""
        self._seed = _seed_value(seed)
        self._key = _key(self._seed)
        return self

    def seed(self):
        """Reseed from a nondeterministic source; returns the new seed."""
        seed = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(seed)
        return seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The state as a uint8 tensor: the seed (8 bytes, little-endian) and the key."""
        raw = np.frombuffer(np.uint64(self._seed).tobytes() + np.asarray(self._key).astype("<u4").tobytes(),
                            np.uint8)
        return Tensor._from_array(jnp.asarray(raw))

    def set_state(self, new_state):
        """Restore a state from get_state(); returns the generator."""
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype is not _dtype.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if new_state.numel() != _STATE_BYTES:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_BYTES} but found the input RNG "
                               f"state size to be {new_state.numel()}")
        raw = np.asarray(new_state._data).tobytes()
        self._seed = int(np.frombuffer(raw[:8], "<u8")[0])
        self._key = jnp.asarray(np.frombuffer(raw[8:], "<u4").astype(np.uint32))
        return self

    def __repr__(self):
        return f"<torch._C.Generator object at {id(self):#x}>"


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator (every device's: there is only one); returns it."""
    return default_generator.manual_seed(seed)


def seed():
    """Seed the default generator nondeterministically; returns the seed."""
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


def _drawing_from(key, fn, *args):
    """``fn(*args)`` with the default generator drawing from ``key`` (a traced key too, inside a
    transform); returns ``(result, the key the draws left)``. The generator's own key is restored."""
    saved, default_generator._key = default_generator._key, key
    try:
        return fn(*args), default_generator._key
    finally:
        default_generator._key = saved


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type=None):
    """Restore the default generator's state on exit (it also stands for every device's)."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
