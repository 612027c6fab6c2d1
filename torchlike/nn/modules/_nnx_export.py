"""``nn.to_flax``: a torchlike Module as a Flax NNX module (the other way from FlaxModule).

Imported on first use of ``to_flax`` (it imports Flax). The NNX module owns the state: each
parameter is an ``nnx.Param``, each buffer an ``nnx.BatchStat``, under the torchlike name
(``conv1.weight``) in the ``params``/``buffers`` dicts; the torchlike Module is kept as the
program (its layers' code) and runs through ``torch.func.functional_call`` on those arrays, so
``nnx.jit``, ``nnx.grad``, ``nnx.Optimizer`` and Optax train it like any NNX module.
"""
import functools

import jax
import numpy as np
from flax import nnx

from ... import random as _random
from ..._tensor import Tensor
from ..._x64 import enabled, host_only, program_32_bit, traced_in_32_bit
from ...func import functional_call


def _is_tensor(a):
    return isinstance(a, Tensor)


class TorchlikeModule(nnx.Module):
    """An NNX module running a torchlike ``nn.Module``.

    ``__call__(*args, **kwargs)`` takes and returns JAX arrays (Tensors are accepted too); in
    training mode (``train()``, NNX's or torch's) buffers such as BatchNorm's running stats are
    updated in the ``nnx.BatchStat`` variables, and dropout draws from ``rng_key`` (an
    ``nnx.RngKey``), which advances with each call, inside ``nnx.jit`` too. ``eval()`` switches the
    torchlike module to eval mode. ``to_torchlike()`` copies the trained values back into the
    torchlike Module and returns it.
    """

    def __init__(self, module, *, seed=0):
        self.program = nnx.static(module)
        self.params = nnx.Dict({name: nnx.Param(p._data) for name, p in module.named_parameters()})
        self.buffers = nnx.Dict({name: nnx.BatchStat(b._data) for name, b in module.named_buffers()})
        self.rng_key = nnx.RngKey(_random._key(seed))  # torchlike's generator state: a raw threefry key
        self.training = nnx.static(module.training)
        self.programs = nnx.static({})  # 32-bit callers' programs, per (mode, argument structure)

    @host_only  # decides itself: called from 32-bit JAX code, it must see the caller's mode
    def __call__(self, *args, **kwargs):
        leaves, tree = jax.tree_util.tree_flatten((args, kwargs), is_leaf=_is_tensor)
        leaves = [a._data if _is_tensor(a) else a for a in leaves]
        dynamic = tuple(isinstance(a, (jax.Array, np.ndarray)) for a in leaves)
        statics = tuple(None if d else a for a, d in zip(leaves, dynamic))
        state = [*(v[...] for v in self.params.values()), *(v[...] for v in self.buffers.values()),
                 self.rng_key[...]]
        arrays = [a for a, d in zip(leaves, dynamic) if d]
        if traced_in_32_bit([*state, *arrays]):
            key = (self.training, tree, dynamic, statics)
            if key not in self.programs:
                self.programs[key] = program_32_bit(functools.partial(self._pure, *key))
            out, buffers, rng_key = self.programs[key](*state, *arrays)
        else:
            with enabled():
                out, buffers, rng_key = self._pure(self.training, tree, dynamic, statics, *state, *arrays)
        for variable, value in zip(self.buffers.values(), buffers):
            variable.set_value(value)  # replaced, not written into: a 32-bit caller's int32 count
        self.rng_key.set_value(rng_key)
        return out

    def _pure(self, training, tree, dynamic, statics, *arrays):
        """(parameters, buffers, key, array arguments) -> (output arrays, new buffers, new key)."""
        module = self.program
        n_params, n_buffers = len(self.params), len(self.buffers)
        params = dict(zip(self.params.keys(), arrays[:n_params]))
        buffers = dict(zip(self.buffers.keys(), arrays[n_params:n_params + n_buffers]))
        given = iter(arrays[n_params + n_buffers + 1:])
        args, kwargs = jax.tree_util.tree_unflatten(tree, [next(given) if d else s for d, s in zip(dynamic, statics)])
        module.train(training)
        out, new_key = _random._drawing_from(arrays[n_params + n_buffers], functional_call, module, (params, buffers),
                                             tuple(args), kwargs)
        out = jax.tree_util.tree_map(lambda a: a._data if _is_tensor(a) else a, out, is_leaf=_is_tensor)
        return out, list(buffers.values()), new_key

    def train(self, mode=True, **attributes):
        """Training mode for the torchlike module (torch's ``train(mode)``; NNX's attributes too)."""
        self.training = nnx.static(bool(mode))
        return super().train(**attributes) if attributes else self

    def eval(self, **attributes):
        """Eval mode for the torchlike module (torch's ``eval()``; NNX's attributes too)."""
        self.training = nnx.static(False)
        return super().eval(**attributes) if attributes else self

    def to_torchlike(self):
        """The torchlike Module holding this module's current parameters and buffers."""
        module = self.program
        state = {**{k: v[...] for k, v in self.params.items()}, **{k: v[...] for k, v in self.buffers.items()}}
        for name, tensor in (*module.named_parameters(), *module.named_buffers()):
            tensor._data = state[name].astype(tensor._data.dtype)  # 32-bit JAX made num_batches_tracked int32
        module.train(self.training)
        return module
