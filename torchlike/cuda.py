"""torch.cuda on JAX: CUDA devices are JAX's GPU devices.

Seeding goes to the single default generator (torchlike has one random stream for all
devices); ``synchronize`` waits for all dispatched JAX work.
"""
import jax

from . import _device
from .random import manual_seed, seed

__all__ = ["is_available", "device_count", "current_device", "get_device_name", "manual_seed", "manual_seed_all",
           "seed", "seed_all", "synchronize"]


def device_count():
    return len(_device.backend_devices("cuda"))


def is_available():
    return device_count() > 0


def _check():
    if not is_available():
        raise RuntimeError("CUDA is not available: this JAX installation sees no GPU "
                           "(install jax[cuda12] on a machine with one)")


def current_device():
    _check()
    return 0


def get_device_name(device=None):
    _check()
    return _device.to_jax(_device.device("cuda", device) if isinstance(device, int) else device or "cuda").device_kind


def manual_seed_all(seed):
    manual_seed(seed)


def seed_all():
    seed()


def synchronize(device=None):
    """Block until every computation dispatched so far has finished."""
    jax.effects_barrier()
    for array in jax.live_arrays():
        array.block_until_ready()
