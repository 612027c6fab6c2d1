"""Parity of the creation ops (torch.tensor inference, ranges, fills, *_like, new_*, legacy types)."""
import numpy as np
import pytest
import torch

import torchlike
from parity import Case, check, expect_error, rand

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

CASES = [
    Case("tensor_infer", lambda L: (L.tensor([1, 2.5]), L.tensor([[1, 2], [3, 4]]), L.tensor([True, 1]),
                                    L.tensor([1, 2j]), L.tensor(3), L.tensor(2.5), L.tensor(False), L.tensor([]),
                                    L.tensor([[], []]), L.tensor(range(3)), L.tensor(((1, 2), (3, 4)))),
         grad=False),
    Case("tensor_numpy", lambda L: (L.tensor(np.float32(2)), L.tensor(np.int32(2)), L.tensor([np.float64(2), 1]),
                                    L.tensor([np.int32(1), 2]), L.tensor([np.float16(1), 2]),
                                    L.tensor(np.array([1, 2], np.int16)), L.tensor(np.array(5)),
                                    L.tensor([np.array([1, 2]), np.array([3, 4])])), grad=False),
    Case("tensor_of_tensors", lambda L: (L.tensor([L.tensor(1.5), 2]), L.tensor([L.tensor(1, dtype=L.int32), 2]),
                                         L.tensor([L.tensor(1.5, dtype=L.float64), 2]), L.tensor(L.ones(2)),
                                         L.tensor([L.tensor([1.]), L.tensor([3.])])), grad=False),
    Case("tensor_dtype_arg", lambda L: (L.tensor([1.7, -2.7], dtype=L.int64), L.tensor([1, 2], dtype=L.float16),
                                        L.tensor([1, 2.5], dtype=L.bfloat16), L.tensor([[1, 0]], dtype=L.bool),
                                        L.tensor([1 + 2j, 2], dtype=L.complex128)), grad=False),
    Case("tensor_requires_grad", lambda L: L.tensor([1.5, 2.0], requires_grad=True) * 2, grad=False),
    Case("as_tensor_asarray", lambda L: (L.as_tensor([1, 2]), L.as_tensor(np.array([1., 2.])),
                                         L.as_tensor([1, 2], dtype=L.float32), L.asarray([1, 2.0]),
                                         L.asarray(np.array([1, 2], np.int16)), L.from_numpy(np.arange(3, dtype=np.int8)),
                                         L.from_numpy(np.array(1.5, np.float16))), grad=False),
    Case("zeros_ones_empty", lambda L: (L.zeros(2, 3), L.zeros((2, 3)), L.zeros([2, 3], dtype=L.int32),
                                        L.zeros(L.Size([2])), L.zeros(()), L.ones(2, dtype=L.bool),
                                        L.ones(L.tensor(2)), L.empty(2, 3).shape, L.empty(0).shape), grad=False),
    Case("full", lambda L: (L.full((2, 2), 3), L.full((2,), 3.0), L.full([2], True), L.full((2,), 1 + 2j),
                            L.full((2,), L.tensor(3)), L.full((2,), np.int32(2)), L.full((2,), np.float64(2.5)),
                            L.full((2,), 2.5, dtype=L.int64), L.full([], 7), L.scalar_tensor(3),
                            L.scalar_tensor(True), L.scalar_tensor(3, dtype=L.int64)), grad=False),
    Case("factory_requires_grad", lambda L: (L.ones(2, requires_grad=True).requires_grad,
                                             L.full((2,), 3., requires_grad=True).requires_grad,
                                             L.eye(2, requires_grad=True).is_leaf), grad=False),
    Case("out_arg", lambda L: (L.arange(3, out=L.empty(3)), L.zeros(2, 3, out=L.empty(1)),
                               L.full((2,), 1.5, out=L.empty(2, dtype=L.int32)),
                               L.linspace(0, 1, 3, out=L.empty(3, dtype=L.float64)),
                               L.eye(3, out=L.empty(1, dtype=L.int32))), grad=False),
    Case("arange", lambda L: (L.arange(5), L.arange(1, 4), L.arange(0, 1, 0.1), L.arange(0., 5),
                              L.arange(1, 2.5, 0.5), L.arange(5, dtype=L.float64), L.arange(-1, -5, -1),
                              L.arange(5, 5), L.arange(L.tensor(3)), L.arange(L.tensor(3.0)), L.arange(np.int64(3)),
                              L.arange(10, 0, -3), L.arange(-3.3, 2.2, 0.7), L.arange(0, 3, dtype=L.uint8),
                              L.arange(0, 1000, 0.7, dtype=L.float16)[-3:], L.arange(2 ** 62, 2 ** 62 + 3)),
         grad=False),
    Case("arange_int_dtypes", lambda L: (L.arange(0, 1, 0.3, dtype=L.int32), L.arange(0, 3, 1.5, dtype=L.int64),
                                         L.arange(0, 3, 1.5, dtype=L.int32), L.arange(0.5, 3.7, dtype=L.int32),
                                         L.arange(0.5, 3.7, dtype=L.int64), L.arange(-0.5, 3.7, 0.9, dtype=L.int16)),
         grad=False),
    Case("arange_lengths", lambda L: [L.arange(0, 1, 1 / 3).shape, L.arange(1, 2, 0.1).shape,
                                      L.arange(0, 1.0000001, 0.1, dtype=L.float64).shape], grad=False),
    Case("range", lambda L: (L.range(0, 3), L.range(0, 1, 0.25), L.range(0, 3, dtype=L.int64), L.range(3, 0, -1),
                             L.range(0, 2.5)), grad=False),
    Case("linspace", lambda L: (L.linspace(0, 1, 5), L.linspace(0, 10, 4), L.linspace(0, 10, 4, dtype=L.int64),
                                L.linspace(-5, 5, 4, dtype=L.int64), L.linspace(0, 10, 1), L.linspace(0, 10, 0),
                                L.linspace(10, 0, 7, dtype=L.int32), L.linspace(3, 10, 3, dtype=L.uint8),
                                L.linspace(0, 1, 5, dtype=L.float64), L.linspace(L.tensor(0.), L.tensor(1.), 3),
                                L.linspace(0, 1 + 1j, 3), L.linspace(0, 1, 3, dtype=L.complex64),
                                L.linspace(0, 1, L.tensor(3)), L.linspace(0, 100, 11, dtype=L.float16),
                                L.linspace(-0.3, 7.1, 9, dtype=L.float64)), grad=False),
    Case("logspace", lambda L: (L.logspace(0, 2, 3), L.logspace(0, 2, 3, base=2), L.logspace(0, 3, 4, dtype=L.int64),
                                L.logspace(0, 2, 5, dtype=L.int64), L.logspace(0, 2, 5, base=2, dtype=L.int32),
                                L.logspace(-1, 1, 3, dtype=L.int64), L.logspace(0, 1, 0), L.logspace(0, 1, 1),
                                L.logspace(0., 2., 5, dtype=L.float64), L.logspace(0, 2, 3, 2.0, dtype=L.float16)),
         grad=False),
    Case("eye", lambda L: (L.eye(3), L.eye(2, 3), L.eye(3, 2, dtype=L.float16), L.eye(3, dtype=L.int64),
                           L.eye(3, dtype=L.bool), L.eye(0), L.eye(0, 3), L.eye(2, dtype=L.complex64)), grad=False),
    Case("like", lambda L, a, i: (L.zeros_like(i), L.zeros_like(i, dtype=L.float64), L.ones_like(a),
                                  L.full_like(i, 2.7), L.full_like(a, 2), L.full_like(i, 2.7, dtype=L.float64),
                                  L.full_like(i > 0, 5), L.empty_like(a).shape, str(L.empty_like(a, dtype=L.int8).dtype),
                                  L.ones_like(a, requires_grad=True).requires_grad, L.zeros_like(a).requires_grad),
         (rand(2, 3), rand(3, dtype="int64")), grad=False),
    Case("new_methods", lambda L, a, i: (i.new_tensor([1.5, 2]), a.new_tensor([1, 2]), a.new_tensor([1, 2], dtype=L.int32),
                                         a.new_tensor(i), i.new_zeros(2, 3), i.new_zeros((2, 3)), i.new_ones([2]),
                                         str(i.new_empty(2).dtype), i.new_full((2,), 3.5), a.new_full((2,), 3),
                                         a.new_ones(2, requires_grad=True).requires_grad,
                                         a.new_zeros(2, dtype=L.float16), a.new_empty((2, 3)).shape),
         (rand(2, 3), rand(3, dtype="int8")), grad=False),
    Case("legacy_constructors", lambda L: (L.FloatTensor(2, 3).shape, L.FloatTensor([1, 2]), L.LongTensor([1.5, 2]),
                                           str(L.DoubleTensor(2).dtype), L.Tensor(2, 3).shape, L.Tensor([1, 2]), L.Tensor(),
                                           L.FloatTensor(), L.Tensor(L.Size([2, 3])).shape, L.Tensor((2, 3)),
                                           L.Tensor(L.tensor([1, 2])), L.BoolTensor([1, 0]), str(L.ByteTensor(3).dtype),
                                           L.Tensor(np.array([1, 2])), L.LongTensor(np.array([1.5, 2])),
                                           L.Tensor([[1, 2], [3, 4]]), L.IntTensor(L.tensor([1, 2], dtype=L.int32))),
         grad=False),
    Case("legacy_isinstance", lambda L: (isinstance(L.tensor([1.]), L.FloatTensor), isinstance(L.tensor([1]), L.FloatTensor),
                                         isinstance(L.tensor([1]), L.LongTensor), isinstance(L.FloatTensor(2), L.Tensor),
                                         isinstance(L.tensor([1.], dtype=L.float64), L.DoubleTensor),
                                         str(L.FloatTensor.dtype), L.ones(2).type(), L.ones(2).long().type()),
         grad=False),
    Case("complex_polar", lambda L, re, im: (L.complex(re, im), L.polar(L.abs(re), im),
                                             L.complex(re, im[0])), (rand(3), rand(3, seed=2))),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)


