"""Parity of torch's "Indexing, Slicing, Joining, Mutating Ops" and Tensor indexing."""
import numpy as np
import pytest

from parity import Case, check, expect_error, rand

A = rand(3, 4)
B = rand(3, 4, seed=1)
C = rand(2, 3, 4, seed=2)
I2 = np.array([[0, 2, 1, 0], [2, 2, 0, 1]])           # gather/scatter index for A along dim 0 (repeats)
J2 = np.array([[3, 0], [1, 1], [0, 3]])               # along dim 1, narrower than A
IDX = np.array([2, 0, 2])                              # 1-D index along dim 0 of A (a repeat)
MASK = rand(3, 4, dtype="bool", seed=3)
TIES = np.array([[1., 2., 2., 0.], [0., 0., 3., 1.], [2., 1., 1., 0.]], np.float32)  # zeros and ties


def i64(a):
    return np.asarray(a, np.int64)


CASES = [
    # joining
    Case("hstack_vstack_dstack", lambda L, a, b: (L.hstack([a, b]), L.vstack((a, b)), L.dstack([a, b]),
                                                  L.row_stack([a, b])), (A, B)),
    Case("stack_1d", lambda L, a: (L.hstack([a[0], a[1]]), L.vstack([a[0], a[1]]), L.dstack([a[0], a[1]]),
                                   L.column_stack([a[0], a[1]]), L.column_stack([a, a[:, 0]])), (A,)),
    Case("stack_0d", lambda L, a: (L.hstack([a[0, 0], a[1, 1]]), L.vstack([a[0, 0], a[1, 1]]),
                                   L.dstack([a[0, 0], a[1, 1]]), L.column_stack([a[0, 0], a[1, 1]])), (A,)),
    # splitting
    Case("tensor_split", lambda L, a: (L.tensor_split(a, 3, 1), L.tensor_split(a, [1, 3], 1), a.tensor_split([2, 1]),
                                       L.tensor_split(a, L.tensor([1, -1]), 1), L.tensor_split(a, L.tensor(2))), (A,)),
    Case("hsplit_vsplit_dsplit", lambda L, a, c: (L.hsplit(a, 2), a.hsplit([1]), L.vsplit(a, [1, 2]),
                                                  L.dsplit(c, 2), L.hsplit(a[0], 2)), (A, C)),
    # gather / scatter family
    Case("gather", lambda L, a, i, j: (L.gather(a, 0, i), a.gather(1, j), a.gather(-1, j)), (A, i64(I2), i64(J2))),
    Case("gather_int", lambda L, a, j: a.gather(1, j), (rand(3, 4, dtype="int64"), i64(J2))),
    Case("scatter", lambda L, a, b, j: (a.scatter(1, j, b[:, :2]), L.scatter(a, 1, j, 2.5), a.scatter(-1, j, value=1)),
         (A, B, i64(J2))),
    # torch's backward rejects a src larger than index: values only
    Case("scatter_large_src", lambda L, a, b, i, j: (a.scatter(1, j, b), a.scatter_add(0, i, b),
                                                     a.scatter_reduce(0, i, b, "prod")), (A, B, i64(I2), i64(J2)),
         grad=False),
    Case("scatter_legacy_reduce", lambda L, a, b, j: (a.scatter(1, j, b, reduce="add"),
                                                      a.scatter(1, j, 1.5, reduce="multiply")), (A, B, i64(J2)), grad=False),
    Case("scatter_add", lambda L, a, b, i, j: (a.scatter_add(0, i, b[:2]), L.scatter_add(a, 1, j, b[:, :2])),
         (A, B, i64(I2), i64(J2))),
    Case("scatter_reduce", lambda L, a, b, i: tuple(L.scatter_reduce(a, 0, i, b, r, include_self=s)
                                                    for r in ("sum", "prod", "mean", "amax", "amin")
                                                    for s in (True, False)), (TIES, TIES[:0:-1].copy(), i64(I2))),
    Case("scatter_reduce_alias", lambda L, a, b, i: (a.scatter_reduce(0, i, b, "max"), a.scatter_reduce(0, i, b, "min")),
         (TIES, TIES[:0:-1].copy(), i64(I2)), grad=False),  # torch's backward rejects "min"
    Case("scatter_reduce_int", lambda L, a, i: (a.scatter_reduce(0, i, -a, "mean", include_self=False),
                                                a.scatter_reduce(0, i, a, "mean"), a.scatter_reduce(0, i, a, "amax")),
         (rand(3, 4, dtype="int64", low=-5, high=5), i64(I2))),
    Case("index_select", lambda L, a, i: (a.index_select(0, i), L.index_select(a, 1, i), a.index_select(1, i[0])),
         (A, i64(IDX))),
    Case("index_add_copy", lambda L, a, b, i: (a.index_add(0, i, b), L.index_add(a, 1, i, b[:, :3], alpha=2.0),
                                               a.index_copy(0, L.tensor([2, 0, 1]), b)), (A, B, i64(IDX))),
    Case("index_reduce", lambda L, a, b, i: tuple(a.index_reduce(0, i, b, r, include_self=s)
                                                  for r in ("prod", "mean", "amax", "amin") for s in (True, False)),
         (TIES, TIES[::-1].copy(), i64(IDX))),
    Case("index_fill", lambda L, a, i: (a.index_fill(0, i, -1.0), L.index_fill(a, 1, L.tensor([-1, 0]), 2)),
         (A, i64(IDX))),
    Case("index_fill_tensor_value", lambda L, a, v: a.index_fill(1, L.tensor([1]), v), (A, np.float32(3.0))),
    # masks
    Case("masked_fill", lambda L, a, m: (a.masked_fill(m, 0.5), L.masked_fill(a, m[0], -1), a.masked_fill(m, L.tensor(2.))),
         (A, MASK)),
    Case("masked_fill_tensor_value", lambda L, a, m, v: a.masked_fill(m, v), (A, MASK, np.float32(1.5))),
    Case("masked_select", lambda L, a, m: (a.masked_select(m), L.masked_select(a, m[1]), L.masked_select(a[0], m)),
         (A, MASK)),
    Case("masked_scatter", lambda L, a, m, b: (a.masked_scatter(m, b), L.masked_scatter(a, m[2], b)), (A, MASK, B)),
    # flat indices
    Case("take_put", lambda L, a, b: (L.take(a, L.tensor([[0, 11], [-1, 5]])), a.put(L.tensor([1, -2, 1]), b[0, :3]),
                                      a.put(L.tensor([1, -2, 1]), b[0, :3], accumulate=True)), (A, B)),
    Case("take_along_dim", lambda L, a, j: (L.take_along_dim(a, j, 1), L.take_along_dim(a, L.tensor([3, 0])),
                                            L.take_along_dim(a, j[:1], 1), a.take_along_dim(j[:, :1], 1)),
         (A, i64(J2))),
    Case("index_put", lambda L, a, b, i: (a.index_put((i,), b), a.index_put((i, L.tensor([0, 1, 0])), b[0, :3],
                                                                           accumulate=True),
                                          a.index_put((i[:1],), L.tensor(5.)), a.index_put((a > 0,), L.tensor(0.))),
         (A, B, i64(IDX))),
    Case("nonzero_argwhere", lambda L, a: (L.nonzero(a > 0), (a > 0).nonzero(as_tuple=True), L.argwhere(a < 0),
                                           L.nonzero(a[0, 0] > -5), L.nonzero(a[0, 0] > 5, as_tuple=True),
                                           L.nonzero(a > 9)), (A,)),
    Case("where", lambda L, a, b: (L.where(a > 0, a, b), L.where(a > 0, a, 0.0), L.where(a > 0, 1, 2),
                                   L.where(a > 0, 1.0, 2), a.where(a < 0, b[0]), L.where(a > 0)), (A, B)),
    Case("where_promote", lambda L, a, b: (L.where(a > 0, a.int(), 2.5), L.where(a > 0, a.double(), b),
                                           L.where(a > 0, a.to(L.uint8), L.tensor(300))), (A, B)),
    Case("unravel_index", lambda L: (L.unravel_index(L.tensor([0, 5, 11, -1]), (3, 4)), L.unravel_index(L.tensor(7), 4),
                                     L.unravel_index(L.tensor([[3, 4]]), (2, 1, 3)))),
    # repeat / tile
    Case("repeat_tile", lambda L, a: (a.repeat(2, 1), a.repeat(1, 2, 1), a[0].repeat(3), a.tile((2,)), L.tile(a, (2, 1, 1)),
                                      a[0, 0].repeat(2, 2)), (A,)),
    # strided views and their scatter counterparts
    Case("diagonal", lambda L, a, c: (a.diagonal(), L.diagonal(a, 1), a.diagonal(-1), a.diagonal(5), c.diagonal(0, -1, 0),
                                      c.diagonal(1, 1, 2)), (A, C)),
    Case("unfold", lambda L, a, c: (a.unfold(1, 2, 1), a.unfold(0, 2, 2), c.unfold(-1, 3, 1), a[0, 0].unfold(0, 1, 1)),
         (A, C)),
    Case("as_strided", lambda L, a: (a.as_strided((2, 2), (1, 2)), L.as_strided(a, (3,), (5,), 0), a[1].as_strided((2,), (2,)),
                                     a.t().as_strided((2, 3), (4, 1), 2)), (A,)),
    Case("scatter_views", lambda L, a, b: (L.diagonal_scatter(a, b[0, :3]), L.diagonal_scatter(a, b[1, :2], -1),
                                           L.select_scatter(a, b[0], 0, -1), L.select_scatter(a, b[:, 0], 1, 2),
                                           L.slice_scatter(a, b[:, :2], 1, 0, None, 2), L.slice_scatter(a, b[1:], start=1)),
         (A, B)),
    Case("narrow_copy", lambda L, a: (L.narrow_copy(a, 1, 1, 2), a.narrow_copy(0, 1, 2)), (A,)),
    Case("narrow_copy_negative_start", lambda L, a: a.narrow_copy(0, -2, 2), (A,), grad=False),  # torch's grad fails
    Case("conj_adjoint", lambda L, a, z: (L.conj(a), a.adjoint(), L.conj(z).resolve_conj(),
                                          L.resolve_conj(L.adjoint(z)), L.conj(a).is_conj()),
         (A, rand(2, 3, dtype="complex64"))),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)


