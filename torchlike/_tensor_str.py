"""Tensor printing with torch's layout rules, and ``set_printoptions``.

Formatting works on one NumPy copy of the tensor's data: a ``_Formatter`` picks a single
notation and width for all (shown) values, then ``_render`` lays out nested rows with
torch's indentation, ``...`` summarization and line wrapping.
"""
import contextlib
import dataclasses
import math

import numpy as np

from . import _dtype


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: object = None


PRINT_OPTS = _PrintOptions()
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """torch.set_printoptions: a profile first, then any explicit option; sci_mode is always set."""
    if profile in _PROFILES:
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = _PROFILES[profile]
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current options as a dict that ``set_printoptions(**d)`` accepts."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ---- value formatting ------------------------------------------------------------------
class _Formatter:
    """One notation (int / fixed / scientific) and one width for all values of a real array."""

    def __init__(self, values, floating):
        self.floating, self.int_mode, self.sci_mode, self.width = floating, True, False, 1
        if not floating:
            self.width = max([1] + [len(str(v)) for v in values.ravel().tolist()])
            return
        v = values.ravel()
        v = v[np.isfinite(v) & (v != 0)]
        if v.size:
            self._choose(v)

    def _choose(self, v):
        """Pick the notation and width from the nonzero finite values ``v`` (float64)."""
        p, lo, hi = PRINT_OPTS.precision, np.abs(v).min(), np.abs(v).max()
        self.int_mode = bool(np.all(v == np.ceil(v)))
        auto = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        self.sci_mode = bool(auto if PRINT_OPTS.sci_mode is None else PRINT_OPTS.sci_mode)
        if self.sci_mode:
            lengths = [len(f"{x:.{p}e}") for x in v.tolist()]
        elif self.int_mode:
            lengths = [len(f"{x:.0f}") + 1 for x in v.tolist()]
        else:
            lengths = [len(f"{x:.{p}f}") for x in v.tolist()]
        self.width = max([1] + lengths)

    def format(self, value):
        """``value`` (a Python scalar) right-aligned to the common width."""
        p = PRINT_OPTS.precision
        if not self.floating:
            s = str(value)
        elif self.sci_mode:
            s = f"{value:{self.width}.{p}e}"
        elif self.int_mode:
            s = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            s = f"{value:.{p}f}"
        return s.rjust(self.width)


class _ComplexFormatter:
    """Formats complex values as ``real+imagj`` with separate real and imaginary formatters."""

    def __init__(self, values):
        self.real, self.imag = _Formatter(values.real, True), _Formatter(values.imag, True)
        self.width = self.real.width + self.imag.width + 1

    def format(self, value):
        imag = (self.imag.format(value.imag) + "j").lstrip()
        return self.real.format(value.real) + ("" if imag[0] in "+-" else "+") + imag


def _make_formatter(shown):
    """The formatter for an array of shown values (float64/complex128/int/bool)."""
    if shown.dtype.kind == "c":
        return _ComplexFormatter(shown)
    return _Formatter(shown, shown.dtype.kind == "f")


# ---- layout ---------------------------------------------------------------------------
def _summarized(a, edge):
    """The values torch shows (and formats) when summarizing: edge items of every long axis."""
    if a.ndim == 0 or (a.ndim == 1 and edge == 0):
        return a
    if edge == 0:
        return a[(slice(0, 0),) * a.ndim]
    for axis, n in enumerate(a.shape):
        if n > 2 * edge:
            a = np.take(a, np.r_[0:edge, n - edge:n], axis=axis)
    return a


def _picks(n, cut):
    """Indices to print along an axis of length ``n``; None marks the ``...`` of a cut axis."""
    edge = PRINT_OPTS.edgeitems
    return list(range(edge)) + [None] + list(range(n - edge, n)) if cut else range(n)


def _vector(a, cut, indent, fmt):
    """One row: values wrapped so each line fits ``linewidth``."""
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (fmt.width + 2)))
    values = a.tolist()
    items = ["..."] if cut and not PRINT_OPTS.edgeitems else [
        " ..." if i is None else fmt.format(values[i]) for i in _picks(len(a), cut)]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _render(a, cuts, indent, fmt):
    """Nested rows of ``a`` with torch's separators: one blank line per extra dimension."""
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, cuts[0], indent, fmt)
    rows = ["..." if i is None else _render(a[i], cuts[1:], indent + 1, fmt) for i in _picks(len(a), cuts[0])]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _widen(a, dtype):
    """Floats as float64 and complex as complex128, like the Python scalars of torch's ``tolist()``."""
    wide = {2: np.float64, 3: np.complex128}.get(dtype.category)
    return a if wide is None else a.astype(wide)


def _body(t, indent):
    """The bracketed values of a non-empty tensor; only the shown values are widened and formatted."""
    a, edge = np.asarray(t._data), PRINT_OPTS.edgeitems
    summarize = a.size > PRINT_OPTS.threshold
    cuts = tuple(summarize and n > 2 * edge for n in a.shape)
    shown = _widen(_summarized(a, edge) if summarize else a, t.dtype)
    return _render(shown, cuts, indent, _make_formatter(shown))


# ---- repr -----------------------------------------------------------------------------
def _has_default_dtype(dtype):
    default = _dtype.get_default_dtype()
    complex_default = _dtype.complex128 if default is _dtype.float64 else _dtype.complex64
    return dtype in (default, complex_default, _dtype.int64, _dtype.bool)


def _is_parameter(cls):
    return cls.__name__ == "Parameter" and cls.__module__.startswith("torchlike")


def _contents_and_suffixes(t, indent):
    """The bracketed body and the size/dtype suffixes that describe it."""
    suffixes, dtype, shape = [], t.dtype, tuple(t.shape)
    if t.numel() == 0:
        if len(shape) != 1:
            suffixes.append(f"size={shape}")
        if dtype is not _dtype.get_default_dtype():
            suffixes.append(f"dtype={dtype}")
        return "[]", suffixes
    if not PRINT_OPTS.edgeitems:
        suffixes.append(f"size={shape}")
    if not _has_default_dtype(dtype):
        suffixes.append(f"dtype={dtype}")
    return _body(t, indent), suffixes


def _autograd_suffix(t):
    grad_fn = t.grad_fn
    if grad_fn is not None:
        return [f"grad_fn=<{grad_fn.name().rsplit('::', 1)[-1]}>"]
    return ["requires_grad=True"] if t.requires_grad else []


def _join_suffixes(text, suffixes, indent):
    """Append ``, suffix`` items, moving one to a new line when it would pass ``linewidth``."""
    parts, last_len = [text], len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_len += len(suffix) + 2
    return "".join(parts) + ")"


def tensor_repr(t, tensor_contents=None):
    """``repr(t)`` exactly as torch prints it."""
    from ._tensor import Tensor
    cls = type(t)
    plain = cls is Tensor or _is_parameter(cls)
    prefix = "tensor(" if plain else f"{cls.__name__}("
    indent = len(prefix)
    device = t.device
    suffixes = [f"device='{device}'"] if device.type != "cpu" else []
    body, described = _contents_and_suffixes(t, indent)
    if tensor_contents is not None:
        body = tensor_contents
    text = _join_suffixes(prefix + body, suffixes + described + _autograd_suffix(t), indent)
    if not plain and any(_is_parameter(c) for c in cls.__mro__):
        text = f"Parameter({text})"
    return text
