"""torch.optim.Optimizer, and the compiled Optax driver behind every built-in optimizer.

``Optimizer`` follows torch's contract: param groups, per-parameter ``state`` of Tensors,
``state_dict``/``load_state_dict`` in torch's layout, ``zero_grad``, step hooks.

``_OptaxOptimizer`` runs a group's update as ONE cached ``jax.jit`` call: the group's
params, grads and torch-layout state go in as lists, the Optax transformation (built from
the group's options, hyperparameters traced so changing ``lr`` never recompiles) is
applied to each parameter with its own state (torch's per-parameter rule: e.g. each
parameter has its own step count), and the new arrays are written back in place.
"""
import functools
import sys
import warnings
from collections import OrderedDict, defaultdict
from copy import deepcopy
from itertools import chain
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from .._tensor import Tensor
from ..autograd import enable_grad
from ..nn.modules.module import RemovableHandle

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _assign(t, array):
    """Rebind a tensor's contents in place (views refreshed, version bumped)."""
    t._data = array
    t._version += 1
    if t._views:
        t._refresh_views()


def _hooked(step):
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        for hook in list(self._optimizer_step_pre_hooks.values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), but got "
                                       f"{result}.")
                args, kwargs = result
        out = step(self, *args, **kwargs)
        for hook in list(self._optimizer_step_post_hooks.values()):
            hook(self, args, kwargs)
        return out
    return wrapper