INDEX_CASES = [
    Case("getitem_mixed", lambda L, c: (c[0, :, [1, 2]], c[:, 0, [1, 2]], c[[0, 1], :, [1, 2]], c[:, [0, 1], [1]],
                                        c[L.tensor(0), :, L.tensor([1, 3])], c[0, ..., L.tensor([1, 3])],
                                        c[1:, [0, 2], None], c[[0, 1], None, [1, 2]]), (C,)),
    Case("getitem_special", lambda L, c: (c[None, ..., None], c[..., None, 0], c[L.tensor(1)], c[True], c[False],
                                          c[[]], c[[[0, 1], [1, 0]]], c[[0, [1, 0]]], c[10:20], c[-10:1],
                                          c[L.tensor([1, 0], dtype=L.uint8)], c[L.tensor([0, 1], dtype=L.int32)],
                                          c[0, 0, 0][L.tensor(True)], c[c[:, :, 0] > 0]), (C,)),
    Case("getitem_sequences", lambda L, c: (c[range(2), :, [1, 3]], c[(0, 1), 0], c[:, (1,)], c[0, range(1, 3)]),
         (C,)),
    Case("setitem_range_rows", lambda L, a, v: _set(a.clone(), (range(3), [1, 0, 2]), v[0, :3]), (A, B)),
    Case("setitem_advanced", lambda L, c, v: _set(c.clone(), (0, slice(None), [1, 2]), v[:3, :2]), (C, B)),
    Case("setitem_repeated_grad", lambda L, a, v: _set(a.clone(), ([0, 0, 2],), v[:3]), (A, B)),
    Case("setitem_mask_and_bcast", lambda L, a, v: (_set(a.clone(), (a > 0,), 0.0), _set(a.clone(), (slice(1, None),), v[0]),
                                                    _set(a.clone(), (Ellipsis, 1), v[:1, :3])), (A, B)),
]


