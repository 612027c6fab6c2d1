"""torch.backends.cuda: ``matmul.allow_tf32`` (default False), ``matmul.allow_fp16_reduced_precision_reduction``
/ ``allow_bf16_reduced_precision_reduction`` (default True), the scaled-dot-product-attention switches
(``enable_flash_sdp`` ... and their ``*_sdp_enabled`` queries, the deprecated ``sdp_kernel`` context),
``is_built()``.

Deviation: the flags are recorded only; XLA chooses matmul precision (``jax.default_matmul_precision``)
and attention kernels itself. ``is_built()`` is True when JAX has a CUDA GPU backend.
"""
import contextlib
import warnings

from ._gpu import has_cuda


def is_built():
    """torch.backends.cuda.is_built: True when JAX runs with CUDA support (a GPU backend)."""
    return has_cuda()


class cuBLASModule:
    """torch.backends.cuda.matmul: the cuBLAS flags, settable attributes (unknown names raise
    AttributeError as in torch)."""

    _defaults = {"allow_tf32": False, "allow_fp16_reduced_precision_reduction": True,
                 "allow_bf16_reduced_precision_reduction": True, "allow_fp16_accumulation": False}

    def __init__(self):
        self.__dict__.update(self._defaults)

    def __setattr__(self, name, value):
        if name not in self._defaults:
            raise AttributeError("Unknown attribute " + name)
        self.__dict__[name] = value


matmul = cuBLASModule()

_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def _sdp_switches(name):
    def enable(enabled: bool):
        _sdp[name] = bool(enabled)

    def query():
        return _sdp[name]

    enable.__name__, query.__name__ = f"enable_{name}_sdp", f"{name}_sdp_enabled"
    enable.__doc__ = f"torch.backends.cuda.enable_{name}_sdp: recorded only (XLA picks attention kernels)."
    query.__doc__ = f"torch.backends.cuda.{name}_sdp_enabled: the value last set (default True)."
    return enable, query


enable_flash_sdp, flash_sdp_enabled = _sdp_switches("flash")
enable_mem_efficient_sdp, mem_efficient_sdp_enabled = _sdp_switches("mem_efficient")
enable_math_sdp, math_sdp_enabled = _sdp_switches("math")
enable_cudnn_sdp, cudnn_sdp_enabled = _sdp_switches("cudnn")


@contextlib.contextmanager
def sdp_kernel(enable_flash=True, enable_math=True, enable_mem_efficient=True, enable_cudnn=True):
    """Deprecated torch.backends.cuda.sdp_kernel: sets the four switches for a ``with`` block (torch's
    FutureWarning); recorded only."""
    warnings.warn("`torch.backends.cuda.sdp_kernel()` is deprecated. In the future, this context manager will be "
                  "removed. Please see `torch.nn.attention.sdpa_kernel()` for the new context manager, with updated "
                  "signature.", FutureWarning, stacklevel=3)
    old = dict(_sdp)
    _sdp.update(flash=enable_flash, math=enable_math, mem_efficient=enable_mem_efficient, cudnn=enable_cudnn)
    try:
        yield
    finally:
        _sdp.update(old)
