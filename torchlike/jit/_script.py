"""jit.script's source conversion: a Python function's AST rewritten so that control flow
on tensors compiles (in the spirit of TensorFlow's AutoGraph).

- ``if t:`` becomes ``_jit_ops.if_stmt(t, true_fn, false_fn, ...)``: each branch is a
  function of the variables the branches assign, returning their new values; the runtime
  (``_convert``) runs ``lax.cond`` when ``t`` is traced, the Python branch otherwise.
  ``return`` inside an ``if`` is lowered first: the statements after the ``if`` move into
  the branches that do not return, and returns become assignments of one result variable.
- ``for i in range(...)`` becomes ``_jit_ops.for_range`` (``lax.fori_loop`` for a traced
  bound), ``while t:`` becomes ``_jit_ops.while_stmt`` (``lax.while_loop``); the variables
  the body assigns are the loop's carry.
- ``and``/``or``/``not`` and ``a if t else b`` evaluate tensors lazily as in Python, or
  as ``logical_and``/... and ``lax.cond`` on traced values; ``assert`` is skipped on them.
- Loops (and ``if`` statements inside loops) holding ``return``/``break``/``continue``
  stay Python and raise ``NotSupportedError`` when their condition or bound is traced.
- try blocks, generators, global/nonlocal declarations, nested classes and async code
  raise ``UnsupportedNodeError`` with the source line, as torch's frontend does.

Every local variable starts as ``Undefined(name)`` so branches and loop bodies can take
not-yet-assigned variables; using one raises NameError naming it.
"""
import ast
import copy
import inspect
import textwrap
import weakref

from . import _convert
from .frontend import UnsupportedNodeError, location

_UNSUPPORTED = {ast.Try: "try blocks", ast.Yield: "generators", ast.YieldFrom: "generators",
                ast.Global: "global variables", ast.Nonlocal: "nonlocal variables", ast.ClassDef: "class definitions",
                ast.AsyncFunctionDef: "async functions", ast.Await: "await expressions",
                ast.AsyncFor: "async for loops", ast.AsyncWith: "async with statements"}
if hasattr(ast, "TryStar"):
    _UNSUPPORTED[ast.TryStar] = "try blocks"
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp,
           ast.DictComp, ast.GeneratorExp)
_RETVAL = "_jit_retval"
_CACHE = weakref.WeakKeyDictionary()


def _walk(node):
    """Nodes under ``node`` in the same scope (nested functions/comprehensions not entered)."""
    for child in ast.iter_child_nodes(node):
        yield child
        if not isinstance(child, _SCOPES):
            yield from _walk(child)


def _walk_block(stmts):
    for s in stmts:
        yield s
        if not isinstance(s, _SCOPES):
            yield from _walk(s)


def _stores(stmts):
    """Names bound by ``stmts`` in their scope, and names mutated in place (``a[i] = v``,
    ``a.add_(v)``)."""
    bound, mutated = set(), set()
    for node in _walk_block(stmts):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name):
            mutated.add(node.value.id)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and isinstance(node.func.value, ast.Name) and node.func.attr.endswith("_")
              and not node.func.attr.startswith("__")):
            mutated.add(node.func.value.id)
    return bound, mutated


def _jumps(stmts, kinds=(ast.Return, ast.Break, ast.Continue)):
    """The first return/break/continue in ``stmts`` (same scope), or None."""
    return next((n for n in _walk_block(stmts) if isinstance(n, kinds)), None)


def _loop_jump(stmts):
    """A return/break/continue inside a loop within ``stmts``."""
    for node in _walk_block(stmts):
        if isinstance(node, (ast.For, ast.While)) and _jumps(node.body + node.orelse):
            return True
    return False


def _always_returns(stmts):
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    return isinstance(last, ast.If) and _always_returns(last.body) and _always_returns(last.orelse)


