"""Linear functions of torch.nn.functional: linear and bilinear, each one kernel."""
import jax
import jax.numpy as jnp

from ..._dispatch import Kernel, apply
from ..._dtype import result_type_of

__all__ = ["linear", "bilinear"]

_HI = jax.lax.Precision.HIGHEST


def _linear(dtype, x, w, *b):
    y = jnp.matmul(x.astype(dtype), w.astype(dtype).T, precision=_HI)
    return y + b[0].astype(dtype) if b else y


# torch's grad_fn name by (input is 1-D / 2-D / N-d, has bias)
_LINEAR = {(nd, bias): Kernel(_linear, name) for (nd, bias), name in {
    (1, False): "SqueezeBackward4", (1, True): "AddBackward0", (2, False): "MmBackward0",
    (2, True): "AddmmBackward0", (3, False): "UnsafeViewBackward0", (3, True): "ViewBackward0"}.items()}


def linear(input, weight, bias=None):
    """torch.nn.functional.linear: ``input @ weight.T + bias``."""
    if weight.ndim == 2 and input.shape[-1] != weight.shape[1]:
        rows = input.numel() // max(input.shape[-1], 1) if input.ndim > 1 else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
                           f"{weight.shape[1]}x{weight.shape[0]})")
    args = (input, weight) if bias is None else (input, weight, bias)
    return apply(_LINEAR[min(input.ndim, 3), bias is not None], args, (result_type_of(args).jax,))


def _bilinear(dtype, x1, x2, w, *b):
    y = jnp.einsum("...i,oij,...j->...o", x1.astype(dtype), w.astype(dtype), x2.astype(dtype), precision=_HI)
    return y + b[0].astype(dtype) if b else y


_BILINEAR = {False: Kernel(_bilinear, "ViewBackward0"), True: Kernel(_bilinear, "AddBackward0")}


def bilinear(input1, input2, weight, bias=None):
    """torch.nn.functional.bilinear: ``y[..., o] = input1 @ weight[o] @ input2 + bias[o]``."""
    for i, (x, d) in enumerate(((input1, 1), (input2, 2)), 1):
        if x.shape[-1] != weight.shape[d]:
            raise RuntimeError(f"bilinear(): input{i} size does not match weight size: got {x.shape[-1]} but "
                               f"expected {weight.shape[d]}")
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError("bilinear(): input batch dimensions do not match: got "
                           f"{list(input1.shape[:-1])} and {list(input2.shape[:-1])}")
    args = (input1, input2, weight) if bias is None else (input1, input2, weight, bias)
    return apply(_BILINEAR[bias is not None], args, (result_type_of(args).jax,))
