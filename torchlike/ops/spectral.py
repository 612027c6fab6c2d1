"""torch docs' "Spectral Ops": stft, istft and the window functions.

The windows are computed on the host in float64 and rounded once to the requested dtype.
stft/istft are one compiled kernel each: frames are cut with a scanned dynamic slice and
overlap-added with one scatter, so the program's size does not grow with the signal's length.
"""
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from scipy import special as _special

from .. import _dtype
from .._dispatch import Kernel, apply
from .._tensor import _TYPE_NAMES, tensor_method
from .creation import tensor as _tensor
from .creation import zeros
from .indexing import cat
from .other import view_as_real

__all__ = ["stft", "istft", "hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


# ---- windows -----------------------------------------------------------------------------------
def _window(name, values, window_length, periodic, dtype, device, requires_grad):
    """A window tensor from ``values(n, N)`` (positions n of a symmetric window of length N)."""
    dtype = dtype or _dtype.get_default_dtype()
    if dtype.category != 2:
        raise RuntimeError(f"{name} expects floating point dtypes, got: {_TYPE_NAMES[dtype]}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window length, got window_length={window_length}")
    if window_length <= 1:
        w = np.ones(window_length)
    else:
        n = window_length + 1 if periodic else window_length
        w = values(np.arange(n, dtype=np.float64), n)[:window_length]
    return _tensor(w.astype(dtype.jax), dtype=dtype, device=device, requires_grad=requires_grad)


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   requires_grad=False, pin_memory=False):
    """torch.hamming_window: ``alpha - beta cos(2 pi n / (N - 1))``; periodic windows are the
    first N of N + 1 points."""
    return _window("hamming_window", lambda n, N: alpha - beta * np.cos(2 * np.pi * n / (N - 1)),
                   window_length, periodic, dtype, device, requires_grad)


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False,
                pin_memory=False):
    """torch.hann_window: ``0.5 - 0.5 cos(2 pi n / (N - 1))``."""
    return _window("hann_window", lambda n, N: 0.5 - 0.5 * np.cos(2 * np.pi * n / (N - 1)),
                   window_length, periodic, dtype, device, requires_grad)


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False,
                    pin_memory=False):
    """torch.blackman_window: ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``."""
    return _window("blackman_window", lambda n, N: 0.42 - 0.5 * np.cos(2 * np.pi * n / (N - 1))
                   + 0.08 * np.cos(4 * np.pi * n / (N - 1)), window_length, periodic, dtype, device, requires_grad)


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False,
                    pin_memory=False):
    """torch.bartlett_window: the triangle ``1 - |2n / (N - 1) - 1|``."""
    return _window("bartlett_window", lambda n, N: 1 - np.abs(2 * n / (N - 1) - 1),
                   window_length, periodic, dtype, device, requires_grad)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  requires_grad=False, pin_memory=False):
    """torch.kaiser_window: ``I0(beta sqrt(1 - ((n - (N-1)/2) / ((N-1)/2))^2)) / I0(beta)``."""
    def values(n, N):
        half = (N - 1) / 2
        return _special.i0(beta * np.sqrt(np.clip(1 - ((n - half) / half) ** 2, 0, None))) / _special.i0(beta)
    return _window("kaiser_window", values, window_length, periodic, dtype, device, requires_grad)


# ---- stft / istft ------------------------------------------------------------------------------
_PAD_MODES = {"reflect": "reflect", "constant": "constant", "replicate": "edge", "circular": "wrap"}


def _frame_starts(n_frames, hop):
    return jnp.arange(n_frames) * hop


def _stft(n_fft, hop, pad, pad_mode, normalized, onesided, x, window):
    if pad:
        x = jnp.pad(x, [(0, 0)] * (x.ndim - 1) + [(pad, pad)], mode=_PAD_MODES[pad_mode])
    n_frames = 1 + (x.shape[-1] - n_fft) // hop
    frames = jax.vmap(lambda s: jax.lax.dynamic_slice_in_dim(x, s, n_fft, -1), out_axes=-1)(
        _frame_starts(n_frames, hop))  # (..., n_fft, n_frames)
    frames = frames * window[:, None]
    spec = jnp.fft.rfft(frames, axis=-2) if onesided else jnp.fft.fft(frames, axis=-2)
    return spec * (n_fft ** -0.5) if normalized else spec


_stft_k = Kernel(_stft, "FftR2CBackward0")


