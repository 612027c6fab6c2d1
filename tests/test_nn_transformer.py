"""MultiheadAttention, F.multi_head_attention_forward and the Transformer modules against
torch 2.13: repr, state_dict, outputs, attention weights, input/parameter gradients, masks,
errors. Dropout is 0 (or the module is in eval mode) wherever values are compared."""
import numpy as np
import pytest
import torch

import torchlike
from parity import assert_outputs_and_grads, assert_same, expect_error, module_pair, rand

TOL = (5e-5, 5e-5)
Q, K = rand(3, 2, 8), rand(4, 2, 8, seed=1)       # (L, N, E), (S, N, E)
CAUSAL = np.triu(np.ones((3, 3), bool), 1)
KPM = np.array([[False, False, True, False], [False, True, False, False]])


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flat(o)]
    return [out] if out is not None else []


def _to(lib, value, grad):
    if isinstance(value, np.ndarray):
        return lib.tensor(value, requires_grad=grad and value.dtype.kind == "f")
    return value


def check(make, args, kwargs=None, grad_args=True, tol=TOL):
    """Build the module under both libraries (repr and state_dict layout compared, torch's state
    copied), then compare every output and the gradients w.r.t. float inputs and parameters."""
    t_mod, l_mod = module_pair(make)
    kwargs = kwargs or {}
    t_args, l_args = [_to(torch, a, grad_args) for a in args], [_to(torchlike, a, grad_args) for a in args]
    t_kw, l_kw = ({k: _to(lib, v, False) for k, v in kwargs.items()} for lib in (torch, torchlike))
    t_w = [a for a in t_args if isinstance(a, torch.Tensor) and a.requires_grad] + list(t_mod.parameters())
    l_w = [a for a in l_args if isinstance(a, torchlike.Tensor) and a.requires_grad] + list(l_mod.parameters())
    assert_outputs_and_grads(_flat(t_mod(*t_args, **t_kw)), _flat(l_mod(*l_args, **l_kw)), t_w, l_w, tol)
    return t_mod, l_mod


MHA = [
    ("plain", lambda nn: nn.MultiheadAttention(8, 2), (Q, K, K), {}),
    ("self-causal-bool", lambda nn: nn.MultiheadAttention(8, 2), (Q, Q, Q), {"attn_mask": CAUSAL}),
    ("kpm-per-head", lambda nn: nn.MultiheadAttention(8, 2), (Q, K, K),
     {"key_padding_mask": KPM, "average_attn_weights": False}),
    ("float-3d-mask-nobias", lambda nn: nn.MultiheadAttention(8, 4, bias=False), (Q, K, K),
     {"attn_mask": rand(8, 3, 4, seed=7)}),
    ("bias-kv-zero-attn", lambda nn: nn.MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True),
     (Q, K, K), {"key_padding_mask": KPM, "attn_mask": rand(3, 4, seed=8)}),
    ("kdim-vdim-batch-first", lambda nn: nn.MultiheadAttention(8, 2, kdim=5, vdim=6, batch_first=True),
     (rand(2, 3, 8), rand(2, 4, 5), rand(2, 4, 6)), {}),
    ("no-weights", lambda nn: nn.MultiheadAttention(8, 2), (Q, K, K), {"need_weights": False}),
    ("unbatched", lambda nn: nn.MultiheadAttention(8, 2), (Q[:, 0], K[:, 0], K[:, 0]),
     {"key_padding_mask": KPM[0]}),
    ("eval-dropout", lambda nn: nn.MultiheadAttention(8, 2, dropout=0.5).eval(), (Q, K, K), {}),
]


@pytest.mark.parametrize("name,make,args,kwargs", MHA, ids=[m[0] for m in MHA])
def test_multihead_attention(name, make, args, kwargs):
    check(make, args, kwargs)


def test_mha_dropout_training():
    m = torchlike.nn.MultiheadAttention(8, 2, dropout=0.5)
    q = torchlike.tensor(Q)
    (a, wa), (_, wb) = m(q, q, q), m(q, q, q)
    assert a.shape == (3, 2, 8) and wa.shape == (2, 3, 3) and not torchlike.equal(wa, wb)


def test_functional_mha():
    t_mod, l_mod = torch.nn.MultiheadAttention(8, 2), torchlike.nn.MultiheadAttention(8, 2)
    l_mod.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in t_mod.state_dict().items()})
    out = []
    for lib, m in ((torch, t_mod), (torchlike, l_mod)):
        q = lib.tensor(Q)
        out.append(lib.nn.functional.multi_head_attention_forward(
            q, q, q, 8, 2, m.in_proj_weight, m.in_proj_bias, None, None, False, 0.0, m.out_proj.weight,
            m.out_proj.bias, attn_mask=lib.tensor(CAUSAL), is_causal=True))
    for e, a in zip(*out):
        assert_same(e, a, TOL)


