"""torch.cpu: the CPU device module's queries, as torch answers them (one CPU device, always
available; streams and synchronisation are no-ops)."""
from ._device import device as _device

__all__ = ["is_available", "is_initialized", "device_count", "current_device", "set_device", "synchronize",
           "current_stream"]


def is_available():
    """torch.cpu.is_available: True."""
    return True


def is_initialized():
    """torch.cpu.is_initialized: True."""
    return True


def device_count():
    """torch.cpu.device_count: 1."""
    return 1


def current_device():
    """torch.cpu.current_device: ``'cpu'``."""
    return "cpu"


def set_device(device):
    """torch.cpu.set_device: accepted and ignored, as in torch."""


def synchronize(device=None):
    """torch.cpu.synchronize: nothing to wait for (results are synchronised when read)."""
    if device is not None and _device(device).type != "cpu":
        raise ValueError("Expected a cpu device, but got: " + str(device))


def current_stream(device=None):
    """torch.cpu.current_stream: None here (torchlike has no stream objects)."""
    return None
