"""torch.types: the type aliases programs use in annotations (torchlike has no SymInt, so the
``*LikeType`` aliases are the plain Python types)."""
import os
from typing import IO, Union

from ._device import device as _device
from ._dtype import dtype as _dtype  # noqa: F401  (torch.types._dtype)
from ._size import Size
from ._tensor import Tensor

__all__ = ["Number", "Device", "FileLike", "IntLikeType", "FloatLikeType", "BoolLikeType", "Tensor", "Size"]

Number = Union[int, float, bool]
Device = Union[_device, str, int, None]
FileLike = Union[str, os.PathLike[str], IO[bytes]]
IntLikeType = int
FloatLikeType = float
BoolLikeType = bool
_int = int
_float = float
_bool = bool
_size = Union[Size, list, tuple]  # torch: Union[Size, list[int], tuple[int, ...]]
