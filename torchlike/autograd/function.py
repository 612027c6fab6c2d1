"""torch.autograd.Function: user-defined forward/backward pairs."""
import functools

from . import grad_mode
from .graph import Node


class FunctionCtx:
    """The ``ctx`` object handed to forward/backward."""

    def __init__(self):
        self.to_save, self.needs_input_grad = (), ()
        self.materialize_grads, self.non_differentiable, self.dirty = True, (), ()

    def save_for_backward(self, *tensors):
        self.to_save = tensors

    @property
    def saved_tensors(self):
        if self.to_save is None:
            from .graph import _FREED
            raise RuntimeError(_FREED)
        return self.to_save

    def mark_non_differentiable(self, *tensors):
        self.non_differentiable = tensors

    def mark_dirty(self, *tensors):
        self.dirty = tensors

    def set_materialize_grads(self, value):
        self.materialize_grads = value


class BackwardCFunction(FunctionCtx, Node):
    """A custom Function's node: it is the ``ctx`` too, as in torch."""

    def __init__(self, cls, edges, input_meta, n_outputs):
        FunctionCtx.__init__(self)
        self._cls, self.edges, self._input_meta, self.n_outputs = cls, edges, input_meta, n_outputs

    def name(self):
        return self._cls.__name__ + "Backward"

    def apply(self, grads, create_graph):
        from ..ops.creation import zeros
        if self.materialize_grads:
            grads = [g if g is not None else zeros(meta[0], dtype=meta[1]) for g, meta in zip(grads, self._output_meta)]
        with grad_mode.set_grad_enabled(create_graph):
            result = self._cls.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        n_in = len(self._input_meta)
        if len(result) < n_in:
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients "
                               f"(expected {n_in}, got {len(result)})")
        result = result[:n_in]
        out = []
        for g, edge, meta in zip(result, self.edges, self._input_meta):
            if edge is None or g is None:
                out.append(None)
                continue
            if tuple(g.shape) != meta[0]:
                g = g.sum_to_size(meta[0])  # torch reduces a broadcast gradient, else raises
            out.append(g)
        return out

    def release(self):
        self.to_save = None


class Function:
    """Subclass with static ``forward(ctx, *args)`` (or ``forward(*args)`` plus
    ``setup_context(ctx, inputs, output)``) and ``backward(ctx, *grads)``; call ``apply``."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor
        tensors = [a if isinstance(a, Tensor) else None for a in args]
        recording = grad_mode.state.enabled and any(t is not None and t._requires_grad for t in tensors)
        edges = tuple(t._edge() if t is not None and t._requires_grad and recording else None for t in tensors)
        input_meta = tuple((tuple(t.shape), t.dtype) if t is not None else ((), None) for t in tensors)
        ctx = BackwardCFunction(cls, edges, input_meta, 1)
        ctx.needs_input_grad = tuple(e is not None for e in edges)
        uses_setup = cls.setup_context is not Function.setup_context
        with grad_mode.no_grad():
            output = cls.forward(*args, **kwargs) if uses_setup else cls.forward(ctx, *args, **kwargs)
        if uses_setup:
            cls.setup_context(ctx, args, output)
        single = not isinstance(output, tuple)
        outputs = (output,) if single else output
        ctx.n_outputs = len(outputs)
        ctx._output_meta = [(tuple(o.shape), o.dtype) if isinstance(o, Tensor) else ((), None) for o in outputs]
        if not recording:
            return output
        wrapped = []
        for i, o in enumerate(outputs):
            if not isinstance(o, Tensor) or o.dtype.category < 2 or any(o is n for n in ctx.non_differentiable):
                wrapped.append(o)
                continue
            if any(o is d for d in ctx.dirty):
                target = o
            else:
                target = Tensor._from_array(o._data)
            target._node, target._out, target._requires_grad = ctx, i, True
            wrapped.append(target)
        return wrapped[0] if single else tuple(wrapped)


def once_differentiable(fn):
    """Run ``backward`` without recording a graph (its result cannot be differentiated again)."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            return fn(ctx, *args)
    return wrapper
