"""jit.save / jit.load: a compiled module as one zip file that needs no Python source.

The archive holds ``program.bin`` (the ``jax.export`` serialization of the module's
program: StableHLO plus calling convention), ``state.pt`` (parameters and buffers in
``torchlike.save``'s format), ``meta.json`` (format and JAX versions, module tree,
argument and result structure, ``.code``/``.graph`` text, input specs) and
``extra/<name>`` for ``_extra_files``. The leading dimension of every input is exported
as a symbolic size (inputs of equal leading size share one symbol), so a model saved
after a batch of 1 serves a batch of 64; a program that cannot be exported that way is
saved with the shapes it ran with, and a warning.
"""
import io
import json
import warnings
import zipfile

import jax

from .. import random as _random
from .._tensor import Tensor
from ..nn.modules.module import Module
from ..nn.parameter import Parameter
from ._module import RecursiveScriptModule, ScriptFunction, ScriptModule, _Leaf
from ._program import flatten, unflatten

FORMAT = 1


def _encode(x):
    if isinstance(x, _Leaf):
        return {"tensor": None}
    if isinstance(x, tuple):
        return {"tuple": [_encode(v) for v in x]}
    if isinstance(x, list):
        return {"list": [_encode(v) for v in x]}
    if isinstance(x, dict):
        return {"dict": [[k, _encode(v)] for k, v in x.items()]}
    if x is None or isinstance(x, (bool, int, float, str)):
        return {"value": x}
    raise TypeError(f"torchlike.jit.save: cannot store a constant of type {type(x).__name__} in the call signature")


def _decode(j):
    kind, value = next(iter(j.items()))
    if kind == "tensor":
        return _Leaf()
    if kind == "tuple":
        return tuple(_decode(v) for v in value)
    if kind == "list":
        return [_decode(v) for v in value]
    if kind == "dict":
        return {k: _decode(v) for k, v in value}
    return value


def _layout(treedef, spec):
    return _encode(unflatten(treedef, spec, [_Leaf() for s in spec if s is None]))


def _tree(m):
    return {"original_name": getattr(m, "_original_name", type(m).__name__), "training": m.training,
            "children": [[name, _tree(c)] for name, c in m._modules.items() if c is not None]}


def _symbolic(avals):
    """Input specs whose leading dimensions are symbols, one per distinct size."""
    sizes = sorted({a.shape[0] for a in avals if a.ndim})
    if not sizes:
        return avals
    scope = jax.export.SymbolicScope()
    dims = dict(zip(sizes, jax.export.symbolic_shape(", ".join(f"b{i}" for i in range(len(sizes))), scope=scope)))
    return [jax.ShapeDtypeStruct((dims[a.shape[0]],) + tuple(a.shape[1:]), a.dtype) if a.ndim else a for a in avals]


def save(m, f, _extra_files=None):
    """torch.jit.save: write the scripted/traced ``m`` (as last run) to ``f`` (a path or
    binary file)."""
    if not isinstance(m, (ScriptModule, ScriptFunction)):
        raise AttributeError(f"'{type(m).__name__}' object has no attribute 'save'. torch.jit.save expects a "
                             "ScriptModule; use torch.jit.script or torch.jit.trace first")
    m._ensure_ran()
    program = m._program
    if isinstance(program, _LoadedProgram):
        raise NotImplementedError("torchlike.jit.save: re-saving a loaded module is not supported")
    fn, statics, avals = program.exportable()
    pnames, bnames, in_tree, in_spec, _ = statics
    n_state = len(pnames) + len(bnames) + 1
    try:
        exported = jax.export.export(jax.jit(fn))(*avals[:n_state], *_symbolic(avals[n_state:]))
    except Exception as e:  # any failure of the symbolic trace falls back to fixed shapes
        warnings.warn(f"torchlike.jit.save: the program could not be exported with a symbolic batch dimension "
                      f"({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); saving it for the input "
                      "shapes it ran with", stacklevel=2)
        exported = jax.export.export(jax.jit(fn))(*avals)
    out_tree, out_spec, mutated, key_changed = program.layouts[statics]
    owner = m if isinstance(m, Module) else None
    params = dict(owner.named_parameters()) if owner is not None else {}
    buffers = dict(owner.named_buffers()) if owner is not None else {}
    try:
        graph, code = m.graph, m.code
    except Exception:  # inspection text is optional in the archive
        graph, code = "", ""
    meta = {"format": FORMAT, "jax_version": jax.__version__, "calling_convention_version":
            exported.calling_convention_version, "platforms": list(exported.platforms),
            "kind": "module" if owner is not None else "function",
            "name": getattr(m, "_original_name", getattr(m, "name", "")),
            "tree": _tree(owner) if owner is not None else None, "parameters": list(pnames), "buffers": list(bnames),
            "inputs": _layout(in_tree, in_spec), "outputs": _layout(out_tree, out_spec), "mutated": list(mutated),
            "key_changed": key_changed, "input_specs": [str(a) for a in exported.in_avals], "code": code,
            "graph": graph}
    from .. import save as save_state
    state = io.BytesIO()
    save_state({"parameters": {n: params[n] for n in pnames}, "buffers": {n: buffers[n] for n in bnames}}, state)
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("meta.json", json.dumps(meta))
        z.writestr("program.bin", bytes(exported.serialize()))
        z.writestr("state.pt", state.getvalue())
        for name, content in (_extra_files or {}).items():
            z.writestr("extra/" + name, content if isinstance(content, (bytes, str)) else bytes(content))


def _layout_of(encoded):
    """(treedef, spec) of a saved structure, as ``flatten`` gives for a call."""
    _, treedef, spec = flatten(_decode(encoded))
    return treedef, tuple(None if isinstance(s, _Leaf) else s for s in spec)


