"""nn.Module, containers and Parameter compared with torch 2.13's."""
import collections

import numpy as np
import pytest
import torch

import torchlike
from parity import assert_same, expect_error, rand


def build(L):
    """The same small model under either library (only Module machinery, no layer classes)."""
    nn = L.nn

    class Scale(nn.Module):
        def __init__(self, n):
            super().__init__()
            self.n = n
            self.scale = nn.Parameter(L.ones(n) * 0.5)

        def forward(self, x):
            return x * self.scale

        def extra_repr(self):
            return f"n={self.n}"

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(L.tensor(rand(3, 2)))
            self.register_buffer("running", L.zeros(3))
            self.register_buffer("scratch", L.zeros(1), persistent=False)
            self.block = nn.Sequential(Scale(3), nn.Sequential(Scale(3)))
            self.heads = nn.ModuleList([Scale(3), Scale(3), Scale(2)])
            self.table = nn.ModuleDict({"a": Scale(1)})
            self.plist = nn.ParameterList([nn.Parameter(L.ones(2)), L.zeros(1, 3)])
            self.pdict = nn.ParameterDict({"p": nn.Parameter(L.ones(4))})
            self.empty = nn.Sequential()
            self.missing = None

        def forward(self, x):
            return self.heads[0](self.block(x @ self.w.T))

    return Net()


@pytest.fixture
def models():
    t, l = build(torch), build(torchlike)
    l.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in t.state_dict().items()})
    return t, l


def test_repr(models):
    t, l = models
    assert repr(l) == repr(t)
    assert repr(torchlike.nn.Parameter(torchlike.ones(2))) == repr(torch.nn.Parameter(torch.ones(2)))


def test_traversal(models):
    t, l = models
    for method in ("named_parameters", "named_buffers", "named_modules", "named_children"):
        assert [k for k, _ in getattr(l, method)()] == [k for k, _ in getattr(t, method)()], method
    assert [k for k, _ in l.named_parameters(prefix="m", recurse=False)] == \
        [k for k, _ in t.named_parameters(prefix="m", recurse=False)]
    assert len(list(l.parameters())) == len(list(t.parameters()))
    assert len(list(l.buffers())) == len(list(t.buffers())) and len(list(l.children())) == len(list(t.children()))
    assert len(list(l.modules())) == len(list(t.modules()))
    assert all(isinstance(p, torchlike.nn.Parameter) and p.requires_grad for p in l.parameters())


def test_shared_parameters_deduplicated():
    for L in (torch, torchlike):
        seq = L.nn.Sequential(L.nn.Module(), L.nn.Module())
        p = L.nn.Parameter(L.ones(1))
        seq[0].p, seq[1].p = p, p
        assert len(list(seq.parameters())) == 1
        assert len(list(seq.named_parameters(remove_duplicate=False))) == 2


def test_state_dict(models):
    t, l = models
    ts, ls = t.state_dict(), l.state_dict()
    assert list(ls) == list(ts)
    assert dict(ls._metadata) == dict(ts._metadata)
    for k in ts:
        assert_same(ts[k], ls[k], what=k)
        assert not ls[k].requires_grad
    assert l.state_dict(keep_vars=True)["w"] is l.w
    assert list(l.state_dict(prefix="model.")) == list(t.state_dict(prefix="model."))


def test_forward_and_grads_after_loading(models):
    t, l = models
    x = rand(4, 2)
    tx, lx = torch.tensor(x), torchlike.tensor(x)
    t(tx).sum().backward()
    l(lx).sum().backward()
    assert_same(t(tx), l(lx))
    for (name, tp), (_, lp) in zip(t.named_parameters(), l.named_parameters()):
        if tp.grad is not None:
            assert_same(tp.grad, lp.grad, what=name)
        else:
            assert lp.grad is None, name


def test_load_state_dict_errors_and_result(models):
    t, l = models
    for L, m in ((torch, t), (torchlike, l)):
        assert repr(m.load_state_dict(m.state_dict())) == "<All keys matched successfully>"
    expect_error_text(t, l, lambda L, m: m.load_state_dict({"x": L.ones(1)}))
    expect_error_text(t, l, lambda L, m: m.load_state_dict({**m.state_dict(), "w": L.ones(4, 2)}))
    tr = t.load_state_dict({"w": torch.ones(3, 2), "bogus": torch.ones(1)}, strict=False)
    lr = l.load_state_dict({"w": torchlike.ones(3, 2), "bogus": torchlike.ones(1)}, strict=False)
    assert (lr.missing_keys, lr.unexpected_keys) == (tr.missing_keys, tr.unexpected_keys)
    assert np.all(l.w.detach().numpy() == 1)


