"""Ops over many pieces or many tensors (iteration, unbind, split & co., cat/stack & co.,
torch.tensor of tensors, pad_sequence): values and gradients against torch 2.13 at sizes that
take the bucketed path (more than SMALL pieces, with a remainder below BUCKET), views of the
input as in torch, and the number of compiled programs not growing with the number of pieces."""
import gc

import numpy as np
import pytest
import torch

import torchlike
from torchlike._dispatch import Kernel
from torchlike.ops import _pieces

N = 38  # 32 + 4 + 2: three bucket sizes (full buckets of 64 are met in test_compiled_programs_do_not_grow)
assert N > _pieces.SMALL


def _np(t):
    return t.detach().numpy()


def _check_pieces(fn, shape, weights_seed=0):
    """fn(lib, x) -> list of pieces of x: same shapes, values, strides/offsets and the
    gradient of a weighted sum over every other piece (the rest get no gradient)."""
    data = np.random.default_rng(weights_seed).standard_normal(shape).astype(np.float32)
    got = {}
    for L in (torch, torchlike):
        x = L.tensor(data, requires_grad=True)
        ps = fn(L, x)
        loss = sum((p * (i + 1)).sum() for i, p in enumerate(ps) if i % 2 == 0)
        loss.backward()
        got[L] = ([_np(p) for p in ps], [(tuple(p.shape), p.stride(), p.storage_offset()) for p in ps],
                  _np(x.grad))
    (tv, tg, tgrad), (lv, lg, lgrad) = got[torch], got[torchlike]
    assert lg == tg
    for a, b in zip(lv, tv):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(lgrad, tgrad, rtol=1e-6)


@pytest.mark.parametrize("fn, shape", [
    (lambda L, x: list(x), (N, 3)),
    (lambda L, x: x.unbind(1), (2, N)),
    (lambda L, x: L.unbind(x, -1), (2, 3, 20)),
    (lambda L, x: x.split(1), (N, 2)),
    (lambda L, x: x.split(3, dim=1), (2, 3 * N + 2)),
    (lambda L, x: L.split(x, [1, 2] * 10 + [3] * 9), (57,)),
    (lambda L, x: x.split_with_sizes([2] * 20 + [0, 5], 1), (1, 45)),
    (lambda L, x: x.unsafe_split(2), (41,)),
    (lambda L, x: x.chunk(N), (N + 5, 2)),
    (lambda L, x: L.tensor_split(x, 23), (N,)),
    (lambda L, x: L.tensor_split(x, list(range(2, 60, 3)), dim=1), (2, 64)),
    (lambda L, x: L.hsplit(x, 20), (2, 40)),
    (lambda L, x: L.vsplit(x, 18), (36, 2)),
    (lambda L, x: L.dsplit(x, 17), (1, 2, 34)),
], ids=["iter", "unbind1", "unbind_neg", "split1", "split3_dim1", "split_sizes", "split_with_sizes",
        "unsafe_split", "chunk", "tensor_split", "tensor_split_indices", "hsplit", "vsplit", "dsplit"])
def test_pieces_parity(fn, shape):
    _check_pieces(fn, shape)


def test_pieces_are_views():
    """A write through a piece reaches the input and the other pieces; a write to the input
    reaches the pieces (the bucketed path keeps torch's view semantics)."""
    out = {}
    for L in (torch, torchlike):
        x = L.arange(2.0 * N).reshape(N, 2)
        rows = list(x)
        cols = x.split(1, dim=0)
        rows[5].fill_(-1)
        x[7] = 100
        cols[9].mul_(0)
        out[L] = (_np(x), _np(rows[9]), _np(cols[5]), _np(rows[7]), rows[3]._base is x)
    for a, b in zip(out[torch], out[torchlike]):
        np.testing.assert_array_equal(a, b)


