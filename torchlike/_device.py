"""torch.device and its mapping onto JAX devices.

'cpu' is JAX's CPU backend, 'cuda'/'cuda:N' its GPU backend, 'tpu'/'xla' its TPU backend.
Asking for a device JAX cannot see raises a RuntimeError naming the devices that exist.
"""
import functools

import jax

_BACKEND = {"cpu": "cpu", "cuda": "gpu", "tpu": "tpu", "xla": "tpu", "mps": "METAL"}


class device:
    """torch.device(type, index=None) or torch.device('cuda:1')."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int):
            type, index = "cuda", type
        elif ":" in type:
            if index is not None:
                raise ValueError(f"type (string) must not include an index because index was passed explicitly: {type}")
            type, idx = type.split(":", 1)
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in _BACKEND:
            raise RuntimeError(
                "Expected one of cpu, cuda, xla, tpu, mps device type at start of device string: " + type)
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type, self.index = type, index

    def __eq__(self, other):
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __reduce__(self):
        return (device, (self.type, self.index))


@functools.lru_cache(None)
def backend_devices(kind):
    """JAX devices of one torch device type ('cuda' -> JAX 'gpu'); empty if none."""
    try:
        return tuple(jax.devices(_BACKEND[kind]))
    except RuntimeError:
        return ()


def _available():
    return ["cpu"] + [f"{k}:{i}" for k in ("cuda", "tpu") for i in range(len(backend_devices(k)))]


def to_jax(dev):
    """The jax.Device for a torch device spec (None -> JAX's default device)."""
    if dev is None:
        return None
    dev = device(dev) if not isinstance(dev, device) else dev
    found = backend_devices(dev.type)
    index = dev.index or 0
    if index >= len(found):
        raise RuntimeError(f"device '{dev}' is not available: this JAX installation sees {', '.join(_available())}"
                           + (" (no CUDA GPU: install jax[cuda12] on a machine with one)" if dev.type == "cuda" else ""))
    return found[index]


def from_jax(jax_device):
    """The torch device of a jax.Device."""
    platform = jax_device.platform
    if platform == "cpu":
        return CPU
    kind = {"gpu": "cuda", "cuda": "cuda", "rocm": "cuda", "tpu": "tpu"}.get(platform, platform)
    return device(kind, backend_devices(kind).index(jax_device) if jax_device in backend_devices(kind) else 0)


CPU = device("cpu")
