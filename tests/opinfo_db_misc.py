"""OpInfo entries: creation ops, conversions and Tensor utility methods, BLAS and torch.linalg,
torch.fft, torch.special (the functions not in opinfo_db_pointwise.py) and random ops.

Creation samples take every size form (varargs, tuple, list, torch.Size, 0-d, empty) and
dtype=; arange takes float and negative steps. BLAS/linalg samples are batched and broadcast,
singular and ill-conditioned (torch's error type or its values are compared), complex, and
float64 samples compare first and second order gradients. Random ops compare dtype, shape and
errors only (``values=False``)."""
import numpy as np

from opinfo import DTYPES, FLOAT_DTYPES, OpInfo, Sample, T, call_in, special_values, torch_forms

NAN, INF = np.nan, np.inf
FLOATS = ("float16", "bfloat16", "float32", "float64", "complex64", "complex128")


class Lib(T):
    """An argument built per library: ``build(lib)`` gives it (a dtype, a torch.Size, a device)."""

    def __init__(self, label, build):
        super().__init__(np.zeros(()), "float32", grad=False)
        self.label, self.build = label, build

    def make(self, lib, requires_grad):
        return lib.tensor(0), self.build(lib)

    def __repr__(self):
        return self.label


def first_grads(samples, n=1):
    """``samples`` with gradients compared for the first ``n`` only: each gradient program
    compiles anew, and the first samples are the ones that matter (the rest check values)."""
    def lean(dtype):
        for i, sample in enumerate(samples(dtype)):
            yield sample if i < n else Sample(sample.args, sample.kwargs, grad=False)
    return lean


def sv(dtype, n, shape=None):
    """``n`` special values of ``dtype`` (repeated where it has fewer), in ``shape``."""
    vals = np.resize(special_values(dtype), n)
    return vals.reshape(shape) if shape else vals


def Dtype(name):  # noqa: N802 - reads as a type
    return Lib(f"torch.{name}", lambda lib: getattr(lib, name))


def Size(*dims):  # noqa: N802
    return Lib(f"torch.Size({list(dims)})", lambda lib: lib.Size(dims))


RNG = np.random.default_rng(0)
A34 = RNG.uniform(-2, 2, (3, 4))
B43 = RNG.uniform(-2, 2, (4, 3))
V3, V4 = RNG.uniform(-2, 2, 3), RNG.uniform(-2, 2, 4)
SQ = RNG.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)            # well conditioned
BSQ = RNG.uniform(-1, 1, (2, 3, 3)) + 3 * np.eye(3)
SPD = SQ @ SQ.T + np.eye(3)
BSPD = BSQ @ np.swapaxes(BSQ, -1, -2) + np.eye(3)
SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
ILL = np.array([[1.0, 1.0, 1.0], [1.0, 1.0 + 1e-10, 1.0], [0.0, 1.0, 2.0]])


def one(x, dtype="float64"):
    """``x`` as a 0-d T."""
    return T(np.asarray(x), dtype)


# ---- creation ------------------------------------------------------------------------------------
def size_samples(*extra):
    def samples(dtype):
        yield Sample((3, 4) + extra, dict(dtype=Dtype(dtype)))
        yield Sample(((3, 4),) + extra, dict(dtype=Dtype(dtype)))
        yield Sample(([2, 3],) + extra, dict(dtype=Dtype(dtype)))
        yield Sample((Size(2, 3),) + extra, dict(dtype=Dtype(dtype)))
        yield Sample(((),) + extra, dict(dtype=Dtype(dtype)))
        yield Sample((0, 3) + extra, dict(dtype=Dtype(dtype)))
        if dtype == "float32":
            yield Sample((3,) + extra)
            yield Sample((2, -1) + extra)          # negative size: RuntimeError
            yield Sample((2.5,) + extra)           # float size: TypeError
    return samples


def full_samples(dtype):
    fill = special_values(dtype)[1].item()
    yield Sample(((2, 3), fill))
    yield Sample(([2, 3], fill), dict(dtype=Dtype(dtype)))
    yield Sample(((), fill))
    yield Sample((Size(0, 2), 1.5), dict(dtype=Dtype(dtype)))
    if dtype == "float32":
        yield Sample(((2,), True))
        yield Sample(((2,), 7))
        yield Sample(((2,), 2.5))
        yield Sample(((2,), 1 + 2j))
        yield Sample(((2,), INF), dict(dtype=Dtype("int64")))  # RuntimeError


def eye_samples(dtype):
    yield Sample((3,), dict(dtype=Dtype(dtype)))
    yield Sample((2, 4), dict(dtype=Dtype(dtype)))
    yield Sample((0,), dict(dtype=Dtype(dtype)))
    yield Sample((3,), dict(m=1, dtype=Dtype(dtype)))
    if dtype == "float32":
        yield Sample((-1,))


def arange_samples(dtype):
    if dtype != "float32":
        yield Sample((5,), dict(dtype=Dtype(dtype)))
        yield Sample((1, 4), dict(dtype=Dtype(dtype)))
        return
    for args in ((5,), (0, 10, 2), (10, 0, -3), (1, 2.5, 0.5), (0, 1, 0.1), (0.0, 1.0, 0.3), (-1.5, 1.5),
                 (2.5,), (5, 5), (1, -1, -0.25), (0, 10, 3.0), (0, 1, 0), (0, 5, -1), (True, 3)):
        yield Sample(args)
    yield Sample((0, 5), dict(step=2))
    yield Sample((0, 2.5), dict(dtype=Dtype("int64")))
    yield Sample((0, 4), dict(dtype=Dtype("float64")))
    yield Sample((0, 1, 0.25), dict(dtype=Dtype("float16")))
    yield Sample((), dict(end=4))
    yield Sample((0, INF))


def linspace_samples(dtype):
    yield Sample((0, 1, 5), dict(dtype=Dtype(dtype)))
    yield Sample((-2, 3, 1), dict(dtype=Dtype(dtype)))
    yield Sample((0, 10, 4), dict(dtype=Dtype(dtype)))
    if dtype == "float32":
        yield Sample((0, 1, 0))
        yield Sample((0, 1, -1))
        yield Sample((3.0, -1.0), dict(steps=6))
        yield Sample((one(0.0, "float32"), one(2.0, "float32"), 3))
        yield Sample((0, 1, 3), dict(dtype=Dtype("complex64")))


def logspace_samples(dtype):
    yield from linspace_samples(dtype)
    if dtype == "float32":
        yield Sample((0, 3, 4), dict(base=2))
        yield Sample((-1, 1, 3), dict(base=0.5))


def like_samples(fill=()):
    def samples(dtype):
        vals = sv(dtype, 12, (3, 4))
        yield Sample((T(vals, dtype),) + fill)
        yield Sample((T(vals, dtype, "transposed"),) + fill)
        yield Sample((T(vals[:0], dtype),) + fill)
        yield Sample((T(vals[0, 0], dtype),) + fill, dict(dtype=Dtype("float64")))
    return samples


def new_samples(fill=()):
    def samples(dtype):
        vals = special_values(dtype)[:4]
        yield Sample((T(vals, dtype), (2, 3)) + fill)
        yield Sample((T(vals, dtype), [0]) + fill)
        yield Sample((T(vals, dtype), ()) + fill, dict(dtype=Dtype("float64")))
        if not fill:
            yield Sample((T(vals, dtype), 2, 3))
    return samples


DATA = ([[1, 2], [3, 4]], [1.5, 2], [True, False], [], 3.5, 7, True, [1 + 2j, 3], [[1.0], [2.0]], [[], []],
        [0, 2.0 ** 40])


def data_samples(dtype):
    if dtype == "float32":
        for d in DATA:
            yield Sample((d,))
        yield Sample(([[1, 2], [3]],))   # ragged: ValueError
        yield Sample((["a"],))           # strings: TypeError
    yield Sample(([[1, 0], [3, 4]],), dict(dtype=Dtype(dtype)))
    yield Sample((2.5,), dict(dtype=Dtype(dtype)))


