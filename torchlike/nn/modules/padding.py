"""Padding modules of torch.nn: Reflection/Replication/Constant/Zero/Circular Pad 1d-3d."""
from .. import functional as F
from ..functional.pooling import _ntuple
from .module import Module

__all__ = [f"{kind}Pad{n}d" for kind in ("Reflection", "Replication", "Constant", "Zero", "Circular")
           for n in (1, 2, 3)]


class _PadNd(Module):
    """Pads the last ``_n`` dims by ``padding`` (an int or torch's flat 2*n tuple)."""

    _n, mode = 0, "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = _ntuple(padding, 2 * self._n)

    def forward(self, input):
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class _CircularPadNd(_PadNd):
    mode = "circular"

    def forward(self, input):
        if input.ndim not in (self._n + 1, self._n + 2):
            raise ValueError(f"expected {self._n + 1}D or {self._n + 2}D input (got {input.ndim}D input)")
        return super().forward(input)


def _make(kind, base, mode, n):
    name = f"{kind}Pad{n}d"
    attrs = {"_n": n, "__module__": __name__, "__doc__": f"torch.nn.{name}."}
    if mode:
        attrs["mode"] = mode
    return name, type(name, (base,), attrs)


globals().update(_make(kind, base, mode, n) for kind, base, mode in (
    ("Reflection", _PadNd, "reflect"), ("Replication", _PadNd, "replicate"), ("Constant", _ConstantPadNd, None),
    ("Zero", _ZeroPadNd, None), ("Circular", _CircularPadNd, None)) for n in (1, 2, 3))