def _check_join(fn, shapes, dtypes=None):
    """fn(lib, tensors) -> one tensor: same value and dtype, and the gradients reaching every
    float input of a weighted sum of the result."""
    rng = np.random.default_rng(1)
    dtypes = dtypes or ["float32"] * len(shapes)
    arrays = [rng.standard_normal(s).astype(d) if d.startswith("float") else rng.integers(0, 5, s).astype(d)
              for s, d in zip(shapes, dtypes)]
    got = {}
    for L in (torch, torchlike):
        ts = [L.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
        out = fn(L, ts)
        w = L.tensor(np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape)).astype(np.float32))
        (out * w).sum().backward()
        got[L] = (_np(out), str(out.dtype).split(".")[-1], [None if t.grad is None else _np(t.grad) for t in ts])
    (tv, td, tg), (lv, ld, lg) = got[torch], got[torchlike]
    assert ld == td
    np.testing.assert_allclose(lv, tv, rtol=1e-6)
    for a, b in zip(lg, tg):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("fn, shapes", [
    (lambda L, ts: L.stack(ts), [()] * N),
    (lambda L, ts: L.stack(ts, 1), [(2, 3)] * 20),
    (lambda L, ts: L.cat(ts), [(1, 3)] * N),
    (lambda L, ts: L.cat(ts, -1), [(2, 1)] * 10 + [(2, 3)] * 7 + [(2, 2)] * 5),
    (lambda L, ts: L.cat(ts), [(2,)] * 10 + [(0,)] * 3 + [(3,)] * 10),
    (lambda L, ts: L.hstack(ts), [()] * 30),
    (lambda L, ts: L.hstack(ts), [(2, 1)] * 30),
    (lambda L, ts: L.vstack(ts), [(3,)] * 30),
    (lambda L, ts: L.dstack(ts), [(2,)] * 20),
    (lambda L, ts: L.column_stack(ts), [(2,)] * 10 + [(2, 3)] * 10),
    (lambda L, ts: L.nn.utils.rnn.pad_sequence(ts), [(n % 7 + 1, 2) for n in range(20)]),
    (lambda L, ts: L.nn.utils.rnn.pad_sequence(ts, batch_first=True, padding_value=-2, padding_side="left"),
     [(n % 5 + 1,) for n in range(20)]),
], ids=["stack_0d", "stack_dim1", "cat_rows", "cat_mixed_widths", "cat_skips_empty", "hstack_0d", "hstack_2d",
        "vstack", "dstack", "column_stack", "pad_sequence", "pad_sequence_left"])
def test_join_parity(fn, shapes):
    _check_join(fn, shapes)


def test_join_promotes_dtypes():
    _check_join(lambda L, ts: L.stack(ts), [(2,)] * 24, ["float32"] * 10 + ["int64"] * 4 + ["float64"] * 10)
    _check_join(lambda L, ts: L.cat(ts), [(2,)] * 24, ["int32"] * 12 + ["float32"] * 12)


def test_double_backward_through_many_pieces():
    """create_graph through unbind and stack of many pieces (each backward records the other)."""
    out = {}
    for L in (torch, torchlike):
        x = L.tensor(np.linspace(-1, 2, 2 * N, dtype=np.float32).reshape(N, 2), requires_grad=True)
        y = L.stack([r ** 3 for r in x.unbind(0)])
        g, = L.autograd.grad(y.sum(), x, create_graph=True)
        g.pow(2).sum().backward()
        out[L] = (_np(g), _np(x.grad))
    for a, b in zip(out[torch], out[torchlike]):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_tensor_of_tensors():
    """torch.tensor over lists of 0-d / one-element tensors, mixed with numbers and dtypes."""
    for make in (lambda L: [L.tensor(i * 0.5) for i in range(N)],
                 lambda L: [[L.tensor(i), i + 0.5, L.tensor([2.0 * i])] for i in range(30)],
                 lambda L: [L.tensor(i % 2 == 0) for i in range(20)],
                 lambda L: [L.tensor(i, dtype=L.int32) for i in range(20)] + [L.tensor(1.5, dtype=L.float64)]):
        t, l_ = torch.tensor(make(torch)), torchlike.tensor(make(torchlike))
        assert str(l_.dtype) == str(t.dtype)
        np.testing.assert_array_equal(_np(l_), _np(t))


