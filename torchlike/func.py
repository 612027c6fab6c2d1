"""torch.func: JAX-like transforms (``grad``, ``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``,
``hessian``, ``vmap``), ``functional_call`` and ``stack_module_state``, and the pytree view of a Module
that makes it useful in JAX.

The transforms run JAX's own (``jax.grad``, ``jax.vjp``, ``jax.jvp``, ``jax.jacrev``, ``jax.jacfwd``)
on the user's function, which sees Tensors wrapping JAX tracers; arguments and results are Tensors or
pytrees (tuples, lists, dicts) of them, ``argnums`` an int or a tuple, and the transforms nest
(``vmap(grad(f))``, ``jacrev(jacrev(f))``) and run inside ``torchlike.compile``. Eagerly each op inside is
its own compiled kernel (the function is not compiled as a whole, so it always sees the current values
of the tensors it closes over); under ``torchlike.compile`` the whole transform is one program.
Deviations from torch.func: results are not connected to torchlike's autograd graph (they are detached;
nest the transforms instead of calling ``.backward()`` through them); inside the function autograd is
off and ``detach()``/``torch.no_grad()`` do not stop the transform's gradient; the function must be
traceable (no Python branching on tensor values, no ``.item()``); complex inputs follow JAX's convention.

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
import functools

import jax
import jax.numpy as jnp

from ._higher_order_ops import _is_tensor, _order, _ordered, vmap
from ._x64 import scoped
from ._tensor import Tensor
from .autograd import grad_mode

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap", "functional_call",
           "stack_module_state", "state_arrays", "load_state_arrays"]

_MISSING = object()


def grad_and_value(func, argnums=0, has_aux=False):
    """torch.func.grad_and_value: a function returning ``(gradients, value)`` of ``func``, whose output must
    be a 0-dim Tensor, w.r.t. the positional arguments ``argnums`` (an int: one pytree of gradients, a
    tuple: a tuple of them); with ``has_aux`` ``func`` returns ``(output, aux)`` and the result is
    ``(gradients, (value, aux))``. Keyword arguments are passed to ``func``, not differentiated.
    torch's errors for a non-scalar or non-Tensor output and bad ``argnums``. On ``jax.grad``."""
    @scoped
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums = _argnums(argnums, len(args))

        def f(*arrays):
            out, aux = box["aux"] = _call(func, args, kwargs, nums, arrays, has_aux, "grad_and_value(f)(*args)")
            if not _is_tensor(out):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor "
                                   f"with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?")
            return out._data, (out._data, _arrays(aux, strict=False))

        box = {}
        grads, (value, aux) = jax.grad(f, argnums=tuple(range(len(nums))), has_aux=True)(
            *(_arrays(args[i]) for i in nums))
        grads = _tensors(grads, tuple(args[i] for i in nums))
        grads, value = grads if isinstance(argnums, tuple) else grads[0], Tensor._from_array(value)
        return (grads, (value, _tensors(aux, box["aux"][1]))) if has_aux else (grads, value)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """torch.func.grad: a function returning the gradients of ``func`` (a 0-dim Tensor output) w.r.t. the
    positional arguments ``argnums``, as :func:`grad_and_value` without the value (``(gradients, aux)``
    with ``has_aux``)."""
    both = grad_and_value(func, argnums, has_aux)

    @scoped
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        grads, value = both(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads
    return wrapper


def vjp(func, *primals, has_aux=False):
    """torch.func.vjp: ``(func(*primals), vjp_fn)`` (``(output, vjp_fn, aux)`` with ``has_aux``), where
    ``vjp_fn(cotangents)`` (a pytree shaped as the output) returns a tuple with one gradient pytree per
    primal. torch's errors for a cotangent structure or shape that does not match. On ``jax.vjp``."""
    nums = tuple(range(len(primals)))
    box = {}

    def f(*arrays):
        out, aux = box["out"], box["aux"] = _call(func, primals, {}, nums, arrays, has_aux, "vjp(f, *primals)")
        return _arrays(out), _arrays(aux, strict=False)

    out, pullback, aux = jax.vjp(f, *(_arrays(p) for p in primals), has_aux=True)

    @scoped
    def vjp_fn(cotangents):
        """The gradients of the primals for output ``cotangents``."""
        if _spec(cotangents) != _spec(outs):
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as pytree structure of outputs "
                               f"to the function. cotangents: {_spec(cotangents)}, primal output: {_spec(outs)}")
        for i, (c, o) in enumerate(zip(jax.tree_util.tree_leaves(cotangents, is_leaf=_is_tensor),
                                       jax.tree_util.tree_leaves(outs, is_leaf=_is_tensor))):
            if c.shape != o.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {c.shape} and output[{i}] has "
                                   f"a shape of {o.shape}.")
        cts = jax.tree_util.tree_map(lambda c, o: c._data.astype(o.dtype), cotangents, out, is_leaf=_is_tensor)
        return _tensors(pullback(cts), primals)

    outs = _tensors(out, box["out"])
    return (outs, vjp_fn, _tensors(aux, box["aux"])) if has_aux else (outs, vjp_fn)


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """torch.func.jvp: ``(func(*primals), jvp_out)`` (``(output, jvp_out, aux)`` with ``has_aux``), the
    Jacobian of ``func`` at ``primals`` (a tuple of Tensor pytrees) times ``tangents`` (same structure and
    shapes). ``strict`` is accepted and ignored, as in torch. On ``jax.jvp``."""
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to call "
                           "f(*primals).")
    primal_tree = jax.tree_util.tree_structure(primals, is_leaf=_is_tensor)
    if not isinstance(tangents, tuple) or jax.tree_util.tree_structure(tangents, is_leaf=_is_tensor) != primal_tree:
        raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to have the same python "
                           f"structure. For example, if primals is a tuple of 3 tensors, tangents also must be. Got "
                           f"primals with structure {_spec(primals)} and tangents with structure {_spec(tangents)}")
    ps, ts = _arrays(primals), _arrays(tangents)
    for p, t in zip(jax.tree_util.tree_leaves(ps), jax.tree_util.tree_leaves(ts)):
        if p.shape != t.shape:
            raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the original "
                               f"Tensor, this is not supported. Tensor is of size {list(p.shape)} while the given "
                               f"forward gradient is of size {list(t.shape)}.")
    ts = jax.tree_util.tree_map(lambda t, p: t.astype(p.dtype), ts, ps)
    nums = tuple(range(len(primals)))

    def f(*arrays):
        out, aux = box["out"], box["aux"] = _call(func, primals, {}, nums, arrays, has_aux,
                                                  "jvp(f, primals, tangents)")
        return _arrays(out), _arrays(aux, strict=False)

    box = {}
    out, tangent_out, aux = jax.jvp(f, ps, ts, has_aux=True)
    result = (_tensors(out, box["out"]), _tensors(tangent_out, box["out"]))
    return (*result, _tensors(aux, box["aux"])) if has_aux else result


