"""torch.testing: ``assert_close``, ``make_tensor`` and the deprecated ``assert_allclose``.

Parity: torch's default tolerances per dtype, its checks (shape, then optionally device, dtype, stride),
its messages ("Tensor-likes are not close!", mismatched-element count, greatest absolute/relative
difference with index, "Scalars are not close!" for 0-d tensors and Python numbers, "The failure occurred
for item [...]" inside sequences and mappings), ``msg`` as a string or a callable on the generated message.
Values are compared on the host with NumPy (``isclose``'s formula is torch's). ``make_tensor`` draws from
torchlike's generator with torch's default ranges, so its values differ from torch's for the same seed.
Deviation: no quantized or sparse tensors (torchlike has none); ``check_layout`` always passes.
"""
import collections.abc
import math
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor

__all__ = ["assert_close", "make_tensor", "assert_allclose"]

_PRECISIONS = {_dtype.float16: (0.001, 1e-5), _dtype.bfloat16: (0.016, 1e-5), _dtype.float32: (1.3e-6, 1e-5),
               _dtype.float64: (1e-7, 1e-7), _dtype.complex64: (1.3e-6, 1e-5), _dtype.complex128: (1e-7, 1e-7)}


class _Failure(Exception):
    """A comparison failure: the exception type to raise, its message, and the item path."""

    def __init__(self, kind, msg, id=()):
        super().__init__(msg)
        self.kind, self.msg, self.id = kind, msg, id

    def error(self, msg=None):
        text = msg(self.msg) if callable(msg) else msg if msg is not None else self.msg
        if self.id and msg is None:
            text += "\n\nThe failure occurred for item " + "".join(str([i]) for i in self.id)
        return self.kind(text)


def _tolerances(dtypes, rtol, atol):
    if (rtol is None) ^ (atol is None):
        raise _Failure(ValueError, "Both 'rtol' and 'atol' must be either specified or omitted, "
                                   f"but got no {'rtol' if rtol is None else 'atol'}.")
    if rtol is not None:
        return rtol, atol
    rtols, atols = zip(*[_PRECISIONS.get(d, (0.0, 0.0)) for d in dtypes])
    return max(rtols), max(atols)


