"""Flax interop both ways, no torch counterpart: ``nn.FlaxModule`` runs a Flax module (Linen or
NNX) as a torchlike Module; ``nn.to_flax`` runs a torchlike Module as a Flax NNX module.

Flax owns the layer: its initialisation, its math and its variable layout. FlaxModule moves
the variables into torchlike tensors and runs the Flax call as one autograd-recorded kernel.

* Variables: every Linen ``params`` leaf / NNX ``nnx.Param`` becomes a Parameter, every other
  variable (Linen ``batch_stats`` and other collections, NNX ``nnx.BatchStat`` ...) a buffer,
  named by its Flax path joined with '.' (``Dense_0.kernel``, an NNX list item ``layers.0.kernel``;
  the Linen collection name is dropped). Path prefixes are plain child Modules, so
  ``model.Dense_0.kernel``, ``named_parameters()``, ``state_dict()`` and ``load_state_dict()``
  work as for any module. Layouts stay Flax's: a Dense kernel is (in, out), torch's is (out, in).
* Forward: ``forward(*args, **kwargs)`` calls the Flax module; its inputs are the current
  parameters and buffers and the array arguments (Tensors, JAX or NumPy arrays); the other
  arguments (numbers, bools, strings) are static: each new value compiles anew. The backward is
  the VJP of the whole Flax call, so ``loss.backward()`` fills the Parameters' ``.grad`` (and the
  inputs'), and torch-style optimisers train it. ``functional_call`` and ``jax.jit`` work as for
  native modules.
* Mutable state: torch's ``train()``/``eval()`` drive the Flax module. NNX: each call runs
  under ``nnx.Module.train()``/``eval()`` (``deterministic``, ``use_running_average``), overriding
  how the NNX module was built. Linen: in training mode every non-``params`` collection is
  mutable, in eval mode none is; Linen's own flags (``use_running_average``, ``deterministic``,
  a ``train`` argument) are call arguments you pass. Updated variables are copied into the buffers
  in place after the call, as torch's BatchNorm updates its running stats.
* Randomness: NNX's ``nnx.RngState`` (e.g. a Dropout's key and count) stays inside the wrapper,
  not a buffer, and advances with each call. Linen takes ``rngs={'dropout': key}`` as a forward
  keyword, passed to ``apply``.
* An NNX module's state moves into the wrapper: train the wrapper, not the original object.
"""
import jax
import numpy as np
from jax.tree_util import DictKey, GetAttrKey, SequenceKey

from ..._dispatch import apply, kernel
from ..._tensor import Tensor
from ..._x64 import users_mode
from ...autograd import grad_mode
from ..parameter import Parameter
from .module import Module

__all__ = ["FlaxModule", "to_flax"]

_NNX_KINDS = ("param", "rng", "buffer")  # of the states nnx.split(module, nnx.Param, nnx.RngState, ...) returns


class FlaxModule(Module):
    """``FlaxModule(linen_module, *example_args, rngs=None, **example_kwargs)`` initialises a Linen
    module with ``module.init(rngs or jax.random.key(0), *example_args, **example_kwargs)``;
    ``FlaxModule(nnx_module)`` takes an initialised NNX module and ``nnx.split``s it."""

    def __init__(self, module, *example_args, rngs=None, **example_kwargs):
        super().__init__()
        from flax import linen, nnx  # imported on first use: `import torchlike` stays light
        if isinstance(module, nnx.Module):
            if example_args or example_kwargs or rngs is not None:
                raise TypeError("FlaxModule(nnx_module) takes no example inputs or rngs: NNX modules are initialised")
            with users_mode():
                graphdef, *states = nnx.split(module, nnx.Param, nnx.RngState, ...)
            program, variables = _NNX(module, graphdef), tuple(states)
        elif isinstance(module, linen.Module):
            example_args, example_kwargs = jax.tree_util.tree_map(_array, (example_args, example_kwargs),
                                                                  is_leaf=_is_tensor)
            with users_mode():
                variables = module.init(jax.random.key(0) if rngs is None else rngs, *example_args, **example_kwargs)
            program = _Linen(module, variables)
        else:
            raise TypeError(f"FlaxModule expects a flax.linen.Module or flax.nnx.Module, got {type(module).__name__}")
        leaves, program.tree = jax.tree_util.tree_flatten_with_path(variables)
        self._program, self._slots, self._rng_state = program, [], []
        for i, (path, array) in enumerate(leaves):
            kind, names = program.classify(path)
            if kind != "param":
                program.mutable.append(i)
            if kind == "rng":
                self._slots.append((self, "_rng_state", len(self._rng_state)))
                self._rng_state.append(array)
                continue
            owner = self
            for name in names[:-1]:
                if name not in owner._modules:
                    owner._modules[name] = Module()
                owner = owner._modules[name]
            self._slots.append(self._register(owner, names, kind, array))

    @staticmethod
    def _register(owner, names, kind, array):
        name = names[-1]
        if name in owner._parameters or name in owner._buffers:
            raise ValueError(f"Flax variable '{'.'.join(names)}' exists in two collections")
        table = "_parameters" if kind == "param" else "_buffers"
        getattr(owner, table)[name] = Parameter(Tensor._from_array(array)) if kind == "param" \
            else Tensor._from_array(array)
        return owner, table, name

    def forward(self, *args, **kwargs):
        leaves, in_tree = jax.tree_util.tree_flatten((args, kwargs), is_leaf=_is_tensor)
        dynamic = [isinstance(a, (Tensor, jax.Array, np.ndarray)) for a in leaves]
        statics = (self._program, in_tree, tuple(None if d else a for a, d in zip(leaves, dynamic)), self.training)
        state = [getattr(owner, table)[name] for owner, table, name in self._slots]
        outs = apply(_flax_call, (*state, *(a for a, d in zip(leaves, dynamic) if d)), statics)
        out_tree = self._program.out_trees[statics[1:]]
        n = out_tree.num_leaves
        if len(outs) > n:  # the call updated the mutable variables: store them in place
            with grad_mode.no_grad():
                for i, new in zip(self._program.mutable, outs[n:]):
                    owner, table, name = self._slots[i]
                    current = getattr(owner, table)[name]
                    if isinstance(current, Tensor):
                        current.copy_(new)
                    else:
                        getattr(owner, table)[name] = new._data
        return jax.tree_util.tree_unflatten(out_tree, outs[:n])

    def extra_repr(self):
        return self._program.name


