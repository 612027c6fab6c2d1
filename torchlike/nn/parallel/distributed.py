"""torch.nn.parallel.DistributedDataParallel: the name exists (for imports and ``isinstance`` checks);
constructing one raises RuntimeError until torchlike has torch.distributed."""
from ..modules.module import Module

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(Module):
    """torch.nn.parallel.DistributedDataParallel; not implemented: ``__init__`` raises RuntimeError."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, delay_all_reduce_named_params=None,
                 param_to_hook_all_reduce=None, mixed_precision=None, device_mesh=None,
                 skip_all_reduce_unused_params=False):
        raise RuntimeError("DistributedDataParallel requires torch.distributed.init_process_group; "
                           "not implemented yet in torchlike")