def _mismatch_msg(identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    equality = rtol == 0 and atol == 0

    def line(kind, diff, idx, tol):
        text = (f"{kind.title()} difference: {diff}" if idx is None
                else f"Greatest {kind} difference: {diff} at index {idx}")
        return text + ("" if equality else f" (up to {tol} allowed)") + "\n"

    msg = f"{identifier} are not {'equal' if equality else 'close'}!\n\n{extra.strip()}\n"
    return (msg + line("absolute", abs_diff, abs_idx, atol) + line("relative", rel_diff, rel_idx, rtol)).strip()


def _scalar_msg(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg("Scalars", f"Expected {expected} but got {actual}.", abs_diff, None, atol, rel_diff, None,
                         rtol)


def _close(a, e, rtol, atol, equal_nan):
    with np.errstate(invalid="ignore", over="ignore"):
        return (a == e) | (np.isfinite(e) & (np.abs(a - e) <= atol + rtol * np.abs(e))) | (
            equal_nan & np.isnan(a) & np.isnan(e)) if a.dtype.kind in "fc" else (a == e) | (
            np.abs(a.astype(np.float64) - e) <= atol + rtol * np.abs(e.astype(np.float64)))


def _compare_values(a, e, rtol, atol, equal_nan):
    """Raise _Failure unless host arrays ``a`` and ``e`` (same shape and dtype) are close."""
    if a.dtype == np.bool_:
        a, e = a.astype(np.int64), e.astype(np.int64)
    matches = _close(a, e, rtol, atol, equal_nan)
    if matches.all():
        return
    if a.ndim == 0:
        raise _Failure(AssertionError, _scalar_msg(a.item(), e.item(), rtol, atol))
    total, bad = matches.size, int(matches.size - matches.sum())
    extra = f"Mismatched elements: {bad} / {total} ({bad / total:.1%})"
    if a.dtype.kind not in "fc":
        a, e = a.astype(np.int64), e.astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        abs_diff = np.abs(a - e).ravel()
        abs_diff[matches.ravel()] = 0
        real = abs_diff.dtype if a.dtype.kind in "fc" else np.float32  # torch: int / int is float32
        rel_diff = abs_diff.astype(real) / np.abs(e).ravel().astype(real)
    rel_diff[matches.ravel()] = 0
    ia, ir = _argmax(abs_diff), _argmax(rel_diff)
    unravel = lambda i: tuple(int(x) for x in np.unravel_index(i, matches.shape))  # noqa: E731
    raise _Failure(AssertionError, _mismatch_msg("Tensor-likes", extra, abs_diff[ia].item(), unravel(ia), atol,
                                                 rel_diff[ir].item(), unravel(ir), rtol))


def _argmax(x):
    """torch.max's index: the first NaN if there is one, else the first maximum."""
    nans = np.flatnonzero(np.isnan(x)) if x.dtype.kind in "fc" else ()
    return int(nans[0]) if len(nans) else int(np.argmax(x))


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_device, check_dtype, check_stride):
    def mismatch(name, a, e):
        raise _Failure(AssertionError, f"The values for attribute '{name}' do not match: {a} != {e}.")

    if actual.shape != expected.shape:
        mismatch("shape", actual.shape, expected.shape)
    if check_stride and actual.stride() != expected.stride():
        mismatch("stride()", actual.stride(), expected.stride())
    if check_device and actual.device != expected.device:
        mismatch("device", actual.device, expected.device)
    if check_dtype and actual.dtype != expected.dtype:
        mismatch("dtype", actual.dtype, expected.dtype)
    rtol, atol = _tolerances((actual.dtype, expected.dtype), rtol, atol)
    common = _dtype.promote_types(actual.dtype, expected.dtype)
    a, e = (t.detach().cpu().to(common).numpy() for t in (actual, expected))
    _compare_values(a, e, rtol, atol, equal_nan)


def _compare(actual, expected, id, options):
    try:
        if isinstance(actual, (Tensor, np.ndarray)) and type(actual) is type(expected) or (
                options["allow_subclasses"] and isinstance(actual, Tensor) and isinstance(expected, Tensor)):
            if isinstance(actual, np.ndarray):
                from ..ops.creation import from_numpy
                actual, expected = from_numpy(actual), from_numpy(expected)
            return _compare_tensors(actual, expected, **{k: options[k] for k in (
                "rtol", "atol", "equal_nan", "check_device", "check_dtype", "check_stride")})
        if isinstance(actual, (str, bytes)) or isinstance(expected, (str, bytes)):
            pass
        elif isinstance(actual, collections.abc.Sequence) and isinstance(expected, collections.abc.Sequence):
            if len(actual) != len(expected):
                raise _Failure(AssertionError,
                               f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
            for i, (a, e) in enumerate(zip(actual, expected)):
                _compare(a, e, (*id, i), options)
            return
        elif isinstance(actual, collections.abc.Mapping) and isinstance(expected, collections.abc.Mapping):
            ka, ke = set(actual), set(expected)
            if ka != ke:
                raise _Failure(AssertionError, "The keys of the mappings do not match:\n"
                                               f"Missing keys in the actual mapping: {sorted(ke - ka)}\n"
                                               f"Additional keys in the actual mapping: {sorted(ka - ke)}")
            try:
                keys = sorted(ka)
            except TypeError:
                keys = list(ka)
            for k in keys:
                _compare(actual[k], expected[k], (*id, k), options)
            return
        if isinstance(actual, (bool, np.bool_)) and isinstance(expected, (bool, np.bool_)):
            if bool(actual) != bool(expected):
                raise _Failure(AssertionError, f"Booleans mismatch: {actual} is not {expected}")
            return
        number = (int, float, complex)
        if isinstance(actual, number) and isinstance(expected, number):
            if options["check_dtype"] and type(actual) is not type(expected):
                raise _Failure(AssertionError, f"The values for attribute 'type' do not match: "
                                               f"{type(actual)} != {type(expected)}.")
            kinds = [_dtype.float64 if isinstance(x, float) else _dtype.complex128 if isinstance(x, complex)
                     else _dtype.int64 for x in (actual, expected)]
            rtol, atol = _tolerances(kinds, options["rtol"], options["atol"])
            if actual == expected or options["equal_nan"] and actual != actual and expected != expected:
                return
            if not (math.isfinite(abs(expected)) and abs(actual - expected) <= atol + rtol * abs(expected)):
                raise _Failure(AssertionError, _scalar_msg(actual, expected, rtol, atol))
            return
        raise _Failure(TypeError, f"No comparison pair was able to handle inputs of type {type(actual)} and "
                                  f"{type(expected)}.")
    except _Failure as failure:
        failure.id = failure.id or id
        raise


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """torch.testing.assert_close: raise AssertionError (torch's message) unless ``actual`` and ``expected``
    (tensors, NumPy arrays, Python numbers, or sequences/mappings of them) are close."""
    options = dict(allow_subclasses=allow_subclasses, rtol=rtol, atol=atol, equal_nan=equal_nan,
                   check_device=check_device, check_dtype=check_dtype, check_stride=check_stride)
    try:
        _compare(actual, expected, (), options)
    except _Failure as failure:
        raise failure.error(msg) from None


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated torch.testing.assert_allclose: assert_close without the dtype check, NaNs equal by default,
    non-tensor inputs made tensors; warns FutureWarning as torch does."""
    from ..ops.creation import as_tensor
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future "
                  "release. Please use `torch.testing.assert_close()` instead. You can find detailed upgrade "
                  "instructions in https://github.com/pytorch/pytorch/issues/61844.", FutureWarning, stacklevel=2)
    actual = actual if isinstance(actual, Tensor) else as_tensor(actual)
    expected = expected if isinstance(expected, Tensor) else as_tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = _tolerances((actual.dtype, expected.dtype), None, None)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True,
                 check_dtype=False, check_stride=False, msg=msg or None)


def make_tensor(*shape, dtype, device=None, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    """torch.testing.make_tensor: values uniform in ``[low, high)`` with torch's default ranges (bool [0, 2),
    unsigned [0, 10), signed [-9, 10), floating and complex [-9, 9)), torch's ValueErrors, ``exclude_zero``
    (zeros become 1 or finfo.tiny). ``noncontiguous``/``memory_format`` are accepted (tensors here are always
    contiguous)."""
    from .. import ops
    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise ValueError("The parameters `noncontiguous` and `memory_format` are mutually exclusive, but got "
                         f"noncontiguous={noncontiguous} and memory_format={memory_format}")
    integral = dtype == _dtype.bool or not (dtype.is_floating_point or dtype.is_complex)
    if requires_grad and integral:
        raise ValueError("`requires_grad=True` is not supported for boolean and integral dtypes, "
                         f"but got dtype={dtype}")
    if dtype == _dtype.bool:
        lo, hi, dl, dh = 0, 2, 0, 2
    elif integral:
        info = _dtype.iinfo(dtype)
        lo, hi, dl, dh = info.min, info.max + 1, (0 if info.min == 0 else -9), 10
    else:
        info = _dtype.finfo(dtype)
        lo, hi, dl, dh = info.min, info.max, -9, 9
    low, high = (dl if low is None else low), (dh if high is None else high)
    if math.isnan(low) or math.isnan(high):
        raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
    if low > high or low == high and integral:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    if high < lo or low >= hi:
        raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                         f"but {dtype} only supports [{lo}, {hi})")
    low, high = min(max(low, lo), hi), min(max(high, lo), hi)
    if integral:
        result = ops.randint(math.ceil(low), math.ceil(high), shape, dtype=dtype, device=device)
    else:
        real = _dtype.float32 if dtype == _dtype.complex64 else _dtype.float64 if dtype.is_complex else dtype
        parts = [ops.empty(shape, dtype=real, device=device).uniform_(low, high) for _ in range(1 + dtype.is_complex)]
        result = ops.complex(*parts) if dtype.is_complex else parts[0]
    if exclude_zero:
        tiny = 1 if integral else _dtype.finfo(dtype).tiny
        result = ops.where(result == 0, ops.full_like(result, complex(tiny, tiny) if dtype.is_complex else tiny),
                           result)
    return result.requires_grad_(requires_grad)
