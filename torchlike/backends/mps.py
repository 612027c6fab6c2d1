"""torch.backends.mps: Apple's Metal backend does not exist here; both queries are False."""


def is_available():
    """torch.backends.mps.is_available: False."""
    return False


def is_built():
    """torch.backends.mps.is_built: False."""
    return False
