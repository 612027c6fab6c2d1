"""An OpInfo-style sample database: every public op run under torch 2.13 and torchlike on the
inputs real code gives it, compared value for value.

PyTorch's own OpInfo database is the model (one entry per op, each with a function generating
sample inputs); this is our own, smaller design. An ``OpInfo`` names an op, the forms it is called
in (``torch.x``, ``Tensor.x``, the in-place ``Tensor.x_``, ``out=``, ``nn.functional.x``) and a
``samples(dtype)`` generator. ``check(op, dtypes)`` runs every sample in every form and dtype under
both libraries and compares

- values (NaN and ±inf positions included), dtype and shape of every output; strides for views;
- the exception type when torch raises (a dtype torch refuses, a bad dim, an empty reduction);
- first- and second-order gradients (float64 and complex128 samples), at the special values too.

Inputs are built from NumPy arrays in both libraries the same way (``T``), in one of several
layouts (contiguous, transposed, sliced with a step, expanded). ``SPECIAL`` holds the values that
real code hits: ±0, ±1, kinks, ±inf, nan, tiny and huge magnitudes, integer limits.

Mismatches listed in ``XFAIL`` (op, form, kind) are expected; they are counted and printed in the
summary with their reasons, never hidden. ``RESULTS`` feeds the per-namespace summary table that
``conftest.py`` prints after the run.
"""
import collections
import dataclasses
import itertools
import math
from typing import Callable

import numpy as np
import torch

import torchlike

DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128")
FAST_DTYPES = ("bool", "int64", "float32", "float64")  # the default run; the slow run takes every dtype
FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")
GRAD_DTYPES = ("float64", "complex128")  # gradients are compared in double precision only
TOLERANCE = {"float16": (1e-2, 1e-3), "bfloat16": (2e-2, 1e-2), "float32": (1.3e-5, 1e-5), "float64": (1e-7, 1e-7),
             "complex64": (1.3e-5, 1e-5), "complex128": (1e-7, 1e-7)}
LAYOUTS = ("contiguous", "transposed", "strided", "expanded")

INF, NAN = math.inf, math.nan
# values real code hits; ops add their kinks (``OpInfo.kinks``)
SPECIAL_FLOATS = (0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.5, 3.0, -3.0, 6.0, 1e-30, -1e-30, 1e30, -1e30, INF, -INF,
                  NAN, 0.1, 7.25)


def special_values(dtype, kinks=()):
    """A 1-D NumPy array of the special values representable in ``dtype`` (as float64 / int64 /
    complex128 / bool; ``T`` casts in each library)."""
    if dtype == "bool":
        return np.array([False, True, True, False])
    if dtype.startswith(("int", "uint")):
        info = np.iinfo(dtype)
        vals = [0, 1, 2, 3, 6, 7, -1, -3, -6, info.min, info.max, info.max - 1]
        vals += [int(k) for k in kinks if float(k).is_integer()]
        return np.array(sorted({v for v in vals if info.min <= v <= info.max}), dtype=np.int64)
    reals = np.array(SPECIAL_FLOATS + tuple(kinks) + tuple(np.nextafter(k, INF) for k in kinks if k)
                     + tuple(np.nextafter(k, -INF) for k in kinks if k), dtype=np.float64)
    if dtype.startswith("complex"):
        imag = np.roll(reals, 3)
        return reals + 1j * imag
    return reals


def grid(*dtypes, kinks=()):
    """Every pair of special values (the cartesian product), as two 1-D arrays: the samples of a
    binary op."""
    a, b = special_values(dtypes[0], kinks), special_values(dtypes[-1], kinks)
    x, y = np.meshgrid(a, b, indexing="ij")
    return x.reshape(-1), y.reshape(-1)


