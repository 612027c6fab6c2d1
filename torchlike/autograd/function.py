"""torch.autograd.Function: user-defined forward/backward pairs."""
import functools
import inspect

from . import grad_mode
from .graph import _FREED, DelayedError, Node, _tensor_at, full, sequence


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
            raise RuntimeError(_FREED)
        return tuple(_tensor_at(s.array, (self, s.index)) if type(s) is _SavedOutput else s for s in self.to_save)

    def mark_non_differentiable(self, *tensors):
        self.non_differentiable = tensors

    def mark_dirty(self, *tensors):
        self.dirty = tensors

    def set_materialize_grads(self, value):
        self.materialize_grads = value


class BackwardCFunction(FunctionCtx, Node):
    """A custom Function's node: it is the ``ctx`` too, as in torch. Its edges are those
    of the Tensor arguments (at ``positions`` among all arguments)."""

    def __init__(self, cls, edges, positions, n_args, input_meta):
        FunctionCtx.__init__(self)
        self._seq = next(sequence)
        self._cls, self.edges, self._positions, self._n_args = cls, edges, positions, n_args
        self._input_meta = input_meta

    def name(self):
        return self._cls.__name__ + "Backward"

    def apply(self, grads, create_graph):
        if self.materialize_grads:
            grads = [full(shape, dtype.jax, 0) if g is None and dtype is not None else g
                     for g, (shape, dtype) in zip(grads, self._output_meta)]
        with grad_mode.set_grad_enabled(create_graph):
            result = self._cls.backward(self, *grads)
        result = result if isinstance(result, tuple) else (result,)
        n = self._n_args
        if len(result) > n and all(g is None for g in result[n:]):
            result = result[:n]
        if len(result) != n:
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients "
                               f"(expected {n}, got {len(result)})")
        for i, g in enumerate(result):
            if g is not None and i not in self._positions:
                raise RuntimeError(f"function {self.name()} returned a gradient different than None at position "
                                   f"{i + 1}, but the corresponding forward input was not a Variable")
        out = []
        for i, edge, (shape, _) in zip(self._positions, self.edges, self._input_meta):
            g = result[i]
            if edge is not None and g is not None and tuple(g.shape) != shape:
                try:  # torch sums a broadcast gradient down to the input's shape
                    g = g.sum_to_size(shape)
                except RuntimeError:
                    raise RuntimeError(f"Function {self.name()} returned an invalid gradient at index {i} - got "
                                       f"{list(g.shape)} but expected shape compatible with {list(shape)}") from None
            out.append(None if edge is None else g)
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
        uses_setup = cls.setup_context is not Function.setup_context
        if uses_setup:  # setup_context sees every forward argument, defaults included
            bound = inspect.signature(cls.forward).bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, {}
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        tensors = [args[i] for i in positions]
        recording = grad_mode.state.enabled and any(t._requires_grad for t in tensors)
        edges = tuple(t._edge() if t._requires_grad and recording else None for t in tensors)
        ctx = BackwardCFunction(cls, edges, positions, len(args), tuple((tuple(t.shape), t.dtype) for t in tensors))
        needs = dict(zip(positions, (e is not None for e in edges)))
        ctx.needs_input_grad = tuple(needs.get(i, False) for i in range(len(args)))
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
            # a saved output is rebuilt at its place in the graph when backward reads it
            ctx.to_save = tuple(_SavedOutput(i, o._data) if t is o else t for t in ctx.to_save)
        return wrapped[0] if single else tuple(wrapped)


class _SavedOutput:
    __slots__ = ("index", "array")

    def __init__(self, index, array):
        self.index, self.array = index, array


def once_differentiable(fn):
    """Run ``backward`` without recording a graph. As in torch, under ``create_graph`` its
    results still require grad, but differentiating them raises."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            outputs = fn(ctx, *args)
        if not grad_mode.state.enabled or not any(getattr(a, "_requires_grad", False) for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outputs = (outputs,) if single else outputs
        err = DelayedError("trying to differentiate twice a function that was marked with @once_differentiable",
                           len(outputs))
        outputs = tuple(None if o is None else _tensor_at(o._data, (err, i)) for i, o in enumerate(outputs))
        return outputs[0] if single else outputs
    return wrapper