def _lower_returns(stmts):
    """Move what follows an ``if`` holding ``return`` into its non-returning branches, so
    that every path of a lowered ``if`` ends in ``return``."""
    for i, s in enumerate(stmts):
        if isinstance(s, ast.If) and _jumps([s], (ast.Return,)) and not _loop_jump([s]):
            rest = stmts[i + 1:]
            if not _always_returns(s.body):
                s.body = s.body + copy.deepcopy(rest)
            if not _always_returns(s.orelse):
                s.orelse = s.orelse + copy.deepcopy(rest)
            s.body, s.orelse = _lower_returns(s.body), _lower_returns(s.orelse)
            return stmts[:i] + [s]
    if not _always_returns(stmts):
        stmts = stmts + [ast.Return(value=None)]
    return stmts


def _returns_to_assign(stmts):
    out = []
    for s in stmts:
        if isinstance(s, ast.Return):
            value = s.value if s.value is not None else ast.Constant(value=None)
            out.append(ast.copy_location(ast.Assign(targets=[_name(_RETVAL, ast.Store())], value=value), s))
            return out
        if isinstance(s, ast.If):
            s.body, s.orelse = _returns_to_assign(s.body), _returns_to_assign(s.orelse)
        out.append(s)
    return out


def _name(n, ctx=None):
    return ast.Name(id=n, ctx=ctx or ast.Load())


def _ops(attr):
    return ast.Attribute(value=_name("_jit_ops"), attr=attr, ctx=ast.Load())


def _call(fn, *args):
    return ast.Call(func=fn, args=list(args), keywords=[])


def _tuple(names, ctx=None):
    return ast.Tuple(elts=[_name(n, ctx) for n in names], ctx=ctx or ast.Load())


def _strings(names):
    return ast.Tuple(elts=[ast.Constant(value=n) for n in names], ctx=ast.Load())


def _lambda(body):
    args = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
    return ast.Lambda(args=args, body=body)


def _def(name, params, body, returns):
    fn = ast.parse(f"def {name}({', '.join(params)}): pass").body[0]
    fn.body = (body or [ast.Pass()]) + [ast.Return(value=_tuple(returns) if returns is not None else None)]
    return fn


