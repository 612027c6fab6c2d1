"""OpInfo entries: tensor predicates and dtype queries, closeness tests, window functions, torch's
native (ATen-signature) forms of nn ops, the torch-level linear-algebra names (removed ones
included: their errors are compared) and a few more creation and signal-processing ops."""
import numpy as np
import torch

from opinfo import OpInfo, Sample, T, special_values, torch_forms


def _matrix(dtype, n=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, n)) + n * np.eye(n) if dtype not in ("bool",) else rng.random((n, n)) > 0.5


def predicate_samples(dtype):
    vals = special_values(dtype)
    yield Sample((T(vals, dtype),))
    yield Sample((T(vals[:1], dtype),))
    yield Sample((T(np.zeros((0,), vals.dtype), dtype),))
    yield Sample((T(np.asarray(vals[1]), dtype),))


def _pair(dtype):
    vals = special_values(dtype)
    return T(vals, dtype), T(np.roll(vals, 1), dtype)


OPS = []
# predicates and queries on one tensor (is_nonzero raises for more than one element, as torch)
for _name in ("is_complex", "is_conj", "is_floating_point", "is_inference", "is_neg", "is_nonzero", "is_signed",
              "numel", "get_device"):
    OPS.append(OpInfo(_name, predicate_samples, forms=torch_forms(_name), grad=False))
OPS.append(OpInfo("is_tensor", lambda dtype: [Sample((T(special_values(dtype), dtype),)), Sample((3,)),
                                               Sample(([1, 2],))], forms=("torch",), grad=False))
OPS.append(OpInfo("is_distributed", predicate_samples, forms=("torch",), grad=False))
OPS.append(OpInfo("is_same_size", lambda dtype: [Sample(_pair(dtype)),
                                                  Sample((T(special_values(dtype), dtype),
                                                          T(special_values(dtype)[:2], dtype)))],
                  forms=torch_forms("is_same_size"), grad=False))


def close_samples(dtype):
    a, b = _pair(dtype)
    yield Sample((a, a))
    yield Sample((a, b))
    vals = special_values(dtype)
    yield Sample((T(vals, dtype), T(vals, dtype)), dict(equal_nan=True))
    if dtype not in ("bool",) and not dtype.startswith(("int", "uint")):
        yield Sample((T(vals, dtype), T(vals * (1 + 1e-6), dtype)), dict(rtol=1e-5, atol=0.0))
    yield Sample((T(vals, dtype), T(vals[:1], dtype)))  # broadcasting


for _name in ("isclose", "allclose"):
    OPS.append(OpInfo(_name, close_samples, forms=torch_forms(_name), grad=False))
OPS.append(OpInfo("equal", lambda dtype: [Sample(_pair(dtype)), Sample((_pair(dtype)[0], _pair(dtype)[0])),
                                           Sample((T(special_values(dtype), dtype), T(special_values(dtype)[:2],
                                                                                      dtype)))],
                  forms=torch_forms("equal"), grad=False))
OPS.append(OpInfo("isin", lambda dtype: [Sample(_pair(dtype)), Sample((_pair(dtype)[0], 1)),
                                          Sample(_pair(dtype), dict(invert=True))],
                  forms=torch_forms("isin"), grad=False))
OPS.append(OpInfo("type_as", lambda dtype: [Sample((T(special_values(dtype), dtype), T(np.zeros(2), "float32"))),
                                             Sample((T(special_values(dtype), dtype), T(np.zeros(2), "int64")))],
                  forms=("method",)))


# dtype queries: dtypes in, a dtype or bool out
def _dtype_pairs(dtype):
    other = {"bool": "int64", "int64": "float32", "float32": "float64", "float64": "complex64"}.get(dtype, "float32")
    return getattr(torch, dtype), getattr(torch, other)


OPS.append(OpInfo("promote_types", lambda dtype: [Sample(_dtype_pairs(dtype)), Sample(_dtype_pairs(dtype)[::-1])],
                  forms=("torch",), grad=False))
