"""Matrix products (torch docs' "BLAS and LAPACK Operations", without the decompositions).

As in torch, the matmul family does not promote: operands must share a dtype (torch's
errors otherwise), and bool operands are rejected. The elementwise-style products (outer,
ger, addr, kron) promote like torch. float32 products run at full precision
(``Precision.HIGHEST``) so results match torch's CPU kernels.
"""
import math
import numbers
import string

import jax
import jax.numpy as jnp

from .. import _dtype
from .._dispatch import Kernel, apply
from .._tensor import _TYPE_NAMES, Tensor, tensor_method
from ._util import functional_inplace, wrap_dim, write_out
from .other import broadcast_sizes

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm", "addmv", "addr", "addbmm",
           "baddbmm", "chain_matmul", "matrix_power", "einsum", "tensordot", "kron", "trace"]

_HI = jax.lax.Precision.HIGHEST
# the C++ scalar names torch prints in "expected m1 and m2 to have the same dtype"
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def _matmul(a, b):
    return jnp.matmul(a, b, precision=_HI)


def _product(name):
    """``a @ b`` (any matmul broadcasting) under torch's grad_fn name."""
    return Kernel(_matmul, name)


_MM, _BMM, _MV, _DOT = _product("MmBackward0"), _product("BmmBackward0"), _product("MvBackward0"), \
    _product("DotBackward0")
_VEC_MAT, _BATCHED = _product("SqueezeBackward4"), _product("UnsafeViewBackward0")
_VDOT = Kernel(lambda a, b: jnp.vdot(a, b, precision=_HI), "VdotBackward0")


# ---- torch's argument checks ----------------------------------------------------------------
def _no_bool(op, t):
    if t.dtype is _dtype.bool:
        raise NotImplementedError(f"\"{op}\" not implemented for 'Bool'")


def _shape_str(shape):
    return "x".join(map(str, shape))


def _check_mm(a, b, shapes=None):
    """mm's checks on dtypes and the inner sizes of (possibly folded) ``shapes``."""
    sa, sb = shapes or (tuple(a.shape), tuple(b.shape))
    if sa[1] != sb[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(sa)} and {_shape_str(sb)})")
    if a.dtype is not b.dtype:
        raise RuntimeError("expected m1 and m2 to have the same dtype, but got: "
                           f"{_CPP_NAMES[a.dtype.name]} != {_CPP_NAMES[b.dtype.name]}")
    if sa[0] * sb[1] and sa[1]:  # torch returns an empty or all-zero product without its kernel
        _no_bool("addmm_impl_cpu_", a)


def _check_matrices(a, b, first="self"):
    """mm's "must be a matrix" checks (addmm names its operands mat1/mat2 and adds the dim)."""
    for name, t in ((first, a), ("mat2", b)):
        if t.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix" + (f", got {t.ndim}-D tensor" if first == "mat1" else ""))


def _check_bmm(a, b, batch=None):
    """bmm's checks; ``batch`` is the folded batch size when matmul broadcasts."""
    for name, t in (("batch1", a), ("batch2", b)):
        if batch is None and t.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    n = a.shape[0] if batch is None else batch
    got = [b.shape[0] if batch is None else batch, b.shape[-2]]
    if got != [n, a.shape[-1]]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {a.shape[-1]}] "
                           f"but got: {got}.")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected scalar type {_TYPE_NAMES[a.dtype]} but found {_TYPE_NAMES[b.dtype]}")
    _no_bool("bmm", a)


def _check_mv(mat, vec, input_dtype=None, mat_shape=None):
    """mv's checks; ``mat_shape`` is the folded shape when matmul multiplies a batch by a vector."""
    shape = mat_shape or tuple(mat.shape)
    if len(shape) != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {mat.ndim}, {vec.ndim}")
    if shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({shape[0]}), mat ({_shape_str(shape)}), vec ({vec.shape[0]})")
    dts = (input_dtype or vec.dtype, mat.dtype, vec.dtype)
    if len(set(dts)) > 1:
        raise RuntimeError("addmv input tensors must have the same dtype, but got "
                           f"{_TYPE_NAMES[dts[0]]}, {_TYPE_NAMES[dts[1]]}, and {_TYPE_NAMES[dts[2]]}")
    _no_bool("addmv_impl_cpu", mat)


