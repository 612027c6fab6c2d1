"""torch.backends.mkl: torchlike does not run on mkl (XLA compiles its own CPU kernels), so
``is_available()`` is False (torch's CPU builds say True)."""


def is_available():
    """torch.backends.mkl.is_available: False (not used by torchlike)."""
    return False
