"""Recurrent layers (RNN, LSTM, GRU, cells) and nn.utils.rnn against torch 2.13: repr,
state_dict, outputs and final states, input/parameter gradients, packed sequences, errors."""
import warnings

import numpy as np
import pytest
import torch

import torchlike
from parity import assert_outputs_and_grads, assert_same, expect_error, module_pair, rand

X = rand(4, 2, 5)          # (T, B, I)
LENGTHS = [4, 2]
TOL = (2e-5, 2e-5)


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flat(o)]
    return [out]


def build(make):
    return module_pair(make)


def compare(t_out, l_out, t_w, l_w):
    """Compare every output, then the gradients of a weighted sum of all outputs w.r.t. ``*_w``."""
    assert_outputs_and_grads(t_out, l_out, t_w, l_w, TOL)


def compare_module(t_mod, l_mod, t_args, l_args, t_wrt, l_wrt):
    """Call both modules and compare outputs and gradients w.r.t. ``*_wrt`` and all parameters."""
    compare(t_mod(*t_args), l_mod(*l_args), [*t_wrt, *t_mod.parameters()], [*l_wrt, *l_mod.parameters()])


def _inputs(arrays):
    return ([torch.tensor(a, requires_grad=True) for a in arrays],
            [torchlike.tensor(a, requires_grad=True) for a in arrays])


# (id, constructor(nn), input, hidden state arrays or None)
H = rand(2, 2, 4, seed=1)
LAYERS = [
    ("RNN", lambda nn: nn.RNN(5, 4), X, None),
    ("RNN-relu-nobias-h0", lambda nn: nn.RNN(5, 4, 2, nonlinearity="relu", bias=False), X, (H,)),
    ("RNN-bidir-batchfirst", lambda nn: nn.RNN(5, 4, batch_first=True, bidirectional=True), X, None),
    ("LSTM", lambda nn: nn.LSTM(5, 4), X, None),
    ("LSTM-2layer-bidir-h0c0", lambda nn: nn.LSTM(5, 4, num_layers=2, bidirectional=True),
     X, (rand(4, 2, 4, seed=2), rand(4, 2, 4, seed=3))),
    ("LSTM-proj-batchfirst", lambda nn: nn.LSTM(5, 4, 2, proj_size=3, batch_first=True), X, None),
    ("LSTM-unbatched", lambda nn: nn.LSTM(5, 4, bidirectional=True), X[:, 0], (rand(2, 4), rand(2, 4, seed=4))),
    ("GRU", lambda nn: nn.GRU(5, 4, num_layers=2, dropout=0.3).eval(), X, (H,)),
    ("GRU-bidir-nobias", lambda nn: nn.GRU(5, 4, bias=False, bidirectional=True, batch_first=True), X, None),
    ("RNN-unbatched", lambda nn: nn.RNN(5, 4), X[:, 0], (H[:1, 0],)),
]


@pytest.mark.parametrize("name,make,x,hx", LAYERS, ids=[m[0] for m in LAYERS])
def test_layer(name, make, x, hx):
    t_mod, l_mod = build(make)
    arrays = (x,) + (hx or ())
    (t_x, *t_h), (l_x, *l_h) = _inputs(arrays)
    t_args, l_args = [t_x], [l_x]
    if hx:
        t_args.append(tuple(t_h) if "LSTM" in name else t_h[0])
        l_args.append(tuple(l_h) if "LSTM" in name else l_h[0])
    compare_module(t_mod, l_mod, t_args, l_args, [t_x, *t_h], [l_x, *l_h])


CELLS = [
    ("RNNCell", lambda nn: nn.RNNCell(5, 4), 1),
    ("RNNCell-relu-nobias", lambda nn: nn.RNNCell(5, 4, bias=False, nonlinearity="relu"), 1),
    ("LSTMCell", lambda nn: nn.LSTMCell(5, 4), 2),
    ("GRUCell", lambda nn: nn.GRUCell(5, 4), 1),
]