def _check_dot(a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype is not b.dtype:
        raise RuntimeError("dot : expected both vectors to have same dtype, but found "
                           f"{_TYPE_NAMES[a.dtype]} and {_TYPE_NAMES[b.dtype]}")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have "
                           f"the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively")
    _no_bool("dot", a)


def _check_same_dtype(a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")


def _check_expand(have, want):
    """torch's error when the added term of addmm & co. does not expand to the product's shape."""
    lead = len(want) - len(have)
    for i, (h, w) in reversed(list(enumerate(zip(have, want[lead:])))):
        if h != w and h != 1:
            raise RuntimeError(f"The expanded size of the tensor ({w}) must match the existing size ({h}) at "
                               f"non-singleton dimension {i + lead}.  Target sizes: {list(want)}.  Tensor sizes: "
                               f"{list(have)}")


# ---- products -------------------------------------------------------------------------------
@tensor_method()
def mm(input, mat2, *, out=None):
    """torch.mm: (n, k) @ (k, m), same dtypes."""
    _check_matrices(input, mat2)
    _check_mm(input, mat2)
    return write_out(out, apply(_MM, (input, mat2)))


@tensor_method()
def bmm(input, mat2, *, out=None):
    """torch.bmm: (b, n, k) @ (b, k, m), no broadcasting."""
    _check_bmm(input, mat2)
    return write_out(out, apply(_BMM, (input, mat2)))


@tensor_method()
def mv(input, vec, *, out=None):
    """torch.mv: (n, k) @ (k,)."""
    _check_mv(input, vec)
    return write_out(out, apply(_MV, (input, vec)))


@tensor_method()
def dot(input, tensor, *, out=None):
    """torch.dot of two 1-D tensors of one dtype."""
    _check_dot(input, tensor)
    return write_out(out, apply(_DOT, (input, tensor)))


@tensor_method()
def vdot(input, other, *, out=None):
    """torch.vdot: dot with the first argument conjugated."""
    _check_dot(input, other)
    return write_out(out, apply(_VDOT, (input, other)))


@tensor_method()
def matmul(input, other, *, out=None):
    """torch.matmul: dot, mv, mm, or batched products with broadcast batch dims; a 1-D
    operand is a row (first) or column (second) vector, dropped from the result. Raises
    the error of the torch primitive each case goes to."""
    a, b = input, other
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    if a.ndim == 1 and b.ndim == 1:
        return dot(a, b, out=out)
    if a.ndim == 2 and b.ndim == 1:
        return mv(a, b, out=out)
    if a.ndim == 2 and b.ndim == 2:
        return mm(a, b, out=out)
    if a.ndim == 1 and b.ndim == 2:
        _check_mm(a, b, ((1, a.shape[0]), tuple(b.shape)))
        return write_out(out, apply(_VEC_MAT, (a, b)))
    rows = math.prod(a.shape[:-1])  # batched a @ matrix or vector: torch folds the batch into rows
    if b.ndim == 1:
        _check_mv(a, b, mat_shape=(rows, a.shape[-1]))
    elif b.ndim == 2:
        _check_mm(a, b, ((rows, a.shape[-1]), tuple(b.shape)))
    else:
        batch = broadcast_sizes(tuple(a.shape[:-2]), tuple(b.shape[:-2]))
        _check_bmm(a, b, math.prod(batch))
    return write_out(out, apply(_BATCHED, (a, b)))


Tensor.__matmul__ = matmul
Tensor.__rmatmul__ = lambda self, other: matmul(other, self)
Tensor.__imatmul__ = matmul  # ``a @= b`` rebinds a to a new tensor, as in torch (not in place)


@tensor_method()
def inner(input, other, *, out=None):
    """torch.inner: contraction over both last dims (a product when either is 0-D)."""
    if input.ndim == 0 or other.ndim == 0:
        return write_out(out, input * other)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError("inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    _check_same_dtype(input, other)
    _no_bool("dot", input)
    return write_out(out, apply(_tensordot, (input, other), (((input.ndim - 1,), (other.ndim - 1,)),)))


_outer = Kernel(lambda dtype, a, b: a.astype(dtype)[:, None] * b.astype(dtype)[None, :], "MulBackward0")


@tensor_method()
def outer(input, vec2, *, out=None):
    """torch.outer of two 1-D tensors, with type promotion."""
    for name, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    dt = _dtype.result_type_of((input, vec2))
    return write_out(out, apply(_outer, (input, vec2), (dt.jax,)))


ger = outer
tensor_method("ger")(outer)

_kron = Kernel(lambda dtype, a, b: jnp.kron(a.astype(dtype), b.astype(dtype)), "UnsafeViewBackward0")


@tensor_method()
def kron(input, other, *, out=None):
    """torch.kron: the Kronecker product (the operand with fewer dims gets leading 1s), promoting."""
    dt = _dtype.result_type_of((input, other))
    return write_out(out, apply(_kron, (input, other), (dt.jax,)))


_trace = Kernel(lambda dtype, a: jnp.trace(a).astype(dtype), "TraceBackward0")


@tensor_method()
def trace(input):
    """torch.trace of a matrix; integer inputs sum into int64."""
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    _no_bool("trace", input)
    dt = _dtype.int64 if input.dtype.category < 2 else input.dtype
    return apply(_trace, (input,), (dt.jax,))


# ---- fused multiply-adds: beta * input + alpha * product ---------------------------------------
def _scaled_sum(input, product, beta, alpha):
    """beta * input + alpha * product, with the scalars in the product's dtype (torch truncates
    them for integer tensors) and input ignored when beta is 0, as torch does (NaNs included)."""
    dt = product.dtype
    beta, alpha = jnp.asarray(beta).astype(dt), jnp.asarray(alpha).astype(dt)
    scaled = jnp.where(beta == 0, jnp.zeros((), dt), beta * jnp.broadcast_to(input.astype(dt), product.shape))
    return (scaled + alpha * product).astype(dt)


def _fused(name, product):
    return Kernel(lambda input, x, y, beta, alpha: _scaled_sum(input, product(x, y), beta, alpha), name)


_addmm, _addmv, _baddbmm = _fused("AddmmBackward0", _matmul), _fused("AddmvBackward0", _matmul), \
    _fused("BaddbmmBackward0", _matmul)
_addbmm = _fused("AddbmmBackward0", lambda x, y: jnp.einsum("bij,bjk->ik", x, y, precision=_HI))
_addr = Kernel(lambda dtype, input, x, y, beta, alpha:
               _scaled_sum(input, jnp.outer(x.astype(dtype), y.astype(dtype)), beta, alpha), "AddrBackward0")


def _check_input_dtype(input, mat2):
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_TYPE_NAMES[input.dtype]} and "
                           f"{_TYPE_NAMES[mat2.dtype]}")