class _LoadedProgram:
    """A deserialized program with the ``Program`` calling interface."""

    last = True

    def __init__(self, exported, meta, owner):
        self.exported, self.meta, self.owner = exported, meta, owner
        self.in_tree, self.in_spec = _layout_of(meta["inputs"])
        self.out_tree, self.out_spec = _layout_of(meta["outputs"])

    def __call__(self, args, kwargs):
        leaves, in_tree, in_spec = flatten((tuple(args), dict(kwargs)))
        if in_tree != self.in_tree or in_spec != self.in_spec:
            first_input = len(self.meta['parameters']) + len(self.meta['buffers']) + 1
            raise RuntimeError(f"{self.meta['name']}.forward expected arguments laid out as {self.in_tree} "
                               f"(Tensors of {self.meta['input_specs'][first_input:]}), got {in_tree}")
        params = dict(self.owner.named_parameters()) if self.owner is not None else {}
        buffers = dict(self.owner.named_buffers()) if self.owner is not None else {}
        state = [params[n] for n in self.meta["parameters"]] + [buffers[n] for n in self.meta["buffers"]]
        arrays = [t._data for t in state] + [_random.default_generator._key] + [x._data for x in leaves
                                                                               if isinstance(x, Tensor)]
        try:
            outs = self.exported.call(*arrays)
        except (TypeError, ValueError) as e:
            raise RuntimeError(f"{self.meta['name']}.forward: the inputs do not match the saved program "
                               f"(expects {self.meta['input_specs']}): {e}") from None
        n_out = sum(s is None for s in self.out_spec)
        for name, new in zip(self.meta["mutated"], outs[n_out:]):
            buffers[name]._data = new
        if self.meta["key_changed"]:
            _random.default_generator._key = outs[-1]
        return unflatten(self.out_tree, self.out_spec, [Tensor._from_array(o) for o in outs[:n_out]])

    def artifacts(self, names):
        return self.meta["graph"], self.meta["code"]


def _not_saved(*args, **kwargs):
    raise RuntimeError("torchlike.jit.load: only the top-level module's forward was saved; submodules of a loaded "
                       "module hold parameters and buffers but cannot be called")


class _Unsaved:
    last = True

    def __call__(self, args, kwargs):
        _not_saved()

    def artifacts(self, names):
        _not_saved()


def _build(tree):
    m = object.__new__(RecursiveScriptModule)
    Module.__init__(m)
    m.__dict__.update(_original_name=tree["original_name"], training=tree["training"], _program=_Unsaved(),
                      _python_forward=_not_saved, _code="")
    for name, child in tree["children"]:
        m._modules[name] = _build(child)
    return m


def load(f, map_location=None, _extra_files=None):
    """torch.jit.load: the module (RecursiveScriptModule) or function saved by ``save``,
    running the deserialized program; ``_extra_files``' keys are filled with the saved
    contents. Raises RuntimeError for a file this version cannot run."""
    try:
        z = zipfile.ZipFile(f)
    except zipfile.BadZipFile:
        raise RuntimeError("torchlike.jit.load: not a file written by torchlike.jit.save (not a zip archive)") from None
    with z:
        names = set(z.namelist())
        if not {"meta.json", "program.bin", "state.pt"} <= names:
            raise RuntimeError("torchlike.jit.load: not a file written by torchlike.jit.save (archive is missing "
                               f"{sorted({'meta.json', 'program.bin', 'state.pt'} - names)})")
        meta = json.loads(z.read("meta.json"))
        _check_versions(meta)
        try:
            exported = jax.export.deserialize(bytearray(z.read("program.bin")))
        except Exception as e:  # any deserialization failure means an incompatible file
            raise RuntimeError(f"torchlike.jit.load: the program (saved with JAX {meta['jax_version']}) cannot be "
                               f"deserialized by JAX {jax.__version__}: {e}") from None
        from .. import load as load_state
        state = load_state(io.BytesIO(z.read("state.pt")), map_location=map_location, weights_only=True)
        if _extra_files is not None:
            for name in list(_extra_files):
                if "extra/" + name in names:
                    _extra_files[name] = z.read("extra/" + name)
    if meta["kind"] == "function":
        fn = ScriptFunction(_not_saved, _not_saved, "script", meta["code"])
        fn._program = _LoadedProgram(exported, meta, None)
        fn.__name__ = fn.name = fn.qualified_name = meta["name"]
        return fn
    root = _build(meta["tree"])
    for kind, table in (("parameters", "_parameters"), ("buffers", "_buffers")):
        for name in meta[kind]:
            value = state[kind][name]
            prefix, _, key = name.rpartition(".")
            if kind == "parameters" and not isinstance(value, Parameter):
                value = Parameter(value, requires_grad=value.requires_grad)
            getattr(root.get_submodule(prefix), table)[key] = value
    program = _LoadedProgram(exported, meta, root)
    root.__dict__.update(_program=program, _code=meta["code"],
                         _python_forward=lambda *args, **kwargs: program(args, kwargs))
    return root


def _check_versions(meta):
    if meta.get("format") != FORMAT:
        raise RuntimeError(f"torchlike.jit.load: archive format {meta.get('format')} is not supported (this "
                           f"torchlike reads format {FORMAT})")
    version = meta.get("calling_convention_version")
    low = jax.export.minimum_supported_calling_convention_version
    high = jax.export.maximum_supported_calling_convention_version
    if not isinstance(version, int) or not low <= version <= high:
        raise RuntimeError(f"torchlike.jit.load: the program was saved with JAX {meta.get('jax_version')} "
                           f"(calling convention {version}); JAX {jax.__version__} runs calling conventions "
                           f"{low} to {high}. Re-save the model with a compatible JAX version")
