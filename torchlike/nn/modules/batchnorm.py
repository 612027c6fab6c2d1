"""torch.nn.modules.batchnorm: the BatchNorm classes, defined in normalization.py here (one N-d base
serves BatchNorm and InstanceNorm); this module exists so torch's import paths resolve."""
from .normalization import (BatchNorm1d, BatchNorm2d, BatchNorm3d, LazyBatchNorm1d, LazyBatchNorm2d,  # noqa: F401
                            LazyBatchNorm3d, SyncBatchNorm, _BatchNorm, _LazyNorm, _NormBase)

__all__ = ["BatchNorm1d", "LazyBatchNorm1d", "BatchNorm2d", "LazyBatchNorm2d", "BatchNorm3d", "LazyBatchNorm3d",
           "SyncBatchNorm"]