class _Recorder:
    """A compiled kernel that notes how many arguments and outputs each call has."""

    def __init__(self, f, sizes):
        self.f, self.sizes = f, sizes

    def __call__(self, *args):
        out = self.f(*args)
        self.sizes.append(len(args) + (len(out) if isinstance(out, (tuple, list)) else 1))
        return out


def _kernels():
    return [k for k in gc.get_objects() if issubclass(type(k), Kernel)]


def _run_recorded(op, n, monkeypatch):
    """Run op(n); return (new compiled programs, largest arguments + outputs of a program run)."""
    sizes = []
    for k in _kernels():
        k.cache = {st: _Recorder(f, sizes) for st, f in k.cache.items()}
    for cls in (Kernel, _pieces._DonatingKernel):
        def compiled(self, statics, _orig=cls.compiled):
            f = _orig(self, statics)
            if not isinstance(f, _Recorder):
                f = self.cache[statics] = _Recorder(f, sizes)
            return f
        monkeypatch.setattr(cls, "compiled", compiled)
    programs = lambda: sum(f.f._cache_size() for k in _kernels() for f in k.cache.values())  # noqa: E731
    before = programs()
    try:
        op(n)
        return programs() - before, max(sizes)
    finally:
        monkeypatch.undo()
        for k in _kernels():
            k.cache = {st: getattr(f, "f", f) for st, f in k.cache.items()}


@pytest.mark.parametrize("op", [
    lambda n: list(torchlike.ones(n, 2)),
    lambda n: torchlike.ones(2, n).split(1, dim=1),
    lambda n: torchlike.stack([torchlike.tensor(1.0)] * n),
    lambda n: torchlike.cat([torchlike.ones(1, 2)] * n),
    lambda n: torchlike.tensor([torchlike.tensor(1.0)] * n),
    lambda n: torchlike.stack(list(torchlike.ones(n, 3, requires_grad=True))).sum().backward(),
], ids=["iter", "split", "stack", "cat", "tensor", "unbind_stack_backward"])
def test_compiled_programs_do_not_grow(op, monkeypatch):
    """For 300 and 301 pieces an op compiles no more programs than the log2(BUCKET) + 1
    bucket sizes allow, and no program takes or returns more than a bucket of pieces."""
    for n in (300, 301):
        count, largest = _run_recorded(op, n, monkeypatch)
        assert count <= 2 * (_pieces.BUCKET.bit_length() + 2), count
        assert largest <= _pieces.BUCKET + 3, largest


def _backend_compiles(fn):
    """How many XLA compilations running ``fn()`` causes (JAX's own compile event)."""
    import jax.monitoring
    events = []

    def listen(event, duration, **kwargs):
        if event == "/jax/core/compile/backend_compile_duration":
            events.append(duration)
    jax.monitoring.register_event_duration_secs_listener(listen)
    try:
        fn()
    finally:
        jax.monitoring.unregister_event_duration_listener(listen)
    return len(events)


def test_growing_cat_and_tensor_of_new_lengths_compile_nothing_new():
    """``acc = torch.cat([acc, row])`` in a loop (run twice, as epochs do) and torch.tensor of
    lists of ever new lengths meet a new shape every time: neither may compile per shape; a
    cat over fixed shapes in a loop is compiled once."""
    out = {}
    for L in (torch, torchlike):
        rows = [L.full((1, 3), float(i)) for i in range(40)]

        def loop():
            acc = L.zeros(0, 3)
            for row in rows:
                acc = L.cat([acc, row])
            out[L] = (_np(acc), [_np(L.tensor(list(range(n)))) for n in range(1, 40)])
        counts = [_backend_compiles(loop) for _ in range(2)]
        if L is torchlike:
            assert counts[0] <= 2 and counts[1] == 0, counts
            pair = [L.ones(2, 7), L.ones(3, 7)]
            fixed = [_backend_compiles(lambda: [L.cat(pair) for _ in range(5)]) for _ in range(2)]
            assert fixed[0] <= 1 and fixed[1] == 0, fixed
    np.testing.assert_array_equal(out[torchlike][0], out[torch][0])
    for a, b in zip(out[torchlike][1], out[torch][1]):
        np.testing.assert_array_equal(a, b)
