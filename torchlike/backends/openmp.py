"""torch.backends.openmp: torchlike does not run on openmp (XLA compiles its own CPU kernels), so
``is_available()`` is False (torch's CPU builds say True)."""


def is_available():
    """torch.backends.openmp.is_available: False (not used by torchlike)."""
    return False