def _set(x, index, value):
    x[index] = value
    return x


@pytest.mark.parametrize("case", INDEX_CASES, ids=str)
def test_indexing(case):
    check(case)


ERRORS = [
    lambda L: L.ones(2, 3)[5], lambda L: L.ones(2, 3)[:, L.tensor([3])], lambda L: L.ones(2, 3)[L.tensor([0.0])],
    lambda L: L.ones(2, 3)[::-1], lambda L: L.ones(2, 3)[1.5], lambda L: L.ones(2, 3)[0, 0, 0],
    lambda L: L.ones(2, 3)[L.ones(3, dtype=L.bool)], lambda L: L.ones(2, 3)[[0, 1], [0, 1, 2]],
    lambda L: L.ones(())[0], lambda L: _set(L.ones(2, 3), (0,), L.ones(2)),
    lambda L: _set(L.ones(2, 3), ([0, 1],), L.ones(3, 3)), lambda L: L.ones(2, 3).t().view(-1),
    lambda L: L.ones(2, 3).view(4, -1), lambda L: L.ones(2, 3).squeeze((0, 2)), lambda L: L.ones(2, 3).permute(0, 0),
    lambda L: L.ones(2, 3).expand(3, 3), lambda L: L.ones(2, 3).select(0, 2), lambda L: L.ones(2, 3).narrow(1, 2, 2),
    lambda L: L.ones(2, 3).split([1, 2]), lambda L: L.ones(2, 3).chunk(0), lambda L: L.ones(2, 3).movedim((0, 1), (1, 1)),
    lambda L: L.cat([L.ones(2, 3), L.ones(2, 2)]), lambda L: L.cat([L.ones(2, 3), L.ones(3)]), lambda L: L.cat([]),
    lambda L: L.stack([L.ones(2, 3), L.ones(3, 2)]), lambda L: L.stack([]), lambda L: L.ones(2, 3).unbind(2),
    # the new ops
    lambda L: L.ones(3, 4).gather(1, L.tensor([[4]])), lambda L: L.ones(3, 4).gather(1, L.tensor([[-1]])),
    lambda L: L.ones(3, 4).gather(1, L.tensor([0])), lambda L: L.ones(3, 4).gather(1, L.tensor([[0.0]])),
    lambda L: L.ones(3, 4).scatter(1, L.tensor([[0]]), L.ones(1, 1, dtype=L.float64)),
    lambda L: L.ones(3, 4).scatter(1, L.tensor([[0, 1]]), L.ones(1, 1)),
    lambda L: L.ones(3, 4).scatter_reduce(1, L.tensor([[0]]), L.ones(1, 1), "add"),
    lambda L: L.ones(3, 4).index_select(1, L.tensor([[0]])), lambda L: L.ones(3, 4).index_select(1, L.tensor([4])),
    lambda L: L.ones(3, 4).index_add(1, L.tensor([-1]), L.ones(3, 1)),
    lambda L: L.ones(3, 4).index_add(0, L.tensor([0]), L.ones(1, 3)),
    lambda L: L.ones(3, 4).index_add(0, L.tensor([0]), L.ones(1, 4, dtype=L.float64)),
    lambda L: L.ones(3, 4).index_copy(0, L.tensor([0]), L.ones(4)), lambda L: L.ones(3, 4).index_fill(1, L.tensor([4]), 1),
    lambda L: L.ones(3, 4).masked_fill(L.ones(3, 4), 1.0), lambda L: L.ones(3, 4).masked_fill(L.ones(2, dtype=L.bool), 1),
    lambda L: L.ones(3, 4).masked_fill(L.ones(4, dtype=L.bool), L.ones(2)),
    lambda L: L.ones(3, 4).masked_select(L.ones(4)), lambda L: L.ones(3, 4).masked_scatter(L.ones(4, dtype=L.bool), L.ones(2)),
    lambda L: L.ones(3, 4).take(L.tensor([12])), lambda L: L.ones(3, 4).put(L.tensor([1, 2]), L.ones(1)),
    lambda L: L.ones(3, 4).index_put((L.tensor([3]),), L.tensor(1.0)),
    lambda L: L.where(L.ones(3), L.ones(3), L.zeros(3)), lambda L: L.unravel_index(L.tensor([1.0]), (3, 4)),
    lambda L: L.tensor_split(L.ones(3, 4), 0), lambda L: L.hsplit(L.ones(3, 4), 3), lambda L: L.vsplit(L.ones(3), 3),
    lambda L: L.dsplit(L.ones(3, 4), 2), lambda L: L.ones(3, 4).diagonal(0, 1, 1), lambda L: L.ones(3, 4).unfold(1, 5, 1),
    lambda L: L.ones(3, 4).unfold(1, 2, 0), lambda L: L.ones(3, 4).repeat(2), lambda L: L.ones(3, 4).as_strided((2, 2), (1, 2), 20),
    lambda L: L.select_scatter(L.ones(3, 4), L.ones(3), 0, 0), lambda L: L.slice_scatter(L.ones(3, 4), L.ones(3, 3), 1, 0, None, 2),
    lambda L: L.diagonal_scatter(L.ones(3, 4), L.ones(3), 2), lambda L: L.ones(3).adjoint(),
]


@pytest.mark.parametrize("fn", ERRORS, ids=range(len(ERRORS)))
def test_errors(fn):
    expect_error(fn)
