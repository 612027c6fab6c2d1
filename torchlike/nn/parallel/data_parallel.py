"""torch.nn.parallel.DataParallel and data_parallel, on one device.

Parity: the wrapped module is the submodule ``module`` (state_dict keys ``module.<name>``, repr as torch);
outputs and gradients are the module's own. Without a GPU, as torch on a CPU-only machine,
``device_ids`` is ``[]`` and ``forward`` just calls the module. With JAX GPUs, ``device_ids`` defaults to all
of them, ``output_device`` to ``device_ids[0]``, and ``dim``/``src_device_obj`` are set as in torch.

Deviation: the batch is never split across devices: with several GPUs the whole batch runs on
``device_ids[0]`` and the result is moved to ``output_device`` (the values are those of a split run up to
BatchNorm statistics, which torch computes per replica). ``data_parallel`` on a machine without a GPU runs
the module (torch raises "device type could not be determined").
"""
from ..._device import device as _device
from ..._tensor import Tensor
from ...cuda import device_count
from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


def _index(d):
    """A device index from an int, a ``device`` or a string such as ``'cuda:1'``."""
    if isinstance(d, int):
        return d
    d = d if isinstance(d, _device) else _device(d)
    return 0 if d.index is None else d.index


def _move(obj, device):
    """``obj`` with every tensor in it (nested in tuples, lists, dicts) moved to ``device``."""
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, (tuple, list)):
        moved = [_move(x, device) for x in obj]
        return type(obj)(*moved) if hasattr(obj, "_fields") else type(obj)(moved)
    if isinstance(obj, dict):
        return type(obj)({k: _move(v, device) for k, v in obj.items()})
    return obj


class DataParallel(Module):
    """torch.nn.DataParallel(module, device_ids=None, output_device=None, dim=0); see the module docstring
    for what runs where."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        if device_count() == 0:
            self.module = module
            self.device_ids = []
            return
        device_ids = list(range(device_count())) if device_ids is None else device_ids
        if not device_ids:
            raise RuntimeError("no available devices were found")
        self.dim = dim
        self.module = module
        self.device_ids = [_index(d) for d in device_ids]
        self.output_device = _index(device_ids[0] if output_device is None else output_device)
        self.src_device_obj = _device("cuda", self.device_ids[0])
        self.module.to(self.src_device_obj)

    def forward(self, *inputs, **kwargs):
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        for t in (*self.module.parameters(), *self.module.buffers()):
            if t.device != self.src_device_obj:
                raise RuntimeError(f"module must have its parameters and buffers on device {self.src_device_obj} "
                                   f"(device_ids[0]) but found one of them on device: {t.device}")
        out = self.module(*_move(inputs, self.src_device_obj), **_move(kwargs, self.src_device_obj))
        return _move(out, _device("cuda", self.output_device))


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    """torch.nn.parallel.data_parallel: ``module(*inputs, **module_kwargs)`` evaluated as DataParallel does
    (one device; see the module docstring)."""
    inputs = inputs if isinstance(inputs, tuple) else (inputs,) if inputs is not None else ()
    return DataParallel(module, device_ids, output_device, dim)(*inputs, **(module_kwargs or {}))
