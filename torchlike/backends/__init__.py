"""torch.backends: flags and availability queries of the libraries torch builds on.

torchlike runs on JAX/XLA, which chooses its own kernels: the flags here are accepted and recorded
(settable and readable as in torch) but have no effect on computation; each submodule says so.
"""
from . import cuda, cudnn, mkl, mkldnn, mps, openmp  # noqa: F401

__all__ = ["cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp"]