def from_tensor_samples(dtype):
    yield Sample((T(sv(dtype, 6, (2, 3)), dtype),))
    yield Sample((T(sv(dtype, 6, (2, 3)), dtype),), dict(dtype=Dtype("float64")))
    yield Sample(([T(np.array(1.5), dtype), T(np.array(2.0), dtype)],))


NP_DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64", "complex64",
             "complex128")


def from_numpy_samples(dtype):
    if dtype != "float32":
        return
    for nd in NP_DTYPES:
        yield Sample((np.arange(6).reshape(2, 3).astype(nd),))
    yield Sample((np.arange(6.0).reshape(2, 3).T,))
    yield Sample((np.float64(2.5),))
    yield Sample((np.zeros((0, 2)),))
    yield Sample((np.array(["a"]),))     # TypeError


def complex_samples(dtype):
    vals = sv(dtype, 12)
    yield Sample((T(vals, dtype), T(np.roll(vals, 1), dtype)))
    yield Sample((T(vals[:4].reshape(1, 4), dtype), T(vals[4:7].reshape(3, 1), dtype)))
    if dtype == "float32":
        yield Sample((T(vals, dtype), T(vals, "float64")))   # mixed dtypes: RuntimeError


def polar_samples(dtype):
    vals = np.array([0.0, 1.0, 2.5, 0.5, 3.0, 1e-3])
    yield Sample((T(vals, dtype), T(np.array([0.0, np.pi / 2, -1.0, 3.0, np.pi, 7.0]), dtype)))
    yield Sample((T(vals[:3].reshape(3, 1), dtype), T(np.array([0.5, -2.0]), dtype)))


def tri_indices_samples(dtype):
    if dtype != "int64":
        return
    for args in ((3, 3), (3, 4, 1), (4, 3, -1), (0, 3), (3, 3, 5), (3, 3, -5), (1, 1)):
        yield Sample(args)
    yield Sample((3, 4), dict(offset=-1, dtype=Dtype("int32")))
    yield Sample((3, 4), dict(dtype=Dtype("float32")))   # RuntimeError
    yield Sample((-1, 3))


def meshgrid_samples(dtype):
    a, b = sv(dtype, 3), sv(dtype, 5)[3:]
    yield Sample((T(a, dtype), T(b, dtype)), dict(indexing="ij"))
    yield Sample((T(a, dtype), T(b, dtype)), dict(indexing="xy"))
    yield Sample(([T(a, dtype), T(b, dtype), T(a[:1], dtype)],), dict(indexing="ij"))
    yield Sample(((T(a, dtype), T(b, dtype)),), dict(indexing="xy"))
    yield Sample((T(a, dtype), T(np.asarray(b[0]), dtype)), dict(indexing="ij"))
    yield Sample((T(a, dtype), T(b[:0], dtype)), dict(indexing="ij"))
    yield Sample((T(a, dtype), T(b, dtype)), dict(indexing="yx"))   # ValueError/RuntimeError


def cartesian_samples(dtype):
    a, b = sv(dtype, 3), sv(dtype, 5)[3:]
    yield Sample((T(a, dtype), T(b, dtype)))
    yield Sample((T(a, dtype),))
    yield Sample((T(a, dtype), T(b, dtype), T(a[:2], dtype)))


def combinations_samples(dtype):
    a = sv(dtype, 4)
    yield Sample((T(a, dtype),))
    yield Sample((T(a, dtype),), dict(r=3))
    yield Sample((T(a, dtype), 2, True))
    yield Sample((T(a[:1], dtype),), dict(r=2))
    yield Sample((T(a, dtype),), dict(r=0))
    yield Sample((T(a, dtype),), dict(r=5))


def creation_ops():
    ops = []
    for name in ("zeros", "ones"):
        ops.append(OpInfo(name, size_samples(), forms=("torch", "out"), grad=False))
    ops.append(OpInfo("empty", size_samples(), forms=("torch", "out"), values=False, grad=False))
    ops.append(OpInfo("full", full_samples, forms=("torch", "out"), grad=False))
    ops.append(OpInfo("eye", eye_samples, forms=("torch", "out"), grad=False))
    ops.append(OpInfo("arange", arange_samples, forms=("torch", "out"), grad=False))
    ops.append(OpInfo("linspace", linspace_samples, forms=("torch", "out"), grad=False, tol=(1e-5, 1e-5)))
    ops.append(OpInfo("logspace", logspace_samples, forms=("torch", "out"), grad=False, tol=(1e-5, 1e-5)))
    for name in ("zeros_like", "ones_like"):
        ops.append(OpInfo(name, like_samples(), forms=("torch",)))
    ops.append(OpInfo("empty_like", like_samples(), forms=("torch",), values=False))
    ops.append(OpInfo("full_like", like_samples((2,)), forms=("torch",)))
    for name in ("new_zeros", "new_ones"):
        ops.append(OpInfo(name, new_samples(), forms=("method",), grad=False))
    ops.append(OpInfo("new_empty", new_samples(), forms=("method",), values=False, grad=False))
    ops.append(OpInfo("new_full", new_samples((2.5,)), forms=("method",), grad=False))
    ops.append(OpInfo("new_tensor", lambda dtype: (Sample((T(special_values(dtype)[:2], dtype), d))
                                                   for d in DATA[:4]), forms=("method",), grad=False))
    for name in ("tensor", "as_tensor", "asarray"):
        ops.append(OpInfo(name, data_samples, forms=("torch",), grad=False))
        ops.append(OpInfo(name, from_tensor_samples, forms=("torch",), grad=False))
    ops.append(OpInfo("from_numpy", from_numpy_samples, forms=("torch",), grad=False))
    ops.append(OpInfo("complex", first_grads(complex_samples), forms=("torch", "out")))
    ops.append(OpInfo("polar", first_grads(polar_samples), forms=("torch", "out"), dtypes=("float32", "float64")))
    for name in ("tril_indices", "triu_indices"):
        ops.append(OpInfo(name, tri_indices_samples, forms=("torch",), grad=False))
    ops.append(OpInfo("meshgrid", first_grads(meshgrid_samples), forms=("torch",), view=True, gradgrad=False))
    ops.append(OpInfo("cartesian_prod", first_grads(cartesian_samples), forms=("torch",), gradgrad=False))
    ops.append(OpInfo("combinations", first_grads(combinations_samples, 5), forms=("torch",), gradgrad=False))
    return ops


# ---- conversions and utility methods -----------------------------------------------------------------
def conv_input(dtype):
    return sv(dtype, 12, (3, 4))


def to_samples(dtype):
    vals = conv_input(dtype)
    for target in ("float64", "bool", "complex64", "uint8"):
        yield Sample((T(vals, dtype), Dtype(target)))
    yield Sample((T(vals, dtype, "transposed"),), dict(dtype=Dtype("int32")))
    yield Sample((T(vals, dtype), "cpu"))
    yield Sample((T(vals, dtype), "cpu", Dtype("float64")))
    yield Sample((T(vals, dtype),), dict(device="cpu", dtype=Dtype("int64"), copy=True))
    yield Sample((T(vals, dtype), T(np.zeros(2), "float64", grad=False)))
    yield Sample((T(vals, dtype), Dtype(dtype)))


def cast_method_samples(dtype):
    vals = conv_input(dtype)
    yield Sample((T(vals, dtype),))
    yield Sample((T(vals, dtype, "transposed"),))
    yield Sample((T(vals[0, 0], dtype),))


def type_samples(dtype):
    vals = conv_input(dtype)
    yield Sample((T(vals, dtype), Dtype("float64")))
    yield Sample((T(vals, dtype), "torch.IntTensor"))
    yield Sample((T(vals, dtype), "torch.FloatTensor"))
    yield Sample((T(vals, dtype),))