ERRORS = {
    "tensor_ragged": lambda L: L.tensor([[1, 2], [3]]),
    "tensor_ragged_deep": lambda L: L.tensor([[[1, 2], [3, 4]], [[1, 2], [3]]]),
    "tensor_not_sequence": lambda L: L.tensor([[1], 2]),
    "tensor_str": lambda L: L.tensor([1, "a"]),
    "tensor_none": lambda L: L.tensor(None),
    "tensor_object": lambda L: L.tensor(object()),
    "tensor_overflow": lambda L: L.tensor(2 ** 63),
    "tensor_multi_element_tensors": lambda L: L.tensor([L.tensor([1., 2.]), L.tensor([3., 4.])]),
    "tensor_0d_array_in_list": lambda L: L.tensor([np.array(1.5), 2]),
    "tensor_int_requires_grad": lambda L: L.tensor([1, 2], requires_grad=True),
    "from_numpy_str": lambda L: L.from_numpy(np.array(["a"])),
    "from_numpy_object": lambda L: L.from_numpy(np.array([1, 2], dtype=object)),
    "from_numpy_list": lambda L: L.from_numpy([1, 2]),
    "zeros_negative": lambda L: L.zeros(2, -1),
    "empty_negative": lambda L: L.empty(-1),
    "full_negative": lambda L: L.full((2, -2), 3),
    "zeros_float": lambda L: L.zeros(2.5),
    "zeros_float_in_tuple": lambda L: L.zeros((2, 2.5)),
    "zeros_str": lambda L: L.ones("a"),
    "zeros_no_size": lambda L: L.zeros(),
    "full_int_size": lambda L: L.full(2, 3),
    "new_full_int_size": lambda L: L.ones(2).new_full(2, 3),
    "ones_int_requires_grad": lambda L: L.ones(2, dtype=L.int64, requires_grad=True),
    "like_of_list": lambda L: L.zeros_like([1, 2]),
    "out_dtype_mismatch": lambda L: L.zeros(2, dtype=L.int32, out=L.empty(2)),
    "arange_zero_step": lambda L: L.arange(0, 5, 0),
    "arange_int64_truncated_step": lambda L: L.arange(0, 1, 0.3, dtype=L.int64),
    "arange_sign": lambda L: L.arange(0, 5, -1),
    "arange_bool": lambda L: L.arange(0, 5, dtype=L.bool),
    "arange_complex_dtype": lambda L: L.arange(3, dtype=L.complex64),
    "arange_inf": lambda L: L.arange(float("inf")),
    "arange_nan": lambda L: L.arange(float("nan")),
    "arange_int_requires_grad": lambda L: L.arange(3, requires_grad=True),
    "range_zero_step": lambda L: L.range(0, 3, 0),
    "range_sign": lambda L: L.range(0, 3, -1),
    "linspace_negative_steps": lambda L: L.linspace(0, 10, -1),
    "linspace_float_steps": lambda L: L.linspace(0, 1, 2.5),
    "linspace_bool": lambda L: L.linspace(0, 3, 4, dtype=L.bool),
    "logspace_bool": lambda L: L.logspace(0, 1, 3, dtype=L.bool),
    "logspace_negative_steps": lambda L: L.logspace(0, 1, -1),
    "eye_negative_n": lambda L: L.eye(-1),
    "eye_negative_m": lambda L: L.eye(2, -1),
    "eye_float": lambda L: L.eye(2.5),
    "legacy_float_data": lambda L: L.FloatTensor(2.5),
    "legacy_str": lambda L: L.FloatTensor("a"),
    "legacy_two_lists": lambda L: L.FloatTensor([1, 2], [3]),
    "legacy_negative": lambda L: L.LongTensor(-1),
    "legacy_wrong_dtype_tensor": lambda L: L.FloatTensor(L.tensor([1, 2])),
    "legacy_float_size": lambda L: L.FloatTensor(2, 2.5),
    "complex_int": lambda L: L.complex(L.tensor([1]), L.tensor([2])),
    "complex_mixed": lambda L: L.complex(L.tensor([1.]), L.tensor([2.], dtype=L.float64)),
    "polar_int": lambda L: L.polar(L.tensor([1]), L.tensor([2])),
}