def _padded_window(window, n_fft, win_length, dtype):
    """The analysis window (default: ones) zero-padded on both sides to ``n_fft``, centred."""
    if window is None:
        return _tensor(np.pad(np.ones(win_length), ((n_fft - win_length) // 2, (n_fft - win_length + 1) // 2)),
                       dtype=dtype)
    if window.ndim != 1 or window.shape[0] != win_length:
        raise RuntimeError(f"stft: expected a 1D window tensor of size equal to win_length={win_length}, but got "
                           f"window with size {list(window.shape)}")
    left = (n_fft - win_length) // 2
    if win_length == n_fft:
        return window
    return cat([zeros(left, dtype=window.dtype), window, zeros(n_fft - win_length - left, dtype=window.dtype)])


def _check_sizes(name, n_fft, hop, win_length):
    if n_fft <= 0:
        raise RuntimeError(f"{name}: expected 0 < n_fft, but got n_fft={n_fft}")
    if hop <= 0:
        raise RuntimeError(f"{name}: expected hop_length > 0, but got hop_length={hop}")
    if not 0 < win_length <= n_fft:
        raise RuntimeError(f"{name}: expected 0 < win_length <= n_fft, but got win_length={win_length}")


@tensor_method()
def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """torch.stft: the short-time Fourier transform of a 1-D (L) or 2-D (B, L) signal,
    (B?, n_freq, n_frames) complex (or its real view with ``return_complex=False``)."""
    if return_complex is None and not (input.is_complex() or (window is not None and window.is_complex())):
        raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will further "
                           "require that return_complex=True in a future PyTorch release.")
    if input.ndim not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input.ndim}D tensor")
    hop = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    _check_sizes("stft", n_fft, hop, win_length)
    pad = n_fft // 2 if center else 0
    if input.shape[-1] + 2 * pad < n_fft:
        raise RuntimeError(f"stft: expected 0 < n_fft < {input.shape[-1] + 2 * pad}, but got n_fft={n_fft}")
    dt = input.dtype if input.dtype.category >= 2 else _dtype.get_default_dtype()
    if window is None:
        warnings.warn("A window was not provided. A rectangular window will be applied,which is known to cause "
                      "spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
                      "recommended to reduce spectral leakage.To suppress this warning and use a rectangular window, "
                      "explicitly set `window=torch.ones(n_fft, device=<device>)`.", stacklevel=2)
    w = _padded_window(window, n_fft, win_length, dt.to_real())
    complex_input = input.is_complex() or w.is_complex()
    onesided = (not complex_input) if onesided is None else onesided
    if onesided and complex_input:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    out = apply(_stft_k, (input.to(dt), w), (n_fft, hop, pad, pad_mode, bool(normalized), bool(onesided)))
    if not return_complex and not complex_input:
        warnings.warn("stft with return_complex=False is deprecated. In a future pytorch release, stft will return "
                      "complex tensors for all inputs, and return_complex=False will raise an error.\nNote: you can "
                      "still call torch.view_as_real on the complex output to recover the old return format.",
                      stacklevel=2)
        return view_as_real(out)
    return out


def _istft(n_fft, hop, onesided, normalized, start, end, length, spec, window):
    frames = jnp.fft.irfft(spec, n=n_fft, axis=-2) if onesided else jnp.fft.ifft(spec, n=n_fft, axis=-2)
    if normalized:
        frames = frames * n_fft ** 0.5
    frames = frames * window[:, None]
    n_frames = spec.shape[-1]
    total = n_fft + hop * (n_frames - 1)
    index = (_frame_starts(n_frames, hop)[None, :] + jnp.arange(n_fft)[:, None]).reshape(-1)
    y = jnp.zeros(frames.shape[:-2] + (total,), frames.dtype).at[..., index].add(
        frames.reshape(frames.shape[:-2] + (-1,)))
    envelope = jnp.zeros(total, window.dtype).at[index].add(jnp.broadcast_to(
        (window * window.conj())[:, None], (n_fft, n_frames)).reshape(-1).real)
    y, envelope = y[..., start:end], envelope[start:end]
    y = y / jnp.where(jnp.abs(envelope) > 1e-11, envelope, 1)
    if length is not None and y.shape[-1] < length:
        y = jnp.pad(y, [(0, 0)] * (y.ndim - 1) + [(0, length - y.shape[-1])])
    return y, jnp.abs(envelope).min(initial=jnp.inf)


_istft_k = Kernel(_istft, "FftC2RBackward0")


@tensor_method()
def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    """torch.istft: the inverse of :func:`stft` by windowed overlap-add, normalised by the summed
    squared window (which must not vanish anywhere, as torch checks)."""
    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"istft: expected a tensor with 2 or 3 dimensions of complex, but got {input.ndim}")
    hop = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    _check_sizes("istft", n_fft, hop, win_length)
    onesided = (input.shape[-2] != n_fft) if onesided is None else onesided
    if onesided and input.shape[-2] != n_fft // 2 + 1:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the input tensor to match "
                           f"n_fft / 2 + 1 when onesided=True, but got {input.shape[-2]}")
    if onesided and return_complex:
        raise RuntimeError("cannot have onesided output if window or input is complex")
    real = input.dtype.to_real()
    w = _padded_window(window, n_fft, win_length, real)
    n_frames = input.shape[-1]
    total = n_fft + hop * (n_frames - 1)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else total - n_fft // 2 if center else total
    y, smallest = apply(_istft_k, (input, w), (n_fft, hop, bool(onesided), bool(normalized), start, min(end, total),
                                               length))
    if float(smallest) < 1e-11:
        raise RuntimeError(f"istft(...): window overlap add min: {float(smallest):g}")
    return y if return_complex or not y.is_complex() else y.real
