"""The unpicklers of torch.load: the ``weights_only`` one (an opcode interpreter that
builds only allowed objects) and the full one (any importable global, ``torch.*``
names resolved to ``torchlike.*``), plus the user allowlist (``add_safe_globals``).

The weights-only interpreter never imports a module and never calls anything but the
allowlisted rebuild functions and types, as torch's ``_weights_only_unpickler`` does; it
reads the opcodes of protocols 0-5 that ``torch.save`` and ``torchlike.save`` emit. Any
malformed stream raises ``pickle.UnpicklingError``.
"""
import _compat_pickle
import codecs
import collections
import contextlib
import io
import pickle
import struct

from .. import _device, _dtype
from .._size import Size
from .._tensor import _TYPE_NAMES, Tensor

__all__ = ["add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals"]

STORAGE_DTYPES = {name + "Storage": d for d, name in _TYPE_NAMES.items()}

_user_globals = {}  # "module.qualname" -> object


def _qualified(obj):
    if isinstance(obj, tuple):
        if len(obj) != 2 or not isinstance(obj[1], str):
            raise ValueError(f"Expected a (object, 'module.name') pair, got {obj!r}")
        return obj[1], obj[0]
    return f"{obj.__module__}.{obj.__qualname__}", obj


def add_safe_globals(safe_globals):
    """torch.serialization.add_safe_globals: allow these classes/functions (or
    ``(obj, "module.name")`` pairs) in ``weights_only`` loads."""
    _user_globals.update(_qualified(g) for g in safe_globals)


def get_safe_globals():
    """torch.serialization.get_safe_globals: the user-added ``weights_only`` allowlist."""
    return list(_user_globals.values())


def clear_safe_globals():
    """torch.serialization.clear_safe_globals: empty the user-added allowlist."""
    _user_globals.clear()


@contextlib.contextmanager
def safe_globals(safe_globals):
    """torch.serialization.safe_globals: a context manager allowing ``safe_globals`` in
    ``weights_only`` loads within it."""
    saved = dict(_user_globals)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _user_globals.clear()
        _user_globals.update(saved)


def _encode(text, encoding="latin1"):
    """``_codecs.encode`` as protocol-2 pickles use it for bytes: text codecs only."""
    if not isinstance(text, str) or codecs.lookup(encoding).name not in ("iso8859-1", "utf-8", "ascii"):
        raise pickle.UnpicklingError(f"_codecs.encode is allowed only on text with a text codec, got {encoding!r}")
    return codecs.encode(text, encoding)


class StorageType:
    """What ``torch.<Dtype>Storage`` unpickles to."""

    def __init__(self, dtype):
        self.dtype = dtype


def _resolve_name(module, name):
    """Python 2 names (protocol-2 pickles) to Python 3 ones, as pickle does."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[module, name]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def torch_global(module, name, rebuilders):
    """The torchlike object for one of torch's own safe globals, or None."""
    if module == "torch._utils" and name in rebuilders:
        return rebuilders[name]
    if module == "torch":
        if name in STORAGE_DTYPES:
            return StorageType(STORAGE_DTYPES[name])
        if isinstance(getattr(_dtype, name, None), _dtype.dtype):
            return getattr(_dtype, name)
        return {"device": _device.device, "Size": Size, "Tensor": Tensor}.get(name)
    if (module, name) == ("torch.nn.parameter", "Parameter"):
        from ..nn.parameter import Parameter
        return Parameter
    return None


_SAFE_BUILTINS = {("collections", "OrderedDict"): collections.OrderedDict,
                  ("collections", "Counter"): collections.Counter,
                  ("builtins", "set"): set, ("builtins", "complex"): complex, ("builtins", "bytearray"): bytearray,
                  ("_codecs", "encode"): _encode}


