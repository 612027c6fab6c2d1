"""torch.autograd.gradcheck: ``gradcheck`` and ``gradgradcheck`` (slow mode).

Parity: torch's signatures, defaults (eps 1e-6, atol 1e-5, rtol 1e-3), checks and messages: the
numerical Jacobian (central differences, one input element at a time) is compared with the analytical
one (one backward pass per output element) for every output that requires grad against every input
that requires grad; a mismatch raises GradcheckError ("Jacobian mismatch for output i with respect to
input j", both Jacobians printed, rows = input elements) or returns False with ``raise_exception=False``;
torch's warning for inputs that are not float64, its ValueError when no input requires grad.
``gradgradcheck`` runs gradcheck on the function's vector-Jacobian product with ``create_graph=True``,
random ``grad_outputs`` in [-1, 1) by default, as torch.

Deviations: real inputs only (complex inputs raise NotImplementedError); ``fast_mode`` and the batched /
forward-mode / undefined-grad checks are accepted and not run (slow mode covers values only).
"""
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """torch.autograd.gradcheck.GradcheckError: raised by gradcheck on a mismatch."""


def _as_outputs(out):
    return (out,) if isinstance(out, Tensor) else tuple(o for o in out if isinstance(o, Tensor))


def _numerical(func, inputs, i, outputs, eps):
    """Central differences of every output w.r.t. input ``i``: arrays of shape (input numel, output numel)."""
    from ..ops.creation import tensor
    x = inputs[i]
    base = x.detach().cpu().numpy().astype(np.float64).reshape(-1)
    cols = []
    for j in range(base.size):
        values = []
        for sign in (1, -1):
            moved = base.copy()
            moved[j] += sign * eps
            args = list(inputs)
            args[i] = tensor(moved.reshape(tuple(x.shape)), dtype=x.dtype, device=x.device,
                             requires_grad=True)  # func may differentiate (gradgradcheck's does)
            values.append([o.detach().cpu().numpy().astype(np.float64).reshape(-1)
                           for o in _as_outputs(func(*args))])
        cols.append([(p - m) / (2 * eps) for p, m in zip(*values)])
    return [np.stack([c[k] for c in cols]) if cols else np.zeros((0, o.numel())) for k, o in enumerate(outputs)]


def _analytical(output, wrt):
    """d output / d each of ``wrt`` by one backward pass per output element: arrays (input numel, output numel)."""
    from . import grad as autograd_grad
    from ..ops.creation import zeros
    columns = [[] for _ in wrt]
    for m in range(output.numel()):
        onehot = zeros(output.numel(), dtype=output.dtype, device=output.device)
        onehot[m] = 1
        grads = autograd_grad(output, wrt, onehot.reshape(output.shape), retain_graph=True, allow_unused=True)
        for col, g, x in zip(columns, grads, wrt):
            col.append(np.zeros(x.numel()) if g is None else g.detach().cpu().numpy().astype(np.float64).reshape(-1))
    return [np.stack(col, axis=1) if col else np.zeros((x.numel(), 0)) for col, x in zip(columns, wrt)]


def _as_tensor_text(array, dtype):
    from ..ops.creation import tensor
    return str(tensor(array, dtype=dtype))


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None):
    """torch.autograd.gradcheck: True if the analytical Jacobian of ``func`` at ``inputs`` matches central
    differences (see the module docstring)."""
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    wrt_index = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not wrt_index:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")
    for i in wrt_index:
        if inputs[i].is_complex():
            raise NotImplementedError("torchlike.autograd.gradcheck supports real inputs only")
        if inputs[i].dtype != _dtype.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                          "This check will likely fail if all the inputs are not of double precision floating point "
                          "or complex. ", stacklevel=2)
    outputs = [o for o in _as_outputs(func(*inputs)) if o.requires_grad]
    wrt = [inputs[i] for i in wrt_index]
    numerical = [_numerical(func, inputs, i, outputs, eps) for i in wrt_index]
    for k, out in enumerate(outputs):
        analytical = _analytical(out, wrt)
        for j, x in enumerate(wrt):
            a, n = analytical[j], numerical[j][k]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(f"Jacobian mismatch for output {k} with respect to input {j},\n"
                                     f"numerical:{_as_tensor_text(n, out.dtype)}\n"
                                     f"analytical:{_as_tensor_text(a, out.dtype)}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0, check_undefined_grad=True,
                  check_grad_dtypes=False, check_batched_grad=False, check_fwd_over_rev=False,
                  check_rev_over_rev=True, fast_mode=False, masked=False):
    """torch.autograd.gradgradcheck: gradcheck of the gradients of ``func`` (second derivatives)."""
    from ..testing import make_tensor
    from . import grad as autograd_grad
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if grad_outputs is None:
        outputs = [o for o in _as_outputs(func(*inputs)) if o.requires_grad]
        grad_outputs = tuple(make_tensor(o.shape, dtype=o.dtype, device=o.device, low=-1, high=1,
                                         requires_grad=True) for o in outputs)
    else:
        grad_outputs = (grad_outputs,) if isinstance(grad_outputs, Tensor) else tuple(grad_outputs)
    n = len(inputs)

    def first_derivatives(*args):
        xs, gs = args[:n], args[n:]
        outs = [o for o in _as_outputs(func(*xs)) if o.requires_grad]
        wrt = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        grads = autograd_grad(outs, wrt, gs, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivatives, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