@tensor_method()
def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """torch.addmm: beta * input + alpha * (mat1 @ mat2), input broadcast to the product."""
    _check_matrices(mat1, mat2, "mat1")
    _check_input_dtype(input, mat2)
    _check_mm(mat1, mat2)
    _check_expand(tuple(input.shape), (mat1.shape[0], mat2.shape[1]))
    return write_out(out, apply(_addmm, (input, mat1, mat2, beta, alpha)))


@tensor_method()
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """torch.addmv: beta * input + alpha * (mat @ vec)."""
    _check_mv(mat, vec, input.dtype)
    if input.ndim > 1 or input.numel() not in (1, mat.shape[0]):
        raise RuntimeError(f"size mismatch, got input ({input.numel()}), mat ({_shape_str(mat.shape)}), "
                           f"vec ({vec.shape[0]})")
    return write_out(out, apply(_addmv, (input, mat, vec, beta, alpha)))


@tensor_method()
def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """torch.addbmm: beta * input + alpha * (sum over the batch of batch1 @ batch2)."""
    _check_bmm(batch1, batch2)
    _check_input_dtype(input, batch2)
    _check_expand(tuple(input.shape), (batch1.shape[1], batch2.shape[2]))
    return write_out(out, apply(_addbmm, (input, batch1, batch2, beta, alpha)))


@tensor_method()
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """torch.baddbmm: beta * input + alpha * (batch1 @ batch2), input broadcast to the product."""
    if input.dtype is not batch1.dtype or input.dtype is not batch2.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {_CPP_NAMES[input.dtype.name]}, batch1: "
                           f"{_CPP_NAMES[batch1.dtype.name]}, batch2: {_CPP_NAMES[batch2.dtype.name]}")
    _check_bmm(batch1, batch2)
    _check_expand(tuple(input.shape), (batch1.shape[0], batch1.shape[1], batch2.shape[2]))
    return write_out(out, apply(_baddbmm, (input, batch1, batch2, beta, alpha)))