@dataclasses.dataclass
class T:
    """A tensor argument: NumPy ``values`` cast to ``dtype`` in each library, in ``layout``:
    "contiguous", "transposed" (the last two dims), "strided" (every other row of a larger
    tensor) or "expanded" (``values`` has size 1 in dim 0, expanded to 3). ``grad=False`` keeps it
    out of the gradient check (indices, masks)."""
    values: np.ndarray
    dtype: str
    layout: str = "contiguous"
    grad: bool = True

    def make(self, lib, requires_grad):
        """(leaf, argument): the leaf is what gradients are taken for; the argument is the leaf
        seen through ``layout``."""
        v = np.asarray(self.values)
        if self.layout == "transposed" and v.ndim >= 2:
            base = np.ascontiguousarray(np.swapaxes(v, -1, -2))
        elif self.layout == "strided" and v.ndim >= 1:
            base = np.repeat(v, 2, axis=0)
        else:
            base = v
        leaf = lib.tensor(base).to(getattr(lib, self.dtype))
        if requires_grad and self.grad and self.dtype in GRAD_DTYPES:
            leaf.requires_grad_(True)
        arg = leaf
        if self.layout == "transposed" and v.ndim >= 2:
            arg = leaf.transpose(-1, -2)
        elif self.layout == "strided" and v.ndim >= 1:
            arg = leaf[::2]
        elif self.layout == "expanded":
            arg = leaf.expand(3, *v.shape[1:])
        return leaf, arg

    def __repr__(self):
        shape = "x".join(map(str, np.shape(self.values))) or "0-d"
        return f"{self.dtype}[{shape}]" + ("" if self.layout == "contiguous" else f"<{self.layout}>")


@dataclasses.dataclass
class Sample:
    """One call: positional ``args`` (``T`` descriptors or plain Python values, lists of them
    allowed) and ``kwargs``."""
    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)
    grad: bool = True  # compare gradients for this sample (when its dtype is a GRAD_DTYPE)

    def __repr__(self):
        kw = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return "(" + ", ".join([repr(a) for a in self.args] + ([kw] if kw else [])) + ")"


@dataclasses.dataclass
class OpInfo:
    """One op: its name, the forms it is reachable in, and its samples.

    ``forms``: any of "torch" (``torch.name``), "method" (``Tensor.name`` on the first argument),
    "inplace" (``Tensor.name_`` on a copy of the first argument), "out" (``torch.name(..., out=)``),
    "F" (``torch.nn.functional.name``), "torch_inplace" (``torch.name_``). ``call``, when given,
    replaces the lookup: ``call(lib, *args, **kwargs)`` (its form is "torch").
    ``samples(dtype)`` yields ``Sample``s for one dtype; ``dtypes`` are those the op is tried in
    (torch's errors are compared for the ones it refuses)."""
    name: str
    samples: Callable
    forms: tuple = ("torch", "method")
    dtypes: tuple = DTYPES
    call: Callable = None
    grad: bool = True
    gradgrad: bool = True
    view: bool = False        # compare strides (view ops)
    tol: tuple = None         # (rtol, atol) at least, over the dtype default
    values: bool = True       # compare values (False for random ops: dtype/shape only)
    kinks: tuple = ()

    def fn(self, lib, form):
        if self.call is not None:
            return lambda *a, **k: self.call(lib, *a, **k)
        if form in ("torch", "out"):
            return getattr(lib, self.name)
        if form == "torch_inplace":
            return getattr(lib, self.name + "_")
        if form == "F":
            return getattr(lib.nn.functional, self.name)
        if form == "method":
            return lambda x, *a, **k: getattr(x, self.name)(*a, **k)
        if form == "inplace":
            return lambda x, *a, **k: getattr(x, self.name + "_")(*a, **k)
        raise ValueError(form)


def torch_forms(name):
    """The forms torch 2.13 offers ``name`` in (so a form torchlike lacks is a failure)."""
    forms = []
    fn = getattr(torch, name, None)
    if fn is not None:
        forms.append("torch")
        if "out=" in (fn.__doc__ or "") or "out (Tensor" in (fn.__doc__ or ""):
            forms.append("out")
    if hasattr(torch.Tensor, name):
        forms.append("method")
    if hasattr(torch.Tensor, name + "_"):
        forms.append("inplace")
    if hasattr(torch, name + "_") and not name.startswith("_"):
        forms.append("torch_inplace")
    if hasattr(torch.nn.functional, name):
        forms.append("F")
    return tuple(forms)


