"""torch.backends.mkldnn: torchlike does not run on mkldnn (XLA compiles its own CPU kernels), so
``is_available()`` is False (torch's CPU builds say True)."""


def is_available():
    """torch.backends.mkldnn.is_available: False (not used by torchlike)."""
    return False

enabled = True
deterministic = False
