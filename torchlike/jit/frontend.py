"""torch.jit.frontend's errors: what ``jit.script`` cannot compile, with the source line."""
import linecache

__all__ = ["FrontendError", "NotSupportedError", "UnsupportedNodeError"]


class FrontendError(Exception):
    """torch.jit.frontend.FrontendError: the source cannot be compiled."""


class NotSupportedError(FrontendError):
    """torch.jit.frontend.NotSupportedError: a construct jit.script does not support."""


class UnsupportedNodeError(NotSupportedError):
    """torch.jit.frontend.UnsupportedNodeError: a Python syntax node jit.script does not support."""


def location(where):
    """'File "f.py", line N' and the line's text, for ``where = (filename, lineno)``."""
    filename, lineno = where
    text = linecache.getline(filename, lineno).strip()
    return f'\n  File "{filename}", line {lineno}' + (f"\n    {text}" if text else "")
