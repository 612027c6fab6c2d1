"""The torch namespace's global settings: threads, determinism, float32 matmul precision,
warnings, denormals, anomaly mode and autocast state, with torch's signatures, defaults and errors.

On JAX most of these are *recorded* and reported back, not acted on; each function says what
it changes. None of them changes JAX's global configuration for code outside torchlike.
"""
import builtins as _builtins
import os
import warnings

from . import _dtype

__all__ = [
    "set_num_threads", "get_num_threads", "set_num_interop_threads", "get_num_interop_threads", "init_num_threads",
    "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
    "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode", "get_deterministic_debug_mode",
    "set_float32_matmul_precision", "get_float32_matmul_precision", "set_warn_always", "is_warn_always_enabled",
    "set_flush_denormal", "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled",
    "is_autocast_enabled", "set_autocast_enabled", "get_autocast_dtype", "set_autocast_dtype",
    "is_autocast_cpu_enabled", "set_autocast_cpu_enabled", "get_autocast_cpu_dtype", "set_autocast_cpu_dtype",
    "get_autocast_gpu_dtype", "set_autocast_gpu_dtype", "is_autocast_ipu_enabled", "set_autocast_ipu_enabled",
    "get_autocast_ipu_dtype", "set_autocast_ipu_dtype", "is_autocast_xla_enabled", "set_autocast_xla_enabled",
    "get_autocast_xla_dtype", "set_autocast_xla_dtype", "is_autocast_cache_enabled", "set_autocast_cache_enabled",
    "clear_autocast_cache", "autocast_increment_nesting", "autocast_decrement_nesting", "autocast",
    "compiled_with_cxx11_abi", "is_vulkan_available",
]

_state = {"num_threads": os.cpu_count() or 1, "num_interop_threads": os.cpu_count() or 1,
          "deterministic": False, "warn_only": False, "matmul_precision": "highest", "warn_always": False,
          "anomaly": False, "anomaly_check_nan": True, "autocast_cache": True, "autocast_nesting": 0}


# ---- parallelism ---------------------------------------------------------------------------
def set_num_threads(int):
    """torch.set_num_threads: recorded for get_num_threads. XLA sizes its CPU thread pool when
    the backend starts, so this does not change how many threads JAX uses."""
    if not isinstance(int, _builtins.int) or int <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _state["num_threads"] = int


def get_num_threads():
    """torch.get_num_threads: the value last set, else the number of CPUs."""
    return _state["num_threads"]


def set_num_interop_threads(int):
    """torch.set_num_interop_threads: recorded for get_num_interop_threads (no effect on JAX)."""
    if not isinstance(int, _builtins.int) or int <= 0:
        raise RuntimeError("Expected positive number of threads")
    _state["num_interop_threads"] = int


def get_num_interop_threads():
    """torch.get_num_interop_threads: the value last set, else the number of CPUs."""
    return _state["num_interop_threads"]


def init_num_threads():
    """torch.init_num_threads: nothing to initialise (XLA manages its own threads)."""


# ---- determinism ---------------------------------------------------------------------------
def use_deterministic_algorithms(mode, *, warn_only=False):
    """torch.use_deterministic_algorithms: recorded. JAX's CPU kernels are deterministic, so no
    op here raises or warns for nondeterminism (torch's nondeterministic ops are GPU kernels)."""
    _state["deterministic"], _state["warn_only"] = bool(mode), bool(warn_only)


def are_deterministic_algorithms_enabled():
    """torch.are_deterministic_algorithms_enabled."""
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled():
    """torch.is_deterministic_algorithms_warn_only_enabled."""
    return _state["warn_only"]


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode):
    """torch.set_deterministic_debug_mode: 'default'/0, 'warn'/1 or 'error'/2, as
    use_deterministic_algorithms(mode != 0, warn_only=mode == 1)."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = _DEBUG_MODES[debug_mode]
    elif not isinstance(debug_mode, _builtins.int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    """torch.get_deterministic_debug_mode: 0, 1 or 2."""
    return 0 if not _state["deterministic"] else 1 if _state["warn_only"] else 2


# ---- precision, warnings, denormals ------------------------------------------------------------
def set_float32_matmul_precision(precision):
    """torch.set_float32_matmul_precision('highest' | 'high' | 'medium'): recorded and reported
    by get_float32_matmul_precision. torchlike's compiled kernels always run float32 matmuls
    and convolutions at full precision ('highest'); lower settings do not speed them up, and
    JAX's global default precision (used by your own jnp code) is left alone."""
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", stacklevel=2)
        return
    _state["matmul_precision"] = precision


def get_float32_matmul_precision():
    """torch.get_float32_matmul_precision: the value last set, 'highest' by default."""
    return _state["matmul_precision"]


def set_warn_always(b):
    """torch.set_warn_always: recorded (torchlike's warnings follow Python's warning filters)."""
    _state["warn_always"] = bool(b)


def is_warn_always_enabled():
    """torch.is_warn_always_enabled."""
    return _state["warn_always"]


def set_flush_denormal(mode):
    """torch.set_flush_denormal: returns False, torch's answer where the setting is unsupported;
    XLA decides denormal handling inside its compiled kernels."""
    return False