OPS.append(OpInfo("can_cast", lambda dtype: [Sample(_dtype_pairs(dtype)), Sample(_dtype_pairs(dtype)[::-1])],
                  forms=("torch",), grad=False))
OPS.append(OpInfo("result_type", lambda dtype: [Sample((T(special_values(dtype), dtype), 2.5)),
                                                 Sample((T(special_values(dtype), dtype), T(np.ones(2), "int32"))),
                                                 Sample((True, T(special_values(dtype), dtype)))],
                  forms=("torch",), grad=False))
OPS.append(OpInfo("broadcast_shapes", lambda dtype: [Sample(((3, 1), (1, 4))), Sample(((2,), (3, 2), ())),
                                                      Sample(((2,), (3,)))], forms=("torch",), grad=False,
                  dtypes=("float64",)))


# window functions (creation ops with periodic/dtype forms)
def window_samples(dtype):
    for n in (0, 1, 5):
        yield Sample((n,), dict(dtype=getattr(torch, dtype)))
    yield Sample((6,), dict(periodic=False, dtype=getattr(torch, dtype)))


for _name in ("bartlett_window", "blackman_window", "hamming_window", "hann_window", "kaiser_window"):
    OPS.append(OpInfo(_name, window_samples, forms=("torch",), grad=False, dtypes=("float32", "float64", "int64")))
OPS.append(OpInfo("hamming_window", lambda dtype: [Sample((7, True, 0.5, 0.5), dict(dtype=getattr(torch, dtype)))],
                  forms=("torch",), grad=False, dtypes=("float64",)))
OPS.append(OpInfo("range", lambda dtype: [Sample((0, 4)), Sample((1, 2, 0.25)), Sample((0, 3), dict(
    dtype=getattr(torch, dtype))), Sample((3, 0, -1))], forms=("torch",), grad=False, dtypes=("float64", "int64")))
OPS.append(OpInfo("scalar_tensor", lambda dtype: [Sample((2.5,)), Sample((3,), dict(dtype=getattr(torch, dtype)))],
                  forms=("torch",), grad=False))
OPS.append(OpInfo("vander", lambda dtype: [Sample((T(special_values(dtype)[:4], dtype),)),
                                            Sample((T(special_values(dtype)[:4], dtype),), dict(N=3))],
                  forms=("torch",), grad=False))  # torch 2.13's vander backward fails (an in-place write)
OPS.append(OpInfo("block_diag", lambda dtype: [Sample((T(_matrix(dtype, 2), dtype), T(_matrix(dtype, 3, 1), dtype))),
                                                Sample((T(special_values(dtype)[:3], dtype), T(np.asarray(
                                                    special_values(dtype)[0]), dtype)))],
                  forms=("torch",)))
OPS.append(OpInfo("cdist", lambda dtype: [Sample((T(_matrix(dtype, 3), dtype), T(_matrix(dtype, 3, 1), dtype))),
                                           Sample((T(_matrix(dtype, 3), dtype), T(_matrix(dtype, 3, 1)[:2], dtype)),
                                                  dict(p=1.0))],
                  forms=("torch",), gradgrad=False, dtypes=("float32", "float64")))
OPS.append(OpInfo("trace", lambda dtype: [Sample((T(_matrix(dtype, 3), dtype),)),
                                           Sample((T(_matrix(dtype, 3)[:2], dtype),))], forms=torch_forms("trace")))
OPS.append(OpInfo("cross", lambda dtype: [Sample((T(_matrix(dtype, 3), dtype), T(_matrix(dtype, 3, 1), dtype))),
                                           Sample((T(_matrix(dtype, 3), dtype), T(_matrix(dtype, 3, 1), dtype)),
                                                  dict(dim=0))],
                  forms=torch_forms("cross"), dtypes=("int64", "float32", "float64")))
OPS.append(OpInfo("fill", lambda dtype: [Sample((T(special_values(dtype), dtype), 2)),
                                          Sample((T(special_values(dtype), dtype), T(np.asarray(1), dtype)))],
                  forms=("torch",)))
