"""Convolution functions of torch.nn.functional.

One N-d kernel serves conv1d/2d/3d and conv_transpose1d/2d/3d: the padding of a
non-zeros ``padding_mode`` (used by the Conv modules), the convolution and the bias add
run in one compiled function. unfold/fold (im2col/col2im) reuse the pooling window
gather; fold is unfold's adjoint.
"""
import math

import jax
import jax.numpy as jnp

from ..._dispatch import Kernel, apply
from ..._dtype import result_type_of
from .padding import pad_array
from .pooling import _ntuple, _windows

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "unfold",
           "fold", "conv_tbc"]


def _conv(n, stride, padding, dilation, groups, mode, transposed, dtype, x, w, *bias):
    x, w = x.astype(dtype), w.astype(dtype)
    if mode != "zeros":
        x, padding = pad_array(x, padding, mode), ((0, 0),) * n
    lhs_dilation = None
    if transposed:  # a stride-1 conv of the stride-dilated input with the flipped, transposed kernel
        k = w.shape[2:]
        w = w.reshape(groups, -1, *w.shape[1:]).swapaxes(1, 2).reshape(-1, w.shape[0] // groups, *k)
        w, lhs_dilation, stride = jnp.flip(w, tuple(range(2, n + 2))), stride, (1,) * n
    dims = "NC" + "DHW"[3 - n:]
    y = jax.lax.conv_general_dilated(x, w, stride, padding, lhs_dilation, dilation,
                                     (dims, "OI" + dims[2:], dims), groups, precision=jax.lax.Precision.HIGHEST)
    return y + bias[0].astype(dtype).reshape((-1,) + (1,) * n) if bias else y


_conv_k = Kernel(_conv, "ConvolutionBackward0")


def same_padding(kernel_size, dilation):
    """torch's padding='same': total ``dilation * (kernel - 1)``, the extra one on the right."""
    return tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel_size, dilation))


def convolution(n, input, weight, bias, stride, pads, dilation, groups, mode="zeros", transposed=False,
                output_padding=0):
    """The N-d convolution behind the functional forms and the Conv modules; ``pads`` holds
    (lo, hi) per spatial dim."""
    name = f"conv_transpose{n}d" if transposed else f"conv{n}d"
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {name}, but got input "
                           f"of size: {list(input.shape)}")
    if weight.ndim != n + 2:
        raise RuntimeError(f"weight should have at least {n + 2} dimensions")
    unbatched = input.ndim == n + 1
    if unbatched:
        input = input.unsqueeze(0)
    stride, dilation = _ntuple(stride, n), _ntuple(dilation, n)
    channels = weight.shape[0] if transposed else weight.shape[1] * groups
    if input.shape[1] != channels:
        raise RuntimeError(f"Given {'transposed=1' if transposed else f'groups={groups}'}, weight of size "
                           f"{list(weight.shape)}, expected input{list(input.shape)} to have {channels} channels, "
                           f"but got {input.shape[1]} channels instead")
    if transposed:
        k = weight.shape[2:]
        pads = tuple((d * (ki - 1) - lo, d * (ki - 1) - hi + op)
                     for ki, d, (lo, hi), op in zip(k, dilation, pads, _ntuple(output_padding, n)))
    args = (input, weight) if bias is None else (input, weight, bias)
    out = apply(_conv_k, args, (n, stride, pads, dilation, groups, mode, transposed, result_type_of(args).jax))
    return out.squeeze(0) if unbatched else out


def _padding(n, padding, stride, weight, dilation):
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if padding == "valid":
            return ((0, 0),) * n
        if any(s != 1 for s in _ntuple(stride, n)):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        return same_padding(weight.shape[2:], _ntuple(dilation, n))
    return tuple((p, p) for p in _ntuple(padding, n))