def call_in(path):
    """A ``call`` for an op of a torch submodule: ``call_in("special.expit")`` calls
    ``lib.special.expit``."""
    module, attr = path.rsplit(".", 1)

    def call(lib, *args, **kwargs):
        m = lib
        for part in module.split("."):
            m = getattr(m, part)
        return getattr(m, attr)(*args, **kwargs)
    return call


NAMESPACE = {"torch": "torch", "out": "torch", "torch_inplace": "torch", "method": "Tensor", "inplace": "Tensor",
             "F": "nn.functional"}


def form_names(op):
    """The public names an OpInfo covers, as (namespace, name)."""
    names = set()
    for form in op.forms:
        suffix = "_" if form in ("inplace", "torch_inplace") else ""
        names.add((NAMESPACE[form], op.name + suffix))
    return names


# ---- expected failures ----------------------------------------------------------------------------
# (op, form or "*", kind) -> reason, or (reason, text): then only mismatches whose message contains
# ``text`` (a sample such as "float32[441]" or "<strided>") are expected.
# kind: "value", "dtype", "shape", "stride", "error", "grad", "gradgrad".
XFAIL = {}


def expected(name, form, mismatch):
    """The XFAIL reason covering ``mismatch`` of op ``name`` in ``form``, or None. An entry is a
    reason, or (reason, filter): a substring of the message, or a predicate on it."""
    if mismatch.kind == "value" and complex_nonfinite(str(mismatch)):
        return COMPLEX_SPECIAL
    if mismatch.kind in ("grad", "gradgrad") and "[0x" in str(mismatch) and "nan" in str(mismatch):
        return EMPTY_BROADCAST
    for key in ((name, form, mismatch.kind), (name, "*", mismatch.kind)):
        entry = XFAIL.get(key)
        if entry is None:
            continue
        reason, text = (entry, None) if isinstance(entry, str) else entry
        if text is None or (text(str(mismatch)) if callable(text) else text in str(mismatch)):
            return reason
    return None


# A deviation of every complex op (README), so one rule rather than an entry per op.
COMPLEX_SPECIAL = ("complex values with an infinite or NaN part: torch follows C++'s std::complex (C99 Annex G) "
                   "special cases, and even differs between its own vectorised and scalar paths there; torchlike "
                   "follows XLA's complex arithmetic (README)")

EMPTY_BROADCAST = ("the gradient of an operand broadcast against an empty tensor, at an inf/NaN point: JAX reduces the "
                   "(empty) cotangent first and then multiplies (0 * inf = NaN); torch multiplies, then sums nothing "
                   "(0)")


def complex_nonfinite(message):
    """An XFAIL filter: a complex sample whose differing values are infinite or NaN."""
    return "complex" in message and ("inf" in message or "nan" in message)

# (namespace, op) -> counters, filled by check() and printed by conftest.py
RESULTS = collections.defaultdict(collections.Counter)
XFAIL_SEEN = collections.Counter()


class Mismatch(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


# ---- comparing ------------------------------------------------------------------------------------
def _flatten(out):
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flatten(o)]
    return [out]


def _numpy(t):
    t = t.detach()
    if isinstance(t, torch.Tensor) and t._is_zerotensor():
        t = torch.zeros(t.shape, dtype=t.dtype)
    if t.dtype in (torch.bfloat16, torchlike.bfloat16):
        t = t.float()
    if isinstance(t, torch.Tensor):
        t = t.resolve_conj().resolve_neg()
    return t.numpy()