OPS.append(OpInfo("fill_", lambda dtype: [Sample((T(special_values(dtype), dtype, grad=False), 2))],
                  forms=("torch",), grad=False))
OPS.append(OpInfo("zero_", lambda dtype: [Sample((T(special_values(dtype), dtype, grad=False),))],
                  forms=("torch",), grad=False))
OPS.append(OpInfo("detach_", lambda dtype: [Sample((T(special_values(dtype), dtype, grad=False),))],
                  forms=("torch",), grad=False))

# functions torch 2 removed: calling them raises torch's RuntimeError (the error type is compared)
for _name in ("solve", "lstsq", "eig", "symeig", "matrix_rank"):
    OPS.append(OpInfo(_name, lambda dtype: [Sample((T(_matrix(dtype), dtype), T(_matrix(dtype, 3, 1), dtype)))],
                      forms=tuple(f for f in torch_forms(_name) if f != "out"), grad=False, dtypes=("float64",)))


# the torch-level names of linalg factorizations
def square(dtype):
    return [Sample((T(_matrix(dtype), dtype),))]


for _name, kwargs in (("qr", {}), ("svd", {}), ("geqrf", {})):
    OPS.append(OpInfo(_name, square, forms=tuple(f for f in torch_forms(_name) if f != "out"), values=False,
                      grad=False, dtypes=("float64",)))
OPS.append(OpInfo("matrix_exp", lambda dtype: [Sample((T(_matrix(dtype) / 4, dtype),))],
                  forms=torch_forms("matrix_exp"), gradgrad=False, dtypes=("float64",)))
OPS.append(OpInfo("triangular_solve", lambda dtype: [Sample((T(_matrix(dtype, 3, 1), dtype),
                                                             T(np.triu(_matrix(dtype)), dtype)))],
                  forms=tuple(f for f in torch_forms("triangular_solve") if f != "out"), gradgrad=False,
                  dtypes=("float64",)))


def lu_solve_samples(dtype):
    a = _matrix(dtype)
    lu_np, piv = torch.linalg.lu_factor(torch.tensor(a))
    yield Sample((T(_matrix(dtype, 3, 1), dtype), T(lu_np.numpy(), dtype), T(piv.numpy(), "int32", grad=False)))


OPS.append(OpInfo("lu_solve", lu_solve_samples, forms=tuple(f for f in torch_forms("lu_solve") if f != "out"),
                  gradgrad=False, dtypes=("float64",)))

# torch's native (ATen-signature) forms of nn ops; random ones compare dtype and shape (p=0 exactly)
_IMAGE = np.linspace(-2, 2, 2 * 3 * 4 * 4).reshape(2, 3, 4, 4)


def _dropout_samples(dtype):
    yield Sample((T(_IMAGE, dtype), 0.0, True))
    yield Sample((T(_IMAGE, dtype), 0.5, False))


for _name in ("dropout", "alpha_dropout", "feature_dropout", "feature_alpha_dropout"):
    OPS.append(OpInfo(_name, _dropout_samples, forms=("torch",), dtypes=("float32", "float64")))
    OPS.append(OpInfo(_name + "_", lambda dtype: [Sample((T(_IMAGE, dtype, grad=False), 0.0, False))],
                      forms=("torch",), grad=False, dtypes=("float64",)))
OPS.append(OpInfo("native_dropout", lambda dtype: [Sample((T(_IMAGE, dtype), 0.0, True))], forms=("torch",),
                  dtypes=("float64",)))
OPS.append(OpInfo("batch_norm", lambda dtype: [Sample((T(_IMAGE, dtype), None, None, None, None, True, 0.1, 1e-5,
                                                       False))], forms=("torch",), dtypes=("float32", "float64")))
OPS.append(OpInfo("instance_norm", lambda dtype: [Sample((T(_IMAGE, dtype), None, None, None, None, True, 0.1, 1e-5,
                                                          False))], forms=("torch",), dtypes=("float64",)))