def copy_samples(dtype):
    vals = conv_input(dtype)
    yield Sample((T(np.zeros((3, 4)), dtype), T(vals, dtype)))
    yield Sample((T(np.zeros((3, 4)), "float64"), T(vals, dtype)))
    yield Sample((T(np.zeros((3, 4)), dtype), T(vals[:1], dtype)))                    # broadcast
    yield Sample((T(np.zeros((3, 4)), dtype), T(np.asarray(vals[1, 1]), dtype)))
    yield Sample((T(np.zeros((3, 4)), dtype), T(vals.T.copy(), dtype, "transposed")))
    yield Sample((T(np.zeros((3, 4)), dtype), T(vals[:2], dtype)))                     # RuntimeError
    yield Sample((T(np.zeros((2, 3, 4)), dtype), T(vals, "int64")))


def fill_samples(dtype):
    vals = conv_input(dtype)
    yield Sample((T(vals, dtype), 1.5))
    yield Sample((T(vals, dtype), True))
    yield Sample((T(vals, dtype), T(np.asarray(2.0), dtype)))
    yield Sample((T(vals, dtype), T(np.array([2.0]), dtype)))   # 1-element 1-D: RuntimeError
    yield Sample((T(vals[:0], dtype), 3))


def item_samples(dtype):
    vals = special_values(dtype)
    for v in vals[:8]:
        yield Sample((T(np.asarray(v), dtype),))
    yield Sample((T(vals[:1], dtype),))
    yield Sample((T(vals[:2], dtype),))   # RuntimeError


def tolist_samples(dtype):
    vals = conv_input(dtype)
    yield Sample((T(vals, dtype),))
    yield Sample((T(vals, dtype, "transposed"),))
    yield Sample((T(vals[0, 0], dtype),))
    yield Sample((T(vals[:0], dtype),))


def complex_view_samples(dtype):
    if dtype not in ("float32", "float64"):
        return
    cdt = "complex128" if dtype == "float64" else "complex64"
    vals = sv(cdt, 12, (3, 4))
    yield Sample((T(vals, cdt),))
    yield Sample((T(vals[0, 0], cdt),))
    yield Sample((T(vals, dtype),))   # real input: RuntimeError


def as_complex_samples(dtype):
    vals = sv(dtype, 12, (3, 2, 2))
    yield Sample((T(vals, dtype),))
    yield Sample((T(vals[0, 0], dtype),))
    yield Sample((T(vals.reshape(2, 3, 2), dtype, "transposed"),))   # last dim not contiguous
    yield Sample((T(vals.reshape(2, 6), dtype),))                    # last dim not 2


def method(name, *args, **kwargs):
    return lambda lib, x, *a, **k: getattr(x, name)(*args, *a, **kwargs, **k)


def conversion_ops():
    ops = [OpInfo("to", first_grads(to_samples, 2), forms=("method",), gradgrad=False)]
    for name in ("float", "double", "half", "bfloat16", "int", "long", "bool", "short", "char", "byte", "cfloat",
                 "cdouble"):
        ops.append(OpInfo(name, cast_method_samples, forms=("method",), call=method(name)))
    ops.append(OpInfo("type", type_samples, forms=("method",), call=method("type"), grad=False))
    ops.append(OpInfo("item", item_samples, forms=("method",), call=method("item"), grad=False))
    ops.append(OpInfo("tolist", tolist_samples, forms=("method",), call=method("tolist"), grad=False))
    ops.append(OpInfo("numpy", tolist_samples, forms=("method",),
                      call=lambda lib, x: lib.from_numpy(x.detach().numpy().copy()), grad=False))
    ops.append(OpInfo("clone", cast_method_samples, forms=("torch", "method")))
    ops.append(OpInfo("clone", cast_method_samples, forms=("method",),
                      call=lambda lib, x: x.clone(memory_format=lib.contiguous_format), view=True))
    ops.append(OpInfo("clone", cast_method_samples, forms=("method",),
                      call=lambda lib, x: x.clone(memory_format=lib.preserve_format), view=True))
    ops.append(OpInfo("detach", cast_method_samples, forms=("torch", "method"), view=True))
    ops.append(OpInfo("copy_", first_grads(copy_samples, 2), forms=("method",), call=lambda lib, x, y: x.clone().copy_(y)))
    ops.append(OpInfo("fill_", first_grads(fill_samples), forms=("method",), call=lambda lib, x, v: x.clone().fill_(v)))
    ops.append(OpInfo("zero_", cast_method_samples, forms=("method",), call=lambda lib, x: x.clone().zero_()))
    ops.append(OpInfo("requires_grad_", lambda dtype: (Sample((T(conv_input(dtype), dtype, grad=False), flag))
                                                       for flag in (True, False)),
                      forms=("method",), grad=False,
                      call=lambda lib, x, f: (lambda y: (y, y.requires_grad))(x.detach().requires_grad_(f))))
    ops.append(OpInfo("view_as_real", complex_view_samples, forms=("torch",), view=True))
    ops.append(OpInfo("view_as_complex", as_complex_samples, forms=("torch",), view=True,
                      dtypes=("float16", "float32", "float64", "int64")))
    return ops


# ---- BLAS ----------------------------------------------------------------------------------------
def mat(values, dtype, layout="contiguous"):
    if dtype.startswith("complex"):
        values = values + 0.5j * np.roll(values, 1)
    if dtype == "bool":
        values = values > 0
    elif dtype.startswith(("int", "uint")):
        values = np.round(values * 2)
    return T(values, dtype, layout)


def mm_samples(dtype):
    yield Sample((mat(A34, dtype), mat(B43, dtype)))
    yield Sample((mat(A34, dtype, "transposed"), mat(A34, dtype)))
    yield Sample((mat(A34[:, :0], dtype), mat(B43[:0], dtype)))       # k = 0: zeros
    yield Sample((mat(A34, dtype), mat(A34, dtype)))                  # shape mismatch: RuntimeError
    yield Sample((mat(V3, dtype), mat(B43, dtype)))                   # 1-D: RuntimeError


def bmm_samples(dtype):
    a, b = RNG.uniform(-2, 2, (2, 3, 4)), RNG.uniform(-2, 2, (2, 4, 2))
    yield Sample((mat(a, dtype), mat(b, dtype)))
    yield Sample((mat(a, dtype, "strided"), mat(b[:1].repeat(2, 0), dtype)))
    yield Sample((mat(a, dtype), mat(b[:1], dtype)))                  # no broadcasting: RuntimeError


def matmul_samples(dtype):
    a, b = RNG.uniform(-2, 2, (2, 3, 4)), RNG.uniform(-2, 2, (4, 2))
    yield Sample((mat(V4, dtype), mat(V4, dtype)))                    # dot
    yield Sample((mat(V3, dtype), mat(A34, dtype)))                   # vector @ matrix
    yield Sample((mat(A34, dtype), mat(V4, dtype)))                   # matrix @ vector
    yield Sample((mat(a, dtype), mat(b, dtype)))                      # batched @ matrix
    yield Sample((mat(b.T, dtype), mat(a, dtype)))                    # (2,4) @ (2,3,4): RuntimeError
    yield Sample((mat(a, dtype), mat(V4, dtype)))                     # batched @ vector
    yield Sample((mat(V3, dtype), mat(a, dtype)))                     # vector @ batched
    yield Sample((mat(a[:, None], dtype), mat(RNG.uniform(-1, 1, (3, 4, 2)), dtype)))   # broadcast batch
    yield Sample((mat(A34, dtype, "transposed"), mat(A34, dtype, "transposed")))       # mismatch
    yield Sample((mat(np.zeros((0, 4)), dtype), mat(B43, dtype)))
    yield Sample((mat(np.asarray(2.0), dtype), mat(V3, dtype)))       # 0-d: RuntimeError


def mv_samples(dtype):
    yield Sample((mat(A34, dtype), mat(V4, dtype)))
    yield Sample((mat(A34.T.copy(), dtype, "transposed"), mat(V4, dtype)))
    yield Sample((mat(A34, dtype), mat(V3, dtype)))