def _same_value(e, a, tol, what):
    if isinstance(e, torch.Tensor):
        if not isinstance(a, torchlike.Tensor):
            raise Mismatch("value", f"{what}: torch gives a Tensor, torchlike {type(a).__name__}")
        if str(a.dtype) != str(e.dtype):
            raise Mismatch("dtype", f"{what}: dtype {a.dtype}, torch {e.dtype}")
        if tuple(a.shape) != tuple(e.shape):
            raise Mismatch("shape", f"{what}: shape {tuple(a.shape)}, torch {tuple(e.shape)}")
        if tol is not False:
            rtol, atol = TOLERANCE.get(str(e.dtype).split(".")[-1], (0, 0))
            if tol:  # an op's tolerance loosens the dtype's, never tightens it (float16 stays float16's)
                rtol, atol = max(rtol, tol[0]), max(atol, tol[1])
            ev, av = _numpy(e), _numpy(a)
            if np.iscomplexobj(ev):  # part by part: NumPy's isclose compares a complex inf as a whole
                ev, av = np.stack([ev.real, ev.imag], -1), np.stack([av.real, av.imag], -1)
            try:
                np.testing.assert_allclose(av, ev, rtol=rtol, atol=atol, equal_nan=True)
            except AssertionError as err:
                bad = ~np.isclose(av, ev, rtol=rtol, atol=atol, equal_nan=True)
                where = np.argwhere(bad)[:3].tolist() if bad.ndim else []
                raise Mismatch("value", f"{what}: values differ at {where}: torchlike {av[bad][:3]}, "
                                        f"torch {ev[bad][:3]}") from err
    elif isinstance(e, float) and isinstance(a, (float, int)):
        if not (a == e or (math.isnan(a) and math.isnan(e)) or math.isclose(a, e, rel_tol=1e-6, abs_tol=1e-12)):
            raise Mismatch("value", f"{what}: {a!r}, torch {e!r}")
    elif isinstance(e, (torch.Size, torchlike.Size)) or isinstance(e, (int, bool, str, type(None))):
        if (a != e) if not isinstance(e, bool) else (a is not e):
            raise Mismatch("value", f"{what}: {a!r}, torch {e!r}")
    elif isinstance(e, torch.dtype):
        if str(a) != str(e):
            raise Mismatch("value", f"{what}: {a!r}, torch {e!r}")


def _same_outputs(expected, actual, op, what, strides=False):
    e_flat, a_flat = _flatten(expected), _flatten(actual)
    if len(e_flat) != len(a_flat):
        raise Mismatch("shape", f"{what}: {len(a_flat)} outputs, torch {len(e_flat)}")
    for i, (e, a) in enumerate(zip(e_flat, a_flat)):
        _same_value(e, a, False if not op.values else op.tol, f"{what} output {i}")
        if strides and isinstance(e, torch.Tensor) and tuple(a.stride()) != tuple(e.stride()):
            raise Mismatch("stride", f"{what} output {i}: strides {tuple(a.stride())}, torch {tuple(e.stride())}")


def _build(lib, args, requires_grad):
    leaves = []

    def one(a):
        if isinstance(a, T):
            leaf, arg = a.make(lib, requires_grad)
            if leaf.requires_grad:
                leaves.append(leaf)
            return arg
        if isinstance(a, torch.dtype):
            return getattr(lib, str(a).split(".")[-1])
        if isinstance(a, list):
            return [one(x) for x in a]
        if isinstance(a, tuple):
            return tuple(one(x) for x in a)
        return a
    return [one(a) for a in args], leaves


def _call(op, lib, form, sample, requires_grad, out_like=None):
    """(result, leaves, args) or raises whatever the op raises."""
    args, leaves = _build(lib, sample.args, requires_grad)
    kwargs = {k: (_build(lib, [v], False)[0][0]) for k, v in sample.kwargs.items()}
    if form == "inplace":
        args[0] = args[0].clone()
    if form == "out":
        outs = tuple(lib.empty(0, dtype=getattr(lib, str(t.dtype).split(".")[-1])) for t in out_like)
        kwargs["out"] = outs[0] if len(outs) == 1 else outs
        result = op.fn(lib, form)(*args, **kwargs)
        return (result, outs), leaves, args
    return op.fn(lib, form)(*args, **kwargs), leaves, args


