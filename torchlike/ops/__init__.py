"""The torch namespace's functions, one module per section of torch's documentation:
creation, indexing (indexing/slicing/joining/mutating), random (sampling), pointwise,
reduction, comparison, other ("Other Operations"), blas (BLAS and LAPACK), and
conversion (copies, dtype and device moves)."""
from .blas import *  # noqa: F401,F403
from .comparison import *  # noqa: F401,F403
from .conversion import *  # noqa: F401,F403
from .creation import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .other import *  # noqa: F401,F403
from .pointwise import *  # noqa: F401,F403
from .random import *  # noqa: F401,F403
from .reduction import *  # noqa: F401,F403