def _refused(module, name):
    full = f"{module}.{name}"
    return pickle.UnpicklingError(
        "Weights only load failed. Loading this file with `weights_only=False` would likely succeed, but it can run "
        "arbitrary code while unpickling (a malicious file can do anything your user can): do that only if you trust "
        f"the source of the file.\nWeightsUnpickler error: Unsupported global: GLOBAL {full} was not an allowed global "
        f"by default. If you trust this class/function, allowlist it with "
        f"`torch.serialization.add_safe_globals([{full}])` or the `torch.serialization.safe_globals([{full}])` "
        "context manager.")


class _Stop(Exception):
    def __init__(self, value):
        self.value = value


class WeightsUnpickler:
    """Interprets a pickle, admitting only allowlisted globals (see the module docstring)."""

    def __init__(self, file, rebuilders, persistent_load, encoding="utf-8"):
        self.read, self.readline = file.read, file.readline
        self.rebuilders, self.persistent_load, self.encoding = rebuilders, persistent_load, encoding
        self.memo, self.stack, self.marks = {}, [], []
        self.allowed_types = set()

    def load(self):
        ops = self._OPS
        read = self.read
        try:
            while True:
                key = read(1)
                if not key:
                    raise pickle.UnpicklingError("pickle data was truncated")
                op = ops.get(key[0])
                if op is None:
                    raise pickle.UnpicklingError(f"Unsupported operand {key[0]} in weights-only load")
                op(self)
        except _Stop as stop:
            return stop.value
        except (IndexError, KeyError, TypeError, ValueError, AttributeError, OverflowError, struct.error) as e:
            if isinstance(e, pickle.UnpicklingError):
                raise
            raise pickle.UnpicklingError(
                f"Weights only load failed: malformed pickle data ({type(e).__name__}: {e})") from e

    # ---- reading -----------------------------------------------------------------------
    def _bytes(self, n):
        data = self.read(n)
        if len(data) != n:
            raise pickle.UnpicklingError("pickle data was truncated")
        return data

    def _unpack(self, fmt):
        return struct.unpack(fmt, self._bytes(struct.calcsize(fmt)))[0]

    def _line(self):
        line = self.readline()
        if not line.endswith(b"\n"):
            raise pickle.UnpicklingError("pickle data was truncated")
        return line[:-1]

    def _text(self, data):
        return str(data, "utf-8", "surrogatepass")

    def _push(self, value):  # for values computed by popping a mark, which switches self.stack
        self.stack.append(value)

    def _pop_mark(self):
        items = self.stack
        self.stack = self.marks.pop()
        return items

    # ---- globals and calls -------------------------------------------------------------
    def find_class(self, module, name):
        module, name = _resolve_name(module, name)
        obj = torch_global(module, name, self.rebuilders)
        if obj is None:
            obj = _SAFE_BUILTINS.get((module, name))
        if obj is None:
            obj = _user_globals.get(f"{module}.{name}")
        if obj is None:
            raise _refused(module, name)
        if isinstance(obj, type):
            self.allowed_types.add(obj)
        return obj

    def _global(self):
        module, name = self._text(self._line()), self._text(self._line())
        self.stack.append(self.find_class(module, name))

    def _stack_global(self):
        name, module = self.stack.pop(), self.stack.pop()
        if not (isinstance(module, str) and isinstance(name, str)):
            raise pickle.UnpicklingError("STACK_GLOBAL requires str")
        self.stack.append(self.find_class(module, name))

    def _reduce(self):
        args = self.stack.pop()
        func = self.stack[-1]
        if not isinstance(args, tuple):
            raise pickle.UnpicklingError("REDUCE arguments must be a tuple")
        self.stack[-1] = func(*args)

    def _newobj(self):
        args = self.stack.pop()
        cls = self.stack.pop()
        if cls not in self.allowed_types or not isinstance(args, tuple):
            raise pickle.UnpicklingError(f"NEWOBJ can only create allowlisted classes, got {cls!r}")
        from ..nn.parameter import Parameter
        self.stack.append(cls(*args) if issubclass(cls, Parameter) else cls.__new__(cls, *args))

    def _build(self):
        state = self.stack.pop()
        inst = self.stack[-1]
        if type(inst) not in self.allowed_types or isinstance(inst, Tensor):
            raise pickle.UnpicklingError(f"Can only build OrderedDict or types allowlisted via `add_safe_globals`, "
                                         f"but got {type(inst)}")
        setstate = getattr(inst, "__setstate__", None)
        if setstate is not None:
            setstate(state)
            return
        slots = None
        if isinstance(state, tuple) and len(state) == 2:
            state, slots = state
        if state:
            inst.__dict__.update(state)
        for k, v in (slots or {}).items():
            setattr(inst, k, v)

    def _persid(self):
        pid = self.stack.pop()
        self.stack.append(self.persistent_load(pid))

    # ---- containers --------------------------------------------------------------------
    def _mark(self):
        self.marks.append(self.stack)
        self.stack = []

    def _setitems(self, items):
        target = self.stack[-1]
        if type(target) not in (dict, collections.OrderedDict, collections.Counter):
            raise pickle.UnpicklingError(f"Can only set items of dicts, but got {type(target)}")
        for i in range(0, len(items) - 1, 2):
            target[items[i]] = items[i + 1]

    def _append(self, items):
        target = self.stack[-1]
        if type(target) is not list:
            raise pickle.UnpicklingError(f"Can only append to lists, but got {type(target)}")
        target.extend(items)

    def _additems(self):
        items = self._pop_mark()
        target = self.stack[-1]
        if type(target) is not set:
            raise pickle.UnpicklingError(f"Can only add items to sets, but got {type(target)}")
        target.update(items)

    def _put(self, index):
        if index < 0:
            raise pickle.UnpicklingError("negative PUT argument")
        self.memo[index] = self.stack[-1]

    def _stop(self):
        raise _Stop(self.stack.pop())

    def _string(self, data):
        return data if self.encoding == "bytes" else data.decode(self.encoding, "strict")

    def _tuple(self, n):
        if len(self.stack) < n:
            raise pickle.UnpicklingError("unpickling stack underflow")
        self.stack[-n:] = [tuple(self.stack[-n:])]

    def _int(self):
        line = self._line()
        self.stack.append({b"00": False, b"01": True}[line] if line in (b"00", b"01") else int(line))

    def _frame(self):
        self._unpack("<Q")  # framing only groups opcodes; the reads below are unaffected

    P = pickle
    _OPS = {
        P.PROTO[0]: lambda s: s._bytes(1), P.FRAME[0]: _frame, P.STOP[0]: _stop, P.MARK[0]: _mark,
        P.POP[0]: lambda s: s.stack.pop(), P.POP_MARK[0]: _pop_mark, P.DUP[0]: lambda s: s.stack.append(s.stack[-1]),
        P.NONE[0]: lambda s: s.stack.append(None), P.NEWTRUE[0]: lambda s: s.stack.append(True),
        P.NEWFALSE[0]: lambda s: s.stack.append(False),
        P.BININT[0]: lambda s: s.stack.append(s._unpack("<i")), P.BININT1[0]: lambda s: s.stack.append(s._bytes(1)[0]),
        P.BININT2[0]: lambda s: s.stack.append(s._unpack("<H")),
        P.LONG1[0]: lambda s: s.stack.append(pickle.decode_long(s._bytes(s._bytes(1)[0]))),
        P.LONG4[0]: lambda s: s.stack.append(pickle.decode_long(s._bytes(s._unpack("<i")))),
        P.INT[0]: _int,
        P.LONG[0]: lambda s: s.stack.append(int(s._line().rstrip(b"L"))),
        P.BINFLOAT[0]: lambda s: s.stack.append(s._unpack(">d")),
        P.FLOAT[0]: lambda s: s.stack.append(float(s._line())),
        P.BINUNICODE[0]: lambda s: s.stack.append(s._text(s._bytes(s._unpack("<I")))),
        P.SHORT_BINUNICODE[0]: lambda s: s.stack.append(s._text(s._bytes(s._bytes(1)[0]))),
        P.BINUNICODE8[0]: lambda s: s.stack.append(s._text(s._bytes(s._unpack("<Q")))),
        P.SHORT_BINSTRING[0]: lambda s: s.stack.append(s._string(s._bytes(s._bytes(1)[0]))),
        P.BINSTRING[0]: lambda s: s.stack.append(s._string(s._bytes(s._unpack("<i")))),
        P.BINBYTES[0]: lambda s: s.stack.append(s._bytes(s._unpack("<I"))),
        P.SHORT_BINBYTES[0]: lambda s: s.stack.append(s._bytes(s._bytes(1)[0])),
        P.BINBYTES8[0]: lambda s: s.stack.append(s._bytes(s._unpack("<Q"))),
        P.BYTEARRAY8[0]: lambda s: s.stack.append(bytearray(s._bytes(s._unpack("<Q")))),
        P.EMPTY_TUPLE[0]: lambda s: s.stack.append(()), P.TUPLE[0]: lambda s: s._push(tuple(s._pop_mark())),
        P.TUPLE1[0]: lambda s: s._tuple(1), P.TUPLE2[0]: lambda s: s._tuple(2), P.TUPLE3[0]: lambda s: s._tuple(3),
        P.EMPTY_LIST[0]: lambda s: s.stack.append([]), P.LIST[0]: lambda s: s._push(s._pop_mark()),
        P.APPEND[0]: lambda s: s._append([s.stack.pop()]), P.APPENDS[0]: lambda s: s._append(s._pop_mark()),
        P.EMPTY_DICT[0]: lambda s: s.stack.append({}),
        P.DICT[0]: lambda s: s._push(dict(zip(*[iter(s._pop_mark())] * 2))),
        P.SETITEM[0]: lambda s: s._setitems([s.stack.pop(-2), s.stack.pop()]),
        P.SETITEMS[0]: lambda s: s._setitems(s._pop_mark()),
        P.EMPTY_SET[0]: lambda s: s.stack.append(set()), P.ADDITEMS[0]: _additems,
        P.GLOBAL[0]: _global, P.STACK_GLOBAL[0]: _stack_global, P.REDUCE[0]: _reduce, P.NEWOBJ[0]: _newobj,
        P.BUILD[0]: _build, P.BINPERSID[0]: _persid,
        P.BINGET[0]: lambda s: s.stack.append(s.memo[s._bytes(1)[0]]),
        P.LONG_BINGET[0]: lambda s: s.stack.append(s.memo[s._unpack("<I")]),
        P.BINPUT[0]: lambda s: s._put(s._bytes(1)[0]), P.LONG_BINPUT[0]: lambda s: s._put(s._unpack("<I")),
        P.MEMOIZE[0]: lambda s: s._put(len(s.memo)),
    }
    del P


def full_unpickler(file, pickle_module, rebuilders, persistent_load, load_args):
    """An unpickler of ``pickle_module`` that imports any global (``torch.*`` as ``torchlike.*``)."""

    class Unpickler(pickle_module.Unpickler):
        def find_class(self, module, name):
            module, name = _resolve_name(module, name)
            obj = torch_global(module, name, rebuilders)
            if obj is not None:
                return obj
            if module == "torch" or module.startswith("torch."):
                module = "torchlike" + module[5:]
            return super().find_class(module, name)

        def persistent_load(self, pid):
            return persistent_load(pid)

    return Unpickler(file, **load_args)


def read_pickle(data, weights_only, pickle_module, rebuilders, persistent_load, load_args):
    """Unpickle ``data`` (bytes) with the weights-only or the full unpickler."""
    file = io.BytesIO(data)
    if weights_only:
        return WeightsUnpickler(file, rebuilders, persistent_load, load_args.get("encoding", "utf-8")).load()
    return full_unpickler(file, pickle_module, rebuilders, persistent_load, load_args).load()
