"""torch.device and its mapping onto JAX devices.

'cpu' is JAX's CPU backend, 'cuda'/'cuda:N' its GPU backend, 'tpu'/'xla' its TPU backend.
Asking for a device JAX cannot see raises a RuntimeError naming the devices that exist.
"""
import builtins
import functools
import re

import jax

_BACKEND = {"cpu": "cpu", "cuda": "gpu", "tpu": "tpu", "xla": "tpu", "mps": "METAL"}


_TORCH_TYPES = ("cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, mps, "
                "meta, hpu, mtia, privateuseone")
_TYPES = frozenset(_TORCH_TYPES.split(", ")) | {"tpu"}
_DEVICE_STRING = re.compile(r"([a-zA-Z_]+)(?::([1-9]\d*|0))?")


class device:
    """torch.device(type, index=None), torch.device('cuda:1') or torch.device(0) (the
    accelerator's device 0). Parses every torch device type (plus 'tpu'); only those JAX
    has a backend for can hold tensors."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            type, index = _accelerator_type(), type
        elif not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got "
                            f"({builtins.type(type).__name__}),"
                            " but expected one of:\n * (torch.device device)\n * (str type, int index = -1)")
        else:
            match = _DEVICE_STRING.fullmatch(type)
            if match is None:
                raise RuntimeError(f"Invalid device string: '{type}'")
            if match.group(2) is not None:
                if index is not None:
                    raise RuntimeError("type (string) must not include an index because index was passed "
                                       f"explicitly: {type}")
                index = int(match.group(2))
            type = match.group(1)
        if type not in _TYPES:
            raise RuntimeError(f"Expected one of {_TORCH_TYPES} device type at start of device string: {type}")
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
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __reduce__(self):
        return (device, (self.type, self.index))


@functools.lru_cache(None)
def backend_devices(kind):
    """JAX devices of one torch device type ('cuda' -> JAX 'gpu'); empty if none."""
    if kind not in _BACKEND:
        return ()
    try:
        return tuple(jax.devices(_BACKEND[kind]))
    except RuntimeError:
        return ()


def _accelerator_type():
    """The device type of the machine's accelerator (a GPU, else a TPU)."""
    kind = next((k for k in ("cuda", "tpu") if backend_devices(k)), None)
    if kind is None:
        raise RuntimeError("Cannot access accelerator device when none is available.")
    return kind


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
                           + (" (no CUDA GPU: install jax[cuda12] on a machine with one)"
                              if dev.type == "cuda" else ""))
    return found[index]


def from_jax(jax_device):
    """The torch device of a jax.Device."""
    platform = jax_device.platform
    if platform == "cpu":
        return CPU
    kind = {"gpu": "cuda", "cuda": "cuda", "rocm": "cuda", "tpu": "tpu"}.get(platform, platform)
    return device(kind, backend_devices(kind).index(jax_device) if jax_device in backend_devices(kind) else 0)


CPU = device("cpu")
