"""torch.functional: the functions torch defines in Python in its functional.py, here the
same objects as the torch namespace's (torch.functional.split is torch.split)."""
from .ops import (atleast_1d, atleast_2d, atleast_3d, block_diag, broadcast_shapes, broadcast_tensors,
                  cartesian_prod, cdist, einsum, istft, meshgrid, norm, split, stft, tensordot, unique,
                  unique_consecutive, unravel_index)

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_shapes", "broadcast_tensors",
           "cartesian_prod", "cdist", "einsum", "istft", "meshgrid", "norm", "split", "stft", "tensordot", "unique",
           "unique_consecutive", "unravel_index"]
