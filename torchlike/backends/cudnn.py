"""torch.backends.cudnn: ``enabled``, ``benchmark``, ``deterministic``, ``allow_tf32`` (torch's defaults
True, False, False, True) are plain module attributes, settable and readable as in torch; ``flags(...)``
sets them for a ``with`` block.

Deviation: they are recorded only. XLA picks convolution algorithms itself (on GPU it may autotune; JAX's
``XLA_FLAGS=--xla_gpu_deterministic_ops=true`` is the switch for determinism), so setting them changes nothing.
``is_available()`` is True when JAX runs on a CUDA GPU (XLA uses cuDNN there); ``version()`` is None
(torch's answer without cuDNN) unless JAX reports the cuDNN version it loaded.
"""
import sys

from ._flags import set_flags
from ._gpu import has_cuda

enabled = True
benchmark = False
benchmark_limit = 10
deterministic = False
allow_tf32 = True


def is_available():
    """torch.backends.cudnn.is_available: True when JAX has a CUDA GPU backend."""
    return has_cuda()


def version():
    """torch.backends.cudnn.version: the cuDNN version as an int (e.g. 90100), or None without a GPU."""
    if not has_cuda():
        return None
    try:
        from jax._src.lib import cuda_versions
        return int(cuda_versions.cudnn_get_version())
    except Exception:  # jax built without the cuda_versions helper
        return None


def is_acceptable(tensor):
    """torch.backends.cudnn.is_acceptable: cuDNN is enabled and available and the tensor is on a GPU."""
    return bool(enabled and is_available() and tensor.is_cuda)


def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True):
    """torch.backends.cudnn.flags: a context manager setting the flags above for its block."""
    return set_flags(sys.modules[__name__], enabled=enabled, benchmark=benchmark, benchmark_limit=benchmark_limit,
                     deterministic=deterministic, allow_tf32=allow_tf32)
