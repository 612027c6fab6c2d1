"""torch.fft: discrete Fourier transforms on jax.numpy.fft.

Every transform is one compiled kernel per (kind, sizes, dims, norm, dtype); gradients are JAX's
VJPs. torch's rules: real float input gives complex of the same precision, integer and bool input
are first promoted to the default float, ``n``/``s`` zero-pad or trim the input along the
transformed dims (for the complex-to-real transforms they are the *output* sizes, the last dim
defaulting to 2 * (input size - 1)), ``norm`` is "backward" (default), "forward" or "ortho".
hfftn/ihfftn are irfftn/rfftn of the conjugate with the normalisation swapped.
"""
import jax.numpy as jnp
import numpy as np

from . import _dtype
from ._dispatch import Kernel, apply
from ._tensor import _TYPE_NAMES, Tensor, _wrap_dim  # noqa: F401  (torch.fft.Tensor is torch.Tensor)
from .ops._util import write_out
from .ops.creation import tensor as _tensor
from .ops.other import roll

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
           "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_SWAP = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _fft_fn(kind, s, axes, norm, dtype, x):
    x = x.astype(dtype)
    if kind == "fft":
        return jnp.fft.fftn(x, s, axes, norm)
    if kind == "ifft":
        return jnp.fft.ifftn(x, s, axes, norm)
    if kind == "rfft":
        return jnp.fft.rfftn(x, s, axes, norm)
    if kind == "irfft":
        return jnp.fft.irfftn(x, s, axes, norm)
    if kind == "hfft":
        return jnp.fft.irfftn(jnp.conj(x), s, axes, _SWAP[norm])
    return jnp.conj(jnp.fft.rfftn(x, s, axes, _SWAP[norm]))  # ihfft


_KERNELS = {name: Kernel(_fft_fn, name) for name in
            ("FftC2CBackward0", "FftR2CBackward0", "FftC2RBackward0", "ConjBackward0")}


def _input_dtype(kind, x, ndim_form):
    """The dtype the transform reads x as, with torch's errors."""
    dt = x.dtype
    if dt in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError(f"Unsupported dtype {_TYPE_NAMES[dt]}")
    real = dt.to_real() if dt.category >= 2 else _dtype.get_default_dtype()
    if kind not in ("rfft", "ihfft"):
        return real.to_complex()
    if dt.category == 3:
        if kind == "rfft":
            raise RuntimeError(f"rfftn expects a real-valued input tensor, but got {_TYPE_NAMES[dt]}"
                               if ndim_form else f"rfft expects a real input tensor, but got {_TYPE_NAMES[dt]}")
        raise RuntimeError(f"Only supports floating-point dtypes, but found: {_TYPE_NAMES[dt]}"
                           if ndim_form else f"ihfft expects a real input tensor, but got {_TYPE_NAMES[dt]}")
    return real


def _check_norm(norm):
    norm = "backward" if norm is None else norm
    if norm not in _SWAP:
        raise RuntimeError(f"Invalid normalization mode: \"{norm}\"")
    return norm


def _plan(x, s, dim, kind):
    """(sizes, dims): the transformed dims (wrapped, unique) and the size of each, torch's way."""
    if dim is None:
        dims = tuple(range(x.ndim - len(s) if s is not None else 0, x.ndim))
    else:
        dims = tuple(_wrap_dim(d, x.ndim) for d in ((dim,) if isinstance(dim, int) else dim))
    if s is not None and len(s) != len(dims):
        raise RuntimeError("When given, dim and shape arguments must have the same length")
    if len(set(dims)) != len(dims):
        raise RuntimeError("FFT dims must be unique")
    c2r = kind in ("irfft", "hfft")
    sizes = []
    for i, d in enumerate(dims):
        given = None if s is None or s[i] == -1 else int(s[i])
        default = 2 * (x.shape[d] - 1) if c2r and i == len(dims) - 1 else x.shape[d]
        n = default if given is None else given
        if n < 1:
            raise RuntimeError(f"Invalid number of data points ({n}) specified")
        sizes.append(n)
    return tuple(sizes), dims