def _weights(outs, seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(0.5, 1.5, tuple(o.shape)) for o in outs]


def _loss(lib, outs, weights):
    total = 0
    for o, w in zip(outs, weights):
        w = lib.tensor(w, dtype=lib.float64 if o.dtype in (torch.complex128, torchlike.complex128) else o.dtype)
        total = total + ((o * w).real.sum() if o.is_complex() else (o * w).sum())
    return total


def _differentiable(result):
    return [o for o in _flatten(result) if isinstance(o, (torch.Tensor, torchlike.Tensor)) and o.requires_grad]


def _compare_grads(op, sample, form, t_res, l_res, t_leaves, l_leaves, what):
    t_outs, l_outs = _differentiable(t_res), _differentiable(l_res)
    if len(t_outs) != len(l_outs):
        raise Mismatch("grad", f"{what}: {len(l_outs)} outputs require grad, torch {len(t_outs)}")
    if not t_outs or not t_leaves:
        return
    w = _weights(t_outs, 1)
    t_loss, l_loss = _loss(torch, t_outs, w), _loss(torchlike, l_outs, w)
    t_err = l_err = None
    try:
        t_g = torch.autograd.grad(t_loss, t_leaves, create_graph=op.gradgrad, allow_unused=True)
    except Exception as e:  # noqa: BLE001 - torch's error type is what we compare
        t_err = e
    try:
        l_g = torchlike.autograd.grad(l_loss, l_leaves, create_graph=op.gradgrad, allow_unused=True)
    except Exception as e:  # noqa: BLE001
        l_err = e
    if isinstance(t_err, NotImplementedError) or "not implemented" in str(t_err):
        return  # torch has no derivative here; torchlike's, from JAX, is a superset
    if t_err or l_err:
        if type(t_err).__name__ != type(l_err).__name__:
            raise Mismatch("grad", f"{what}: backward raised {type(l_err).__name__}: {l_err}; torch "
                                   f"{type(t_err).__name__}: {t_err}")
        return
    _same_grads(t_g, l_g, l_leaves, op, f"{what} grad", "grad")
    if not op.gradgrad:
        return
    pairs = [(e, a) for e, a in zip(t_g, l_g) if e is not None and e.requires_grad]
    if not pairs:
        return
    w2 = _weights([e for e, _ in pairs], 2)
    try:
        t_g2 = torch.autograd.grad(_loss(torch, [e for e, _ in pairs], w2), t_leaves, allow_unused=True)
    except RuntimeError:
        return  # torch has no double backward here (torchlike's, from JAX, is a superset)
    try:
        l_g2 = torchlike.autograd.grad(_loss(torchlike, [a for _, a in pairs], w2), l_leaves, allow_unused=True)
    except Exception as err:  # noqa: BLE001
        raise Mismatch("gradgrad", f"{what}: double backward raised {type(err).__name__}: {err}") from None
    _same_grads(t_g2, l_g2, l_leaves, op, f"{what} grad-of-grad", "gradgrad")


def _same_grads(t_grads, l_grads, l_leaves, op, what, kind):
    """torch's gradients against torchlike's (None as zeros), as Mismatch of ``kind``."""
    for i, (e, a) in enumerate(zip(t_grads, l_grads)):
        if e is None:
            if a is not None and np.any(_numpy(a)):
                raise Mismatch(kind, f"{what} {i}: torch gives None, torchlike nonzero")
            continue
        try:
            _same_value(e, torchlike.zeros_like(l_leaves[i]) if a is None else a, op.tol, f"{what} {i}")
        except Mismatch as m:
            raise Mismatch(kind, str(m)) from None