def dot_samples(dtype):
    yield Sample((mat(V4, dtype), mat(V4[::-1].copy(), dtype)))
    yield Sample((mat(V4, dtype, "strided"), mat(V4, dtype)))
    yield Sample((mat(V4[:0], dtype), mat(V4[:0], dtype)))
    yield Sample((mat(V4, dtype), mat(V3, dtype)))                    # RuntimeError
    yield Sample((mat(A34, dtype), mat(A34, dtype)))                  # 2-D: RuntimeError


def inner_samples(dtype):
    yield Sample((mat(V4, dtype), mat(V4, dtype)))
    yield Sample((mat(A34, dtype), mat(V4, dtype)))
    yield Sample((mat(A34, dtype), mat(B43.T.copy(), dtype, "transposed")))
    yield Sample((mat(np.asarray(1.5), dtype), mat(A34, dtype)))


def outer_samples(dtype):
    yield Sample((mat(V3, dtype), mat(V4, dtype)))
    yield Sample((mat(V3, dtype, "strided"), mat(V4[:0], dtype)))


def addmm_samples(dtype):
    c = RNG.uniform(-1, 1, (3, 3))
    yield Sample((mat(c, dtype), mat(A34, dtype), mat(B43, dtype)))
    yield Sample((mat(c[:1], dtype), mat(A34, dtype), mat(B43, dtype)), dict(beta=0.5, alpha=2))
    yield Sample((mat(np.full((3, 3), NAN), dtype), mat(A34, dtype), mat(B43, dtype)), dict(beta=0))
    yield Sample((mat(np.asarray(1.0), dtype), mat(B43.T.copy(), dtype, "transposed"), mat(B43, dtype)),
                 dict(alpha=0))
    yield Sample((mat(c, dtype), mat(A34, dtype), mat(A34, dtype)))   # mismatch


def addbmm_samples(dtype):
    a, b = RNG.uniform(-2, 2, (2, 3, 4)), RNG.uniform(-2, 2, (2, 4, 2))
    c = RNG.uniform(-1, 1, (3, 2))
    yield Sample((mat(c, dtype), mat(a, dtype), mat(b, dtype)))
    yield Sample((mat(c[:1], dtype), mat(a, dtype), mat(b, dtype)), dict(beta=2, alpha=0.5))
    yield Sample((mat(np.full((3, 2), NAN), dtype), mat(a, dtype), mat(b, dtype)), dict(beta=0))


def baddbmm_samples(dtype):
    a, b = RNG.uniform(-2, 2, (2, 3, 4)), RNG.uniform(-2, 2, (2, 4, 2))
    yield Sample((mat(RNG.uniform(-1, 1, (2, 3, 2)), dtype), mat(a, dtype), mat(b, dtype)))
    yield Sample((mat(RNG.uniform(-1, 1, (3, 1)), dtype), mat(a, dtype), mat(b, dtype)), dict(beta=0.5, alpha=-1))
    yield Sample((mat(np.full((2, 3, 2), NAN), dtype), mat(a, dtype), mat(b, dtype)), dict(beta=0))


def addmv_samples(dtype):
    yield Sample((mat(V3, dtype), mat(A34, dtype), mat(V4, dtype)))
    yield Sample((mat(V3[:1], dtype), mat(A34, dtype), mat(V4, dtype)), dict(beta=2, alpha=0.5))
    yield Sample((mat(np.full(3, NAN), dtype), mat(A34, dtype), mat(V4, dtype)), dict(beta=0))


def addr_samples(dtype):
    yield Sample((mat(A34, dtype), mat(V3, dtype), mat(V4, dtype)))
    yield Sample((mat(V4, dtype), mat(V3, dtype), mat(V4, dtype)), dict(beta=2, alpha=0.5))
    yield Sample((mat(np.full((3, 4), NAN), dtype), mat(V3, dtype), mat(V4, dtype)), dict(beta=0))


def einsum_samples(dtype):
    a, b = RNG.uniform(-2, 2, (2, 3, 4)), RNG.uniform(-2, 2, (2, 4, 2))
    yield Sample(("ij,jk->ik", mat(A34, dtype), mat(B43, dtype)))
    yield Sample(("bij,bjk->bik", mat(a, dtype), mat(b, dtype)))
    yield Sample(("ii->i", mat(SQ, dtype)))
    yield Sample(("ii", mat(SQ, dtype)))
    yield Sample(("ij->ji", mat(A34, dtype)))
    yield Sample(("i,j->ij", mat(V3, dtype), mat(V4, dtype)))
    yield Sample(("...ij,...jk", mat(a, dtype), mat(b, dtype)))
    yield Sample(("ij,jk", [mat(A34, dtype), mat(B43, dtype)]))
    yield Sample(("bij->", mat(a, dtype, "transposed")))
    yield Sample(("ij,jk->ik", mat(A34, dtype), mat(A34, dtype)))   # mismatch: RuntimeError


def tensordot_samples(dtype):
    a, b = RNG.uniform(-2, 2, (2, 3, 4)), RNG.uniform(-2, 2, (3, 4, 2))
    yield Sample((mat(a, dtype), mat(b, dtype)))
    yield Sample((mat(a, dtype), mat(b, dtype)), dict(dims=2))
    yield Sample((mat(a, dtype), mat(b, dtype)), dict(dims=([1, 2], [0, 1])))
    yield Sample((mat(A34, dtype), mat(B43, dtype)), dict(dims=([1], [0])))
    yield Sample((mat(A34, dtype), mat(B43, dtype)), dict(dims=0))
    yield Sample((mat(A34, dtype), mat(A34, dtype)), dict(dims=([0], [1])))   # mismatch


def kron_samples(dtype):
    yield Sample((mat(A34[:2, :2], dtype), mat(A34[:2], dtype)))
    yield Sample((mat(V3, dtype), mat(A34[:2, :2], dtype)))
    yield Sample((mat(np.asarray(2.0), dtype), mat(V3, dtype)))


def chain_matmul_samples(dtype):
    yield Sample((mat(A34, dtype), mat(B43, dtype), mat(SQ, dtype)))
    yield Sample((mat(A34, dtype),))


# float32 and bool run in the slow run only (float32's kernels are float64's, bool's are refused)
BLAS_DTYPES = ("uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float64", "complex64",
               "complex128")


def blas_ops():
    ops = []
    table = {"mm": mm_samples, "bmm": bmm_samples, "matmul": matmul_samples, "mv": mv_samples, "dot": dot_samples,
             "vdot": dot_samples, "inner": inner_samples, "outer": outer_samples, "ger": outer_samples,
             "addmm": addmm_samples, "addbmm": addbmm_samples, "baddbmm": baddbmm_samples, "addmv": addmv_samples,
             "addr": addr_samples, "kron": kron_samples}
    for name, samples in table.items():
        ops.append(OpInfo(name, first_grads(samples, 2), forms=torch_forms(name), tol=(1e-5, 1e-5),
                          dtypes=BLAS_DTYPES, gradgrad=name in ("mm", "addmm")))
    for name, samples in (("einsum", einsum_samples), ("tensordot", tensordot_samples),
                          ("chain_matmul", chain_matmul_samples)):
        ops.append(OpInfo(name, first_grads(samples, 2), forms=("torch",), tol=(1e-5, 1e-5), dtypes=BLAS_DTYPES,
                          gradgrad=False))
    ops.append(OpInfo("linalg.multi_dot", lambda dtype: (Sample(([mat(A34, dtype), mat(B43, dtype), mat(V3, dtype)],)),
                                                         Sample(([mat(V3, dtype), mat(A34, dtype), mat(B43, dtype)],)),
                                                         Sample(([mat(A34, dtype)],))),
                      forms=("torch",), call=call_in("linalg.multi_dot"), tol=(1e-5, 1e-5), dtypes=BLAS_DTYPES,
                      gradgrad=False))
    return ops


