"""Convolution functions of torch.nn.functional."""
import jax

from ..._dispatch import Kernel, apply
from ..._dtype import result_type_of

__all__ = ["conv2d"]


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _conv2d(stride, padding, dilation, groups, dtype, x, w, *bias):
    dn = ("NCHW", "OIHW", "NCHW")
    y = jax.lax.conv_general_dilated(x.astype(dtype), w.astype(dtype), stride, padding, rhs_dilation=dilation,
                                     dimension_numbers=dn, feature_group_count=groups,
                                     precision=jax.lax.Precision.HIGHEST)
    return y + bias[0].astype(dtype)[:, None, None] if bias else y


_conv2d_k = Kernel(_conv2d, "ConvolutionBackward0")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """torch.nn.functional.conv2d on NCHW input and OIHW weight (padding: int, pair, 'valid' or 'same')."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
                           f"{list(input.shape)}")
    unbatched = input.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
        pads = "VALID" if padding == "valid" else "SAME"
    else:
        pads = tuple((p, p) for p in _pair(padding))
    if input.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(input.shape)} to have {weight.shape[1] * groups} channels, but got "
                           f"{input.shape[1]} channels instead")
    dt = result_type_of((input, weight))
    args = (input, weight) if bias is None else (input, weight, bias)
    out = apply(_conv2d_k, args, (_pair(stride), pads, _pair(dilation), groups, dt.jax))
    return out.squeeze(0) if unbatched else out
