"""torch.Size: a tuple subclass that prints as ``torch.Size([...])``."""
from ._x64 import host_only


@host_only
class Size(tuple):
    """torch.Size. Slicing and concatenation keep the type, as in torch."""

    def __new__(cls, sizes=()):
        return super().__new__(cls, (s if type(s) is int else _size(s) for s in sizes))

    def __getitem__(self, item):
        out = super().__getitem__(item)
        return Size(out) if isinstance(item, slice) else out

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __repr__(self):
        return f"torch.Size({list(self)})"

    def __reduce__(self):
        return (Size, (tuple(self),))


def _size(s):
    """An int, or a symbolic dimension of ``jax.export`` kept as is (a saved program's batch)."""
    try:
        return int(s)
    except Exception:  # jax raises its own InconclusiveDimensionOperation
        if type(s).__name__ == "_DimExpr":
            return s
        raise
