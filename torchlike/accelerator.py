"""torch.accelerator: the machine's accelerator as JAX sees it (a GPU, else a TPU, else none)."""
from . import _device

__all__ = ["is_available", "current_accelerator", "device_count"]


def _kind():
    try:
        return _device._accelerator_type()
    except RuntimeError:
        return None


def is_available():
    return _kind() is not None


def current_accelerator(check_available=False):
    """torch.device of the accelerator, or None without one."""
    kind = _kind()
    return None if kind is None else _device.device(kind)


def device_count():
    kind = _kind()
    return 0 if kind is None else len(_device.backend_devices(kind))
