"""torchlike.jit beyond the seed: trace freezing, scripted control flow (both branches,
loops) against torch.jit.script, errors that point at the source line, save -> load in a
fresh process, symbolic batch, autograd through a traced module, fork/wait."""
import inspect
import json
import subprocess
import sys
import warnings
import zipfile

import numpy as np
import pytest
import torch

import torchlike
from torchlike.jit.frontend import NotSupportedError, UnsupportedNodeError

RNG = np.random.default_rng(1)
X = RNG.standard_normal((3, 4)).astype(np.float32)


def ours(a):
    return torchlike.tensor(np.asarray(a))


def close(expected, got, tol=1e-5):
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=tol, atol=tol)


# ---- functions compiled by both libraries -------------------------------------------------
def gate(x):
    if x.sum() > 0:
        y = x * 2
    else:
        y = x - 1
    return y


def doubling(x, n):
    for i in range(n):
        x = x * 2 + i
    return x


def grow(x):
    while x.abs().sum() < 100:
        x = x * 2 + 1
    return x


def logic(x):
    big = x.sum() > 0 and x.max() > 1
    return x * 2 if big or not x.min() > -5 else x


def test_trace_freezes_branch_and_warns_like_torch():
    pos = np.abs(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_traced = torch.jit.trace(gate, torch.tensor(pos))
    with pytest.warns(torchlike.jit.TracerWarning, match="Python boolean"):
        traced = torchlike.jit.trace(gate, ours(pos))
    assert isinstance(traced, torchlike.jit.ScriptFunction)
    neg = -pos
    close(t_traced(torch.tensor(neg)), traced(ours(neg)))  # frozen to the x * 2 branch in both
    close(torch.tensor(neg) * 2, traced(ours(neg)))
    assert "torch.mul(" in traced.code and "torch.sub(" not in traced.code


@pytest.mark.parametrize("fn, args", [(gate, (X,)), (logic, (X,)), (grow, (X * 0.1,))])
def test_script_matches_torch_script_on_both_paths(fn, args):
    t_fn, l_fn = torch.jit.script(fn), torchlike.jit.script(fn)
    for sign in (1, -1):
        inputs = [a * sign for a in args]
        close(t_fn(*map(torch.tensor, inputs)), l_fn(*map(ours, inputs)))
        close(fn(*map(ours, inputs)), l_fn(*map(ours, inputs)))  # eager agrees too
    statics = l_fn._program.last[0]
    assert l_fn._program.kernel.compiled(statics)._cache_size() == 1  # one program holds both paths


def test_script_for_loop_with_tensor_bound_is_one_program():
    l_fn = torchlike.jit.script(doubling)  # torch.jit.script needs an int bound: compare with torch eager
    for n in (3, 5):
        close(doubling(torch.tensor(X), n), l_fn(ours(X), torchlike.tensor(n)))
    close(doubling(torch.tensor(X), 2), l_fn(ours(X), 2))  # a Python bound unrolls
    assert "fori_loop" not in l_fn.graph and "while" in l_fn.graph_for(ours(X), torchlike.tensor(4))


def test_scripted_module_graph_has_cond_and_grads_match_eager():
    class Net(torchlike.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torchlike.nn.Linear(4, 2)

        def forward(self, x):
            h = self.fc(x)
            if h.mean() > 0:
                h = h.relu()
            else:
                h = h * -3
            return h.sum()

    net = Net()
    scripted = torchlike.jit.script(net)
    for x in (X, -X * 5):
        scripted(ours(x)).backward()
        got = [p.grad.clone() for p in net.parameters()]
        net.zero_grad()
        net(ours(x)).backward()
        for g, p in zip(got, net.parameters()):
            close(p.grad, g)
        net.zero_grad()
    assert "cond[" in scripted.graph


def where_of(fn, text):
    lines, start = inspect.getsourcelines(fn)
    return start + next(i for i, line in enumerate(lines) if text in line)


def test_unsupported_construct_points_at_line():
    def f(x):
        try:
            return x + 1
        except RuntimeError:
            return x

    with pytest.raises(UnsupportedNodeError, match=rf"try blocks aren't supported[\s\S]*line {where_of(f, 'try:')}"):
        torchlike.jit.script(f)


def test_branch_mismatch_names_variable_and_line():
    def f(x):
        if x.sum() > 0:
            y = x
        else:
            y = x.sum()
        return y

    scripted = torchlike.jit.script(f)
    with pytest.raises(TypeError, match=rf"variable 'y'[\s\S]*line {where_of(f, 'if x.sum()')}"):
        scripted(ours(X))


def test_break_in_traced_loop_and_python_value_of_traced_tensor_raise_with_line():
    def f(x, n):
        for i in range(n):
            if i > 2:
                break
            x = x + 1
        return x

    def g(x):
        return x * x.sum().item()

    assert torchlike.jit.script(f)(ours(X), 5).shape == (3, 4)  # a Python bound runs as Python
    with pytest.raises(NotSupportedError, match=rf"break[\s\S]*line {where_of(f, 'for i in')}"):
        torchlike.jit.script(f)(ours(X), torchlike.tensor(5))
    with pytest.raises(NotSupportedError, match=rf"Python number[\s\S]*line {where_of(g, 'return')}"):
        torchlike.jit.script(g)(ours(X))


def test_ignore_unused_and_is_scripting():
    class M(torchlike.nn.Module):
        def forward(self, x):
            if torchlike.jit.is_scripting():
                return self.helper(x) + self.python_side(x)
            return self.unused_path(x)

        def helper(self, x):
            return x * 2 if x.sum() > 0 else x

        @torchlike.jit.ignore
        def python_side(self, x):
            return x + 1

        @torchlike.jit.unused
        def unused_path(self, x):
            return x

    scripted = torchlike.jit.script(M())
    close(ours(X) * 2 + ours(X) + 1 if X.sum() > 0 else ours(X) * 2, scripted(ours(X)))
    assert not torchlike.jit.is_scripting() and not torchlike.jit.is_tracing()
    with pytest.raises(RuntimeError, match="unused"):
        torchlike.jit.script(M()).unused_path(ours(X))


def test_traced_module_autograd_and_shared_parameters_match_torch():
    t_net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    net = torchlike.nn.Sequential(torchlike.nn.Linear(4, 8), torchlike.nn.Tanh(), torchlike.nn.Linear(8, 1))
    net.load_state_dict({k: ours(v.detach().numpy()) for k, v in t_net.state_dict().items()})
    traced = torchlike.jit.trace(net, ours(X))
    opt, t_opt = torchlike.optim.SGD(traced.parameters(), lr=0.1), torch.optim.SGD(t_net.parameters(), lr=0.1)
    for _ in range(2):
        opt.zero_grad(), t_opt.zero_grad()
        traced(ours(X)).pow(2).sum().backward()
        t_net(torch.tensor(X)).pow(2).sum().backward()
        for p, tp in zip(net.parameters(), t_net.parameters()):
            close(tp.grad, p.grad)
        opt.step(), t_opt.step()
    for p, tp in zip(net.parameters(), t_net.parameters()):  # the original module was trained
        close(tp, p)
    assert traced(ours(X)).grad_fn is not None


def test_batchnorm_train_statistics_and_dropout_masks_in_traced_module():
    net = torchlike.nn.Sequential(torchlike.nn.Linear(4, 4), torchlike.nn.BatchNorm1d(4), torchlike.nn.Dropout(0.5))
    twin = torchlike.nn.Sequential(torchlike.nn.Linear(4, 4), torchlike.nn.BatchNorm1d(4))
    twin.load_state_dict(net[:2].state_dict())
    traced = torchlike.jit.trace(net, ours(X), check_trace=False)
    a, b = traced(ours(X)), traced(ours(X))
    assert not np.array_equal(a.detach().numpy() == 0, b.detach().numpy() == 0)  # fresh dropout masks
    for _ in range(3):
        twin(ours(X))
    close(twin[1].running_mean, net[1].running_mean)  # trace's eager run + two calls, as eager
    close(twin[1].running_var, net[1].running_var)


SUBPROCESS = """
import sys, numpy as np, torchlike
extra = {"note.txt": b""}
m = torchlike.jit.load(sys.argv[1], _extra_files=extra)
x = torchlike.from_numpy(np.load(sys.argv[2]))
np.save(sys.argv[3], m(x).numpy())
print(extra["note.txt"].decode(), type(m).__name__, sorted(m.state_dict()), m.training)
"""


def test_save_load_in_fresh_process_with_symbolic_batch(tmp_path):
    class Classifier(torchlike.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = torchlike.nn.Sequential(torchlike.nn.Linear(4, 6), torchlike.nn.BatchNorm1d(6))
            self.head = torchlike.nn.Linear(6, 3)

        def forward(self, x):
            h = self.body(x)
            if h.mean() > 0:
                h = h.relu()
            return self.head(h).softmax(-1)

    model = torchlike.jit.script(Classifier().eval())
    model(ours(X[:1]))  # runs with batch 1, so the program is exported from that call
    path = tmp_path / "model.pt"
    torchlike.jit.save(model, str(path), _extra_files={"note.txt": "hello"})
    batch = RNG.standard_normal((64, 4)).astype(np.float32)
    np.save(tmp_path / "x.npy", batch)
    run = subprocess.run([sys.executable, "-c", SUBPROCESS, str(path), str(tmp_path / "x.npy"),
                          str(tmp_path / "y.npy")], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[:2] == ["hello", "RecursiveScriptModule"]
    assert "'head.weight'" in run.stdout and "False" in run.stdout
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), model(ours(batch)).detach().numpy())
    loaded = torchlike.jit.load(str(path))
    assert loaded.code == model.code and "cond[" in loaded.graph
    with pytest.raises(RuntimeError, match="cannot be called"):
        loaded.head(ours(X[:, :6]))


def test_load_refuses_incompatible_file(tmp_path):
    fn = torchlike.jit.script(gate)
    fn(ours(X))
    path, bad = tmp_path / "f.pt", tmp_path / "bad.pt"
    torchlike.jit.save(fn, str(path))
    np.testing.assert_array_equal(torchlike.jit.load(str(path))(ours(-X)).numpy(), fn(ours(-X)).detach().numpy())
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "meta.json":
                meta = json.loads(data)
                meta["calling_convention_version"] = 10 ** 6
                data = json.dumps(meta)
            dst.writestr(name, data)
    with pytest.raises(RuntimeError, match="calling convention"):
        torchlike.jit.load(str(bad))
    with pytest.raises(RuntimeError, match="not a file written by torchlike.jit.save"):
        torchlike.jit.load(str(tmp_path / "x.npy") if (tmp_path / "x.npy").exists() else __file__)


def test_fork_wait_and_passthroughs():
    fn = torchlike.jit.script(gate)
    futures = [torchlike.jit.fork(fn, ours(X * s)) for s in (1, -1)]
    for fut, s in zip(futures, (1, -1)):
        close(gate(ours(X * s)), torchlike.jit.wait(fut))
        assert fut.done()
    module = torchlike.jit.script(torchlike.nn.Linear(4, 2))
    with pytest.raises(RuntimeError, match="eval mode"):
        torchlike.jit.freeze(module)
    assert torchlike.jit.freeze(module.eval()) is module
    assert torchlike.jit.optimize_for_inference(module) is module and not module.training
    assert torchlike.jit.annotate(list, [1]) == [1]