def check_sample(op, form, sample, dtype):
    """Compare one sample in one form; raises Mismatch."""
    what = f"{form} {op.name}{sample!r}"
    want_grad = op.grad and sample.grad and dtype in GRAD_DTYPES and form != "out"
    t_err = l_err = out_like = None
    try:
        if form == "out":
            plain, _, _ = _call(op, torch, "torch", sample, False)
            out_like = [o for o in _flatten(plain) if isinstance(o, torch.Tensor)]
        t_res, t_leaves, t_args = _call(op, torch, form, sample, want_grad, out_like)
    except Exception as e:  # noqa: BLE001 - torch's error type is what we compare
        t_err = e
    try:
        if t_err is None or form != "out" or out_like is not None:
            l_res, l_leaves, l_args = _call(op, torchlike, form, sample, want_grad, out_like)
    except Exception as e:  # noqa: BLE001
        l_err = e
    if t_err is not None:
        if form == "out" and out_like is None:
            return  # the op itself raises: compared by the "torch" form
        if l_err is None:
            raise Mismatch("error", f"{what}: torch raised {type(t_err).__name__}: {t_err}; torchlike did not")
        if type(l_err).__name__ != type(t_err).__name__:
            raise Mismatch("error", f"{what}: torchlike raised {type(l_err).__name__}: {l_err}; torch "
                                    f"{type(t_err).__name__}: {t_err}")
        return
    if l_err is not None:
        raise Mismatch("error", f"{what}: torchlike raised {type(l_err).__name__}: {l_err}")
    if form == "out":
        (_, t_outs), (l_ret, l_outs) = t_res, l_res
        _same_outputs(t_outs, l_outs, op, what + " out")
        same = all(a is b for a, b in zip(_flatten(l_ret), _flatten(l_outs)))
        if not same:
            raise Mismatch("value", f"{what}: the result is not the out= tensor")
        return
    _same_outputs(t_res, l_res, op, what, strides=op.view)
    if form == "inplace":
        if l_res is not l_args[0]:
            raise Mismatch("value", f"{what}: the in-place op does not return its input")
    if want_grad:
        _compare_grads(op, sample, form, t_res, l_res, t_leaves, l_leaves, what)


def check(op, dtypes, max_samples=None):
    """Run the samples of ``op`` (every one, or the first ``max_samples`` per dtype) in every form
    and dtype; return the unexpected mismatches (messages) and count samples, mismatches and
    expected failures into RESULTS."""
    failures = []
    for dtype in dtypes:
        if dtype not in op.dtypes:
            continue
        for sample in itertools.islice(op.samples(dtype), max_samples):
            for form in op.forms:
                counter = RESULTS[NAMESPACE[form], op.name + ("_" if "inplace" in form else "")]
                counter["samples"] += 1
                try:
                    check_sample(op, form, sample, dtype)
                except Mismatch as m:
                    reason = expected(op.name, form, m)
                    if reason:
                        counter["xfail"] += 1
                        XFAIL_SEEN[op.name, form, m.kind, reason] += 1
                    else:
                        counter["mismatches"] += 1
                        failures.append(f"[{m.kind}] {m}")
    return failures


# ---- sample helpers for op families ----------------------------------------------------------------
def layouts_of(values, dtype, grad=True):
    """``values`` as a T in every layout that applies to its rank."""
    out = [T(values, dtype, "contiguous", grad)]
    if np.ndim(values) >= 1 and np.shape(values)[0] > 0:
        out.append(T(values, dtype, "strided", grad))
    if np.ndim(values) >= 2:
        out.append(T(values, dtype, "transposed", grad))
    return out


def shapes_of(dtype, rng_seed=0):
    """Small arrays of the usual shapes: 0-d, empty, size-1, a matrix, and a row that broadcasts."""
    rng = np.random.default_rng(rng_seed)
    vals = special_values(dtype)
    return [vals[3], np.zeros((0,), vals.dtype), vals[:1], rng.choice(vals, (3, 4)), rng.choice(vals, (1, 4))]