# ---- anomaly mode --------------------------------------------------------------------------
def set_anomaly_enabled(enabled, check_nan=True):
    """torch.set_anomaly_enabled: recorded; torchlike's autograd runs no anomaly checks yet."""
    _state["anomaly"], _state["anomaly_check_nan"] = bool(enabled), bool(check_nan)


def is_anomaly_enabled():
    """torch.is_anomaly_enabled."""
    return _state["anomaly"]


def is_anomaly_check_nan_enabled():
    """torch.is_anomaly_check_nan_enabled."""
    return _state["anomaly_check_nan"]


# ---- autocast state --------------------------------------------------------------------------
# torchlike has no autocast: it is reported disabled everywhere and enabling it is refused.
_AUTOCAST_DTYPES = {"cpu": _dtype.bfloat16, "cuda": _dtype.float16, "ipu": _dtype.float16, "xla": _dtype.bfloat16,
                    "mps": _dtype.float16, "xpu": _dtype.bfloat16, "hpu": _dtype.bfloat16}


def is_autocast_enabled(device_type="cuda"):
    """torch.is_autocast_enabled: always False (torchlike has no autocast)."""
    return False


def set_autocast_enabled(device_type, enabled=None):
    """torch.set_autocast_enabled: disabling is accepted; enabling raises NotImplementedError
    (torchlike has no autocast)."""
    enabled = device_type if enabled is None else enabled  # the deprecated one-argument form
    if enabled:
        raise NotImplementedError("torchlike has no autocast; cast the model and inputs explicitly (model.half(), "
                                  "x.to(torch.bfloat16))")


def get_autocast_dtype(device_type):
    """torch.get_autocast_dtype: the dtype autocast would use on ``device_type`` (torch's
    defaults, or the last set_autocast_dtype)."""
    if device_type not in _AUTOCAST_DTYPES:
        raise RuntimeError(f"unsupported autocast device_type '{device_type}'")
    return _AUTOCAST_DTYPES[device_type]


def set_autocast_dtype(device_type, dtype):
    """torch.set_autocast_dtype: recorded for get_autocast_dtype."""
    get_autocast_dtype(device_type)
    _AUTOCAST_DTYPES[device_type] = dtype


def _legacy(device_type):
    """The deprecated per-device forms (is_autocast_cpu_enabled, set_autocast_gpu_dtype ...)."""
    def is_enabled():
        return is_autocast_enabled(device_type)

    def set_enabled(enabled):
        set_autocast_enabled(device_type, enabled)

    def get_dtype():
        return get_autocast_dtype(device_type)

    def set_dtype(dtype):
        set_autocast_dtype(device_type, dtype)

    return is_enabled, set_enabled, get_dtype, set_dtype


(is_autocast_cpu_enabled, set_autocast_cpu_enabled, get_autocast_cpu_dtype, set_autocast_cpu_dtype) = _legacy("cpu")
_, _, get_autocast_gpu_dtype, set_autocast_gpu_dtype = _legacy("cuda")
(is_autocast_ipu_enabled, set_autocast_ipu_enabled, get_autocast_ipu_dtype, set_autocast_ipu_dtype) = _legacy("ipu")
(is_autocast_xla_enabled, set_autocast_xla_enabled, get_autocast_xla_dtype, set_autocast_xla_dtype) = _legacy("xla")


def is_autocast_cache_enabled():
    """torch.is_autocast_cache_enabled."""
    return _state["autocast_cache"]


def set_autocast_cache_enabled(enabled):
    """torch.set_autocast_cache_enabled: recorded."""
    _state["autocast_cache"] = bool(enabled)


def clear_autocast_cache():
    """torch.clear_autocast_cache: there is no cache to clear."""


def autocast_increment_nesting():
    """torch.autocast_increment_nesting: the new nesting depth."""
    _state["autocast_nesting"] += 1
    return _state["autocast_nesting"]


def autocast_decrement_nesting():
    """torch.autocast_decrement_nesting: the new nesting depth."""
    _state["autocast_nesting"] -= 1
    return _state["autocast_nesting"]


class autocast:
    """torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None), as a context
    manager or decorator. torchlike has no mixed-precision autocast: with ``enabled=True`` it
    warns once per use and the code inside runs in the tensors' own dtypes, as torch does when
    autocast is unavailable on a device ("Disabling autocast"); ``enabled=False`` is silent."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.device = device_type
        self.fast_dtype = dtype or get_autocast_dtype(device_type)
        self._enabled = enabled

    def __enter__(self):
        if self._enabled:
            warnings.warn("torchlike has no autocast: disabling autocast, the code runs in the tensors' own dtypes",
                          stacklevel=2)
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        return False

    def __call__(self, func):
        def decorated(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        decorated.__wrapped__ = func
        return decorated


# ---- build -------------------------------------------------------------------------------
def compiled_with_cxx11_abi():
    """torch.compiled_with_cxx11_abi: True, as for torch's own builds (torchlike has no C++ part)."""
    return True


def is_vulkan_available():
    """torch.is_vulkan_available: False."""
    return False
