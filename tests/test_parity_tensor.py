"""Parity of Tensor basics: dtypes, Size, metadata, conversions, copies, pickling."""
import copy
import pickle

import numpy as np
import pytest
import torch

import torchlike
from parity import Case, check, expect_error, rand

DTYPE_NAMES = ["float32", "float", "float64", "double", "float16", "half", "bfloat16", "complex64", "cfloat",
               "complex128", "cdouble", "uint8", "int8", "int16", "short", "int32", "int", "int64", "long", "bool"]


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_dtype_table(name):
    t, l = getattr(torch, name), getattr(torchlike, name)
    assert repr(l) == repr(t) and str(l) == str(t)
    assert (l.is_floating_point, l.is_complex, l.is_signed, l.itemsize) == \
        (t.is_floating_point, t.is_complex, t.is_signed, t.itemsize)
    assert isinstance(l, torchlike.dtype)
    assert pickle.loads(pickle.dumps(l)) is l


def test_dtype_helpers():
    for name in ("float16", "bfloat16", "float32", "float64"):
        tf, lf = torch.finfo(getattr(torch, name)), torchlike.finfo(getattr(torchlike, name))
        assert (lf.eps, lf.max, lf.min, lf.tiny, lf.bits) == (tf.eps, tf.max, tf.min, tf.tiny, tf.bits)
    for name in ("uint8", "int8", "int16", "int32", "int64"):
        ti, li = torch.iinfo(getattr(torch, name)), torchlike.iinfo(getattr(torchlike, name))
        assert (li.min, li.max, li.bits) == (ti.min, ti.max, ti.bits)
    assert str(torchlike.get_default_dtype()) == str(torch.get_default_dtype())
    for a in ("bool", "uint8", "int32", "float16", "complex64"):
        for b in ("int8", "int64", "bfloat16", "float64"):
            assert str(torchlike.can_cast(getattr(torchlike, a), getattr(torchlike, b))) == \
                str(torch.can_cast(getattr(torch, a), getattr(torch, b)))


def test_set_default_dtype_changes_factories_and_promotion():
    for L in (torch, torchlike):
        L.set_default_dtype(L.float64)
        try:
            assert str(L.tensor([1.5]).dtype) == "torch.float64"
            assert str((L.tensor([1, 2]) * 0.5).dtype) == "torch.float64"
            assert str(L.ones(2).dtype) == "torch.float64"
        finally:
            L.set_default_dtype(L.float32)
    expect_error(lambda L: L.set_default_dtype(L.int64))


def test_size():
    ts, ls = torch.Size([2, 3, 4]), torchlike.Size([2, 3, 4])
    assert repr(ls) == repr(ts) and ls == ts and ls.numel() == ts.numel()
    assert repr(ls[1:]) == repr(ts[1:]) and ls[0] == ts[0]
    assert repr(ls + (5,)) == repr(ts + (5,))
    assert repr(torchlike.ones(2, 3).shape) == repr(torch.ones(2, 3).shape)
    assert torchlike.ones(2, 3).size(1) == 3 and torchlike.ones(2, 3).size(-2) == 2
    expect_error(lambda L: L.ones(2, 3).size(2))


META = rand(2, 3, 4)


@pytest.mark.parametrize("attr", ["dim", "ndimension", "numel", "nelement", "element_size", "is_floating_point",
                                  "is_complex", "is_signed", "is_contiguous", "stride", "storage_offset",
                                  "get_device"])
def test_metadata_methods(attr):
    for dtype in ("float32", "int64", "bool", "float16"):
        arr = META.astype(dtype)
        assert getattr(torchlike.tensor(arr), attr)() == getattr(torch.tensor(arr), attr)()


def test_metadata_properties():
    t, l = torch.tensor(META), torchlike.tensor(META)
    for attr in ("ndim", "itemsize", "nbytes", "is_cuda", "is_cpu", "is_leaf", "requires_grad", "is_sparse",
                 "is_quantized", "is_meta"):
        assert getattr(l, attr) == getattr(t, attr), attr
    assert str(l.device) == str(t.device) and repr(l.device) == repr(t.device)
    assert str(l.layout) == str(t.layout)
    assert len(l) == len(t)
    expect_error(lambda L: len(L.tensor(1.0)))


@pytest.mark.parametrize("value", [3, 2.5, True, -7])
def test_item_and_python_conversions(value):
    t, l = torch.tensor(value), torchlike.tensor(value)
    assert type(l.item()) is type(t.item()) and l.item() == t.item()
    assert int(l) == int(t) and float(l) == float(t) and bool(l) == bool(t)
    assert f"{l:.3f}" == f"{t:.3f}"


def test_item_errors():
    expect_error(lambda L: L.ones(3).item())
    expect_error(lambda L: bool(L.ones(3)))
    expect_error(lambda L: [0, 1][L.tensor(1.0)])


def test_tolist_numpy_from_numpy():
    for dtype in ("float32", "float64", "int32", "int64", "uint8", "bool", "complex64"):
        arr = rand(2, 3, dtype=dtype)
        assert torchlike.tensor(arr).tolist() == torch.tensor(arr).tolist()
        assert torchlike.tensor(arr[0, 0]).tolist() == torch.tensor(arr[0, 0]).tolist()
        n = torchlike.from_numpy(arr).numpy()
        assert n.dtype == torch.from_numpy(arr).numpy().dtype
        np.testing.assert_array_equal(n, arr)
    assert torchlike.tensor(rand(2, dtype="float32")).to(torchlike.bfloat16).tolist() == \
        torch.tensor(rand(2, dtype="float32")).to(torch.bfloat16).tolist()
    expect_error(lambda L: L.ones(2, requires_grad=True).numpy())
    expect_error(lambda L: L.from_numpy(np.array([object()])))
    expect_error(lambda L: L.from_numpy([1, 2]))


