"""The seed's TorchScript chapter (PyTorch's "Introduction to TorchScript" tutorial), its
code verbatim with ``torch`` standing for either library: every example runs under
torch 2.13 and torchlike with the same weights and inputs, and the traced, scripted and
saved/loaded modules agree with torch's (values and printed structure)."""
import warnings

import numpy as np
import pytest
import torch

import torchlike

RTOL, ATOL = 1e-5, 1e-6


def tutorial(torch):
    """The tutorial's classes, defined against ``torch`` (the real one or torchlike)."""

    class MyCell(torch.nn.Module):
        def __init__(self):
            super(MyCell, self).__init__()
            self.linear = torch.nn.Linear(4, 4)

        def forward(self, x, h):
            new_h = torch.tanh(self.linear(x) + h)
            return new_h, new_h

    class MyDecisionGate(torch.nn.Module):
        def forward(self, x):
            if x.sum() > 0:
                return x
            else:
                return -x

    class MyGatedCell(torch.nn.Module):  # the tutorial's second MyCell, given its gate
        def __init__(self, dg):
            super(MyGatedCell, self).__init__()
            self.dg = dg
            self.linear = torch.nn.Linear(4, 4)

        def forward(self, x, h):
            new_h = torch.tanh(self.dg(self.linear(x)) + h)
            return new_h, new_h

    return MyCell, MyDecisionGate, MyGatedCell


def rnn_classes(torch, MyGatedCell, scripted_gate, x, h):
    class MyRNNLoop(torch.nn.Module):
        def __init__(self):
            super(MyRNNLoop, self).__init__()
            self.cell = torch.jit.trace(MyGatedCell(scripted_gate), (x, h))

        def forward(self, xs):
            h, y = torch.zeros(3, 4), torch.zeros(3, 4)
            for i in range(xs.size(0)):
                y, h = self.cell(xs[i], h)
            return y, h

    class WrapRNN(torch.nn.Module):
        def __init__(self):
            super(WrapRNN, self).__init__()
            self.loop = torch.jit.script(MyRNNLoop())

        def forward(self, xs):
            y, h = self.loop(xs)
            return torch.relu(y)

    return MyRNNLoop, WrapRNN


RNG = np.random.default_rng(0)
X, H = RNG.random((3, 4), dtype=np.float32), RNG.random((3, 4), dtype=np.float32)
XS = RNG.random((10, 3, 4), dtype=np.float32)


def ours(a):
    return torchlike.tensor(np.asarray(a))


def copy_weights(src, dst):
    """torch module's state_dict into the torchlike twin."""
    dst.load_state_dict({k: ours(v.detach().numpy()) for k, v in src.state_dict().items()})


def close(t_torch, t_ours):
    for a, b in zip(t_torch if isinstance(t_torch, tuple) else (t_torch,),
                    t_ours if isinstance(t_ours, tuple) else (t_ours,)):
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=RTOL, atol=ATOL)