class _Converter(ast.NodeTransformer):
    def __init__(self, filename, self_name, local_names):
        self.filename, self.self_name, self.locals, self.count = filename, self_name, local_names, 0

    def where(self, node):
        return ast.Tuple(elts=[ast.Constant(value=self.filename), ast.Constant(value=node.lineno)], ctx=ast.Load())

    def fresh(self, kind):
        self.count += 1
        return f"_jit_{kind}_{self.count}"

    def assigned(self, *blocks):
        names = set()
        for block in blocks:
            bound, mutated = _stores(block)
            names |= bound | (mutated & self.locals)
        return names

    # ---- expressions ---------------------------------------------------------------------
    def visit_BoolOp(self, node):
        self.generic_visit(node)
        helper = "and_" if isinstance(node.op, ast.And) else "or_"
        result = node.values[-1]
        for value in reversed(node.values[:-1]):
            result = _call(_ops(helper), value, _lambda(result))
        return ast.copy_location(result, node)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.copy_location(_call(_ops("not_"), node.operand), node)
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        return ast.copy_location(_call(_ops("ifexp"), node.test, _lambda(node.body), _lambda(node.orelse),
                                       self.where(node)), node)

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "super" and not node.args and self.self_name:
            node.args = [_name("__class__"), _name(self.self_name)]
        return node

    def visit_FunctionDef(self, node):  # a nested function stays Python
        return node

    # ---- statements ----------------------------------------------------------------------
    def block(self, stmts, in_loop):
        out = []
        for s in stmts:
            out.extend(self.statement(s, in_loop))
        return out

    def statement(self, s, in_loop):
        if isinstance(s, ast.If):
            return self.convert_if(s, in_loop)
        if isinstance(s, ast.For):
            return self.convert_for(s)
        if isinstance(s, ast.While):
            return self.convert_while(s)
        if isinstance(s, ast.Assert):
            message = _lambda(self.visit(s.msg)) if s.msg is not None else ast.Constant(value=None)
            return [ast.copy_location(ast.Expr(_call(_ops("assert_"), self.visit(s.test), message, self.where(s))), s)]
        if isinstance(s, ast.With):
            s.items = [self.visit(i) for i in s.items]
            s.body = self.block(s.body, in_loop)
            return [s]
        return [self.visit(s)]

    def construct(self, s, helpers, call, names):
        """``helpers`` definitions, then ``names = call`` (or just ``call``)."""
        target = ast.Assign(targets=[_tuple(names, ast.Store())], value=call) if names else ast.Expr(call)
        out = helpers + [target]
        for node in out:
            ast.copy_location(node, s)
        return out

    def convert_if(self, s, in_loop):
        test = self.visit(s.test)
        jump = _jumps([s])
        if jump is not None and (in_loop or _loop_jump([s]) or _jumps([s], (ast.Break, ast.Continue))
                                 or not (_always_returns(s.body) and _always_returns(s.orelse))):
            why = type(jump).__name__.lower()
            s.test = _call(_ops("static_test"), test, self.where(s), ast.Constant(value=why))
            s.body, s.orelse = self.block(s.body, in_loop), self.block(s.orelse, in_loop)
            return [s]
        returns = jump is not None
        body, orelse = (_returns_to_assign(s.body), _returns_to_assign(s.orelse)) if returns else (s.body, s.orelse)
        in_true, in_false = self.assigned(body), self.assigned(orelse)
        names = sorted(in_true | in_false)
        t, f = self.fresh("if_true"), self.fresh("if_false")
        helpers = [_def(t, names, self.block(body, in_loop), names), _def(f, names, self.block(orelse, in_loop), names)]
        call = _call(_ops("if_stmt"), test, _name(t), _name(f), _strings(names), _tuple(names),
                     _strings(sorted(in_true & in_false)), self.where(s))
        out = self.construct(s, helpers, call, names)
        if returns:
            out.append(ast.copy_location(ast.Return(value=_name(_RETVAL)), s))
        return out

    def convert_for(self, s):
        it = s.iter
        is_range = (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range"
                    and not it.keywords and 1 <= len(it.args) <= 3 and isinstance(s.target, ast.Name))
        jump = _jumps(s.body)
        if not is_range or s.orelse or jump is not None:
            if is_range:
                why = type(jump).__name__.lower() if jump is not None else "else"
                s.iter = _call(_ops("static_range"), ast.Tuple(elts=[self.visit(a) for a in it.args], ctx=ast.Load()),
                               self.where(s), ast.Constant(value=why))
            else:
                s.iter = self.visit(it)
            s.body, s.orelse = self.block(s.body, True), self.block(s.orelse, True)
            return [s]
        names = sorted(self.assigned(s.body) - {s.target.id})
        s.body = [_IndexRewriter(s.target.id, self).visit(stmt) for stmt in s.body]
        body = self.fresh("for_body")
        helpers = [_def(body, [s.target.id] + names, self.block(s.body, True), names)]
        call = _call(_ops("for_range"), ast.Tuple(elts=[self.visit(a) for a in it.args], ctx=ast.Load()), _name(body),
                     _strings(names), _tuple(names), self.where(s))
        return self.construct(s, helpers, call, names)

    def convert_while(self, s):
        test = self.visit(s.test)
        jump = _jumps(s.body)
        if s.orelse or jump is not None:
            why = type(jump).__name__.lower() if jump is not None else "else"
            s.test = _call(_ops("static_test"), test, self.where(s), ast.Constant(value=why))
            s.body, s.orelse = self.block(s.body, True), self.block(s.orelse, True)
            return [s]
        names = sorted(self.assigned(s.body))
        cond, body = self.fresh("while_cond"), self.fresh("while_body")
        cond_fn = _def(cond, names, [], None)
        cond_fn.body = [ast.Return(value=test)]
        helpers = [cond_fn, _def(body, names, self.block(s.body, True), names)]
        call = _call(_ops("while_stmt"), _name(cond), _name(body), _strings(names), _tuple(names), self.where(s))
        return self.construct(s, helpers, call, names)


