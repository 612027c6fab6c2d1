"""torch.func.functional_call, and the pytree view of a Module that makes it useful in JAX.

``functional_call`` runs a module with other values in place of its parameters and buffers.
Values may be torchlike Tensors or raw JAX arrays (tracers included), so a Module becomes a
pure function of a ``{name: jax.Array}`` pytree that ``jax.grad``, ``jax.jit`` and Optax
take directly::

    params, buffers = torch.func.state_arrays(model)

    def loss(params, x, y):
        return F.mse_loss(torch.func.functional_call(model, (params, buffers), (x,)), y)._data

    grads = jax.grad(loss)(params, x, y)
    updates, opt_state = optimizer.update(grads, opt_state, params)
    params = optax.apply_updates(params, updates)
    torch.func.load_state_arrays(model, params)   # trained values back into the Module
"""
import jax
import jax.numpy as jnp

from ._tensor import Tensor
from .autograd import grad_mode

__all__ = ["functional_call", "state_arrays", "load_state_arrays"]

_MISSING = object()


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """torch.func.functional_call: ``module(*args, **kwargs)`` with the named tensors of
    ``parameter_and_buffer_dicts`` (a dict or a sequence of dicts with distinct keys) standing
    in for its parameters and buffers; the originals are restored afterwards, also on error.

    As in torch, ``args`` that is not a tuple is one argument; with ``tie_weights`` a value
    given for one of several tied names serves them all; ``strict`` requires exactly the
    module's names; a name that is no parameter or buffer is set as a plain attribute for the
    call; a slot the module rebinds or updates in place (BatchNorm's running stats) is
    written back into the dict holding its name. Deviations: values and the jax.Array leaves
    of ``args``/``kwargs`` may be raw JAX arrays, wrapped as Tensors for the call; a value
    given as an array is written back as an array (its new ``._data``).
    """
    dicts = _dicts(parameter_and_buffer_dicts)
    values = {k: v for d in dicts for k, v in d.items()}
    if tie_weights:
        values = _untie(module, values)
    if strict:
        _check_keys(module, values)
    args = args if isinstance(args, tuple) else () if args is None else (args,)
    args, kwargs = jax.tree_util.tree_map(_wrap, (args, kwargs or {}), is_leaf=lambda a: isinstance(a, Tensor))
    wrappers, swapped = {}, []  # wrappers: one Tensor per given value, so tied names share it
    try:
        for name, value in values.items():
            if id(value) not in wrappers:
                wrappers[id(value)] = value if isinstance(value, Tensor) else Tensor._from_array(jnp.asarray(value))
            table, key = _slot(module, name)
            given = wrappers[id(value)]
            swapped.append((name, table, key, table.get(key, _MISSING), given, given._data))
            table[key] = given
        return module(*args, **kwargs)
    finally:
        for name, table, key, original, given, given_data in reversed(swapped):
            current = table.get(key)
            if original is not _MISSING:
                table[key] = original  # in place: the module's name order is kept
            else:
                table.pop(key, None)
            for d in dicts:
                if name in d:
                    _write_back(d, name, given, given_data, current)


def state_arrays(module):
    """``(params, buffers)``: the module's parameters and buffers as ``{name: jax.Array}``
    dicts (names as in ``named_parameters()``/``named_buffers()``), ready for jax.grad,
    Optax and ``functional_call(module, (params, buffers), args)``. No torch counterpart."""
    return ({name: p._data for name, p in module.named_parameters()},
            {name: b._data for name, b in module.named_buffers()})


def load_state_arrays(module, *dicts):
    """Copy ``{name: array}`` dicts (e.g. trained ``state_arrays`` pytrees) into the module's
    parameters and buffers of those names, in place. No torch counterpart."""
    targets = dict(module.named_parameters())
    targets.update(module.named_buffers())
    with grad_mode.no_grad():
        for d in dicts:
            for name, value in d.items():
                if name not in targets:
                    raise KeyError(f"{type(module).__name__} has no parameter or buffer named '{name}'")
                targets[name].copy_(value if isinstance(value, Tensor) else Tensor._from_array(jnp.asarray(value)))


def _wrap(a):
    return Tensor._from_array(a) if isinstance(a, jax.Array) else a


def _dicts(given):
    if isinstance(given, dict):
        return [given]
    if not isinstance(given, (tuple, list)):
        raise ValueError(f"Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got "
                         f"{type(given)}")
    if not all(isinstance(d, dict) for d in given):
        raise ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")
    counts = {}
    for d in given:
        for k in d:
            counts[k] = counts.get(k, 0) + 1
    repeated = [k for k, n in counts.items() if n > 1]
    if repeated:
        raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call is ambiguous")
    return list(given)


def _named_tensors(module):
    named = dict(module.named_parameters(remove_duplicate=False))
    named.update(module.named_buffers(remove_duplicate=False))
    return named


def _untie(module, values):
    """Extend ``values`` to every name tied (the same tensor) with a given name."""
    tied = {}
    for name, t in _named_tensors(module).items():
        tied.setdefault(id(t), []).append(name)
    values = dict(values)
    for names in tied.values():
        given = [n for n in names if n in values]
        if len(names) < 2 or not given:
            continue
        if len({id(values[n]) for n in given}) > 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, which are tied. "
                             "Consider using tie_weights=False")
        values.update(dict.fromkeys(names, values[given[0]]))
    return values


def _check_keys(module, values):
    names = _named_tensors(module)
    errors = []
    unexpected = [k for k in values if k not in names]
    missing = [k for k in names if k not in values]
    if unexpected:
        errors.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
    if missing:
        errors.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
    if errors:
        raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(module._get_name(), "\n\t".join(errors)))


def _slot(module, name):
    """(table, key) holding ``name``: the owner's _parameters, _buffers, or its __dict__."""
    prefix, _, key = name.rpartition(".")
    owner = module.get_submodule(prefix)
    for table in (owner._parameters, owner._buffers):
        if key in table:
            return table, key
    return owner.__dict__, key


def _write_back(d, name, given, given_data, current):
    """Put what the call left in ``name``'s slot into ``d`` if the module rebound or updated it."""
    if current is given and given._data is given_data:
        return
    d[name] = current if isinstance(d[name], Tensor) else getattr(current, "_data", current)