def to_flax(module, *, seed=0):
    """A torchlike ``nn.Module`` as a Flax NNX module (``TorchlikeModule``) that trains under
    ``nnx.jit``/``nnx.grad``/``nnx.Optimizer`` and Optax: its parameters become ``nnx.Param``s
    and its buffers ``nnx.BatchStat``s under their torchlike names, its forward runs through
    ``torch.func.functional_call``, arrays in and out; dropout draws from an ``nnx.RngKey``
    seeded with ``seed``. The module keeps the program: don't train the original alongside;
    ``.to_torchlike()`` returns it with the trained values. Deviation: under 32-bit JAX (the
    default) ``nnx.jit`` turns 64-bit state (``num_batches_tracked``) into 32-bit while it
    runs; ``to_torchlike`` restores the dtypes."""
    from ._nnx_export import TorchlikeModule  # imports Flax: `import torchlike` stays light
    return TorchlikeModule(module, seed=seed)


@kernel("FlaxModuleBackward0")
def _flax_call(program, in_tree, in_statics, training, *arrays):
    """The Flax call as a pure function: (variable leaves, array arguments) -> (output leaves,
    new leaves of the mutable variables when the call updated them)."""
    n = program.tree.num_leaves
    dynamic = iter(arrays[n:])
    args, kwargs = jax.tree_util.tree_unflatten(in_tree, [next(dynamic) if s is None else s for s in in_statics])
    out, new = program.run(jax.tree_util.tree_unflatten(program.tree, arrays[:n]), training, args, dict(kwargs))
    leaves, program.out_trees[in_tree, in_statics, training] = jax.tree_util.tree_flatten(out)
    if new is None:
        return tuple(leaves)
    new = jax.tree_util.tree_leaves(new)
    return (*leaves, *(new[i] for i in program.mutable))


class _Program:
    """How to call one wrapped Flax module (in the process's own JAX mode, as it would run
    outside torchlike). Hashed by identity: the kernel's static argument."""

    def __init__(self, name):
        self.name, self.tree, self.mutable, self.out_trees = name, None, [], {}

    @staticmethod
    def _names(path):
        return [str(k.key if isinstance(k, DictKey) else k.idx if isinstance(k, SequenceKey) else k.name)
                for k in path if not (isinstance(k, GetAttrKey) and k.name == "value")]


class _Linen(_Program):
    def __init__(self, module, variables):
        super().__init__(f"linen {type(module).__name__}")
        self.module, self.collections = module, [c for c in variables if c != "params"]

    def classify(self, path):
        return ("param" if path[0].key == "params" else "buffer"), self._names(path[1:])

    def run(self, variables, training, args, kwargs):
        rngs = kwargs.pop("rngs", None)
        with users_mode():
            if not (training and self.collections):
                return self.module.apply(variables, *args, rngs=rngs, **kwargs), None
            out, updates = self.module.apply(variables, *args, rngs=rngs, mutable=self.collections, **kwargs)
        return out, {**variables, **updates}


class _NNX(_Program):
    def __init__(self, module, graphdef):
        super().__init__(f"nnx {type(module).__name__}")
        self.graphdef = graphdef

    def classify(self, path):
        return _NNX_KINDS[path[0].idx], self._names(path[1:])

    def run(self, states, training, args, kwargs):
        from flax import nnx
        with users_mode():
            module = nnx.merge(self.graphdef, *states)
            module.train() if training else module.eval()
            out = module(*args, **kwargs)
            return out, nnx.split(module, nnx.Param, nnx.RngState, ...)[1:]


def _is_tensor(a):
    return isinstance(a, Tensor)


def _array(a):
    return a._data if isinstance(a, Tensor) else a