# ---- linalg --------------------------------------------------------------------------------------
# float64 (values, gradients) and int64 (torch's errors) in the default run; complex128 in the slow one
LINALG_DTYPES = ("int64", "float64", "complex128")
# second-order gradients are compared for these (the cost of the rest is compile time, not coverage)
GRADGRAD = ("det", "inv", "cholesky")


def sq_samples(dtype, spd=False, singular=True):
    """Square matrices: single, batched, transposed, empty batch, singular and ill-conditioned
    (``singular=False`` leaves those out: their results hang on rounding), and a non-square one."""
    m, b = (SPD, BSPD) if spd else (SQ, BSQ)
    yield Sample((mat(m, dtype),))
    yield Sample((mat(b, dtype),))
    yield Sample((mat(m, dtype, "transposed"),))
    yield Sample((mat(np.zeros((0, 3, 3)), dtype),))
    if singular:
        yield Sample((mat(SINGULAR, dtype),), grad=False)
        yield Sample((mat(ILL, dtype),), grad=False)
    yield Sample((mat(A34, dtype),))                  # not square: RuntimeError


def linalg(name, samples, forms=("torch",), **kw):
    return OpInfo("linalg." + name, first_grads(samples), forms=forms, call=kw.pop("call", call_in("linalg." + name)),
                  dtypes=LINALG_DTYPES, tol=kw.pop("tol", (1e-4, 1e-6)), gradgrad=name in GRADGRAD, **kw)


def norm_samples(dtype):
    yield Sample((mat(A34, dtype),))
    yield Sample((mat(V4, dtype),))
    for ord_ in ("nuc", -1, 2, INF):
        yield Sample((mat(A34, dtype), ord_))
    for ord_ in (0, 3, -INF):
        yield Sample((mat(V4, dtype), ord_))
    yield Sample((mat(np.zeros(4), dtype),), dict(ord=2))
    yield Sample((mat(RNG.uniform(-1, 1, (2, 3, 4)), dtype),), dict(dim=(0, 2), keepdim=True))
    yield Sample((mat(A34, dtype),), dict(dim=1))
    yield Sample((mat(A34, dtype), "fro"), dict(dim=0))   # RuntimeError


def vector_norm_samples(dtype):
    for ord_ in (2, 1, 0, INF, -INF, 3, -1):
        yield Sample((mat(A34, dtype),), dict(ord=ord_))
    yield Sample((mat(A34, dtype, "transposed"), 2, 1))
    yield Sample((mat(A34, dtype),), dict(dim=(0, 1), keepdim=True))
    yield Sample((mat(np.zeros((3, 4)), dtype),))
    yield Sample((mat(A34, dtype),), dict(dtype=Dtype("float64")))
    yield Sample((mat(np.zeros((0, 4)), dtype),), dict(ord=INF))   # empty with inf: RuntimeError
    yield Sample((mat(np.zeros((0, 4)), dtype),))


def matrix_norm_samples(dtype):
    for ord_ in ("fro", "nuc", 1, -1, 2, -2, INF, -INF):
        yield Sample((mat(RNG.uniform(-1, 1, (2, 3, 4)), dtype),), dict(ord=ord_))
    yield Sample((mat(A34, dtype),), dict(dim=(1, 0), keepdim=True))
    yield Sample((mat(V4, dtype),))    # RuntimeError


def solve_samples(dtype):
    yield Sample((mat(SQ, dtype), mat(A34[:, :3].T.copy(), dtype)))
    yield Sample((mat(BSQ, dtype), mat(V3, dtype)))
    yield Sample((mat(SQ, dtype), mat(RNG.uniform(-1, 1, (2, 3, 2)), dtype)))    # broadcast
    yield Sample((mat(SQ, dtype), mat(V3, dtype)), dict(left=False))
    yield Sample((mat(SINGULAR, dtype), mat(V3, dtype)), grad=False)              # RuntimeError


def lstsq_samples(dtype):
    yield Sample((mat(A34.T.copy(), dtype), mat(B43, dtype)))
    yield Sample((mat(BSQ, dtype), mat(RNG.uniform(-1, 1, (2, 3, 2)), dtype)))


def eig_input(dtype):
    return SPD if not dtype.startswith("complex") else SPD + 1j * (SQ - SQ.T)


def eigh_samples(dtype):
    yield Sample((T(eig_input(dtype), dtype),))
    yield Sample((T(BSPD, dtype),), dict(UPLO="U"))
    if dtype != "int64":  # torch returns int64 results for an empty int64 input (its kernel never runs)
        yield Sample((T(np.zeros((0, 2, 2)), dtype),))


def _column_signs(lib, u):
    """The signs making each column's first entry positive: eigen- and singular vectors are
    unique only up to sign, so they are compared normalised."""
    first = u[..., :1, :].detach()
    return lib.where(first.real >= 0, 1.0, -1.0).to(u.dtype)


def eigh_normalised(lib, a, **kw):
    w, v = lib.linalg.eigh(a, **kw)
    return w, v * _column_signs(lib, v)


def svd_normalised(lib, a, **kw):
    u, s, vh = lib.linalg.svd(a, **kw)
    d = _column_signs(lib, u)
    return u * d, s, vh * d.transpose(-1, -2)


def svd_samples(dtype):
    yield Sample((mat(A34, dtype),), dict(full_matrices=False))
    yield Sample((mat(RNG.uniform(-1, 1, (2, 4, 3)), dtype),), dict(full_matrices=False))


def pinv_samples(dtype):
    yield Sample((mat(A34, dtype),))
    yield Sample((mat(BSQ, dtype),))
    yield Sample((mat(SINGULAR, dtype),), grad=False)
    yield Sample((T(eig_input(dtype), dtype),), dict(hermitian=True))
    yield Sample((mat(A34, dtype),), dict(rtol=0.5))


def rank_samples(dtype):
    yield Sample((mat(A34, dtype),))
    yield Sample((mat(SINGULAR, dtype),))
    yield Sample((mat(np.zeros((3, 3)), dtype),))
    yield Sample((mat(BSQ, dtype),), dict(atol=1.0, rtol=0.0))
    yield Sample((T(eig_input(dtype), dtype),), dict(hermitian=True))


def power_samples(dtype):
    for n in (0, 1, 3, -1, -2):
        yield Sample((mat(SQ, dtype), n))
    yield Sample((mat(BSQ, dtype), 2))
    yield Sample((mat(A34, dtype), 2))


def cross_samples(dtype):
    yield Sample((mat(A34[:, :3], dtype), mat(B43[:3].T.copy(), dtype)))
    yield Sample((mat(A34[:1, :3], dtype), mat(B43[:, :3], dtype)))    # broadcast
    yield Sample((mat(A34.T[:3].copy(), dtype), mat(B43[:3], dtype)), dict(dim=0))
    yield Sample((mat(A34, dtype), mat(A34, dtype)))                   # size 4: RuntimeError


def triangular_samples(dtype):
    u = np.triu(SQ)
    yield Sample((mat(u, dtype), mat(A34[:, :3].T.copy(), dtype)), dict(upper=True))
    yield Sample((mat(np.tril(SQ), dtype), mat(A34[:, :3].T.copy(), dtype)), dict(upper=False))
    yield Sample((mat(u, dtype), mat(A34[:, :3], dtype)), dict(upper=True, left=False))
    yield Sample((mat(u, dtype), mat(A34[:, :3].T.copy(), dtype)), dict(upper=True, unitriangular=True))


def lu_solve_call(lib, a, b, **kw):
    lu, piv = lib.linalg.lu_factor(a)
    return lib.linalg.lu_solve(lu, piv, b, **kw)


def lu_solve_samples(dtype):
    yield Sample((mat(SQ, dtype), mat(A34[:, :3].T.copy(), dtype)))
    yield Sample((mat(BSQ, dtype), mat(A34[:, :3], dtype)), dict(adjoint=True, left=False))