def _conv_nd(n, input, weight, bias, stride, padding, dilation, groups):
    pads = _padding(n, padding, stride, weight, dilation)
    return convolution(n, input, weight, bias, stride, pads, dilation, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """torch.nn.functional.conv1d (padding: int, tuple, 'valid' or 'same')."""
    return _conv_nd(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """torch.nn.functional.conv2d on NCHW input and OIHW weight (padding: int, pair, 'valid' or 'same')."""
    return _conv_nd(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """torch.nn.functional.conv3d."""
    return _conv_nd(3, input, weight, bias, stride, padding, dilation, groups)


def _conv_t(n, input, weight, bias, stride, padding, output_padding, groups, dilation):
    out_pad, strides, dils = _ntuple(output_padding, n), _ntuple(stride, n), _ntuple(dilation, n)
    if any(op >= s and op >= d for op, s, d in zip(out_pad, strides, dils)):
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got "
                           f"output_padding {out_pad}, stride {strides} and dilation {dils}")
    pads = tuple((p, p) for p in _ntuple(padding, n))
    return convolution(n, input, weight, bias, stride, pads, dilation, groups, transposed=True,
                       output_padding=output_padding)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """torch.nn.functional.conv_transpose1d (weight: in_channels, out_channels/groups, k)."""
    return _conv_t(1, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """torch.nn.functional.conv_transpose2d."""
    return _conv_t(2, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """torch.nn.functional.conv_transpose3d."""
    return _conv_t(3, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_tbc(input, weight, bias, pad=0):
    """torch.nn.functional.conv_tbc: a 1-d convolution of a (time, batch, channels) input with a
    (kernel, in, out) weight, giving (time', batch, out)."""
    return conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad).permute(2, 0, 1)


# ---- im2col / col2im -----------------------------------------------------------------------
def _im2col(spec, x):
    """(N, C, H, W) -> (N, C * kh * kw, L) blocks, zero padded."""
    w, _, valid, _ = _windows(x, spec)
    w = jnp.where(valid, w, 0)                                   # (N, C, oh, ow, K)
    return jnp.moveaxis(w.reshape(w.shape[:2] + (-1, w.shape[-1])), -1, 2).reshape(w.shape[0], -1,
                                                                                   math.prod(w.shape[2:-1]))


def _col2im(spec, shape, dtype, y):
    return jax.vjp(lambda x: _im2col(spec, x), jnp.zeros(shape, dtype))[1](y)[0]


_im2col_k, _col2im_k = Kernel(_im2col, "Im2ColBackward0"), Kernel(_col2im, "Col2ImBackward0")


def _block_spec(size, kernel_size, dilation, padding, stride):
    k, d, p, s = (_ntuple(v, 2) for v in (kernel_size, dilation, padding, stride))
    out = tuple((Li + 2 * pi - di * (ki - 1) - 1) // si + 1 for Li, ki, di, pi, si in zip(size, k, d, p, s))
    return tuple((Li, oi, ki, si, di, pi, False) for Li, oi, ki, si, di, pi in zip(size, out, k, s, d, p)), out


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """torch.nn.functional.unfold (im2col) of a 3-D or 4-D input."""
    if input.ndim < 3:  # torch fails indexing the channel dim
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.ndim, 1)}, "
                         f"{max(input.ndim, 1) - 1}], but got 2)")
    if input.ndim > 4:
        raise NotImplementedError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)")
    x = input if input.ndim == 4 else input.unsqueeze(0)
    spec, out = _block_spec(tuple(x.shape[2:]), kernel_size, dilation, padding, stride)
    if min(out) < 1:
        raise RuntimeError(f"Given input with spatial size ({', '.join(map(str, x.shape[2:]))}), "
                           f"kernel_size={_ntuple(kernel_size, 2)}, dilation={_ntuple(dilation, 2)}, "
                           f"padding={_ntuple(padding, 2)}, calculated shape of the array of sliding blocks as "
                           f"{out}, but its components must be at least one.")
    y = apply(_im2col_k, (x,), (spec,))
    return y if input.ndim == 4 else y.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """torch.nn.functional.fold (col2im): sums the blocks of a 2-D or 3-D input into an image."""
    if input.ndim not in (2, 3):
        raise NotImplementedError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
                                  f"(got {input.ndim}D)")
    y = input if input.ndim == 3 else input.unsqueeze(0)
    size = _ntuple(output_size, 2)
    spec, out = _block_spec(size, kernel_size, dilation, padding, stride)
    K = math.prod(_ntuple(kernel_size, 2))
    if y.shape[1] % K:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                           f"but got input.size(1)={y.shape[1]} and kernel_size={_ntuple(kernel_size, 2)}.")
    if y.shape[2] != math.prod(out):
        raise RuntimeError(f"Given output_size={size}, kernel_size={_ntuple(kernel_size, 2)}, "
                           f"dilation={_ntuple(dilation, 2)}, padding={_ntuple(padding, 2)}, "
                           f"stride={_ntuple(stride, 2)}, expected size of input's dimension 2 to match the "
                           f"calculated number of sliding blocks {out[0]} * {out[1]} = {math.prod(out)}, but got "
                           f"input.size(2)={y.shape[2]}.")
    shape = (y.shape[0], y.shape[1] // K) + size
    x = apply(_col2im_k, (y,), (spec, shape, y.dtype.jax))
    return x if input.ndim == 3 else x.squeeze(0)
