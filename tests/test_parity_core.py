"""Parity rows for the core pointwise/reduction/view ops written with the dispatcher."""
import pytest

from parity import Case, check, rand, positive

CASES = [
    Case("add", lambda L, a, b: L.add(a, b), (rand(3, 4), rand(3, 4, seed=1))),
    Case("add_broadcast_alpha", lambda L, a, b: L.add(a, b, alpha=2.5), (rand(3, 4), rand(4, seed=1))),
    Case("add_int_float_scalar", lambda L, a: a + 2.5, (rand(3, dtype="int64"),)),
    Case("radd_int_tensor", lambda L, a: 2 + a, (rand(3, dtype="int32"),)),
    Case("sub_rsub", lambda L, a: (a - 1, 1 - a), (rand(2, 3),)),
    Case("mul_promote_f64", lambda L, a, b: a * b, (rand(3), rand(3, dtype="float64", seed=2))),
    Case("div_int", lambda L, a, b: a / b, (rand(4, dtype="int64", low=1, high=9), rand(4, dtype="int64", low=1, high=5))),
    Case("div_floor", lambda L, a, b: L.div(a, b, rounding_mode="floor"), (rand(5), positive(5, seed=3))),
    Case("div_trunc_int", lambda L, a, b: L.div(a, b, rounding_mode="trunc"),
         (rand(5, dtype="int64", low=-9, high=9), rand(5, dtype="int64", low=1, high=4))),
    Case("pow", lambda L, a: a ** 2 + 2 ** a, (rand(3, 2),)),
    Case("exp_log_sqrt", lambda L, a: (L.exp(a), L.log(a), L.sqrt(a)), (positive(4),)),
    Case("exp_int", lambda L, a: L.exp(a), (rand(4, dtype="int64"),)),
    Case("sigmoid_tanh_abs_neg", lambda L, a: (L.sigmoid(a), L.tanh(a), L.abs(a), -a), (rand(3, 3),)),
    Case("clamp", lambda L, a: (L.clamp(a, -0.5, 0.5), a.clamp(min=0.1), a.clamp(max=0.2)), (rand(6),)),
    Case("sum_mean", lambda L, a: (a.sum(), a.sum(1), a.mean((0, 2), keepdim=True), L.sum(a, dim=-1)), (rand(2, 3, 4),)),
    Case("sum_int", lambda L, a: a.sum(), (rand(5, dtype="int32"),)),
    Case("view_reshape", lambda L, a: (a.view(4, 3), a.reshape(-1), a.t().reshape(12), a.view(2, -1)), (rand(3, 4),)),
    Case("transpose_permute", lambda L, a: (a.transpose(0, 2), a.permute(1, 2, 0), a.mT, a.T), (rand(2, 3, 4),)),
    Case("squeeze_unsqueeze", lambda L, a: (a.squeeze(), a.squeeze(1), a.unsqueeze(0), a.unsqueeze(-1)), (rand(2, 1, 3),)),
    Case("expand", lambda L, a: (a.expand(2, 3, 4), a.expand(-1, 4), a.expand_as(L.ones(5, 3, 4))), (rand(3, 1),)),
    Case("flatten_unflatten", lambda L, a: (a.flatten(), a.flatten(1), a.unflatten(1, (3, 1))), (rand(2, 3, 2),)),
    Case("getitem_basic", lambda L, a: (a[1], a[:, 1], a[1:, ::2], a[..., 0], a[None, 0], a[-1, -2:]), (rand(3, 4, 5),)),
    Case("getitem_advanced", lambda L, a, i: (a[i], a[:, i], a[[0, 2], [1, 1]], a[a > 0]),
         (rand(3, 4), rand(2, dtype="int64", low=0, high=3))),
    Case("select_narrow", lambda L, a: (a.select(1, 2), a.narrow(0, 1, 2), L.narrow(a, -1, 0, 2)), (rand(3, 4),)),
    Case("split_chunk_unbind", lambda L, a: (a.split(2), a.split([1, 3], 1), a.chunk(3, 1), a.unbind(1)), (rand(5, 4),)),
    Case("cat_stack", lambda L, a, b: (L.cat([a, b]), L.cat((a, b), 1), L.stack([a, b]), L.stack([a, b], -1)),
         (rand(2, 3), rand(2, 3, seed=4))),
    Case("complex_grad_convention", lambda L, z, x: ((z.abs() ** 2 * 3 + (z * z).real),
                                                     (x.to(L.complex64) * z).abs()),
         (rand(4, dtype="complex64"), rand(4, seed=3))),
    Case("aliases", lambda L, a, b: (L.concat([a, b]), L.concatenate([a, b], 1), L.broadcast_to(a[:1], (4, 3)),
                                     L.moveaxis(a, 0, 1), L.swapdims(a, 0, 1), a.swapaxes(1, 0)),
         (rand(2, 3), rand(2, 3, seed=5))),
    Case("shape_inplace", lambda L, a: a.clone().unsqueeze_(1).squeeze_(1).t_().transpose_(0, 1).swapdims_(0, 1),
         (rand(2, 3),)),
    Case("resize", lambda L, a: (a.clone().resize_(3, 2), a.clone().resize_as_(L.ones(6)), a.clone().resize_(2)),
         (rand(2, 3),), grad=False),
    Case("split_variants", lambda L, a: (a.split_with_sizes([1, 2], 1), a.unsafe_split(1), a.unsafe_chunk(2, 1)),
         (rand(2, 3),)),
    Case("softmax_methods", lambda L, a: (a.softmax(1), a.log_softmax(0), L.softmax(a, -1), L.log_softmax(a, 1),
                                          a.hardshrink(0.3)), (rand(2, 3),)),
    Case("conj_transposes", lambda L, a, z: (a.H, a.mH, z.mH), (rand(2, 3), rand(2, 2, dtype="complex64"))),
    Case("cat_promote", lambda L, a, b: L.cat([a, b]), (rand(2, dtype="int64"), rand(3))),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)