def householder_samples(dtype):
    yield Sample((mat(RNG.uniform(-1, 1, (4, 3)), dtype), mat(RNG.uniform(0.5, 1.5, 2), dtype)))
    yield Sample((mat(RNG.uniform(-1, 1, (2, 3, 3)), dtype), mat(RNG.uniform(0.5, 1.5, (2, 3)), dtype)))


def vander_samples(dtype):
    yield Sample((mat(V4, dtype),))
    yield Sample((mat(A34, dtype),), dict(N=2))
    yield Sample((mat(V3, dtype),), dict(N=0))


def vecdot_samples(dtype):
    yield Sample((mat(A34, dtype), mat(V4, dtype)))
    yield Sample((mat(A34, dtype), mat(A34.T.copy(), dtype, "transposed")), dict(dim=0))


def diagonal_samples(dtype):
    b = RNG.uniform(-1, 1, (2, 3, 4))
    yield Sample((mat(b, dtype),))
    yield Sample((mat(b, dtype),), dict(offset=1))
    yield Sample((mat(b, dtype),), dict(offset=-2, dim1=0, dim2=2))


def linalg_ops():
    def sq(**kw):
        return lambda dtype: sq_samples(dtype, **kw)
    ops = [linalg("norm", norm_samples), linalg("vector_norm", vector_norm_samples),
           linalg("matrix_norm", matrix_norm_samples),
           linalg("det", sq()), linalg("slogdet", sq(singular=False)), linalg("inv", sq()), linalg("inv_ex", sq()),
           linalg("solve", solve_samples), linalg("lstsq", lstsq_samples, grad=False),
           linalg("cholesky", sq(spd=True)), linalg("cholesky_ex", sq(spd=True, singular=False)),
           linalg("qr", lambda dtype: (Sample((mat(A34.T.copy(), dtype),)),
                                       Sample((mat(A34, dtype),), dict(mode="complete"), grad=False),
                                       Sample((mat(BSQ, dtype), "r"), grad=False))),
           linalg("eigh", eigh_samples, call=eigh_normalised), linalg("eigvalsh", eigh_samples),
           linalg("svd", svd_samples, call=svd_normalised), linalg("svdvals", svd_samples), linalg("pinv", pinv_samples),
           linalg("matrix_rank", rank_samples), linalg("matrix_power", power_samples),
           linalg("cross", cross_samples), linalg("solve_triangular", triangular_samples),
           linalg("lu_factor", lambda dtype: (Sample((mat(SQ, dtype),)), Sample((mat(BSQ, dtype),))), grad=False),
           linalg("lu", lambda dtype: (Sample((mat(SQ, dtype),)), Sample((mat(A34, dtype),)),
                                       Sample((mat(BSQ, dtype),), dict(pivot=True)))),
           OpInfo("linalg.lu_solve", first_grads(lu_solve_samples), forms=("torch",), call=lu_solve_call, dtypes=LINALG_DTYPES,
                  tol=(1e-4, 1e-6)),
           linalg("householder_product", householder_samples), linalg("vander", vander_samples),
           linalg("vecdot", vecdot_samples), linalg("diagonal", diagonal_samples),
           linalg("matmul", lambda dtype: (Sample((mat(V3, dtype), mat(A34, dtype))),)), linalg("eigvals", lambda dtype: (Sample((mat(SPD, dtype),)),),
                                                     values=True, grad=False),
           linalg("tensorinv", lambda dtype: (Sample((mat(SQ.reshape(3, 3), dtype),), dict(ind=1)),)),
           linalg("tensorsolve", lambda dtype: (Sample((mat(SQ, dtype), mat(V3, dtype))),)),
           linalg("cond", lambda dtype: (Sample((mat(SQ, dtype),)),
                                         # torch's backward of cond(A, 1) fails (inv_ex's output modified in place)
                                         Sample((mat(SQ, dtype), 1), grad=False))),
           linalg("matrix_exp", lambda dtype: (Sample((mat(BSQ * 0.3, dtype),)),)),
           ]
    for name, samples in (("det", sq()), ("logdet", sq(spd=True, singular=False)), ("inverse", sq()), ("slogdet", sq(singular=False)),
                          ("cholesky", sq(spd=True)), ("matrix_power", power_samples), ("pinverse", pinv_samples)):
        forms = tuple(f for f in torch_forms(name) if f != "out")
        if name == "pinverse":
            samples = (lambda dtype: (s for s in pinv_samples(dtype) if not s.kwargs))  # noqa: E731
        if name == "cholesky":  # torch.cholesky returns an empty int64 input's result (no kernel runs)
            samples = (lambda dtype: (s for s in sq_samples(dtype, spd=True)  # noqa: E731
                                      if dtype != "int64" or s.args[0].values.size))
        ops.append(OpInfo(name, first_grads(samples), forms=forms, dtypes=LINALG_DTYPES, tol=(1e-4, 1e-6),
                          gradgrad=False))
    ops.append(OpInfo("cholesky_solve", lambda dtype: (Sample((mat(A34[:, :3].T.copy(), dtype),
                                                                mat(np.linalg.cholesky(SPD), dtype))),
                                                        Sample((mat(A34[:, :3].T.copy(), dtype),
                                                                mat(np.linalg.cholesky(SPD).T.copy(), dtype), True))),
                      forms=torch_forms("cholesky_solve"), dtypes=LINALG_DTYPES, tol=(1e-4, 1e-6)))
    ops.append(OpInfo("cholesky_inverse", lambda dtype: (Sample((mat(np.linalg.cholesky(SPD), dtype),)),),
                      forms=torch_forms("cholesky_inverse"), dtypes=LINALG_DTYPES, tol=(1e-4, 1e-6)))
    return ops


# ---- fft -----------------------------------------------------------------------------------------
FFT_DTYPES = ("int32", "float64", "complex128")  # float32/complex64 share their kernels; ints promote


def fft_samples(dtype):
    x = RNG.uniform(-1, 1, (3, 4))
    xv = x + 0.25j * np.roll(x, 1) if dtype.startswith("complex") else x
    yield Sample((T(xv, dtype),))
    yield Sample((T(xv, dtype),), dict(n=6))
    yield Sample((T(xv, dtype),), dict(n=2, dim=0))
    yield Sample((T(xv, dtype, "transposed"),), dict(dim=-1, norm="forward"))
    yield Sample((T(xv, dtype),), dict(norm="ortho"))
    yield Sample((T(xv, dtype),), dict(n=0))           # RuntimeError
    yield Sample((T(xv, dtype),), dict(norm="bad"))    # ValueError


def fftn_samples(dtype):
    x = RNG.uniform(-1, 1, (2, 3, 4))
    xv = x + 0.25j * np.roll(x, 1) if dtype.startswith("complex") else x
    yield Sample((T(xv, dtype),), dict(s=(4, 6)))
    yield Sample((T(xv, dtype),), dict(dim=(0, -1), norm="ortho"))
    yield Sample((T(xv, dtype),), dict(s=[3, 4], dim=[0, 1], norm="forward"))


def fft_ops():
    ops = []
    for name in ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft"):
        ops.append(OpInfo("fft." + name, first_grads(fft_samples), forms=("torch",), call=call_in("fft." + name),
                          dtypes=FFT_DTYPES, tol=(1e-4, 1e-5), gradgrad=name == "fft"))
    for name in ("fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn", "rfftn", "irfftn", "hfft2", "ihfft2"):
        ops.append(OpInfo("fft." + name, first_grads(fftn_samples), forms=("torch",), call=call_in("fft." + name),
                          dtypes=FFT_DTYPES, tol=(1e-4, 1e-5), gradgrad=False))
    for name in ("fftfreq", "rfftfreq"):
        ops.append(OpInfo("fft." + name, lambda dtype: (
            Sample((5,), dict(dtype=Dtype(dtype))), Sample((4, 0.5), dict(dtype=Dtype(dtype))),
            Sample((1,), dict(d=2.0, dtype=Dtype(dtype)))), forms=("torch",), call=call_in("fft." + name),
            dtypes=("float32", "float64"), grad=False))
    for name in ("fftshift", "ifftshift"):
        ops.append(OpInfo("fft." + name, lambda dtype: (
            Sample((T(sv(dtype, 12, (3, 4)), dtype),)),
            Sample((T(sv(dtype, 12, (3, 4)), dtype),), dict(dim=1)),
            Sample((T(sv(dtype, 12, (3, 4)), dtype),), dict(dim=(0, -1))),
            Sample((T(sv(dtype, 5), dtype),))), forms=("torch",), call=call_in("fft." + name)))
    return ops