ENCODER_KW = dict(dim_feedforward=16, dropout=0.0)
LAYERS = [
    ("encoder-layer", lambda nn: nn.TransformerEncoderLayer(8, 2, **ENCODER_KW), (Q,),
     {"src_mask": CAUSAL, "src_key_padding_mask": KPM[:, :3]}),
    ("encoder-layer-prenorm-gelu-bf", lambda nn: nn.TransformerEncoderLayer(
        8, 2, 16, 0.0, "gelu", batch_first=True, norm_first=True, bias=False), (rand(2, 3, 8),), {}),
    ("encoder-layer-module-activation", lambda nn: nn.TransformerEncoderLayer(
        8, 2, 16, 0.1, nn.GELU(), layer_norm_eps=1e-3).eval(), (Q[:, 0],), {}),
    ("decoder-layer", lambda nn: nn.TransformerDecoderLayer(8, 2, **ENCODER_KW), (Q, K),
     {"tgt_mask": CAUSAL, "memory_key_padding_mask": KPM, "tgt_is_causal": True}),
    ("decoder-layer-prenorm", lambda nn: nn.TransformerDecoderLayer(8, 2, 16, 0.0, norm_first=True), (Q, K),
     {"memory_mask": rand(3, 4, seed=9)}),
    ("encoder", lambda nn: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, **ENCODER_KW), 2,
                                                 nn.LayerNorm(8), enable_nested_tensor=False),
     (Q,), {"mask": CAUSAL}),
    ("decoder", lambda nn: nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, **ENCODER_KW), 2), (Q, K),
     {"tgt_key_padding_mask": KPM[:, :3]}),
]


@pytest.mark.parametrize("name,make,args,kwargs", LAYERS, ids=[m[0] for m in LAYERS])
def test_transformer_layers(name, make, args, kwargs):
    check(make, args, kwargs)


def test_transformer():
    make = lambda nn: nn.Transformer(8, 2, 1, 1, 16, 0.0, batch_first=True)  # noqa: E731
    src, tgt = rand(2, 4, 8), rand(2, 3, 8, seed=1)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(3).numpy()
    check(make, (src, tgt), {"tgt_mask": mask, "src_key_padding_mask": KPM})


def test_generate_square_subsequent_mask():
    assert_same(torch.nn.Transformer.generate_square_subsequent_mask(4),
                torchlike.nn.Transformer.generate_square_subsequent_mask(4))
    assert_same(torch.nn.Transformer.generate_square_subsequent_mask(2, dtype=torch.float64),
                torchlike.nn.Transformer.generate_square_subsequent_mask(2, dtype=torchlike.float64))


def test_default_init():
    m = torchlike.nn.MultiheadAttention(8, 2, add_bias_kv=True)
    assert not torchlike.any(m.in_proj_bias) and not torchlike.any(m.out_proj.bias)
    t = torchlike.nn.Transformer(8, 2, 1, 1, 16)
    bound = (6 / (8 + 16)) ** 0.5
    assert float(t.encoder.layers[0].linear1.weight.abs().max()) <= bound


def _mha(lib, *shapes, **kwargs):
    m = lib.nn.MultiheadAttention(8, 2)
    tensors = [lib.zeros(*s) for s in shapes]
    kw = {k: (lib.zeros(*v, dtype=lib.bool) if isinstance(v, tuple) else v) for k, v in kwargs.items()}
    return m(*tensors, **kw)


ERRORS = [
    ("mha-embed-dim", lambda lib: _mha(lib, (3, 2, 6), (4, 2, 6), (4, 2, 6))),
    ("mha-4d-query", lambda lib: _mha(lib, (3, 2, 8, 1), (4, 2, 8), (4, 2, 8))),
    ("mha-2d-key", lambda lib: _mha(lib, (3, 2, 8), (4, 8), (4, 8))),
    ("mha-key-value-shape", lambda lib: _mha(lib, (3, 2, 8), (4, 2, 8), (5, 2, 8))),
    ("mha-mask-2d-shape", lambda lib: _mha(lib, (3, 2, 8), (4, 2, 8), (4, 2, 8), attn_mask=(3, 3))),
    ("mha-mask-3d-shape", lambda lib: _mha(lib, (3, 2, 8), (4, 2, 8), (4, 2, 8), attn_mask=(2, 3, 4))),
    ("mha-kpm-shape", lambda lib: _mha(lib, (3, 2, 8), (4, 2, 8), (4, 2, 8), key_padding_mask=(2, 3))),
    ("mha-causal-no-mask", lambda lib: _mha(lib, (3, 2, 8), (3, 2, 8), (3, 2, 8), is_causal=True)),
    ("mha-heads", lambda lib: lib.nn.MultiheadAttention(8, 3)),
    ("mha-zero-heads", lambda lib: lib.nn.MultiheadAttention(8, 0)),
    ("bad-activation", lambda lib: lib.nn.TransformerEncoderLayer(8, 2, activation="tanh")),
    ("transformer-batch", lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16)(lib.zeros(3, 2, 8), lib.zeros(3, 1, 8))),
    ("transformer-d-model", lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16)(lib.zeros(3, 2, 6), lib.zeros(3, 2, 6))),
]


@pytest.mark.parametrize("name,fn", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err) == str(t_err)
