"""The torch namespace's functions, one module per section of torch's documentation:
creation, indexing (indexing/slicing/joining/mutating), random (sampling), pointwise,
reduction, comparison, other ("Other Operations"), blas (BLAS and LAPACK), and
conversion (copies, dtype and device moves), spectral (stft, istft, windows), lapack (torch's
top-level decompositions and solvers over torchlike.linalg's kernels); nn holds the
namespace's forms of nn.functional ops (torch.conv2d, torch.batch_norm ...)."""
from . import blas, comparison, conversion, creation, indexing, other, pointwise, random, reduction
from . import nn, spectral  # noqa: E402  (nn last: it reads nn.functional, which uses the modules above)
from . import lapack  # noqa: E402  (after the modules torchlike.linalg uses)

_MODULES = (blas, comparison, conversion, creation, indexing, lapack, nn, other, pointwise, random, reduction,
            spectral)
__all__ = [name for module in _MODULES for name in module.__all__]
globals().update({name: getattr(module, name) for module in _MODULES for name in module.__all__})
