"""Padding functions of torch.nn.functional: ``pad`` in every mode, one kernel per call."""
import jax
import jax.numpy as jnp

from ..._dispatch import Kernel, apply

__all__ = ["pad"]

_JNP_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad_array(x, pads, mode, value=0):
    """Pad the trailing ``len(pads)`` dims of array ``x`` by ``pads`` ((lo, hi) per dim, first
    dim first) in torch's ``mode``; constant padding may be negative (cropping)."""
    pads = ((0, 0),) * (x.ndim - len(pads)) + tuple(pads)
    if mode == "constant":
        return jax.lax.pad(x, jnp.asarray(value, x.dtype), [(lo, hi, 0) for lo, hi in pads])
    return jnp.pad(x, pads, mode=_JNP_MODE[mode])


def _pad(pads, mode, x, *value):
    return pad_array(x, pads, mode, *value)


_KERNELS = {}


def _kernel(name):
    k = _KERNELS.get(name)
    if k is None:
        k = _KERNELS[name] = Kernel(_pad, name)
    return k


def pairs(pad):
    """torch's flat padding (last dim first) as (lo, hi) pairs, first padded dim first."""
    return tuple((pad[i], pad[i + 1]) for i in range(len(pad) - 2, -1, -2))


def pad(input, pad, mode="constant", value=None):
    """torch.nn.functional.pad: ``pad = (left, right, top, bottom, ...)`` from the last dim
    backwards; modes constant (negative pads crop), reflect, replicate, circular."""
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    pp = pairs(pad)
    if mode == "constant":
        for (lo, hi), size in zip(pp, input.shape[input.ndim - len(pp):]):
            if size + lo + hi < 0:
                raise RuntimeError(f"The input size {size}, plus negative padding {lo} and {hi} resulted in a "
                                   f"negative output size, which is invalid. Check dimension of your input.")
        return apply(_kernel("ConstantPadNdBackward0"), (input, 0 if value is None else value), (pp, mode))
    if mode not in _JNP_MODE:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    n = len(pp)
    if n not in (1, 2, 3) or input.ndim not in (n + 1, n + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\nSupported combinations for "
            "non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads last dimension)\n  - 3D or 4D input: "
            "padding size = 4 (pads last 2 dimensions)\n  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    for i, ((lo, hi), size) in enumerate(zip(pp, input.shape[-n:])):
        dim = input.ndim - n + i
        if mode == "reflect" and (lo >= size or hi >= size):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({lo}, {hi}) at dimension {dim} of input {list(input.shape)}")
        if mode == "circular" and (lo > size or hi > size):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "replicate" and size == 0:
            raise RuntimeError(f"Expected input to have non-zero size in dimension {dim}")
    name = {"reflect": f"ReflectionPad{n}DBackward0", "replicate": f"ReplicationPad{n}DBackward0",
            "circular": "CopySlices"}[mode]
    return apply(_kernel(name), (input,), (pp, mode))
