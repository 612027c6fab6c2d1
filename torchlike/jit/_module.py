"""ScriptModule and ScriptFunction: Modules and functions whose call runs one compiled program.

A scripted or traced module is a *mirror* of the original: it shares the original's
parameter and buffer tables (the same Parameter objects, so training either trains both,
as in torch), holds scripted/traced mirrors of the submodules, and prints with
``original_name=...``. Called eagerly it runs its ``Program``; called while an enclosing
program is being traced it runs its Python inline, so scripted and traced modules nest
both ways into one XLA program.
"""
import contextlib
import inspect
import textwrap

from ..autograd import grad_mode
from ..nn.modules.module import Module
from . import _script, _state
from ._program import Program, flatten, unflatten


class _Leaf:
    """Stands for one Tensor leaf when laying out an argument structure."""


def _arg_names(signature_of, in_tree, in_spec):
    """Names for the Tensor leaves of a call: parameter names (``x``, ``x_0``...), or
    torch's ``argument_<n>`` when unknown."""
    args, kwargs = unflatten(in_tree, in_spec, [_Leaf()] * sum(s is None for s in in_spec))
    try:
        params = [p for p in inspect.signature(signature_of).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = []
    for i, value in enumerate(list(args) + list(kwargs.values())):
        if i < len(args):
            name = params[i].name if i < len(params) else f"argument_{i + 1}"
        else:
            name = list(kwargs)[i - len(args)]
        leaves = [x for x in flatten(value)[0] if isinstance(x, _Leaf)]
        single = len(leaves) == 1 and isinstance(value, _Leaf)
        names.extend([name] if single else [f"{name}_{j}" for j in range(len(leaves))])
    return names


class _Compiled:
    """What ScriptModule and ScriptFunction share: calling, .graph, .code, save."""

    _example = None  # (args, kwargs) the program was traced with, if any

    def _call(self, args, kwargs):
        if _state.inline():
            return self._run_python(*args, **kwargs)
        return self._program(args, kwargs)

    def _ensure_ran(self):
        if self._program.last is None and self._example is not None:
            with grad_mode.no_grad():
                self._call(*self._example)

    def graph_for(self, *args, **kwargs):
        """The program's jaxpr for these inputs (runs it once)."""
        with grad_mode.no_grad():
            self._call(args, kwargs)
        return self.graph

    @property
    def graph(self):
        """The compiled program (a jaxpr) for the latest inputs; torch prints its TorchScript IR."""
        self._ensure_ran()
        return self._program.artifacts(self._names)[0]

    @property
    def inlined_graph(self):
        return self.graph

    def _traced_code(self):
        self._ensure_ran()
        return self._program.artifacts(self._names)[1]

    def _names(self, statics, avals):
        return _arg_names(self._signature(), statics[2], statics[3])

    def save(self, f, _extra_files=None):
        from ._serialize import save
        save(self, f, _extra_files)


class ScriptModule(_Compiled, Module):
    """torch.jit.ScriptModule: a Module whose ``forward`` runs a compiled program."""

    def forward(self, *args, **kwargs):
        return self._call(args, kwargs)

    @property
    def original_name(self):
        return self._original_name

    def extra_repr(self):
        return f"original_name={self._original_name}"

    def _run_python(self, *args, **kwargs):
        raise NotImplementedError

    @property
    def code(self):
        return self._traced_code()

    def _signature(self):
        return self._python_forward


class RecursiveScriptModule(ScriptModule):
    """torch.jit.RecursiveScriptModule: a scripted module (``jit.script(module)``) or one
    loaded by ``jit.load``."""

    def _get_name(self):
        return "RecursiveScriptModule"

    def _run_python(self, *args, **kwargs):
        with _state.mode("script"), _state.concretizer(_state.Refuser()):
            return self._python_forward(*args, **kwargs)

    @property
    def code(self):
        """The source of ``forward`` (torch shows its TorchScript rendering)."""
        return self._code


class TracedModule(ScriptModule):
    """torch.jit.TracedModule: a submodule of a traced module."""

    _values = None  # Tensor-to-Python conversions the trace recorded

    def _get_name(self):
        return self._original_name

    @contextlib.contextmanager
    def _flags(self):
        """The originals run with the mirrors' train/eval flags."""
        saved = [(orig, orig.training) for _, orig in self._pairs]
        for mirror, orig in self._pairs:
            orig.training = mirror.training
        try:
            yield
        finally:
            for orig, flag in saved:
                orig.training = flag

    def _record(self, args, kwargs, keep=True):
        """Run the original eagerly, remembering its tensor-to-Python conversions."""
        recorder = _state.Recorder()
        with _state.mode("record"), _state.concretizer(recorder), grad_mode.no_grad(), self._flags():
            out = self._original(*args, **kwargs)
        if keep:
            self.__dict__["_values"] = recorder.values
        return out

    def _call(self, args, kwargs):
        if self._values is None:
            example = self._example if self._example is not None else (args, kwargs)
            self._record(*example)
        return super()._call(args, kwargs)

    def _run_python(self, *args, **kwargs):
        with _state.mode("trace"), _state.concretizer(_state.Replayer(self._values)), self._flags():
            return self._original(*args, **kwargs)

    def _signature(self):
        return self._original.forward


class TopLevelTracedModule(TracedModule):
    """torch.jit.TopLevelTracedModule: what ``jit.trace(module, ...)`` returns."""


class ScriptFunction(_Compiled):
    """torch.jit.ScriptFunction: a scripted or traced function."""

    def __init__(self, fn, python, kind, code=None):
        self._fn, self._python, self._kind, self._code_text = fn, python, kind, code
        self._values = None
        self._program = Program(self._run_python, None, kind)
        self.__name__ = self.name = getattr(fn, "__name__", "fn")
        self.qualified_name = getattr(fn, "__qualname__", self.name)
        self.__doc__ = getattr(fn, "__doc__", None)

    def __call__(self, *args, **kwargs):
        return self._call(args, kwargs)

    def _run_python(self, *args, **kwargs):
        if self._kind == "script":
            with _state.mode("script"), _state.concretizer(_state.Refuser()):
                return self._python(*args, **kwargs)
        with _state.mode("trace"), _state.concretizer(_state.Replayer(self._values)):
            return self._python(*args, **kwargs)

    def _record(self, args, kwargs):
        recorder = _state.Recorder()
        with _state.mode("record"), _state.concretizer(recorder), grad_mode.no_grad():
            out = self._python(*args, **kwargs)
        self._values = recorder.values
        return out

    @property
    def code(self):
        return self._code_text if self._kind == "script" else self._traced_code()

    def _signature(self):
        return self._fn

    def __repr__(self):
        return f"<torchlike.jit.ScriptFunction object {self.qualified_name}>"


# ---- building mirrors -------------------------------------------------------------------
def _mirror(cls, original, children, original_name):
    """An instance of ``cls`` sharing ``original``'s parameter and buffer tables."""
    m = object.__new__(cls)
    d = m.__dict__
    d.update(original.__dict__)
    Module.__init__(m)  # fresh hook tables
    d["_parameters"], d["_buffers"] = original._parameters, original._buffers
    d["_non_persistent_buffers_set"] = original._non_persistent_buffers_set
    d["_modules"], d["training"] = children, original.training
    d["_original_name"] = original_name
    return m


def source_text(fn):
    try:
        return textwrap.dedent(inspect.getsource(inspect.unwrap(fn)))
    except (OSError, TypeError):
        return f"def {getattr(fn, '__name__', 'forward')}(...):  # source unavailable\n"


_MODIFIER = "_torchscript_modifier"
_SCRIPT_CLASSES = {}


def _unused_stub(fn):
    def unused(*args, **kwargs):
        raise RuntimeError(f"{fn.__qualname__} was marked @torch.jit.unused and cannot be called from compiled code")
    return unused


def _method(cls, name):
    """(function, defining class) of a user-defined method ``name`` of ``cls``, or None."""
    for klass in cls.__mro__:
        fn = klass.__dict__.get(name)
        if fn is not None:
            if inspect.isfunction(fn) and not _is_library(klass):
                return fn, klass
            return None
    return None


def _is_library(klass):
    return klass.__module__.split(".")[0] in ("torchlike", "builtins")


def _self_calls(fn):
    """Names ``n`` used as ``self.n`` in ``fn``'s source."""
    import ast
    _, fdef, _ = _script.source_of(fn)
    args = fdef.args.posonlyargs + fdef.args.args
    if not args:
        return set()
    me = args[0].arg
    return {n.attr for n in ast.walk(fdef)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == me}


def script_class(cls):
    """The mirror class of scripted ``cls`` instances: forward and the methods it reaches,
    converted (library modules keep their Python, which already compiles)."""
    if cls in _SCRIPT_CLASSES:
        return _SCRIPT_CLASSES[cls]
    namespace = {"_code": source_text(cls.forward)}
    if _is_library(cls) or _method(cls, "forward") is None:
        namespace["_python_forward"] = cls.forward
    else:
        todo = ["forward"] + [n for n in dir(cls) if getattr(getattr(cls, n, None), _MODIFIER, None) == "export"]
        done = set()
        while todo:
            name = todo.pop()
            found = _method(cls, name)
            if name in done or found is None:
                continue
            done.add(name)
            fn, owner = found
            modifier = getattr(fn, _MODIFIER, None)
            if modifier == "unused":
                compiled = _unused_stub(fn)
            elif modifier == "ignore":
                compiled = fn
            else:
                compiled = _script.convert(fn, owner)
                todo.extend(_self_calls(fn))
            namespace["_python_forward" if name == "forward" else name] = compiled
    mirror_cls = _SCRIPT_CLASSES[cls] = type("RecursiveScriptModule", (RecursiveScriptModule, cls), namespace)
    return mirror_cls


def script_module(module, memo):
    if isinstance(module, ScriptModule):
        return module
    if id(module) in memo:
        return memo[id(module)]
    children = {name: None if c is None else script_module(c, memo) for name, c in module._modules.items()}
    m = memo[id(module)] = _mirror(script_class(type(module)), module, children, type(module).__name__)
    m.__dict__["_program"] = Program(None, m, "script")
    return m


def traced_module(module, top=True, memo=None):
    """The TracedModule mirror tree of ``module``."""
    memo = {} if memo is None else memo
    if isinstance(module, ScriptModule):
        return module
    if id(module) in memo:
        return memo[id(module)]
    children = {name: None if c is None else traced_module(c, False, memo) for name, c in module._modules.items()}
    m = memo[id(module)] = _mirror(TopLevelTracedModule if top else TracedModule, module, children,
                                   type(module).__name__)
    m.__dict__["_original"] = module
    m.__dict__["_pairs"] = [(memo[id(o)], o) for o in module.modules() if isinstance(memo.get(id(o)), TracedModule)]
    m.__dict__["_program"] = Program(None, m, "trace")
    return m


def trace_submodule_inputs(root):
    """Record each traced submodule's first call's inputs (for its own .code/.graph)."""
    handles = []
    for mirror, orig in root._pairs:
        if mirror is root:
            continue

        def hook(module, args, kwargs, mirror=mirror):
            if mirror._example is None:
                mirror.__dict__["_example"] = (args, kwargs)
        handles.append(orig.register_forward_pre_hook(hook, with_kwargs=True))
    return handles