def quiet(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


def test_traced_cell_prints_runs_and_shows_graph_and_code():
    (TCell, _, _), (LCell, _, _) = tutorial(torch), tutorial(torchlike)
    t_cell, l_cell = TCell(), LCell()
    copy_weights(t_cell, l_cell)
    t_traced = quiet(torch.jit.trace, t_cell, (torch.tensor(X), torch.tensor(H)))
    traced_cell = torchlike.jit.trace(l_cell, (ours(X), ours(H)))
    assert str(traced_cell) == str(t_traced)
    close(t_traced(torch.tensor(X), torch.tensor(H)), traced_cell(ours(X), ours(H)))
    close(t_cell(torch.tensor(X), torch.tensor(H)), l_cell(ours(X), ours(H)))
    assert "tanh" in traced_cell.graph and "f32[3,4]" in traced_cell.graph
    code = traced_cell.code
    assert code.startswith("def forward(self, x, h):")
    assert "torch.tanh(" in code and "torch.add(" in code and "self.linear.weight" in code
    assert isinstance(traced_cell, torchlike.jit.TopLevelTracedModule)
    assert [n for n, _ in traced_cell.named_parameters()] == ["linear.weight", "linear.bias"]
    assert traced_cell.linear.weight is l_cell.linear.weight  # shares the original's parameters, as torch


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_traced_gate_freezes_the_branch_as_torch(sign):
    (_, TGate, TCell), (_, LGate, LCell) = tutorial(torch), tutorial(torchlike)
    t_cell, l_cell = TCell(TGate()), LCell(LGate())
    copy_weights(t_cell, l_cell)
    x = sign * X - 0.5 * (sign < 0)
    t_traced = quiet(torch.jit.trace, t_cell, (torch.tensor(x), torch.tensor(H)))
    with pytest.warns(torchlike.jit.TracerWarning, match="Converting a tensor to a Python boolean"):
        traced_cell = torchlike.jit.trace(l_cell, (ours(x), ours(H)))
    assert str(traced_cell) == str(t_traced)
    other = -x
    close(t_traced(torch.tensor(other), torch.tensor(H)), traced_cell(ours(other), ours(H)))
    close(t_cell(torch.tensor(other), torch.tensor(H)), l_cell(ours(other), ours(H)))
    assert ("torch.neg(" in traced_cell.dg.code) == ("torch.neg(" in t_traced.dg.code)


def test_scripted_gate_and_cell_take_both_branches():
    (_, TGate, TCell), (_, LGate, LCell) = tutorial(torch), tutorial(torchlike)
    t_gate, scripted_gate = torch.jit.script(TGate()), torchlike.jit.script(LGate())
    assert str(scripted_gate) == str(t_gate) == "RecursiveScriptModule(original_name=MyDecisionGate)"
    assert "if x.sum() > 0:" in scripted_gate.code
    for x in (X, -X):
        close(t_gate(torch.tensor(x)), scripted_gate(ours(x)))
    t_cell, l_cell = TCell(t_gate), LCell(scripted_gate)
    copy_weights(t_cell, l_cell)
    t_scripted, scripted_cell = torch.jit.script(t_cell), torchlike.jit.script(l_cell)
    assert str(scripted_cell) == str(t_scripted)
    for x in (X, -X - 1):
        close(t_scripted(torch.tensor(x), torch.tensor(H)), scripted_cell(ours(x), ours(H)))
        close(t_cell(torch.tensor(x), torch.tensor(H)), scripted_cell(ours(x), ours(H)))
    assert scripted_cell._program.kernel.compiled(scripted_cell._program.last[0])._cache_size() == 1


@pytest.fixture(scope="module")
def rnn(tmp_path_factory):
    """The tutorial's MyRNNLoop (scripted, holding a traced cell) and WrapRNN (traced,
    holding the scripted loop) in both libraries with the same weights."""
    (_, TGate, TCell), (_, LGate, LCell) = tutorial(torch), tutorial(torchlike)
    t_gate, l_gate = torch.jit.script(TGate()), torchlike.jit.script(LGate())
    _, TWrap = rnn_classes(torch, TCell, t_gate, torch.tensor(X), torch.tensor(H))
    _, LWrap = quiet(rnn_classes, torchlike, LCell, l_gate, ours(X), ours(H))
    t_wrap, l_wrap = quiet(TWrap), quiet(LWrap)
    copy_weights(t_wrap, l_wrap)
    t_traced = quiet(torch.jit.trace, t_wrap, (torch.tensor(XS),))
    traced = torchlike.jit.trace(l_wrap, (ours(XS),))
    path = tmp_path_factory.mktemp("jit") / "wrapped_rnn.pt"
    t_traced.save(str(path) + ".torch")
    traced.save(str(path))
    return t_wrap, l_wrap, t_traced, traced, path


def test_rnn_loop_scripted_and_wrapped_traced(rnn):
    t_wrap, l_wrap, t_traced, traced = rnn[:4]
    assert str(traced) == str(t_traced)
    assert str(l_wrap.loop) == str(t_wrap.loop)
    assert "for i in range(xs.size(0)):" in l_wrap.loop.code
    xs = XS - 0.5  # gate branches differ from the example's
    close(t_traced(torch.tensor(xs)), traced(ours(xs)))
    close(t_wrap.loop(torch.tensor(xs)), l_wrap.loop(ours(xs)))
    assert "torch.relu(" in traced.code


def test_save_load_as_torch(rnn):
    traced, path = rnn[3], rnn[4]
    t_loaded, loaded = torch.jit.load(str(path) + ".torch"), torchlike.jit.load(str(path))
    assert str(loaded) == str(t_loaded)
    assert loaded.code == traced.code and loaded.graph == traced.graph
    xs = XS[:7] * 2 - 1  # another sequence length: the leading dimension is symbolic
    close(t_loaded(torch.tensor(xs)), loaded(ours(xs)))
    assert list(loaded.state_dict()) == list(t_loaded.state_dict())