@tensor_method()
def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """torch.addr: beta * input + alpha * outer(vec1, vec2), promoting; integer and bool
    tensors refuse float scalars, as in torch."""
    for name, t in (("vec1", vec1), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {t.ndim}-D")
    dt = _dtype.result_type_of((input, vec1, vec2))
    for name, s in (("beta", beta), ("alpha", alpha)):
        if dt.category < 2 and isinstance(s, float):
            raise RuntimeError(f"For integral input tensors, argument {name} must not be a floating point number.")
    _check_expand(tuple(input.shape), (vec1.shape[0], vec2.shape[0]))
    return write_out(out, apply(_addr, (input, vec1, vec2, beta, alpha), (dt.jax,)))


def _product_inplace(fn, result_shape):
    """``x.addmm_(...)`` & co.: the product's shape, ``result_shape(*operands)``, must be x's
    (checked first, as torch does; torch's addbmm_ alone resizes x instead, here it raises too)."""
    def method(self, *args, **kwargs):
        self._check_inplace()
        try:
            shape = result_shape(*args)
        except (IndexError, TypeError, AttributeError):
            shape = None  # malformed operands: the op raises torch's error
        if shape is not None and tuple(shape) != tuple(self.shape):
            raise RuntimeError(f"Bad in-place call: input tensor size {list(self.shape)} and output tensor size "
                               f"{list(shape)} should match")
        return self._inplace_(fn(self, *args, **kwargs))
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of :meth:`{fn.__name__}`."
    return method


for _fn, _shape in ((addmm, lambda a, b: (a.shape[0], b.shape[1])), (addmv, lambda a, b: (a.shape[0],)),
                    (addbmm, lambda a, b: (a.shape[1], b.shape[2])),
                    (baddbmm, lambda a, b: (a.shape[0], a.shape[1], b.shape[2])),
                    (addr, lambda a, b: (a.shape[0], b.shape[0]))):
    setattr(Tensor, _fn.__name__ + "_", _product_inplace(_fn, _shape))
addmv_ = functional_inplace("addmv_")
__all__ += ["addmv_"]


_multi_dot = Kernel(lambda *xs: jnp.linalg.multi_dot(xs, precision=_HI), "MmBackward0")
_clone = Kernel(lambda a: a, "CloneBackward0")


def chain_matmul(*matrices, out=None):
    """torch.chain_matmul (deprecated in torch): the product of 2-D tensors."""
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    for i, (a, b) in enumerate(zip(matrices, matrices[1:])):
        if b.dtype is not matrices[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{_CPP_NAMES[matrices[0].dtype.name]} and tensor {i + 1} {_CPP_NAMES[b.dtype.name]}")
        if a.shape[1] != b.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(a.shape)} and "
                               f"{list(b.shape)} cannot be multiplied")
    kernel = _clone if len(matrices) == 1 else _multi_dot
    return write_out(out, apply(kernel, matrices))


def _power(n, a):
    """a ** n for n >= 1 by repeated squaring, traced."""
    result = None
    while n:
        if n & 1:
            result = a if result is None else _matmul(result, a)
        n >>= 1
        if n:
            a = _matmul(a, a)
    return result


_matrix_power = Kernel(_power, "MmBackward0")
_identity = Kernel(lambda a: jnp.broadcast_to(jnp.eye(a.shape[-1], dtype=a.dtype), a.shape), "CopyBackwards")


@tensor_method()
def matrix_power(input, n):
    """torch.matrix_power for (batches of) square matrices; n < 0 inverts first with
    torch.linalg.inv (float and complex only; a singular matrix raises its LinAlgError)."""
    if input.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError("linalg.matrix_power: A must be batches of square matrices, but they are "
                           f"{input.shape[-2]} by {input.shape[-1]} matrices")
    if n == 0:
        return apply(_identity, (input,))
    if n > 0:
        return apply(_matrix_power, (input,), (int(n),))
    from ..linalg import inv  # torchlike.linalg imports this module
    return apply(_matrix_power, (inv(input),), (-int(n),))


# ---- tensordot and einsum ---------------------------------------------------------------------
_tensordot = Kernel(lambda axes, a, b: jnp.tensordot(a, b, axes, precision=_HI), "ViewBackward0")