class _IndexRewriter(ast.NodeTransformer):
    """``x[... i ...]`` reads in a converted loop over ``i`` become ``_jit_ops.getitem``,
    which indexes with a traced loop index."""

    def __init__(self, target, converter):
        self.target, self.converter = target, converter

    def visit_Subscript(self, node):
        self.generic_visit(node)
        uses = any(isinstance(n, ast.Name) and n.id == self.target for n in ast.walk(node.slice))
        if not uses or not isinstance(node.ctx, ast.Load):
            return node
        return ast.copy_location(_call(_ops("getitem"), node.value, node.slice, self.converter.where(node)), node)


def _check_supported(fdef, filename):
    for node in _walk_block(fdef.body):
        kind = _UNSUPPORTED.get(type(node))
        if kind is not None:
            raise UnsupportedNodeError(f"{kind} aren't supported" + location((filename, node.lineno)))


def source_of(fn):
    """(dedented source, FunctionDef with file line numbers, filename)."""
    fn = inspect.unwrap(fn)
    source = textwrap.dedent(inspect.getsource(fn))
    tree = ast.parse(source)
    fdef = tree.body[0]
    if not isinstance(fdef, ast.FunctionDef):
        raise UnsupportedNodeError(f"jit.script compiles functions defined with def, not {type(fdef).__name__}"
                                   + location((fn.__code__.co_filename, fn.__code__.co_firstlineno)))
    ast.increment_lineno(tree, fn.__code__.co_firstlineno - 1)
    return source, fdef, inspect.getsourcefile(fn) or fn.__code__.co_filename


def convert(fn, owner_class=None):
    """``fn`` with its tensor-dependent control flow converted (cached per function)."""
    fn = inspect.unwrap(fn)
    if fn in _CACHE:
        return _CACHE[fn]
    _, fdef, filename = source_of(fn)
    _check_supported(fdef, filename)
    fdef.decorator_list = []
    params = [a.arg for a in fdef.args.posonlyargs + fdef.args.args + fdef.args.kwonlyargs]
    params += [a.arg for a in (fdef.args.vararg, fdef.args.kwarg) if a is not None]
    bound, _ = _stores(fdef.body)
    converter = _Converter(filename, params[0] if owner_class is not None and params else None, bound | set(params))
    body = _lower_returns(fdef.body)
    locals_ = sorted((_stores(body)[0] | ({_RETVAL} if _jumps(body, (ast.Return,)) else set())) - set(params))
    init = [ast.Assign(targets=[_name(n, ast.Store())], value=_call(_ops("Undefined"), ast.Constant(value=n)))
            for n in locals_]
    fdef.body = init + converter.block(body, False)
    free = [n for n in fn.__code__.co_freevars if n != "__class__"]
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    factory = _def("_jit_factory", ["_jit_ops", "__class__"] + free, [fdef], None)
    factory.body[-1] = ast.Return(value=_name(fdef.name))
    module = ast.fix_missing_locations(ast.Module(body=[factory], type_ignores=[]))
    for node in ast.walk(module):
        if "end_lineno" in node._attributes:
            node.end_lineno = node.end_col_offset = None
    namespace = {}
    exec(compile(module, filename, "exec"), fn.__globals__, namespace)
    values = [cells[n].cell_contents for n in free]
    converted = namespace["_jit_factory"](_convert, owner_class, *values)
    converted.__defaults__, converted.__kwdefaults__ = fn.__defaults__, fn.__kwdefaults__
    converted.__wrapped_source__ = fn
    _CACHE[fn] = converted
    return converted