@pytest.mark.parametrize("name", ERRORS)
def test_error(name):
    t_err, l_err = expect_error(ERRORS[name])
    assert str(l_err).split("\n")[0][:40] == str(t_err).split("\n")[0][:40], (str(l_err), str(t_err))


def test_legacy_and_copy_semantics():
    a = torchlike.tensor([1.0, 2.0])
    assert torchlike.Tensor(a).data_ptr() == a.data_ptr()  # an alias, as in torch
    with pytest.warns(UserWarning, match="copy construct"):
        torchlike.tensor(a)
    x = np.array([1.0, 2.0])
    t = torchlike.from_numpy(x)
    assert t.dtype is torchlike.float64 and t.tolist() == [1.0, 2.0]
    assert torchlike.as_tensor(a) is a and torchlike.as_tensor(a, dtype=torchlike.float32) is a


def test_default_dtype_follows_set_default_dtype():
    got = {}
    for L in (torch, torchlike):
        L.set_default_dtype(L.float64)
        try:
            got[L] = [str(x.dtype) for x in (L.tensor([1.5]), L.tensor([1j]), L.zeros(1), L.arange(0.5, 2),
                                             L.linspace(0, 1, 2), L.full((1,), 1.5), L.eye(1), L.Tensor([1]),
                                             L.FloatTensor([1]))]
        finally:
            L.set_default_dtype(L.float32)
    assert got[torchlike] == got[torch]
