"""torch.nn.parallel: DataParallel, data_parallel, DistributedDataParallel."""
from .data_parallel import DataParallel, data_parallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "data_parallel", "DistributedDataParallel"]