# ---- coverage and the summary table ------------------------------------------------------------------
def public_ops():
    """torchlike's public ops by namespace: callables of ``torchlike``, methods of ``Tensor`` and
    ``nn.functional``'s names (classes, modules, dtypes and dunders excluded)."""
    import inspect

    def callables(module):
        return {n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n))
                and not inspect.isclass(getattr(module, n)) and not inspect.ismodule(getattr(module, n))
                and not isinstance(getattr(module, n), torchlike.dtype)}
    found = {"torch": callables(torchlike), "Tensor": callables(torchlike.Tensor),
             "nn.functional": callables(torchlike.nn.functional)}
    return {ns: {n for n in names if is_op(ns, n)} for ns, names in found.items()}


# Public callables that are no tensor op (settings, RNG state, serialization, hooks, storage and
# device plumbing): left out of the coverage measure, as (namespace, regex, reason).
NOT_OPS = [
    ("torch", r"(set|get|is|clear|use|are)_.*(autocast|anomaly|deterministic|default|num_|warn|flush|float32_matmul|"
              r"printoptions|safe_globals|rng_state|grad_enabled|inference_mode_enabled|vulkan|device_module).*"
              r"|add_safe_globals|safe_globals|autocast_.*|init_num_threads|compiled_with_cxx11_abi",
     "global settings and queries of the runtime"),
    ("torch", r"manual_seed|seed|initial_seed|fork_rng", "random-number generator state"),
    ("torch", r"save|load|compile|vmap|cond|while_loop|fork|wait|install_as_torch|typename|is_storage"
              r"|from_dlpack|to_dlpack",
     "serialization, compilation, control flow and interop entry points (tested in their own files)"),
    ("Tensor", r"backward|register_hook|register_post_accumulate_grad_hook|retain_grad|requires_grad_|detach_?",
     "autograd plumbing (tests/test_autograd.py)"),
    ("Tensor", r"cpu|cuda|pin_memory|is_pinned|share_memory_|is_shared|data_ptr|untyped_storage|storage_offset|"
               r"element_size|get_device|numpy|tolist|item|as_subclass|new|dim|ndimension|nelement|numel|size|stride|"
               r"is_contiguous",
     "device, storage and metadata accessors (tests/test_device.py, test_api_coverage.py)"),
]


def is_op(namespace, name):
    import re
    return not any(ns == namespace and re.fullmatch(rx, name) for ns, rx, _ in NOT_OPS)


def summary_lines(ops):
    """The per-namespace table: ops covered by the database, samples run, mismatches, expected failures."""
    public = public_ops()
    covered = collections.defaultdict(set)
    for op in ops:
        for ns, name in form_names(op):
            covered[ns].add(name)
    lines = [f"{'namespace':<15}{'public ops':>11}{'covered':>9}{'%':>7}{'ran':>6}{'samples':>10}{'mismatches':>12}"
             f"{'xfail':>7}"]
    for ns in ("torch", "Tensor", "nn.functional"):
        ran = {name: c for (n, name), c in RESULTS.items() if n == ns}
        cov = len(covered[ns] & public[ns])
        lines.append(f"{ns:<15}{len(public[ns]):>11}{cov:>9}{100 * cov / max(len(public[ns]), 1):>7.1f}{len(ran):>6}"
                     f"{sum(c['samples'] for c in ran.values()):>10}{sum(c['mismatches'] for c in ran.values()):>12}"
                     f"{sum(c['xfail'] for c in ran.values()):>7}")
    for ns, rx, reason in NOT_OPS:
        lines.append(f"not ops, left out ({ns}): {reason}")
    if XFAIL_SEEN:
        lines.append(f"expected failures ({sum(XFAIL_SEEN.values())} samples, {len(XFAIL_SEEN)} entries):")
        for (name, form, kind, reason), n in sorted(XFAIL_SEEN.items()):
            lines.append(f"  {name} [{form}, {kind}] x{n}: {reason}")
    return lines
