"""torch.torch_version: ``TorchVersion``, the ``str`` subclass ``torch.__version__`` is, which
compares as a version (``torch.__version__ >= "2.2"``, ``> (2, 1)``) rather than as text.

torchlike reports the PyTorch API version it implements, with its own version as the local
label: ``2.13.0+torchlike.0.1.0`` (torchlike's package version is ``torchlike.version.torchlike``).
"""
import operator
import re

__all__ = ["TorchVersion"]


def _key(version):
    """(release numbers, local label) of a PEP 440-style version string or a tuple of ints."""
    if isinstance(version, tuple):
        return tuple(int(v) for v in version), ""
    match = re.match(r"\s*v?(\d+(?:\.\d+)*)(.*?)(?:\+(.*))?\s*$", str(version))
    if match is None:
        raise ValueError(f"Invalid version: {version!r}")
    return tuple(int(v) for v in match.group(1).split(".")), match.group(3) or ""


def _padded(a, b):
    n = max(len(a[0]), len(b[0]))
    return (a[0] + (0,) * (n - len(a[0])), a[1]), (b[0] + (0,) * (n - len(b[0])), b[1])


def _compare(op):
    def method(self, other):
        if not isinstance(other, (str, tuple)):
            return NotImplemented
        a, b = _padded(_key(self), _key(other))
        return op(a, b)
    return method


class TorchVersion(str):
    """A version string that compares as a version with strings and tuples, as torch's."""

    __lt__ = _compare(operator.lt)
    __le__ = _compare(operator.le)
    __gt__ = _compare(operator.gt)
    __ge__ = _compare(operator.ge)
    __eq__ = _compare(operator.eq)
    __hash__ = str.__hash__  # `!=` stays str's text comparison, as in torch