def expect_error_text(t, l, fn):
    errors = []
    for L, m in ((torch, t), (torchlike, l)):
        with pytest.raises(Exception) as info:
            fn(L, m)
        errors.append(info.value)
    assert type(errors[0]) is type(errors[1]) and str(errors[0]) == str(errors[1])


def test_modes_and_bulk_updates(models):
    t, l = models
    for m in (t, l):
        m.eval()
    assert [m.training for m in l.modules()] == [m.training for m in t.modules()] == [False] * len(list(t.modules()))
    l.train()
    assert all(m.training for m in l.modules())
    l.requires_grad_(False)
    assert not any(p.requires_grad for p in l.parameters())
    l.requires_grad_(True)
    l(torchlike.ones(2, 2)).sum().backward()
    l.zero_grad()
    assert all(p.grad is None for p in l.parameters())
    seen = []
    l.apply(lambda m: seen.append(type(m).__name__))
    assert seen == [type(m).__name__ for m in _post_order(t)]
    w = l.w
    l.double()
    assert l.w is w and str(l.w.dtype) == "torch.float64" and str(l.running.dtype) == "torch.float64"
    l.to(torchlike.float32)
    assert str(l.w.dtype) == "torch.float32"
    expect_error(lambda L: build(L).to(L.int64))


def _post_order(m):
    for c in m.children():
        yield from _post_order(c)
    yield m


def test_submodule_access(models):
    t, l = models
    assert repr(l.get_submodule("block.1.0")) == repr(t.get_submodule("block.1.0"))
    assert_same(t.get_parameter("heads.2.scale"), l.get_parameter("heads.2.scale"))
    assert_same(t.get_buffer("running"), l.get_buffer("running"))
    for target in ("block.9", "nope"):
        with pytest.raises(AttributeError):
            l.get_submodule(target)
    with pytest.raises(AttributeError):
        l.get_parameter("running")


def test_setattr_rules():
    expect_error(lambda L: setattr(build(L), "w", L.ones(3, 2)))
    expect_error(lambda L: build(L).register_buffer("a.b", L.ones(1)))
    expect_error(lambda L: build(L).register_parameter("w2", L.ones(1)))
    expect_error(lambda L: build(L).nope)
    expect_error(lambda L: build(L).add_module("x", 3))

    class Early(torchlike.nn.Module):
        def __init__(self):
            self.p = torchlike.nn.Parameter(torchlike.ones(1))
    with pytest.raises(AttributeError):
        Early()
    for L in (torch, torchlike):
        m = build(L)
        m.running = L.ones(3)           # replacing a buffer keeps it a buffer
        m.extra = L.nn.Buffer(L.ones(2), persistent=False)
        assert "running" in dict(m.named_buffers()) and "extra" in dict(m.named_buffers())
        assert "extra" not in m.state_dict()
        del m.block
        assert "block" not in dict(m.named_children())


def test_sequential_api():
    for L in (torch, torchlike):
        nn = L.nn
        seq = nn.Sequential(collections.OrderedDict([("a", nn.Identity() if L is torch else nn.Module()),
                                                     ("b", nn.Module())]))
        assert list(dict(seq.named_children())) == ["a", "b"]
    results = []
    for L in (torch, torchlike):
        nn = L.nn
        seq = nn.Sequential(nn.Module(), nn.Sequential(), nn.ModuleList())
        seq.append(nn.ModuleDict())
        seq.insert(1, nn.ParameterList())
        del seq[0]
        sliced = seq[1:]
        results.append((repr(seq), repr(sliced), len(seq), type(seq[-1]).__name__, repr(seq + sliced)))
        with pytest.raises(IndexError):
            seq[10]
    assert results[0] == results[1]


def test_sequential_forward():
    for L in (torch, torchlike):
        class Double(L.nn.Module):
            def forward(self, x):
                return x * 2
        assert Double.__call__ is not None
        out = L.nn.Sequential(Double(), Double())(L.ones(2))
        assert out.tolist() == [4.0, 4.0]


def test_module_list_and_dict_api():
    for L in (torch, torchlike):
        nn = L.nn
        ml = nn.ModuleList([nn.Module() for _ in range(3)])
        ml.append(nn.Sequential())
        ml.extend([nn.Module()])
        ml.insert(0, nn.ModuleList())
        assert len(ml) == 6 and type(ml[0]).__name__ == "ModuleList"
        del ml[0]
        md = nn.ModuleDict([("x", nn.Module())])
        md["y"] = nn.Sequential()
        assert list(md.keys()) == ["x", "y"] and "x" in md and len(md) == 2
        md.pop("x")
        assert list(md) == ["y"]
    assert repr(torchlike.nn.ModuleList([torchlike.nn.Module()] * 2 + [torchlike.nn.Sequential()])) == \
        repr(torch.nn.ModuleList([torch.nn.Module()] * 2 + [torch.nn.Sequential()]))