# ---- special -------------------------------------------------------------------------------------
SPECIAL_DTYPES = ("uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float64")


def special_unary(kinks=(), **kwargs):
    """The special values (and the kinks) as a transposed matrix; the float32 and bool runs are
    the slow one's (the series and integrals compile slowly, and float32 shares float64's kernels)."""
    def samples(dtype):
        vals = special_values(dtype, kinks)
        yield Sample((T(np.resize(vals, (4, 8)), dtype, "transposed"),), kwargs)
    return samples


def softmax_like(dtype):
    """torch.special's names of F.softmax / log_softmax (their kernels' samples are opinfo_db_pointwise's)."""
    vals = sv(dtype, 20, (4, 5))
    yield Sample((T(vals, dtype, "transposed"), 0))
    yield Sample((T(vals, dtype),), dict(dim=-1, dtype=Dtype("float64")))


def logsumexp_samples(dtype):
    """torch.special.logsumexp is torch.logsumexp (whose samples are opinfo_db_reduction's)."""
    vals = sv(dtype, 20, (4, 5))
    yield Sample((T(vals, dtype, "transposed"), -1, True))
    yield Sample((T(np.full((2, 3), -INF), dtype), 1))
    yield Sample((T(np.zeros((0, 3)), dtype), 0))


def polygamma_samples(dtype):
    vals = special_values(dtype, (0, -1))
    yield Sample((0, T(vals, dtype)))
    moderate = np.array([0.0, -0.0, 1.0, 0.5, 2.0, 7.25, -0.5, -2.5, -1.0, INF, NAN, 1e-30]) if dtype != "bool" else vals
    for n in (1, 2, 3):
        yield Sample((n, T(moderate if dtype in FLOAT_DTYPES else vals, dtype)))


def multigammaln_samples(dtype):
    yield Sample((T(np.array([1.5, 2.0, 3.5, 10.0]), dtype), 1))
    yield Sample((T(np.array([1.5, 2.0, 3.5, 10.0]), dtype), 3))
    yield Sample((T(np.array([0.5, 2.0]), dtype), 3))   # below (p-1)/2: RuntimeError


# torchlike's float64 Neumann series / asymptotic forms of Y1 and Ai are accurate to ~2e-6 (relative)
# where they oscillate (Y1(6), Ai(-2.5)); torch's Cephes to ~1e-15
SPECIAL_TOL = {"bessel_y1": (5e-6, 1e-9), "airy_ai": (5e-6, 1e-9)}
SPECIAL_UNARY = {
    # the near-pole samples (next to 0, -1) of lgamma/digamma are torch.lgamma/digamma's, in opinfo_db_pointwise
    "gammaln": (), "digamma": (), "psi": (), "bessel_j0": (), "bessel_j1": (), "bessel_y0": (0,),
    "bessel_y1": (0,), "modified_bessel_i0": (), "modified_bessel_i1": (), "modified_bessel_k0": (0,),
    "modified_bessel_k1": (0,), "scaled_modified_bessel_k0": (0,), "scaled_modified_bessel_k1": (0,),
    "spherical_bessel_j0": (0,), "erf": (), "erfc": (), "erfinv": (1, -1), "log1p": (-1,), "expm1": (),
    "exp2": (), "logit": (0, 1), "i0": (), "round": (0.5, 1.5, 2.5), "airy_ai": (), "gammainc": None,
}


def special_ops():
    ops = []
    for name, kinks in SPECIAL_UNARY.items():
        if kinks is None:
            continue
        ops.append(OpInfo("special." + name, special_unary(kinks), forms=("torch",), call=call_in("special." + name),
                          dtypes=SPECIAL_DTYPES, tol=SPECIAL_TOL.get(name)))
    ops.append(OpInfo("special.logit", special_unary((0, 1), eps=1e-3), forms=("torch",),
                      call=call_in("special.logit"), dtypes=SPECIAL_DTYPES))
    for name in ("softmax", "log_softmax"):
        ops.append(OpInfo("special." + name, softmax_like, forms=("torch",), call=call_in("special." + name),
                          dtypes=SPECIAL_DTYPES))
    ops.append(OpInfo("special.logsumexp", logsumexp_samples, forms=("torch",), call=call_in("special.logsumexp"),
                      dtypes=SPECIAL_DTYPES))
    ops.append(OpInfo("special.polygamma", polygamma_samples, forms=("torch",), call=call_in("special.polygamma"),
                      dtypes=SPECIAL_DTYPES))
    ops.append(OpInfo("polygamma", polygamma_samples, forms=("torch",), dtypes=SPECIAL_DTYPES))
    ops.append(OpInfo("special.multigammaln", first_grads(multigammaln_samples, 3), forms=("torch",),
                      call=call_in("special.multigammaln"), gradgrad=False))
    ops.append(OpInfo("mvlgamma", multigammaln_samples, forms=torch_forms("mvlgamma")))
    for name in ("gammainc", "gammaincc"):
        ops.append(OpInfo("special." + name, lambda dtype: (
            Sample((T(np.array([0.5, 1.0, 2.0, 5.0, 0.0, -1.0]), dtype),
                    T(np.array([0.5, 2.0, 0.0, 3.0, 1.0, 1.0]), dtype))),), forms=("torch",),
            call=call_in("special." + name), grad=False))
    return ops


# ---- random --------------------------------------------------------------------------------------
def random_size_samples(dtype):
    yield from size_samples()(dtype)
    if dtype == "float32":
        yield Sample((3,), dict(generator=Lib("Generator", lambda lib: lib.Generator().manual_seed(1))))


def randint_samples(dtype):
    yield Sample((-5, 5, (3, 4)), dict(dtype=Dtype(dtype)))
    if dtype == "int64":
        yield Sample((5, (3, 4)))
        yield Sample((5, 5, (3,)))          # empty range: RuntimeError
        yield Sample((0, (0,)))
        yield Sample((3, [2, 2]))


def randperm_samples(dtype):
    yield Sample((5,), dict(dtype=Dtype(dtype)))
    yield Sample((0,), dict(dtype=Dtype(dtype)))
    if dtype == "int64":
        yield Sample((5,))
        yield Sample((-1,))


def normal_samples(dtype):
    m = T(RNG.uniform(-1, 1, (3, 4)), dtype, grad=False)
    s = T(RNG.uniform(0.5, 1, (3, 4)), dtype, grad=False)
    yield Sample((m, s))
    yield Sample((m, 1.0))
    yield Sample((0.0, s))
    yield Sample((0.0, 1.0, (2, 3)))
    yield Sample((0.0, 1.0), dict(size=(2,)))


def random_like_samples(dtype):
    yield Sample((T(np.zeros((3, 4)), dtype),))
    yield Sample((T(np.zeros((3, 4)), dtype, "transposed"),))
    yield Sample((T(np.zeros(()), dtype),), dict(dtype=Dtype("float64")))


def prob_samples(dtype):
    p = np.array([[0.0, 0.5, 1.0, 0.25], [1.0, 1.0, 0.0, 0.1], [0.3, 0.3, 0.3, 0.3]])
    yield Sample((T(p, dtype),))
    yield Sample((T(p, dtype, "transposed"),))
    yield Sample((T(p[0], dtype),))