@pytest.mark.parametrize("name,make,n_state", CELLS, ids=[c[0] for c in CELLS])
@pytest.mark.parametrize("batched", [True, False])
def test_cell(name, make, n_state, batched):
    t_mod, l_mod = build(make)
    x, states = X[0], [rand(2, 4, seed=5 + i) for i in range(n_state)]
    if not batched:
        x, states = x[0], [s[0] for s in states]
    (t_x, *t_h), (l_x, *l_h) = _inputs([x, *states])
    pack = (lambda h: tuple(h)) if n_state == 2 else (lambda h: h[0])
    compare_module(t_mod, l_mod, [t_x, pack(t_h)], [l_x, pack(l_h)], [t_x, *t_h], [l_x, *l_h])
    compare_module(t_mod, l_mod, [t_x], [l_x], [t_x], [l_x])  # default zero state


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed(mode, enforce_sorted):
    """A PackedSequence through a 2-layer bidirectional layer: packed output data, h_n at each
    sequence's last valid step, gradients, and the padded round trip."""
    t_mod, l_mod = build(lambda nn: getattr(nn, mode)(5, 4, num_layers=2, bidirectional=True))
    lengths = LENGTHS if enforce_sorted else LENGTHS[::-1]
    (t_x,), (l_x,) = _inputs([X])
    t_p = torch.nn.utils.rnn.pack_padded_sequence(t_x, lengths, enforce_sorted=enforce_sorted)
    l_p = torchlike.nn.utils.rnn.pack_padded_sequence(l_x, lengths, enforce_sorted=enforce_sorted)
    for e, a in zip(t_p, l_p):
        if e is None:
            assert a is None
        else:
            assert_same(e, a)
    t_out, l_out = t_mod(t_p), l_mod(l_p)
    assert type(l_out[0]).__name__ == "PackedSequence"
    compare((t_out[0].data, t_out[1]), (l_out[0].data, l_out[1]), [t_x, *t_mod.parameters()],
            [l_x, *l_mod.parameters()])
    for e, a in zip(torch.nn.utils.rnn.pad_packed_sequence(t_out[0], batch_first=True, total_length=5),
                    torchlike.nn.utils.rnn.pad_packed_sequence(l_out[0], batch_first=True, total_length=5)):
        assert_same(e, a, TOL)


def test_packed_hx_unsorted():
    t_mod, l_mod = build(lambda nn: nn.GRU(5, 4))
    (t_x, t_h), (l_x, l_h) = _inputs([X, H[:1]])
    t_p = torch.nn.utils.rnn.pack_padded_sequence(t_x, [2, 4], enforce_sorted=False)
    l_p = torchlike.nn.utils.rnn.pack_padded_sequence(l_x, [2, 4], enforce_sorted=False)
    t_o, l_o = t_mod(t_p, t_h), l_mod(l_p, l_h)
    compare((t_o[0].data, t_o[1]), (l_o[0].data, l_o[1]), [t_x, t_h], [l_x, l_h])


@pytest.mark.parametrize("kwargs", [{}, {"batch_first": True, "padding_value": -1.0},
                                    {"padding_side": "left"}])
def test_pad_sequence(kwargs):
    arrays = [rand(3, 2), rand(1, 2, seed=1), rand(4, 2, seed=2)]
    t = torch.nn.utils.rnn.pad_sequence([torch.tensor(a) for a in arrays], **kwargs)
    l_ = torchlike.nn.utils.rnn.pad_sequence([torchlike.tensor(a) for a in arrays], **kwargs)
    assert_same(t, l_)