CASES = [
    Case("clone", lambda L, a: a.clone() * 2, (rand(2, 3),)),
    Case("torch_clone", lambda L, a: L.clone(a), (rand(2, 3),)),
    Case("detach", lambda L, a: a.detach() + a, (rand(3),)),
    Case("to_dtype", lambda L, a: (a.to(L.float64), a.to(L.int32), a.to(dtype=L.float16), a.to("cpu", L.float64)),
         (rand(2, 3),)),
    Case("to_other_tensor", lambda L, a, b: a.to(b), (rand(3), rand(3, dtype="int64"))),
    Case("casts", lambda L, a: (a.float(), a.double(), a.half(), a.bfloat16(), a.long(), a.int(), a.short(),
                                a.char(), a.byte(), a.bool(), a.cfloat(), a.cdouble()), (rand(2, 2, low=0, high=5),)),
    Case("type_conversions", lambda L, a: (a.type(L.float64), a.type("torch.IntTensor"), a.type(L.LongTensor),
                                           a.type_as(L.ones(1, dtype=L.float16))), (rand(3),)),
    Case("int_to_float_grad_free", lambda L, a: a.float() / 2, (rand(3, dtype="int64"),)),
    Case("new_factories", lambda L, a: (a.new_tensor([1, 2]), a.new_full((2,), 3.0), a.new_zeros(2, 3),
                                        a.new_ones((1, 2)), a.new_empty(2).shape, a.new_zeros(2, dtype=L.int64)),
         (rand(2, dtype="float64"),), grad=False),
    Case("copy_fill_zero", lambda L, a, b: (a.clone().copy_(b), a.clone().fill_(2.5), a.clone().zero_(),
                                            a.clone().copy_(L.tensor(7))), (rand(2, 3), rand(3, seed=1))),
    Case("inplace_chain_grad", lambda L, a: a.clone().mul_(2).add_(1).exp_().sum(), (rand(4),)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)


def test_type_string():
    for dtype in ("float32", "float64", "float16", "int64", "int32", "uint8", "int8", "int16", "bool", "bfloat16"):
        arr = rand(2, dtype=dtype) if dtype != "bfloat16" else rand(2)
        t, l = torch.tensor(arr), torchlike.tensor(arr)
        if dtype == "bfloat16":
            t, l = t.bfloat16(), l.bfloat16()
        assert l.type() == t.type()
        assert isinstance(l, getattr(torchlike, t.type().split(".")[1]))
    assert not isinstance(torchlike.ones(2), torchlike.LongTensor)
    expect_error(lambda L: L.ones(2).type("torch.NoSuchTensor"))


def test_to_returns_self_when_unchanged():
    l = torchlike.ones(3)
    assert l.to(torchlike.float32) is l and l.to("cpu") is l and l.cpu() is l
    assert l.to(torchlike.float32, copy=True) is not l


def test_to_missing_device_names_available_devices():
    with pytest.raises(RuntimeError, match="cpu"):
        torchlike.ones(2).to("cuda")


def test_copy_fill_errors():
    expect_error(lambda L: L.ones(3).fill_(L.ones(2)))
    expect_error(lambda L: L.ones(3).copy_(L.ones(2)))
    expect_error(lambda L: L.ones(3, dtype=L.int64).add_(1.5))
    expect_error(lambda L: L.ones(3).add_(L.ones(2, 3)))


def test_pickle_and_deepcopy():
    l = torchlike.tensor(rand(2, 3), requires_grad=True)
    for clone in (pickle.loads(pickle.dumps(l)), copy.deepcopy(l)):
        assert clone.requires_grad and clone.is_leaf
        np.testing.assert_array_equal(clone.detach().numpy(), l.detach().numpy())
    expect_error(lambda L: copy.deepcopy(L.ones(2, requires_grad=True) * 2))


def test_set_default_tensor_type():
    import warnings
    for L in (torch, torchlike):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            L.set_default_tensor_type(L.DoubleTensor)
            try:
                assert str(L.tensor([0.5]).dtype) == "torch.float64" and str(L.Tensor(2).dtype) == "torch.float64"
            finally:
                L.set_default_tensor_type("torch.FloatTensor")
        assert str(L.ones(1).dtype) == "torch.float32"


def test_small_tensor_predicates():
    for L in (torch, torchlike):
        assert L.ones(2, 3).is_same_size(L.zeros(2, 3)) and not L.ones(2).is_same_size(L.ones(3))
        assert L.tensor([2.0]).is_nonzero() and not L.tensor(0).is_nonzero()
        assert not L.ones(2).is_inference() and not L.ones(2).is_pinned() and not L.ones(2).is_shared()
        assert L.ones(2).new(2, 3).shape == (2, 3) and str(L.ones(1, dtype=L.int32).new([1]).dtype) == "torch.int32"
        assert L.ones(2, requires_grad=True).unbind(0)[1].output_nr == 1
    expect_error(lambda L: L.ones(2).is_nonzero())
    expect_error(lambda L: L.ones(2, 2, 2).H)


def test_post_accumulate_grad_hook():
    seen = []
    for L in (torch, torchlike):
        p = L.ones(3, requires_grad=True)
        calls = []
        p.register_post_accumulate_grad_hook(lambda t: calls.append(t.grad.tolist()))
        (p * 2).sum().backward()
        (p * 3).sum().backward()
        seen.append(calls)
    assert seen[0] == seen[1]
    expect_error(lambda L: (L.ones(2, requires_grad=True) * 2).register_post_accumulate_grad_hook(print))


def test_resize_requires_grad_refused():
    expect_error(lambda L: (L.ones(2, requires_grad=True) * 2).resize_(3))
