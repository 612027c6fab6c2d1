"""Recurrent layers of torch.nn: RNN, LSTM, GRU and their single-step cells.

A whole recurrent layer stack (every layer, direction and time step, inter-layer dropout)
is ONE kernel: each direction runs a ``jax.lax.scan`` over time with the input projection
precomputed for all steps. Packed sequences run padded with a per-step validity mask, so
finished sequences keep their last state and emit zeros; the reverse direction reverses
each sequence within its own length. Dropout masks come from this library's RNG.
"""
import math
import numbers
import warnings

import jax
import jax.numpy as jnp

from ... import ops
from ..._dispatch import Kernel, apply
from ...random import default_generator
from .. import init
from ..utils.rnn import PackedSequence, _int64, _layout, _pad_sorted
from .linear import empty_parameter
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_HI = jax.lax.Precision.HIGHEST
_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _mm(x, w):
    return jnp.matmul(x, w.T, precision=_HI)


def _step(mode, h, c, gi, w_hh, b_hh, w_hr):
    """One time step from state (h, c) given the input projection ``gi`` (bias included);
    ``c`` is None except for LSTM. Returns the new (h, c)."""
    gh = _mm(h, w_hh) if b_hh is None else _mm(h, w_hh) + b_hh
    if mode == "LSTM":
        i, f, g, o = jnp.split(gi + gh, 4, -1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h if w_hr is None else _mm(h, w_hr)), c
    if mode == "GRU":
        (ir, iz, in_), (hr, hz, hn) = jnp.split(gi, 3, -1), jnp.split(gh, 3, -1)
        r, z = jax.nn.sigmoid(ir + hr), jax.nn.sigmoid(iz + hz)
        n = jnp.tanh(in_ + r * hn)
        return (1 - z) * n + z * h, c
    return (jnp.tanh if mode == "RNN_TANH" else jax.nn.relu)(gi + gh), c


def _unpack(weights, bias, proj):
    """(w_ih, w_hh, b_ih, b_hh, w_hr) from one direction's flat weights."""
    w_ih, w_hh, *rest = weights
    b_ih, b_hh = rest[:2] if bias else (None, None)
    return w_ih, w_hh, b_ih, b_hh, (rest[-1] if proj else None)


def _reverse(x, lengths):
    """Reverse time (axis 0); with ``lengths``, each sequence within its own length."""
    if lengths is None:
        return jnp.flip(x, 0)
    t = jnp.arange(x.shape[0])[:, None]
    index = jnp.where(t < lengths, lengths - 1 - t, t)
    return jnp.take_along_axis(x, index.reshape(index.shape + (1,) * (x.ndim - 2)), 0)


def _direction(mode, x, h, c, weights, mask, lengths, reverse):
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    x = _reverse(x, lengths) if reverse else x
    gi = _mm(x, w_ih) if b_ih is None else _mm(x, w_ih) + b_ih

    def body(state, inputs):
        g, m = inputs
        new = _step(mode, *state, g, w_hh, b_hh, w_hr)
        if m is None:
            return new, new[0]
        new = tuple(None if n is None else jnp.where(m, n, o) for n, o in zip(new, state))
        return new, jnp.where(m, new[0], 0)

    (h, c), out = jax.lax.scan(body, (h, c), (gi, mask))
    return (_reverse(out, lengths) if reverse else out), h, c


