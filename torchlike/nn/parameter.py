"""nn.Parameter and nn.Buffer: tensors that Module attribute assignment registers."""
from .._tensor import Tensor
from .._x64 import scoped


class Parameter(Tensor):
    """A Tensor that is a module parameter: assigning it to a Module attribute registers it.
    ``requires_grad`` defaults to True, as in torch."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ..ops.creation import empty
            data = empty(0)
        return Tensor._make_subclass(cls, data.detach(), requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        import numpy as np
        return (_rebuild_parameter, (np.asarray(self._data), self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = Parameter(self.detach().clone(), self.requires_grad)
        if self._grad is not None:
            result._grad = self._grad.clone()
        memo[id(self)] = result
        return result


@scoped  # called by pickle
def _rebuild_parameter(array, requires_grad):
    from .._tensor import _rebuild
    return Parameter(_rebuild(array, False), requires_grad)


class Buffer:
    """nn.Buffer(data, persistent=True): assigning one to a Module attribute registers a buffer."""

    def __init__(self, data=None, *, persistent=True):
        self.data, self.persistent = data, persistent