def test_parameter_containers_repr():
    t = torch.nn.ParameterDict({"a": torch.nn.Parameter(torch.ones(2, 3)), "b": torch.zeros(4)})
    l = torchlike.nn.ParameterDict({"a": torchlike.nn.Parameter(torchlike.ones(2, 3)), "b": torchlike.zeros(4)})
    assert repr(l) == repr(t)
    t = torch.nn.ParameterList([torch.ones(2), torch.nn.Parameter(torch.zeros(1, 1, dtype=torch.float64))])
    l = torchlike.nn.ParameterList([torchlike.ones(2), torchlike.nn.Parameter(torchlike.zeros(1, 1,
                                                                                             dtype=torchlike.float64))])
    assert repr(l) == repr(t)
    assert len(l) == 2 and isinstance(l[1], torchlike.nn.Parameter) and l[0].requires_grad


def test_forward_hooks():
    outputs = []
    for L in (torch, torchlike):
        m = build(L)
        calls = []
        h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        m.register_forward_hook(lambda mod, args, out: out + 1)
        m.register_forward_pre_hook(lambda mod, args, kwargs: calls.append("kw") or None, with_kwargs=True,
                                    prepend=True)
        out1 = m(L.ones(1, 2))
        h1.remove()
        out2 = m(L.ones(1, 2))
        outputs.append((out1.detach().numpy(), out2.detach().numpy(), calls))
    np.testing.assert_allclose(outputs[1][0], outputs[0][0], rtol=1e-6)
    np.testing.assert_allclose(outputs[1][1], outputs[0][1], rtol=1e-6)
    assert outputs[0][2] == outputs[1][2]


def test_full_backward_hook():
    seen = []
    for L in (torch, torchlike):
        m = build(L)
        record = {}

        def hook(mod, grad_input, grad_output):
            record["in"] = [g.detach().numpy().copy() for g in grad_input if g is not None]
            record["out"] = [g.detach().numpy().copy() for g in grad_output]
            return (grad_input[0] * 3,)
        m.block.register_full_backward_hook(hook)
        x = L.tensor(rand(2, 2), requires_grad=True)
        m(x).sum().backward()
        seen.append((record, x.grad.numpy()))
    (t_rec, t_grad), (l_rec, l_grad) = seen
    for key in ("in", "out"):
        assert len(t_rec[key]) == len(l_rec[key])
        for a, b in zip(t_rec[key], l_rec[key]):
            np.testing.assert_allclose(b, a, rtol=1e-5)
    np.testing.assert_allclose(l_grad, t_grad, rtol=1e-5)


def test_parameter_semantics():
    p = torchlike.nn.Parameter(torchlike.ones(2))
    assert isinstance(p, torchlike.Tensor) and p.requires_grad and p.is_leaf
    assert not torchlike.nn.Parameter(torchlike.ones(2), requires_grad=False).requires_grad
    q = p * 2
    assert type(q) is torchlike.Tensor
    import copy
    import pickle
    for clone in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert isinstance(clone, torchlike.nn.Parameter) and clone.requires_grad
        assert clone.tolist() == [1.0, 1.0]


def test_load_state_dict_assign(models):
    t, l = models
    sd = {k: torchlike.tensor(v.numpy() * 2) for k, v in t.state_dict().items()}
    l.load_state_dict(sd, assign=True)
    t.load_state_dict({k: v * 2 for k, v in t.state_dict().items()}, assign=True)
    assert isinstance(l.w, torchlike.nn.Parameter) and l.w.requires_grad == t.w.requires_grad
    assert l.running is sd["running"] and l.w.tolist() == t.w.tolist()


def test_reassigned_child_parameter_and_buffer_keep_their_place():
    """Replacing a submodule (resnet.conv1 = ...), a parameter or a buffer keeps its position in
    children()/state_dict(), as torch: code rebuilds Sequential(*children()) from it."""
    import torch

    def build(lib):
        m = lib.nn.Module()
        m.a, m.b = lib.nn.Linear(2, 2), lib.nn.ReLU()
        m.p, m.q = lib.nn.Parameter(lib.zeros(1)), lib.nn.Parameter(lib.zeros(1))
        m.register_buffer("u", lib.zeros(1))
        m.register_buffer("v", lib.zeros(1))
        m.a, m.p, m.u = lib.nn.Linear(2, 3), lib.nn.Parameter(lib.ones(2)), lib.ones(3)
        return [n for n, _ in m.named_children()], list(m.state_dict())

    assert build(torchlike) == build(torch)
