"""torch.utils.dlpack: DLPack exchange with NumPy, JAX, PyTorch, CuPy ... without copying."""
from ..ops.conversion import to_dlpack
from ..ops.creation import from_dlpack

__all__ = ["from_dlpack", "to_dlpack"]