def test_pack_sequence_round_trip():
    arrays = [rand(3, 2), rand(1, 2, seed=1), rand(4, 2, seed=2)]
    rnn = torchlike.nn.utils.rnn
    seqs = [torchlike.tensor(a) for a in arrays]
    packed = rnn.pack_sequence(seqs, enforce_sorted=False)
    t_packed = torch.nn.utils.rnn.pack_sequence([torch.tensor(a) for a in arrays], enforce_sorted=False)
    for e, a in zip(t_packed, packed):
        assert_same(e, a)
    for e, a in zip(arrays, rnn.unpack_sequence(packed)):
        np.testing.assert_array_equal(a.numpy(), e)
    padded, lengths = rnn.pad_packed_sequence(packed)
    assert lengths.tolist() == [3, 1, 4]
    assert [s.shape[0] for s in rnn.unpad_sequence(padded, lengths)] == [3, 1, 4]


def test_flatten_parameters_and_all_weights():
    t_mod, l_mod = build(lambda nn: nn.LSTM(5, 4, 2, proj_size=2, bidirectional=True))
    l_mod.flatten_parameters()
    assert [[tuple(w.shape) for w in ws] for ws in l_mod.all_weights] == \
        [[tuple(w.shape) for w in ws] for ws in t_mod.all_weights]


def test_init_range_and_dropout_training():
    m = torchlike.nn.GRU(5, 8, num_layers=2, dropout=0.5)
    assert all(float(p.abs().max()) <= 8 ** -0.5 for p in m.parameters())
    x = torchlike.tensor(X)
    a, b = m(x)[0], m(x)[0]
    assert a.shape == (4, 2, 8) and not torchlike.equal(a, b)   # fresh masks each call
    m.eval()
    assert torchlike.equal(m(x)[0], m(x)[0])


def _call(mode, x_shape, h_shapes=None, **kwargs):
    def fn(lib):
        m = getattr(lib.nn, mode)(5, 4, **kwargs)
        hx = None if h_shapes is None else [lib.zeros(*s) for s in h_shapes]
        if hx is not None:
            hx = tuple(hx) if len(hx) == 2 else hx[0]
        return m(lib.zeros(*x_shape), hx)
    return fn


ERRORS = [
    ("LSTM-input-size", _call("LSTM", (3, 2, 7))),
    ("GRU-4d", _call("GRU", (3, 2, 5, 1))),
    ("RNN-4d", _call("RNN", (3, 2, 5, 1))),
    ("RNN-hidden-size", _call("RNN", (3, 2, 5), [(2, 2, 4)])),
    ("LSTM-cell-size", _call("LSTM", (3, 2, 5), [(1, 2, 4), (1, 2, 3)])),
    ("LSTM-hx-dims", _call("LSTM", (3, 2, 5), [(2, 4), (2, 4)])),
    ("GRU-unbatched-hx", _call("GRU", (3, 5), [(1, 2, 4)])),
    ("LSTMCell-input-size", lambda lib: lib.nn.LSTMCell(5, 4)(lib.zeros(2, 7))),
    ("GRUCell-batch", lambda lib: lib.nn.GRUCell(5, 4)(lib.zeros(2, 5), lib.zeros(3, 4))),
    ("RNNCell-3d", lambda lib: lib.nn.RNNCell(5, 4)(lib.zeros(1, 2, 5))),
    ("RNN-bad-nonlinearity", lambda lib: lib.nn.RNN(5, 4, nonlinearity="gelu")),
    ("GRU-proj", lambda lib: lib.nn.GRU(5, 4, proj_size=2)),
    ("LSTM-proj-too-big", lambda lib: lib.nn.LSTM(5, 4, proj_size=4)),
    ("LSTM-dropout-range", lambda lib: lib.nn.LSTM(5, 4, dropout=1.5)),
    ("pack-unsorted", lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.zeros(4, 2, 5), [2, 4])),
    ("pack-zero-length", lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.zeros(4, 2, 5), [4, 0])),
]


@pytest.mark.parametrize("name,fn", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err) == str(t_err)


def test_dropout_warning():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        torchlike.nn.LSTM(5, 4, dropout=0.2)
    assert "non-zero dropout expects num_layers greater than 1" in str(w[0].message)