def _rnn(mode, layers, dirs, bias, proj, batch_first, packed, has_hx, dropout, *args):
    """The full stack: (key,) x (T, B, I) [lengths] [h0 [c0]] [p] weights... ->
    ([key,] output, h_n[, c_n]); ``dropout`` marks a training run with inter-layer dropout."""
    args = list(args)
    key = args.pop(0) if dropout else None
    x = args.pop(0)
    lengths = args.pop(0) if packed else None
    lstm = mode == "LSTM"
    h0 = args.pop(0) if has_hx else None
    c0 = args.pop(0) if has_hx and lstm else None
    p = args.pop(0) if dropout else None
    x = jnp.swapaxes(x, 0, 1) if batch_first else x
    per = len(args) // (layers * dirs)
    weights = [_unpack(args[i * per:(i + 1) * per], bias, proj) for i in range(layers * dirs)]
    if not has_hx:
        batch, hidden = x.shape[1], weights[0][1].shape[1]
        h0 = jnp.zeros((layers * dirs, batch, hidden), x.dtype)
        c0 = jnp.zeros((layers * dirs, batch, weights[0][1].shape[0] // 4), x.dtype) if lstm else None
    mask = (jnp.arange(x.shape[0])[:, None] < lengths)[..., None] if packed else None
    hs, cs = [], []
    for layer in range(layers):
        outs = []
        for d in range(dirs):
            i = layer * dirs + d
            out, h, c = _direction(mode, x, h0[i], c0[i] if lstm else None, weights[i], mask, lengths, d == 1)
            outs.append(out)
            hs.append(h)
            cs.append(c)
        x = jnp.concatenate(outs, -1) if dirs == 2 else outs[0]
        if dropout and layer < layers - 1:
            key, sub = jax.random.split(key)
            x = jnp.where(jax.random.bernoulli(sub, 1 - p, x.shape), x / (1 - p), 0).astype(x.dtype)
    out = (jnp.swapaxes(x, 0, 1) if batch_first else x, jnp.stack(hs)) + ((jnp.stack(cs),) if lstm else ())
    return (key,) + out if dropout else out


_rnn_kernels = {mode: Kernel(_rnn, "CatBackward0" if mode != "LSTM" else "MkldnnRnnLayerBackward0")
                for mode in _GATES}


class RNNBase(Module):
    """Shared machinery of RNN, LSTM and GRU: torch's parameter names, shapes and order
    (``weight_ih_l{k}[_reverse]``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}``,
    ``weight_hr_l{k}``), U(-1/sqrt(hidden), 1/sqrt(hidden)) init, argument checks."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=2)
        for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int), ("hidden_size", hidden_size, int)):
            if not isinstance(value, kind):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
            if kind is int and value <= 0:
                raise ValueError(f"{name} must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        gates, dirs, real_hidden = _GATES[mode] * hidden_size, 1 + bidirectional, proj_size or hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for suffix in ("", "_reverse")[:dirs]:
                shapes = [("weight_ih", (gates, input_size if layer == 0 else real_hidden * dirs)),
                          ("weight_hh", (gates, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gates,)), ("bias_hh", (gates,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for name, shape in shapes:
                    name = f"{name}_l{layer}{suffix}"
                    setattr(self, name, empty_parameter(shape, device, dtype))
                    self._flat_weights_names.append(name)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        per = len(self._flat_weights_names) // (self.num_layers * (1 + self.bidirectional))
        w = self._flat_weights
        return [w[i:i + per] for i in range(0, len(w), per)]

    def flatten_parameters(self):
        """A no-op: there is no cuDNN weight buffer to compact."""

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _check_hidden(self, hx, expected, msg="Expected hidden size {}, got {}"):
        if tuple(hx.shape) != expected:
            raise RuntimeError(msg.format(expected, list(hx.shape)))

    def _dim_error(self, input):
        return ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D instead")

    def forward(self, input, hx=None):
        """Returns (output, h_n), or (output, (h_n, c_n)) for LSTM; a PackedSequence in gives
        a PackedSequence out."""
        lstm = self.mode == "LSTM"
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            x, lengths = _pad_sorted(data, batch_sizes)
            batch, unbatched, batch_first = int(lengths.size), False, False
            if hx is not None and sorted_indices is not None:
                hx = tuple(h.index_select(1, sorted_indices) for h in hx) if lstm else \
                    hx.index_select(1, sorted_indices)
        else:
            if input.dim() not in (2, 3):
                raise self._dim_error(input)
            x, unbatched, batch_first = input, input.dim() == 2, self.batch_first
            if unbatched:
                x = x.unsqueeze(0 if batch_first else 1)
            if hx is not None:
                hx = self._unbatch_hx(hx, unbatched)
            batch = x.shape[0 if batch_first else 1]
        if x.dtype != self.weight_ih_l0.dtype:
            w = self.weight_ih_l0.dtype
            raise ValueError(f"RNN input dtype ({x.dtype}) does not match weight dtype ({w}). Convert input: "
                             f"input.to({w}), or convert model: model.to({x.dtype})")
        if self.input_size != x.shape[-1]:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {x.shape[-1]}")
        dirs = 1 + self.bidirectional
        expected = (self.num_layers * dirs, batch, self.proj_size or self.hidden_size)
        if hx is not None:
            if lstm:
                self._check_hidden(hx[0], expected, "Expected hidden[0] size {}, got {}")
                self._check_hidden(hx[1], expected[:2] + (self.hidden_size,), "Expected hidden[1] size {}, got {}")
            else:
                self._check_hidden(hx, expected)
        hx_args = () if hx is None else tuple(hx) if lstm else (hx,)
        dropout = self.training and self.dropout > 0 and self.num_layers > 1
        args = (x,) + ((_int64(lengths),) if packed else ()) + hx_args + ((self.dropout,) if dropout else ())
        statics = (self.mode, self.num_layers, dirs, self.bias, self.proj_size > 0, batch_first, packed,
                   hx is not None, dropout)
        k = _rnn_kernels[self.mode]
        if dropout:
            key, *outs = apply(k, (default_generator._key,) + args + tuple(self._flat_weights), statics)
            default_generator._key = key._data
        else:
            outs = apply(k, args + tuple(self._flat_weights), statics)
        output, *state = outs
        if packed:
            positions, _ = _layout(batch_sizes)
            output = PackedSequence(output.reshape(-1, output.shape[-1]).index_select(0, _int64(positions)),
                                    batch_sizes, sorted_indices, unsorted_indices)
            if unsorted_indices is not None:
                state = [s.index_select(1, unsorted_indices) for s in state]
        elif unbatched:
            output = output.squeeze(0 if batch_first else 1)
            state = [s.squeeze(1) for s in state]
        return output, (tuple(state) if lstm else state[0])

    def _unbatch_hx(self, hx, unbatched):
        want = 2 if unbatched else 3
        kind = "unbatched 2-D" if unbatched else "batched 3-D"
        if self.mode == "LSTM":
            if hx[0].dim() != want or hx[1].dim() != want:
                raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                                   f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
            return (hx[0].unsqueeze(1), hx[1].unsqueeze(1)) if unbatched else hx
        if hx.dim() != want:
            raise RuntimeError(f"For {kind} input, hx should also be {want}-D but got {hx.dim()}-D tensor")
        return hx.unsqueeze(1) if unbatched else hx


class RNN(RNNBase):
    """torch.nn.RNN: Elman RNN with tanh or relu nonlinearity."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity, args = args[3], args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__("RNN_" + self.nonlinearity.upper(), *args, **kwargs)

    def _dim_error(self, input):
        return ValueError(f"RNN: Expected input to be 2D or 3D, got {input.dim()}D tensor instead")


class LSTM(RNNBase):
    """torch.nn.LSTM, with optional output projection (``proj_size``)."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """torch.nn.GRU."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


# ---- cells -------------------------------------------------------------------------------
def _cell(mode, bias, x, h, c, *weights):
    w_ih, w_hh, b_ih, b_hh, _ = _unpack(weights, bias, False)
    gi = _mm(x, w_ih) if b_ih is None else _mm(x, w_ih) + b_ih
    h, c = _step(mode, h, c, gi, w_hh, b_hh, None)
    return (h, c) if mode == "LSTM" else h


_cell_kernels = {"LSTM": Kernel(lambda bias, x, h, c, *w: _cell("LSTM", bias, x, h, c, *w), "MulBackward0"),
                 "GRU": Kernel(lambda bias, x, h, *w: _cell("GRU", bias, x, h, None, *w), "AddBackward0"),
                 "RNN_TANH": Kernel(lambda bias, x, h, *w: _cell("RNN_TANH", bias, x, h, None, *w),
                                    "TanhBackward0"),
                 "RNN_RELU": Kernel(lambda bias, x, h, *w: _cell("RNN_RELU", bias, x, h, None, *w),
                                    "ReluBackward0")}


class RNNCellBase(Module):
    """Shared parameters (weight_ih, weight_hh, bias_ih, bias_hh), init and checks of the cells."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = empty_parameter((num_chunks * hidden_size, input_size), device, dtype)
        self.weight_hh = empty_parameter((num_chunks * hidden_size, hidden_size), device, dtype)
        if bias:
            self.bias_ih = empty_parameter((num_chunks * hidden_size,), device, dtype)
            self.bias_hh = empty_parameter((num_chunks * hidden_size,), device, dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    reset_parameters = RNNBase.reset_parameters

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _run(self, mode, input, hx, n_state):
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        for i, h in enumerate(hx or ()):
            if h.dim() not in (1, 2):
                what = f"hx[{i}]" if n_state == 2 else "hidden"
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {h.dim()}D instead")
        unbatched = input.dim() == 1
        x = input.unsqueeze(0) if unbatched else input
        if hx is None:
            hx = (ops.zeros(x.shape[0], self.hidden_size, dtype=x.dtype, device=x.device),) * n_state
        elif unbatched:
            hx = tuple(h.unsqueeze(0) for h in hx)
        if x.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {x.shape[1]} expected {self.input_size}")
        for i, h in enumerate(hx):
            if h.shape[0] != x.shape[0]:
                raise RuntimeError(f"Input batch size {x.shape[0]} doesn't match hidden{i} batch size {h.shape[0]}")
            if h.shape[1] != self.hidden_size:
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {h.shape[1]}, "
                                   f"expected {self.hidden_size}")
        weights = (self.weight_ih, self.weight_hh) + ((self.bias_ih, self.bias_hh) if self.bias else ())
        out = apply(_cell_kernels[mode], (x, *hx, *weights), (self.bias,))
        out = out if isinstance(out, tuple) else (out,)
        return tuple(o.squeeze(0) for o in out) if unbatched else out


class RNNCell(RNNCellBase):
    """torch.nn.RNNCell: h' = tanh/relu(x W_ih^T + b_ih + h W_hh^T + b_hh)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._run("RNN_" + self.nonlinearity.upper(), input, None if hx is None else (hx,), 1)[0]


class LSTMCell(RNNCellBase):
    """torch.nn.LSTMCell: returns (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        return self._run("LSTM", input, hx, 2)


class GRUCell(RNNCellBase):
    """torch.nn.GRUCell."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        return self._run("GRU", input, None if hx is None else (hx,), 1)[0]