def _jacobian(transform, name, func, argnums, has_aux):
    """``func``'s Jacobian by ``jax.jacrev`` or ``jax.jacfwd``: blocks of shape ``out.shape + in.shape``
    nested as the output pytree of the argnums' input pytrees."""
    @scoped
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums = _argnums(argnums, len(args))

        def f(*arrays):
            out, aux = box["out"], box["aux"] = _call(func, args, kwargs, nums, arrays, has_aux,
                                                      f"{name}(f, ...)(*args)")
            return _arrays(out), _arrays(aux, strict=False)

        box = {}
        jac, aux = transform(f, argnums=tuple(range(len(nums))), has_aux=True)(*(_arrays(args[i]) for i in nums))
        inputs = tuple(args[i] for i in nums)
        one = not isinstance(argnums, tuple)  # then each output's blocks are its one input's, not a tuple
        jac = _ordered(jac, _order(box["out"]), lambda blocks: _tensors(blocks[0] if one else blocks,
                                                                        inputs[0] if one else inputs))
        return (jac, _tensors(aux, box["aux"])) if has_aux else jac
    return wrapper


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """torch.func.jacrev: a function returning the Jacobian of ``func`` w.r.t. the positional arguments
    ``argnums`` by reverse mode (``(jacobian, aux)`` with ``has_aux``). Deviation: ``chunk_size`` is
    checked and otherwise ignored (JAX computes all rows at once). On ``jax.jacrev``."""
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return _jacobian(jax.jacrev, "jacrev", func, argnums, has_aux)


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """torch.func.jacfwd: the Jacobian by forward mode, as :func:`jacrev`. Deviation: ``randomness``
    is checked and otherwise ignored (no random ops inside, as torchlike's vmap). On ``jax.jacfwd``."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    return _jacobian(jax.jacfwd, "jacfwd", func, argnums, has_aux)


def hessian(func, argnums=0):
    """torch.func.hessian: ``jacfwd(jacrev(func, argnums), argnums)``, as in torch."""
    return jacfwd(jacrev(func, argnums), argnums)


def stack_module_state(models):
    """torch.func.stack_module_state: ``(params, buffers)`` dicts of each name's tensors of all ``models``
    stacked along a new dim 0 (new leaves; parameters require grad when the models' do), for ``vmap`` over
    ``functional_call`` of one of them (model ensembling). torch's errors for no models, mixed classes,
    train/eval modes or ``requires_grad``."""
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    if any(type(m) is not type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")

    def stacked(named):
        tables = [dict(n) for n in named]
        result = {}
        for name in tables[0]:
            tensors = [t[name] for t in tables]
            flags = {t.requires_grad for t in tensors}
            if len(flags) > 1:
                raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
            result[name] = Tensor._from_array(jnp.stack([t._data for t in tensors]))
            result[name].requires_grad_(flags.pop())
        return result

    return (stacked(m.named_parameters() for m in models), stacked(m.named_buffers() for m in models))


def _argnums(argnums, n):
    """``argnums`` as a tuple of non-negative positions (torch's errors)."""
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for a in nums:
        if not isinstance(a, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
        if not -n <= a < n:
            raise RuntimeError(f"Got argnum={a}, but only {n} positional inputs")
    return tuple(a % n for a in nums)


def _call(func, args, kwargs, nums, arrays, has_aux, name):
    """``func(*args, **kwargs)`` with Tensors of ``arrays`` (one pytree per position in ``nums``) in place
    of those arguments, autograd off; returns ``(output, aux)`` (aux None without ``has_aux``)."""
    args = list(args)
    for i, a in zip(nums, arrays):
        args[i] = _tensors(a, args[i])
    with grad_mode.no_grad():
        out = func(*args, **kwargs)
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{name}: output of function f should be a tuple: (output, aux) if has_aux is True")
    return out


def _arrays(tree, strict=True):
    """The arrays of a pytree of Tensors; other leaves are torch's ValueError (kept if not ``strict``)."""
    def leaf(x):
        if _is_tensor(x):
            return x._data
        if strict:
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
        return x
    return jax.tree_util.tree_map(leaf, tree, is_leaf=_is_tensor)


def _tensors(tree, template):
    """JAX's pytree of arrays ``tree`` as Tensors, dicts in ``template``'s key order (JAX sorts keys)."""
    return _ordered(tree, _order(template), lambda a: jax.tree_util.tree_map(_wrap, a))


def _spec(tree):
    """``tree``'s structure as torch prints it (``*`` a leaf)."""
    if isinstance(tree, dict):
        return "{" + ", ".join(f"{k!r}: {_spec(v)}" for k, v in tree.items()) + "}"
    if isinstance(tree, (tuple, list)):
        inner = ", ".join(_spec(v) for v in tree) + ("," if len(tree) == 1 and isinstance(tree, tuple) else "")
        return f"({inner})" if isinstance(tree, tuple) else f"[{inner}]"
    return "*"


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
