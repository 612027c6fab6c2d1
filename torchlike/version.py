"""torch.version: the version strings programs inspect. torchlike runs on JAX, so there is no
CUDA/HIP/ROCm/XPU build: those are None, as in torch's CPU-only builds."""
from . import __version__  # noqa: F401

torchlike = "0.1.0"  # torchlike's own package version; __version__ is the torch API it implements

cuda = None
hip = None
rocm = None
xpu = None
debug = False
git_version = "Unknown"
