"""torchlike: PyTorch's Python API on JAX. ``import torchlike as torch``.

torchlike runs JAX in 64-bit mode (torch's int64 indices and float64 tensors need it) inside
its own calls only: your own JAX code keeps JAX's defaults (see ``torchlike/_x64.py``).
"""
import math as _math

from . import _x64

_x64_previous = _x64.install()

from . import autograd  # noqa: E402  (first: it loads the Tensor/dispatch/graph cycle in a working order)
from . import _dtype  # noqa: E402
from ._device import device  # noqa: E402
from ._device import device as _device_cls  # noqa: E402
from ._dtype import (bfloat16, bool, can_cast, cdouble, cfloat, complex64, complex128, double, dtype, finfo,  # noqa
                     float, float16, float32, float64, get_default_dtype, half, iinfo, int, int8, int16, int32, int64,
                     is_complex, is_floating_point, long, promote_types, result_type, set_default_dtype, short, uint8,
                     uint16, uint32, uint64, float8_e4m3fn, float8_e4m3fnuz, float8_e5m2, float8_e5m2fnuz,
                     float8_e8m0fnu)
from ._size import Size  # noqa: E402
from ._tensor import Tensor  # noqa: E402
from ._tensor_str import set_printoptions  # noqa: E402
from .autograd import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,  # noqa: E402
                       set_grad_enabled)
from .ops import *  # noqa: E402,F401,F403
from . import accelerator, cuda, hub, nn, optim, random, serialization, utils  # noqa: E402
from . import backends, multiprocessing, onnx, testing  # noqa: E402  (attributes of torch, as there)
from .serialization import *  # noqa: E402,F401,F403
from . import func  # noqa: E402
from . import fft, linalg, special  # noqa: E402
from . import jit  # noqa: E402
from ._compile import compile  # noqa: E402
from .nn.functional import log_softmax, softmax  # noqa: E402  (torch.softmax, torch.log_softmax)
from .random import *  # noqa: E402,F401,F403
from ._legacy import TYPES as _TYPES  # noqa: E402
from ._settings import *  # noqa: E402,F401,F403
from ._higher_order_ops import cond, vmap, while_loop  # noqa: E402,F401
from .jit import fork, wait  # noqa: E402,F401  (torch.fork / torch.wait: TorchScript's)
from ._alias import install_as_torch  # noqa: E402,F401

globals().update(_TYPES)


class layout:
    """torch.layout; only torch.strided exists here."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name


strided = layout("strided")


class memory_format:
    """torch.memory_format. Tensors here are always laid out contiguously: every ``memory_format=``
    argument is accepted and the data stay in row-major order."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return self.name  # pickled by reference to the module-level name


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")
legacy_contiguous_format = contiguous_format  # the same object, as in torch

pi, e, inf, nan = _math.pi, _math.e, _math.inf, _math.nan
newaxis = None


def typename(obj):
    """torch.typename: ``'torch.FloatTensor'`` style names for tensors, else the object's
    (or class's) qualified name."""
    if isinstance(obj, Tensor):
        return obj.type()
    module, name = getattr(obj, "__module__", "") or "", getattr(obj, "__qualname__", None)
    if name is None:
        module, name = type(obj).__module__, type(obj).__qualname__
    return name if module in ("", "builtins") else f"{module}.{name}"


def set_default_tensor_type(t):
    """Deprecated torch.set_default_tensor_type: sets the default dtype from a legacy type or its name."""
    name = t if isinstance(t, str) else t.__name__
    set_default_dtype(_TYPES[name.rsplit(".", 1)[-1]].dtype)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()


def is_storage(obj):
    """torch.is_storage: False for every object here (torchlike has no storage objects)."""
    return False


def is_nonzero(input):
    """torch.is_nonzero: the truth of a one-element tensor (torch's errors for other sizes)."""
    return input.is_nonzero()


def is_same_size(input, other):
    """torch.is_same_size: the shapes are equal."""
    return input.is_same_size(other)


def is_signed(input):
    """torch.is_signed: the dtype is signed (every dtype but bool and uint8)."""
    return input.is_signed()


def is_inference(input):
    """torch.is_inference: made under inference_mode."""
    return input.is_inference()


def is_neg(input):
    """torch.is_neg: False; torchlike has no lazy negation bit (every tensor is resolved)."""
    return False


def is_distributed(input):
    """torch.is_distributed: False (no distributed tensors here)."""
    return False


def get_device_module(device=None):  # noqa: F811  (torch's parameter name)
    """torch.get_device_module: the module of a device type (torchlike.cuda, torchlike.cpu ...);
    by default the current accelerator's, else torchlike.cpu."""
    import importlib
    if device is None:
        kind = accelerator.current_accelerator().type if accelerator.is_available() else "cpu"
    else:
        kind = device.type if isinstance(device, _device_cls) else _device_cls(device).type
    try:
        return importlib.import_module(f"{__name__}.{kind}")
    except ModuleNotFoundError:
        raise RuntimeError(f"Device '{kind}' does not have a corresponding module registered as 'torch.{kind}'.") \
            from None


def get_device(input):
    """torch.get_device: ``input.get_device()`` (-1 for CPU tensors)."""
    return input.get_device()


Tensor.is_neg = is_neg


from .torch_version import TorchVersion as _TorchVersion  # noqa: E402

__version__ = _TorchVersion("2.13.0+torchlike.0.1.0")  # the torch API implemented; torchlike's own: version.torchlike
from . import compiler, cpu, functional, types, version  # noqa: E402,F401  (after __version__: version reads it)


class OutOfMemoryError(RuntimeError):
    """torch.OutOfMemoryError: raised when a device runs out of memory."""


class AcceleratorError(RuntimeError):
    """torch.AcceleratorError: an error reported by an accelerator's runtime."""


_x64.finish(_x64_previous)