OPS.append(OpInfo("native_layer_norm", lambda dtype: [Sample((T(_IMAGE, dtype), (4,), None, None, 1e-5))],
                  forms=("torch",), dtypes=("float64",)))
OPS.append(OpInfo("constant_pad_nd", lambda dtype: [Sample((T(_IMAGE, dtype), (1, 2))),
                                                     Sample((T(_IMAGE, dtype), (1, -1, 0, 2), 1.5))],
                  forms=("torch",)))
OPS.append(OpInfo("embedding", lambda dtype: [Sample((T(_IMAGE[0, 0], dtype), T(np.array([[0, 3], [1, 1]]), "int64",
                                                                                grad=False)))],
                  forms=("torch",), dtypes=("float64",)))
OPS.append(OpInfo("max_pool1d_with_indices", lambda dtype: [Sample((T(_IMAGE[0], dtype), 2))],
                  forms=("torch",), dtypes=("float64", "int64")))
OPS.append(OpInfo("native_channel_shuffle", lambda dtype: [Sample((T(_IMAGE[:, :2].repeat(2, 1), dtype), 2))],
                  forms=("torch", "F"), dtypes=("float64",)))

# more creation and view-copy forms
OPS.append(OpInfo("empty_strided", lambda dtype: [Sample(((2, 3), (3, 1)), dict(dtype=getattr(torch, dtype))),
                                                   Sample(((2, 3), (1, 2)))], forms=("torch",), values=False,
                  grad=False))
OPS.append(OpInfo("empty_permuted", lambda dtype: [Sample(((2, 3, 4), (2, 0, 1)), dict(dtype=getattr(torch, dtype)))],
                  forms=("torch",), values=False, grad=False))
OPS.append(OpInfo("frombuffer", lambda dtype: [Sample((bytearray(np.arange(8, dtype=np.float32).tobytes()),),
                                                      dict(dtype=torch.float32)),
                                               Sample((bytearray(np.arange(8, dtype=np.int64).tobytes()),),
                                                      dict(dtype=torch.int64, count=3, offset=8))],
                  forms=("torch",), grad=False, dtypes=("float64",)))
OPS.append(OpInfo("view_as_real_copy", lambda dtype: [Sample((T(special_values(dtype)[:6], dtype),))],
                  forms=("torch",), dtypes=("complex64", "complex128", "float64")))
# (torch refuses to differentiate view_as_complex_copy; torchlike can, so inputs do not require grad)
OPS.append(OpInfo("view_as_complex_copy", lambda dtype: [Sample((T(special_values(dtype)[:6].reshape(3, 2), dtype,
                                                                  grad=False),))],
                  forms=("torch",), dtypes=("float32", "float64", "int64")))
OPS.append(OpInfo("binomial", lambda dtype: [Sample((T(np.array([5.0, 10.0, 0.0]), dtype, grad=False),
                                                     T(np.array([0.5, 0.1, 0.3]), dtype, grad=False)))],
                  forms=("torch",), values=False, grad=False, dtypes=("float32", "float64", "int64")))
OPS.append(OpInfo("gradient", lambda dtype: [Sample((T(_matrix(dtype, 4), dtype),)),
                                              Sample((T(_matrix(dtype, 4), dtype),), dict(spacing=2.0, dim=1)),
                                              Sample((T(_matrix(dtype, 4), dtype),), dict(edge_order=2))],
                  forms=("torch",), gradgrad=False, dtypes=("float32", "float64", "int64")))
for _n in (1, 2, 3):
    OPS.append(OpInfo(f"adaptive_max_pool{_n}d_with_indices",
                      lambda dtype, n=_n: [Sample((T(_IMAGE[0, :, :, :1] if n == 1 else _IMAGE[0] if n == 2
                                                     else _IMAGE[None], dtype), 2))],
                      forms=("F",), dtypes=("float64", "int64")))