def _transform(kind, input, s, dim, norm, out, ndim_form=True):
    norm = _check_norm(norm)
    dt = _input_dtype(kind, input, ndim_form)
    sizes, dims = _plan(input, s, dim, kind)
    if kind == "ihfft":
        name = "FftC2CBackward0" if ndim_form else "ConjBackward0"
    elif kind in ("irfft", "hfft"):
        name = "FftC2RBackward0"
    else:
        name = "FftR2CBackward0" if input.dtype.category < 3 and kind != "ifft" else "FftC2CBackward0"
    return write_out(out, apply(_KERNELS[name], (input,), (kind, sizes, dims, norm, dt.jax)))


_DOCS = {
    "fft": "the discrete Fourier transform", "ifft": "the inverse discrete Fourier transform",
    "rfft": "the Fourier transform of real input (the n // 2 + 1 non-negative frequencies)",
    "irfft": "the inverse of rfft (real output of size n, by default 2 * (input size - 1))",
    "hfft": "the Fourier transform of a Hermitian-symmetric signal given by its first half (real output)",
    "ihfft": "the inverse of hfft: the first half of the inverse transform of real input",
}


def _documented(transform, op, kind, where):
    transform.__name__ = transform.__qualname__ = op
    transform.__doc__ = f"torch.fft.{op}: {_DOCS[kind]}, {where}; sizes ``n``/``s`` and ``norm`` as torch."
    return transform


def _one_dim(op, kind):
    def transform(input, n=None, dim=-1, norm=None, *, out=None):
        if input.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return _transform(kind, input, None if n is None else (n,), (dim,), norm, out, ndim_form=False)
    return _documented(transform, op, kind, "along ``dim``")


def _two_dim(op, kind):
    def transform(input, s=None, dim=(-2, -1), norm=None, *, out=None):
        return _transform(kind, input, s, dim, norm, out)
    return _documented(transform, op, kind, "over ``dim`` (default the last two dims)")


def _n_dim(op, kind):
    def transform(input, s=None, dim=None, norm=None, *, out=None):
        return _transform(kind, input, s, dim, norm, out)
    return _documented(transform, op, kind, "over ``dim`` (default all dims, or the last len(s))")


fft, fft2, fftn = _one_dim("fft", "fft"), _two_dim("fft2", "fft"), _n_dim("fftn", "fft")
ifft, ifft2, ifftn = _one_dim("ifft", "ifft"), _two_dim("ifft2", "ifft"), _n_dim("ifftn", "ifft")
rfft, rfft2, rfftn = _one_dim("rfft", "rfft"), _two_dim("rfft2", "rfft"), _n_dim("rfftn", "rfft")
irfft, irfft2, irfftn = _one_dim("irfft", "irfft"), _two_dim("irfft2", "irfft"), _n_dim("irfftn", "irfft")
hfft, hfft2, hfftn = _one_dim("hfft", "hfft"), _two_dim("hfft2", "hfft"), _n_dim("hfftn", "hfft")
ihfft, ihfft2, ihfftn = _one_dim("ihfft", "ihfft"), _two_dim("ihfft2", "ihfft"), _n_dim("ihfftn", "ihfft")


def _frequencies(values, n, d, dtype, device, requires_grad):
    dt = dtype or _dtype.get_default_dtype()
    scale = np.asarray(1.0 / (n * d)).astype(dt.jax)
    return _tensor(values.astype(dt.jax) * scale, dtype=dt, device=device, requires_grad=requires_grad)


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """torch.fft.fftfreq: the sample frequencies [0, 1, ..., -(n // 2), ..., -1] / (d * n)."""
    k = np.arange(n)
    k[(n + 1) // 2:] -= n
    return write_out(out, _frequencies(k, n, d, dtype, device, requires_grad))


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """torch.fft.rfftfreq: the non-negative sample frequencies [0, 1, ..., n // 2] / (d * n)."""
    return write_out(out, _frequencies(np.arange(n // 2 + 1), n, d, dtype, device, requires_grad))


def _shift(input, dim, inverse):
    dims = tuple(range(input.ndim)) if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    dims = tuple(_wrap_dim(d, input.ndim) for d in dims)
    shifts = tuple((input.shape[d] + 1) // 2 if inverse else input.shape[d] // 2 for d in dims)
    return roll(input, shifts, dims)


def fftshift(input, dim=None):
    """torch.fft.fftshift: roll the zero frequency to the centre (by n // 2 along each of ``dim``)."""
    return _shift(input, dim, False)


def ifftshift(input, dim=None):
    """torch.fft.ifftshift: the inverse of fftshift (a roll by (n + 1) // 2)."""
    return _shift(input, dim, True)