def multinomial_samples(dtype):
    p = np.array([[0.0, 0.5, 1.0, 0.25], [1.0, 1.0, 0.0, 0.1]])
    yield Sample((T(p, dtype), 2))
    yield Sample((T(p[0], dtype), 5, True))
    yield Sample((T(p[0], dtype), 4))       # more than nonzero without replacement: RuntimeError
    yield Sample((T(-p[0], dtype), 1))      # negative: RuntimeError


def inplace_random(name, *args, **kwargs):
    return lambda lib, x: getattr(x.clone(), name)(*args, **kwargs)


def random_ops():
    """Random ops compare dtype, shape and errors; float64 draws share float32's kernels, so the
    default run takes bool, int64 and float32."""
    ops, dtypes = [], tuple(d for d in DTYPES if d != "float64")
    for name in ("rand", "randn"):
        ops.append(OpInfo(name, random_size_samples, forms=("torch", "out"), values=False, grad=False,
                          dtypes=("int64", "float32", "complex64", "bfloat16")))
    ops.append(OpInfo("randint", randint_samples, forms=("torch",), values=False, grad=False, dtypes=dtypes))
    ops.append(OpInfo("randperm", randperm_samples, forms=("torch", "out"), values=False, grad=False, dtypes=dtypes))
    ops.append(OpInfo("normal", normal_samples, forms=("torch",), values=False, grad=False, dtypes=("float32",)))
    for name in ("rand_like", "randn_like"):
        ops.append(OpInfo(name, random_like_samples, forms=("torch",), values=False, grad=False, dtypes=dtypes))
    ops.append(OpInfo("randint_like", lambda dtype: (Sample((T(np.zeros((3, 4)), dtype), 5)),
                                                     Sample((T(np.zeros((3, 4)), dtype), -2, 3))),
                      forms=("torch",), values=False, grad=False, dtypes=dtypes))
    ops.append(OpInfo("bernoulli", prob_samples, forms=("torch", "method"), values=False, grad=False, dtypes=dtypes))
    ops.append(OpInfo("bernoulli", lambda dtype: (Sample((T(np.zeros((3, 4)), dtype), 0.3)),),
                      forms=("torch", "method"), values=False, grad=False, dtypes=dtypes))
    ops.append(OpInfo("poisson", lambda dtype: (Sample((T(np.array([0.0, 1.0, 4.5]), dtype),)),), forms=("torch",),
                      values=False, grad=False, dtypes=("int64", "float32")))
    ops.append(OpInfo("multinomial", multinomial_samples, forms=torch_forms("multinomial"), values=False,
                      grad=False, dtypes=("int64", "float32")))
    for name, args in (("uniform_", (-1, 2)), ("normal_", (0, 2)), ("random_", (0, 5)), ("exponential_", ()),
                       ("geometric_", (0.5,)), ("log_normal_", ()), ("cauchy_", ()), ("bernoulli_", (0.5,))):
        ops.append(OpInfo(name, random_like_samples, forms=("method",), call=inplace_random(name, *args),
                          values=False, grad=False, dtypes=dtypes))
    return ops


OPS = creation_ops() + conversion_ops() + blas_ops() + linalg_ops() + fft_ops() + special_ops() + random_ops()

XFAIL = {
    ("complex", "*", "error"): ("torch.complex of float16 parts is a complex32 tensor; torchlike has no "
                                    "complex32 (JAX has none) and raises", "float16"),
    ("numpy", "method", "error"): ("Tensor.numpy() of bfloat16: torch raises TypeError (NumPy has no bfloat16); "
                                   "torchlike returns an ml_dtypes bfloat16 array (README)", "bfloat16"),
    **{(name, "torch", "grad"): ("complex eigen/singular vectors are defined up to a phase: torch's backward checks "
                                 "that the loss does not depend on it and raises; torchlike differentiates the vectors "
                                 "JAX returns", "complex128") for name in ("linalg.eigh", "linalg.svd")},
    ("cholesky_inverse", "*", "value"): ("a complex 'factor' with a non-real diagonal (no Cholesky factor has "
                                             "one): LAPACK's potri reads parts of it only; torchlike inverts L L^H "
                                             "exactly; true factors agree", "complex128"),
    **{(f"special.{name}", "torch", "value"): ("at large integer arguments both libraries' float32 Bessel "
                                               "asymptotics lose digits, differently (255: 2e-5 relative; int32's "
                                               "extremes: pure rounding noise ~1e-5)", "int")
       for name in ("bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1")},
    ("special.exp2", "torch", "value"): ("bfloat16 exp2: torch's vectorised kernel rounds 2^7.1875 (= 145.8) to 152; "
                                         "torchlike rounds the float32 value, 148", "bfloat16"),
    ("combinations", "torch", "grad"): "r=0: torchlike's empty result requires grad, torch's does not "
                                       "(ops/other.py, outside this family's files)",
    ("view_as_complex", "torch", "error"): "a copy, not a view (README): a last dim of stride != 1 is accepted "
                                           "instead of torch's RuntimeError (ops/other.py)",
    ("addbmm", "inplace", "error"): "x.addbmm_ with an x that broadcasts to the product: torch resizes x, "
                                    "torchlike raises as torch's addmm_/baddbmm_ do",
    ("special.gammaln", "torch", "gradgrad"): "torch.lgamma's kernel (ops/pointwise.py, the lead's): the second "
                                              "derivative at 0, -0 and -1e30 is NaN/inf where torch's is inf/finite",
    ("special.digamma", "torch", "grad"): "torch.digamma's kernel (ops/pointwise.py, the lead's): the derivative "
                                          "at 0, -0 and -1e30 is NaN/inf where torch's is inf/finite",
    ("special.psi", "torch", "grad"): "as special.digamma (the same kernel)",
    ("special.i0", "torch", "gradgrad"): "torch.i0's kernel (ops/pointwise.py, the lead's): the second derivative "
                                         "at 7.25 (0.534 in torch) is NaN",
    ("special.airy_ai", "torch", "value"): "Ai(x) for x <= -1e18 (int64's minimum, -1e30): beyond float64's "
                                           "resolution of the oscillation, torch's and torchlike's asymptotic "
                                           "forms give different noise (~1e-6..1e-8)",
    **{(name, "torch", "value"): "digamma (n = 0) and trigamma (n = 1) at and next to the poles 0, -1, -2 ...: "
                                 "torch's series return rounding noise there (-5.5e15, 6.6e32, 4.3e15), torchlike inf "
                                 "or other noise; n >= 2 is torch's zeta formula, values equal"
       for name in ("polygamma", "special.polygamma")},
    ("mvlgamma", "*", "error"): "torch.mvlgamma's kernel (ops/pointwise.py, the lead's) accepts bool input; torch "
                                "raises RuntimeError",
    ("special.multigammaln", "torch", "error"): "as mvlgamma (the same kernel)",
    ("special.multigammaln", "torch", "grad"): "mvlgamma's kernel (ops/pointwise.py): the gradient below the "
                                               "domain ((p-1)/2) is NaN, torch's -inf",
    ("mvlgamma", "*", "grad"): "as special.multigammaln",
    ("linalg.vector_norm", "torch", "gradgrad"): "at x = 0 torch's second derivative of the 2-norm is NaN (0/0 "
                                                 "inside its double backward), torchlike's 0",
    ("linalg.norm", "torch", "gradgrad"): "as linalg.vector_norm (the same kernel)",
    ("cholesky_solve", "*", "grad"): "torch's backward gives L's entries above the diagonal (never read) a "
                                     "gradient, as if L L^H used the whole matrix; torchlike's is the exact "
                                     "derivative, 0 there (through cholesky() both agree)",
    ("cholesky_inverse", "*", "grad"): "as cholesky_solve",
    ("clone", "method", "stride"): "torchlike's tensors own row-major storage: clone (preserve_format) of a "
                                   "transposed view is contiguous, torch keeps the dense permuted strides",
}
