"""The shared helper behind torch.backends' ``flags(...)`` context managers."""
import contextlib


@contextlib.contextmanager
def set_flags(module, **values):
    """Set module attributes for the duration of a ``with`` block (None leaves a flag as it is),
    restoring the previous values afterwards."""
    values = {k: v for k, v in values.items() if v is not None}
    old = {k: getattr(module, k) for k in values}
    for k, v in values.items():
        setattr(module, k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(module, k, v)
