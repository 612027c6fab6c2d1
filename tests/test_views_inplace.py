"""Storage sharing of views and in-place writes, compared with torch: writes through a view
reach the base and its other views, view metadata matches, and autograd sees the writes."""
import pytest

from parity import Case, check, expect_error, rand

A = rand(3, 4)
B = rand(3, 4, seed=1)


def base(L):
    return L.arange(12.0).reshape(3, 4)


def _row_fill(L):
    x = base(L)
    row = x[1]
    row.fill_(3)
    return x, row


def _view_setitem(L):
    x = base(L)
    v = x.view(-1)
    v[0] = 5
    return x, v


def _t_zero(L):
    x = base(L)
    x.t().zero_()
    return x


def _narrow_diag_unfold(L):
    x = base(L)
    x.narrow(1, 1, 2).mul_(2)
    x.diagonal().add_(100)
    u = x.unfold(1, 2, 2)
    u[..., 0] = -1
    return x, u


def _pieces(L):
    x = base(L)
    a, b = x.split([1, 2])
    b[0, 0] = 7
    c = x.unbind(1)[3]
    c.sub_(1)
    chunks = x.chunk(2, 1)
    chunks[1][2] = 9
    return x, a, b, c, chunks[0]


def _detach_data(L):
    x = base(L)
    x.detach()[0, 0] = 42
    x.data[2].fill_(-5)
    return x


def _view_of_view(L):
    x = base(L)
    v = x[1:][:, ::2]
    w = v.t()[1]
    w.add_(10)
    return x, v, w


def _base_write_seen(L):
    x = base(L)
    v, d, s = x[:, 1], x.diagonal(), x.split(2, 1)[1]
    x.mul_(-1)
    x[0] = 0
    return v, d, s


def _index_iadd(L):
    x = base(L)
    x[1] += 1
    x[:, 2] *= 2
    x[L.tensor([0, 2])] += 100
    x[x > 200] -= 1
    x[..., -1] /= 2
    return x


def _alias_chain(L):
    x = base(L)
    y = x.reshape(4, 3)        # a view: contiguous input
    z = x.t().reshape(12)      # a copy: not viewable
    x[0, 0] = -7
    return y, z


def _inplace_views_of_nonleaf(L, a, b):
    y = a * 2
    y[0] = b[0] * 3
    y.t()[1].mul_(b[1, :3])
    d = y.diagonal()
    d.add_(b[2, :3])
    y.narrow(1, 2, 2).copy_(b[:, :2].exp())
    return y, d


def _inplace_fn_view(L, a, b):
    y = a.clone()
    v = y[1:, 1:]
    v.mul_(b[1:, 1:])
    y.unfold(1, 2, 2)[..., 1].sub_(b[:, :2])
    return y * y, v


def _scatter_inplace(L, a, b):
    y = a + 0
    y.scatter_(1, L.tensor([[0], [1], [3]]), b[:, :1])
    y.index_add_(0, L.tensor([2, 0]), b[:2])
    y.masked_fill_(b > 1, 0.5)
    y[0].index_fill_(0, L.tensor([1]), -1.0)
    return y


CASES = [
    Case("row_fill", _row_fill), Case("view_setitem", _view_setitem), Case("t_zero", _t_zero),
    Case("narrow_diag_unfold", _narrow_diag_unfold), Case("split_unbind_chunk", _pieces),
    Case("detach_data", _detach_data), Case("view_of_view", _view_of_view), Case("base_write_seen", _base_write_seen),
    Case("index_iadd", _index_iadd), Case("alias_chain", _alias_chain),
    Case("grad_inplace_views", _inplace_views_of_nonleaf, (A, B)),
    Case("grad_inplace_fn_view", _inplace_fn_view, (A, B)),
    Case("grad_scatter_inplace", _scatter_inplace, (A, B)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_storage_semantics(case):
    check(case)


def _meta(t):
    return tuple(t.shape), t.stride(), t.storage_offset(), t.is_contiguous()


VIEWS = [
    lambda x: x[1], lambda x: x[:, 1:3], lambda x: x[1:, ::2], lambda x: x[1].t(), lambda x: x.transpose(0, 2),
    lambda x: x.permute(2, 0, 1), lambda x: x[None, ..., None], lambda x: x.unsqueeze(1), lambda x: x[:, :1].squeeze(1),
    lambda x: x.view(6, 4), lambda x: x.reshape(2, 12), lambda x: x.expand(3, 2, 3, 4), lambda x: x.narrow(2, 1, 2),
    lambda x: x.select(1, 2), lambda x: x.diagonal(1, 1, 2), lambda x: x.diagonal(-1, 0, 2),
    lambda x: x.unfold(2, 2, 1),
    lambda x: x.split([1, 2], 1)[1], lambda x: x.chunk(2, 2)[1], lambda x: x.unbind(2)[3], lambda x: x.movedim(0, -1),
    lambda x: x.as_strided((2, 3), (3, 1), 5), lambda x: x[1].as_strided((2,), (5,)), lambda x: x.tensor_split(3, 2)[2],
    lambda x: x[0].t()[1:].narrow(0, 1, 1), lambda x: x.flatten(1), lambda x: x.unflatten(2, (2, 2)),
    lambda x: x[0].t().diagonal(), lambda x: x.swapaxes(1, 2)[0, 1:],
]


@pytest.mark.parametrize("i", range(len(VIEWS)))
def test_view_metadata(i):
    import torch

    import torchlike
    t = torch.arange(24.0).reshape(2, 3, 4)
    tv = VIEWS[i](t)
    lv = VIEWS[i](torchlike.arange(24.0).reshape(2, 3, 4))
    assert _meta(lv) == _meta(tv)
    assert (lv._base is not None) == (tv._base is not None)


def test_inplace_errors():
    expect_error(lambda L: L.zeros(3).expand(2, 3).add_(1))
    expect_error(lambda L: L.zeros(3, 1).expand(3, 2).mul_(2))
    expect_error(lambda L: L.zeros(3).requires_grad_()[0].mul_(2))
    expect_error(lambda L: L.zeros(3).requires_grad_().add_(1))
    expect_error(lambda L: L.zeros(2, 3)[0].add_(L.ones(2, 3)))
    expect_error(lambda L: L.zeros(2, 3, dtype=L.long)[0].add_(1.5))