def _tensordot_dims(dims, a, b):
    """torch.tensordot's ``dims`` (an int or a pair of dim lists) as two lists, unwrapped."""
    if isinstance(dims, Tensor):
        dims = dims.item() if dims.ndim == 0 else dims.tolist()
    if isinstance(dims, numbers.Integral):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.ndim or dims > b.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return list(range(-dims, 0)), list(range(dims))
    dims_a, dims_b = dims
    if isinstance(dims_a, numbers.Integral):
        raise TypeError("tensordot(): argument 'dims_self' (position 3) must be tuple of ints, not int")
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    return list(dims_a), list(dims_b)


def tensordot(a, b, dims=2, out=None):
    """torch.tensordot: contract ``dims`` (an int: a's last and b's first dims; or a pair of lists)."""
    dims_a, dims_b = _tensordot_dims(dims, a, b)
    wrapped_a, wrapped_b = [wrap_dim(d, a.ndim) for d in dims_a], [wrap_dim(d, b.ndim) for d in dims_b]
    for da, db, wa, wb in zip(dims_a, dims_b, wrapped_a, wrapped_b):
        if a.shape[wa] != b.shape[wb]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[wa]} in dim {da} "
                               f"and second has size {b.shape[wb]} in dim {db}")
    _check_same_dtype(a, b)
    return write_out(out, apply(_tensordot, (a, b), ((tuple(wrapped_a), tuple(wrapped_b)),)))


_SUBSCRIPTS = string.ascii_uppercase + string.ascii_lowercase  # sublist ints 0..51, as torch maps them


def _einsum_fn(equation, shapes, *xs):
    xs = [x if x.shape == s else jnp.broadcast_to(x, s) for x, s in zip(xs, shapes)]
    return jnp.einsum(equation, *xs, precision=_HI)


_einsum = Kernel(_einsum_fn, "ViewBackward0")
_einsum_cast = Kernel(lambda equation, shapes, dtype, a: _einsum_fn(equation, shapes, a.astype(dtype)),
                      "ViewBackward0")


def _sublist(sub):
    """A sublist-form subscript list ([0, 1, Ellipsis]) as an equation term."""
    for s in sub:
        if s is not Ellipsis and not 0 <= s < 52:
            raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")
    return "".join("..." if s is Ellipsis else _SUBSCRIPTS[s] for s in sub)


def _einsum_args(args):
    """(equation, operands) from the string form (operands as varargs or one list) or the
    sublist form einsum(op1, sub1, op2, sub2, ..., [out_sub])."""
    if isinstance(args[0], str):
        operands = args[1:]
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = tuple(operands[0])
        return args[0], operands
    n = len(args) - len(args) % 2
    equation = ",".join(_sublist(s) for s in args[1:n:2])
    if len(args) % 2:
        equation += "->" + _sublist(args[-1])
    return equation, args[0:n:2]


def _einsum_term(term, start, what):
    """The labels of one side of an equation (with '...' as one item); ``start`` is its index
    in the equation, for torch's error message."""
    labels, j = [], 0
    while j < len(term):
        c = term[j]
        if c == ".":
            if "..." in labels:
                raise RuntimeError(f"einsum(): found '.' for {what} for which an ellipsis was already found"
                                   if what != "output" else
                                   "einsum(): found '.' for output but an ellipsis (...) was already found")
            if term[j:j + 3] != "...":
                raise RuntimeError(f"einsum(): found '.' for {what} that is not part of any ellipsis")
            labels.append("...")
            j += 3
            continue
        if c in _SUBSCRIPTS:
            labels.append(c)
        elif c != " ":
            raise RuntimeError(f"einsum(): invalid subscript given at index {start + j} in the equation string, "
                               "subscripts must be in [a-zA-Z]")
        j += 1
    return labels


def _expand_ellipsis(labels, ndim):
    """Per-dim labels of an operand, None for the dims its ellipsis covers."""
    if "..." not in labels:
        return labels
    i = labels.index("...")
    return labels[:i] + [None] * (ndim - len(labels) + 1) + labels[i + 1:]