class Optimizer:
    """torch.optim.Optimizer: subclasses define ``step``; step pre/post hooks wrap it."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = _hooked(cls.__dict__["step"])

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {_typename(params)}")
        self.state = defaultdict(dict)
        self.param_groups = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_optimizer_step_pre_hooks", OrderedDict())
        self.__dict__.setdefault("_optimizer_step_post_hooks", OrderedDict())

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines) + "\n)"

    def register_step_pre_hook(self, hook):
        handle = RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook):
        handle = RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[handle.id] = hook
        return handle

    def add_param_group(self, param_group):
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        param_group["params"] = params
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {_typename(p)}")
            if not self.defaults.get("differentiable", None) and not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will cause "
                          "an error; see github.com/pytorch/pytorch/issues/40967 for more information", stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    if set_to_none:
                        p.grad = None
                    else:
                        _assign(p.grad, jnp.zeros_like(p.grad._data))

    def step(self, closure=None):
        raise NotImplementedError

    def state_dict(self):
        """torch's layout: state keyed by parameter index, groups with 'params' as index lists."""
        index, groups = {}, []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        groups, saved = self.param_groups, deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(s["params"] for s in saved),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, key=None):
            if isinstance(value, Tensor):
                return value.clone() if key == "step" or not param.is_floating_point() else value.to(param.dtype)
            if isinstance(value, dict):
                return {k: cast(param, v, k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = cast(id_map[k], v)
            else:
                state[k] = v
        for g, s in zip(groups, saved):
            s["params"] = g["params"]
            if "param_names" in g and "param_names" not in s:
                s["param_names"] = g["param_names"]
        self.__setstate__({"state": state, "param_groups": saved})


def _typename(x):
    if isinstance(x, Tensor):
        return x.type()
    t = type(x)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def _check(**values):
    """torch's argument checks: each value must be >= 0 ('lr', 'eps', 'weight_decay', ...)."""
    for name, v in values.items():
        if isinstance(v, Tensor) and name == "lr" and v.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= v:
            label = {"lr": "learning rate", "eps": "epsilon value"}.get(name, f"{name} value")
            raise ValueError(f"Invalid {label}: {v}")


def _check_betas(betas):
    for i, b in enumerate(betas):
        if not 0.0 <= b < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b}")


def _float(v):
    return tuple(_float(x) for x in v) if isinstance(v, (tuple, list)) else float(v)


def _array(v):
    return v._data if isinstance(v, Tensor) else jnp.asarray(v)


# ---- building blocks shared by the optimizers' Optax transformations -------------------
class StepState(NamedTuple):
    step: jax.Array


def count_steps():
    """Optax transformation that only counts steps (torch's state['step'])."""
    return optax.GradientTransformation(lambda params: StepState(jnp.zeros([], jnp.int32)),
                                        lambda updates, state, params=None: (updates, StepState(state.step + 1)))


def torch_chain(*core, lr, maximize=False, weight_decay=None, decoupled=False):
    """torch's pipeline around an update rule: negate the gradient when maximizing, add
    ``weight_decay * param`` before (coupled) or after (decoupled, as AdamW) the rule,
    then scale by ``-lr`` (``lr=None``: the rule yields the final update)."""
    decay = [] if weight_decay is None else [optax.add_decayed_weights(weight_decay)]
    return optax.chain(*([optax.scale(-1.0)] if maximize else []), *([] if decoupled else decay), *core,
                       *(decay if decoupled else []), *([] if lr is None else [optax.scale_by_learning_rate(lr)]))


def scalar(x, like):
    """A scalar computed in float64 (as torch's Python-float step math), cast for ``like``."""
    return jnp.asarray(x).astype(like.dtype)


def _state_names(state, names):
    """Flatten an Optax state into {torch key: array}; ``names`` maps Optax field names."""
    out = {}
    for path, leaf in jax.tree_util.tree_flatten_with_path(state)[0]:
        field = next((k.name for k in reversed(path) if isinstance(k, jax.tree_util.GetAttrKey)), None)
        key = names[field] if field in names else jax.tree_util.keystr(path)
        out[key] = leaf.astype(jnp.float32) if key == "step" else leaf
    return out


def _from_names(template, arrays, names):
    """The Optax state shaped like ``template`` whose leaves are the torch-keyed ``arrays``."""
    leaves, treedef = jax.tree_util.tree_flatten(template)
    keys = _state_names(template, names)
    return jax.tree_util.tree_unflatten(treedef, [arrays[k].astype(t.dtype) for k, t in zip(keys, leaves)])


def _exclusive(tensors):
    """Whether each tensor's array is held by that tensor alone, so its buffer can be donated
    to XLA and updated in place. An array shared with another tensor (``nn.Parameter(t)``
    shares ``t``'s) or saved by a retained autograd graph is not donated."""
    return all(sys.getrefcount(t._data) <= 2 for t in tensors)  # the tensor, getrefcount's argument


@functools.lru_cache(maxsize=None)
def _compiled(make_tx, names, statics, donate):
    """The jitted group update for one optimizer kind and its static options; with ``donate``,
    the parameter and state buffers are reused for the results (an in-place update)."""
    names = dict(names)

    def update(hyper, params, grads, states):
        tx = make_tx(**hyper, **dict(statics))
        new_params, new_states = [], []
        for p, g, s in zip(params, grads, states):
            if s is None:
                st = tx.init(p)
            else:  # the steady-state structure (XLA drops the unused computation)
                st = _from_names(tx.update(g, tx.init(p), p)[1], s, names)
            u, st = tx.update(g, st, p)
            new_params.append(optax.apply_updates(p, u))
            new_states.append(_state_names(st, names))
        return new_params, new_states
    return jax.jit(update, donate_argnums=(1, 3) if donate else ())


class _OptaxOptimizer(Optimizer):
    """An optimizer whose math is the Optax transformation ``_make_tx(**options)``.

    ``_hyper``: group keys passed traced (floats or tuples of floats); ``_static``: group
    keys that select a compilation; ``_names``: Optax state field -> torch state key."""

    _hyper = ("lr",)
    _static = ()
    _names = {}

    @staticmethod
    def _make_tx(**options):
        raise NotImplementedError

    def _statics(self, group):
        return tuple((k, bool(group[k])) for k in self._static)

    _traced_options = None  # {id(group): {key: array}} while torchlike.compile traces a step

    def _options(self, group):
        traced = self._traced_options.get(id(group), {}) if self._traced_options else {}
        return {k: traced[k] if k in traced else _float(group[k]) for k in self._hyper}

    @property
    def tx(self):
        """The Optax transformation of each param group (with its current options)."""
        return [self._make_tx(**self._options(g), **dict(self._statics(g))) for g in self.param_groups]

    def _init_group(self, group, params):
        """Hook for optimizers whose state exists before the first step (e.g. Adagrad)."""

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            self._init_group(group, params)
            states = [self.state.get(p) or None for p in params]
            donate = _exclusive(params) and _exclusive(
                v for s in states if s for v in s.values() if isinstance(v, Tensor))
            fn = _compiled(self._make_tx, tuple(self._names.items()), self._statics(group), donate)
            new_params, new_states = fn(self._options(group), [p._data for p in params],
                                        [p.grad._data for p in params],
                                        [s and {k: _array(v) for k, v in s.items()} for s in states])
            for p, array, arrays in zip(params, new_params, new_states):
                _assign(p, array)
                if arrays:
                    state = self.state[p]
                    for k, a in arrays.items():
                        if isinstance(state.get(k), Tensor):
                            _assign(state[k], a)
                        else:
                            state[k] = Tensor._from_array(a)
        return loss