def _check_ellipsis(i, start, dims, ellipsis):
    """Broadcast operand i's ellipsis ``dims`` (starting at dim ``start``) into ``ellipsis``
    (sizes keyed by position from the right), with torch's error."""
    for j, size in enumerate(dims):
        known = ellipsis.get(len(dims) - j, 1)
        if known != 1 and size not in (1, known):
            raise RuntimeError(f"einsum(): dimension {start + j} covered by ellipsis in operand {i}has size {size} "
                               f"which does not broadcast with previously seen ellipsis with size {known} for the "
                               "respective dimension")
        ellipsis[len(dims) - j] = size if known == 1 else known


def _einsum_sizes(terms, shapes):
    """Each label's size (size-1 dims broadcast, as in torch) and how many operands use it."""
    sizes, counts, ellipsis = {}, {}, {}
    for i, (labels, shape) in enumerate(zip(terms, shapes)):
        n = len(labels) - ("..." in labels)
        if "..." not in labels and n != len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) does not match the number "
                               f"of dimensions ({len(shape)}) for operand {i} and no ellipsis was given")
        if n > len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) is more than the number of "
                               f"dimensions ({len(shape)}) for operand {i}")
        expanded = _expand_ellipsis(labels, len(shape))
        if "..." in labels:
            _check_ellipsis(i, labels.index("..."), [s for label, s in zip(expanded, shape) if label is None],
                            ellipsis)
        seen = {}
        for label, size in zip(expanded, shape):
            if label is None:
                continue
            if seen.setdefault(label, size) != size:
                raise RuntimeError(f"einsum(): subscript {label} is repeated for operand {i} but the sizes don't "
                                   f"match, {size} != {seen[label]}")
            known = sizes.get(label, 1)
            if known != 1 and size not in (1, known):
                raise RuntimeError(f"einsum(): subscript {label} has size {size} for operand {i} which does not "
                                   f"broadcast with previously seen size {known}")
            sizes[label] = size if known == 1 else known
            counts[label] = counts.get(label, 0) + 1
    return sizes, counts


def _einsum_plan(equation, shapes):
    """Validate ``equation`` against the operand shapes as torch does; return the explicit
    equation, the shape each operand broadcasts to, and whether any label is summed out."""
    lhs, arrow, rhs = equation.partition("->")
    terms, start = [], 0
    for i, term in enumerate(lhs.split(",")):
        terms.append(_einsum_term(term, start, f"operand {i}"))
        start += len(term) + 1
    if len(terms) != len(shapes):
        raise RuntimeError(f"einsum(): {'fewer' if len(terms) > len(shapes) else 'more'} operands were provided than "
                           "specified in the equation")
    sizes, counts = _einsum_sizes(terms, shapes)
    if arrow:
        out = _einsum_term(rhs, len(lhs) + 2, "output")
        for label in out:
            if out.count(label) > 1:
                raise RuntimeError(f"einsum(): output subscript {label} appears more than once in the output")
            if label != "..." and label not in sizes:
                raise RuntimeError(f"einsum(): output subscript {label} does not appear in the equation for any "
                                   "input operand")
    else:
        out = ["..."] * any("..." in t for t in terms) + sorted(label for label, c in counts.items() if c == 1)
    targets = tuple(tuple(size if label is None else sizes[label]
                          for label, size in zip(_expand_ellipsis(labels, len(shape)), shape))
                    for labels, shape in zip(terms, shapes))
    explicit = ",".join("".join(t) for t in terms) + "->" + "".join(out)
    return explicit, targets, bool(set(sizes) - set(out))


def einsum(*args):
    """torch.einsum, string or sublist form, with torch's validation and its broadcasting
    of size-1 dims. Operands must share a dtype; a lone bool or integer operand sums into int64."""
    equation, operands = _einsum_args(args)
    equation, targets, summed = _einsum_plan(equation, tuple(tuple(o.shape) for o in operands))
    for o in operands[1:]:
        if o.dtype is not operands[0].dtype:
            raise RuntimeError(f"expected scalar type {_TYPE_NAMES[operands[0].dtype]} but found "
                               f"{_TYPE_NAMES[o.dtype]}")
    if operands[0].dtype is _dtype.bool and len(operands) > 1:
        raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
    if len(operands) == 1 and operands[0].dtype.category < 2:  # a lone operand's sum: torch.sum's int64
        dt = _dtype.int64 if summed else operands[0].dtype
        return apply(_einsum_cast, operands, (equation, targets, dt.jax))
    return apply(_einsum, tuple(operands), (equation, targets))
