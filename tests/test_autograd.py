"""Autograd parity: the same code runs with ``L = torch`` and ``L = torchlike``; results,
gradients, graph structure, warnings and errors must agree."""
import warnings

import pytest
import torch

import torchlike
from parity import assert_same, expect_error

X, W, V = [1.0, -2.0, 0.5], [0.3, 0.7, -1.1], [2.0, 1.0, -0.5]


def same(fn):
    """Run ``fn(L)`` under torch and torchlike and compare the (nested) results."""
    _compare(fn(torch), fn(torchlike), "result")


def _compare(e, a, what):
    if isinstance(e, (tuple, list)):
        assert isinstance(a, (tuple, list)) and len(a) == len(e), f"{what}: {a!r} != torch's {e!r}"
        for i, (x, y) in enumerate(zip(e, a)):
            _compare(x, y, f"{what}[{i}]")
    elif e is None:
        assert a is None, f"{what}: {a!r}, torch gives None"
    elif isinstance(e, torch.Tensor):
        assert isinstance(a, torchlike.Tensor), f"{what}: {a!r} is not a Tensor"
        assert a.requires_grad == e.requires_grad, f"{what}: requires_grad {a.requires_grad} != {e.requires_grad}"
        assert_same(e, a, what=what)
    else:
        assert_same(e, a, what=what)


@pytest.fixture(autouse=True)
def _restore_torch_grad_mode():
    yield
    torch.set_grad_enabled(True)


def leaves(L, *values):
    return [L.tensor(v, requires_grad=True) for v in values]


def names(fn):
    """grad_fn as nested (name, next_functions) tuples, down to the leaves."""
    if fn is None:
        return None
    return (fn.name(), tuple(names(f) for f, _ in fn.next_functions))


# ---- tensor attributes ---------------------------------------------------------------
def test_leaf_and_nonleaf_attributes():
    def fn(L):
        x, = leaves(L, X)
        c = L.tensor(W)
        y = x * 2
        return [(t.requires_grad, t.is_leaf, t.grad_fn is None) for t in (x, c, y, c * 2, x.detach())]
    same(fn)


def test_grad_fn_names_and_next_functions():
    def fn(L):
        x, w = leaves(L, X, W)
        z = (x * w + x.exp()).sum()
        acc = z.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0]
        assert acc.variable is x
        ops = [x - w, x / w, -x, x ** w, x.sigmoid(), x.tanh(), x.mean(), x.view(3, 1),
               L.cat([x, w]), L.stack([x, w]), x.log(), x.sqrt(), x * 2, 2 * x, x.unsqueeze(0), x.sum(0)]
        return names(z.grad_fn), [names(o.grad_fn) for o in ops], [o.grad_fn.next_functions[1][1] for o in ops[:2]]
    same(fn)


def test_backward_accumulates_and_retain_graph():
    def fn(L):
        x, w = leaves(L, X, W)
        y = (x * x * w).sum()
        y.backward(retain_graph=True)
        first = x.grad.clone()
        y.backward()
        return first, x.grad, w.grad
    same(fn)


def test_backward_inputs_and_gradient_argument():
    def fn(L):
        x, w = leaves(L, X, W)
        (x * w).sum().backward(inputs=[x])
        y = x.exp() * w
        y.backward(L.tensor(V), inputs=w)
        return x.grad, w.grad
    same(fn)


def test_backward_create_graph():
    def fn(L):
        x, = leaves(L, X)
        (x ** 3).sum().backward(create_graph=True)
        g = x.grad
        x.grad = None
        g.sum().backward()
        return g, x.grad, g.grad_fn is not None
    same(fn)


def test_nonleaf_grad_warns_and_retain_grad():
    def fn(L):
        x, = leaves(L, X)
        y, z = x * 2, x * 3
        y.retain_grad()
        y.retain_grad()  # twice is fine
        (y * y + z).sum().backward()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert z.grad is None
        assert len(caught) == 1 and "is not a leaf Tensor is being accessed" in str(caught[0].message)
        return y.grad, x.grad, y.retains_grad, z.retains_grad, x.retains_grad
    same(fn)


def test_grad_wrt_nonleaf_and_backward_inputs_nonleaf():
    def fn(L):
        x, w = leaves(L, X, W)
        y = x * w
        z = (y.exp() * 2).sum()
        gy, = L.autograd.grad(z, y, retain_graph=True)
        z.backward(inputs=[y, w])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return gy, y.grad, w.grad, x.grad
    same(fn)


def test_retain_grad_follows_inplace():
    def fn(L):
        x, = leaves(L, X)
        y = x * 2
        y.retain_grad()
        y.mul_(3)
        (y * y).sum().backward()
        return y.grad, x.grad, y.retains_grad
    same(fn)


def test_multi_output_ops_double_backward():
    def fn(L):
        x, = leaves(L, X)
        y = x.unbind(0)
        a, b = x.split(2)
        g, = L.autograd.grad(y[0] * y[2] + a.sum() * b.sum() ** 2, x, create_graph=True)
        return g, L.autograd.grad(g.sum(), x)
    same(fn)


def test_create_graph_backward_warns_once():
    torchlike.autograd._warned_create_graph = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            x, = leaves(torchlike, X)
            (x * x).sum().backward(create_graph=True)
    assert len(caught) == 1 and "Using backward() with create_graph=True" in str(caught[0].message)


def test_detach_and_requires_grad_():
    def fn(L):
        x, = leaves(L, X)
        d = x.detach()
        d.add_(1)  # shares storage with x
        y = x * 2
        y.detach_()
        a = L.ones(2)
        assert a.requires_grad_() is a
        b = a * 2
        a.requires_grad_(False)
        return x, d, (d.requires_grad, d.is_leaf), (y.requires_grad, y.is_leaf, y.grad_fn), b, a
    same(fn)


def test_leaf_created_with_requires_grad_inside_no_grad():
    def fn(L):
        with L.no_grad():
            a = L.ones(3, requires_grad=True)
            x, = leaves(L, X)
            x.mul_(2)  # in-place on a leaf is allowed under no_grad
            y = x * a
        return (a.requires_grad, a.is_leaf), x, y, y.is_leaf
    same(fn)


# ---- grad modes ----------------------------------------------------------------------
def test_grad_modes_nesting():
    def fn(L):
        x, = leaves(L, X)
        out = []
        with L.no_grad():
            out.append((L.is_grad_enabled(), (x * 2).requires_grad))
            with L.enable_grad():
                out.append((L.is_grad_enabled(), (x * 2).requires_grad))
                with L.set_grad_enabled(False):
                    out.append((L.is_grad_enabled(), (x * 2).requires_grad))
                out.append(L.is_grad_enabled())
            out.append(L.is_grad_enabled())
        out.append(L.is_grad_enabled())
        L.set_grad_enabled(False)
        out.append((L.is_grad_enabled(), (x * 2).requires_grad))
        L.set_grad_enabled(True)
        try:
            with L.no_grad():
                raise KeyError
        except KeyError:
            out.append(L.is_grad_enabled())
        with L.inference_mode():
            y = x * 2
            out.append((L.is_grad_enabled(), L.is_inference_mode_enabled(), y.requires_grad))
            with L.inference_mode(False):
                out.append((L.is_grad_enabled(), L.is_inference_mode_enabled()))
        out.append((L.is_grad_enabled(), L.is_inference_mode_enabled()))
        return out
    same(fn)


def test_grad_mode_decorators():
    def fn(L):
        x, = leaves(L, X)
        decorators = [L.no_grad, lambda: L.no_grad, L.enable_grad, lambda: L.set_grad_enabled(False),
                      lambda: L.set_grad_enabled(True), L.inference_mode, lambda: L.inference_mode,
                      lambda: L.inference_mode(False)]
        out = []
        for deco in decorators:
            f = deco()(lambda t: (t * 2, L.is_grad_enabled()))
            out.append(L.is_grad_enabled())  # set_grad_enabled(False) as a decorator does not switch the mode now
            with L.no_grad():
                out.append(f(x)[1])
            y, enabled = f(x)
            out.append((y.requires_grad, enabled, L.is_grad_enabled()))

        @L.no_grad()
        def named(t):
            """doc"""
            return t + 1
        return out, named.__name__, named.__doc__, named(x).requires_grad
    same(fn)


# ---- torch.autograd.grad / backward ---------------------------------------------------
def test_autograd_grad_basics():
    def fn(L):
        x, w, u = leaves(L, X, W, V)
        y = x * w
        g1 = L.autograd.grad(y.sum(), x, retain_graph=True)
        g2 = L.autograd.grad([y.sum(), (y * y).sum()], [x, w], retain_graph=True)
        g3 = L.autograd.grad(y, (w,), grad_outputs=L.tensor(V), retain_graph=True)
        g4 = L.autograd.grad(y, [x, u], grad_outputs=[L.tensor(V)], allow_unused=True, retain_graph=True)
        g5 = L.autograd.grad(y.sum(), [u, x], materialize_grads=True)
        return g1, g2, g3, g4, g5, x.grad, g1[0].requires_grad
    same(fn)


def test_second_derivatives_and_hvp():
    def fn(L):
        x, w, b = leaves(L, X, W, [0.1])
        g, = L.autograd.grad((x ** 3).sum(), x, create_graph=True)
        g2, = L.autograd.grad(g.sum(), x)
        h = L.tanh(x * w + b)
        loss = (L.sigmoid(h * 2 - x) * L.tensor(V)).mean()
        gx, gw = L.autograd.grad(loss, [x, w], create_graph=True)
        hvp = L.autograd.grad([gx, gw], [x, w, b], grad_outputs=[L.tensor(V), L.tensor(W)])
        return g, g2, gx, gw, hvp
    same(fn)


def test_create_graph_records_only_real_dependencies():
    def fn(L):
        x, w = leaves(L, X, W)
        g_lin, = L.autograd.grad((x * 2).sum(), x, create_graph=True)
        gx, = L.autograd.grad((x * w).sum() + x.sum(), x, create_graph=True)
        unused = L.autograd.grad(gx.sum(), [x, w], allow_unused=True)
        gs, = L.autograd.grad(x.sin().sum(), x, create_graph=True)
        return g_lin, gx, unused, L.autograd.grad(gs.sum(), x)
    same(fn)


def test_autograd_backward_function():
    def fn(L):
        x, w = leaves(L, X, W)
        L.autograd.backward([x * w, (x * x).sum()], [L.tensor(V), None])
        L.autograd.backward((w * 3).sum(), inputs=[w])
        return x.grad, w.grad
    same(fn)


# ---- hooks ---------------------------------------------------------------------------
def test_tensor_hooks():
    def fn(L):
        x, = leaves(L, X)
        seen = []
        x.register_hook(lambda g: seen.append(("x1", g.clone())))
        hx = x.register_hook(lambda g: g * 2)
        x.register_hook(lambda g: seen.append(("x3", g.clone())))
        y = x * 3
        y.register_hook(lambda g: seen.append(("y1", g.clone())))
        y.register_hook(lambda g: g + 1)
        y.retain_grad()
        y.register_hook(lambda g: g * 10)
        removed = y.register_hook(lambda g: g * 1000)
        removed.remove()
        removed.remove()
        (y * y).sum().backward(retain_graph=True)
        first = (x.grad.clone(), y.grad.clone())
        hx.remove()
        x.grad = None
        y.grad = None
        (y * y).sum().backward()
        return first, x.grad, y.grad, seen
    same(fn)


def test_hook_sees_summed_gradient_once():
    def fn(L):
        x, = leaves(L, X)
        seen = []
        y = x * 2
        y.register_hook(lambda g: seen.append(g))
        (y * y + y.exp()).sum().backward()
        return seen, x.grad
    same(fn)


def test_hook_order_follows_torch_engine():
    def fn(L):
        x, w, b = leaves(L, X, W, V)
        seen = []
        for name, t in (("x", x), ("w", w), ("b", b)):
            t.register_hook(lambda g, name=name: seen.append(name))
        p, q = x * 2, w.exp()
        r = b * 3
        for name, t in (("p", p), ("q", q), ("r", r)):
            t.register_hook(lambda g, name=name: seen.append(name))
        (q + p * r).sum().backward()
        return seen
    same(fn)


def test_node_hooks():
    def fn(L):
        x, w = leaves(L, X, W)
        y = x * w
        seen = []
        y.grad_fn.register_prehook(lambda go: seen.append(("pre", go)))
        y.grad_fn.register_hook(lambda gi, go: seen.append(("post", gi, go)))
        h = y.grad_fn.register_hook(lambda gi, go: (gi[0] * 0, gi[1]))
        y.sum().backward(retain_graph=True)
        first = (x.grad.clone(), w.grad.clone())
        h.remove()
        y.sum().backward()
        return first, x.grad, w.grad, seen
    same(fn)


# ---- custom Functions ------------------------------------------------------------------
def make_functions(L):
    class Exp(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            out = x.exp()
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, g):
            out, = ctx.saved_tensors
            return g * out

    class GradReverse(L.autograd.Function):
        @staticmethod
        def forward(ctx, x, alpha):
            ctx.alpha = alpha
            return x.view_as(x)

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output.neg() * ctx.alpha, None

    class MulAdd(L.autograd.Function):  # two inputs, two outputs, a non-tensor arg
        @staticmethod
        def forward(ctx, a, b, k):
            ctx.save_for_backward(a, b)
            ctx.k = k
            ctx.seen = ctx.needs_input_grad
            return a * b * k, a + b

        @staticmethod
        def backward(ctx, g_prod, g_sum):
            a, b = ctx.saved_tensors
            ga = g_prod * b * ctx.k + g_sum if ctx.needs_input_grad[0] else None
            gb = g_prod * a * ctx.k + g_sum if ctx.needs_input_grad[1] else None
            return ga, gb, None

    class MaxIndex(L.autograd.Function):  # integer + non-differentiable outputs, no materialized grads
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            idx = L.tensor([0, 2])
            scaled = x * 2
            ctx.mark_non_differentiable(scaled)
            return x[idx] * 1, idx, scaled, x * 3

        @staticmethod
        def backward(ctx, g, g_idx, g_scaled, g3):
            ctx.grads = (g is None, g_idx is None, g_scaled is None, g3 is None)
            out = L.zeros(3)
            return out if g3 is None else out + g3 * 3

    class Square(L.autograd.Function):  # new-style: forward without ctx plus setup_context
        @staticmethod
        def forward(x, k=2.0):
            return x * x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, k = inputs
            ctx.save_for_backward(x)
            ctx.k = k

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 2 * x * ctx.k, None

    class Cube(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        @L.autograd.function.once_differentiable
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 3 * x ** 2

    return Exp, GradReverse, MulAdd, MaxIndex, Square, Cube


def test_function_exp_and_grad_reverse():
    def fn(L):
        Exp, GradReverse, *_ = make_functions(L)
        x, = leaves(L, X)
        y = Exp.apply(x)
        r = GradReverse.apply(x * 2, 0.5)
        (y.sum() + (r * L.tensor(V)).sum()).backward()
        g, = L.autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
        g2, = L.autograd.grad(g.sum(), x)
        with L.no_grad():
            z = Exp.apply(x)
        return y, r, x.grad, g2, y.grad_fn.name(), r.grad_fn.name(), y.is_leaf, z.requires_grad, \
            Exp.apply(L.tensor(X)).requires_grad, names(r.grad_fn)
    same(fn)


def test_function_multiple_inputs_outputs():
    def fn(L):
        _, _, MulAdd, *_ = make_functions(L)
        a, b = leaves(L, X, W)
        p, s = MulAdd.apply(a, b, 3.0)
        (p * 2 + s).sum().backward()
        p2, _ = MulAdd.apply(a, L.tensor(V), 2.0)
        p2.sum().backward()
        return p, s, a.grad, b.grad, p.grad_fn is s.grad_fn, p.grad_fn.seen, p2.grad_fn.seen, \
            p.grad_fn.needs_input_grad
    same(fn)


def test_function_non_differentiable_and_materialize():
    def fn(L):
        _, _, _, MaxIndex, *_ = make_functions(L)
        x, = leaves(L, X)
        v, idx, scaled, t = MaxIndex.apply(x)
        v.sum().backward()
        first = (x.grad.clone(), v.grad_fn.grads)
        t.sum().backward()
        return v, idx, scaled, t, first, x.grad, v.grad_fn.grads, (idx.requires_grad, scaled.requires_grad)
    same(fn)


def test_function_setup_context_and_once_differentiable():
    def fn(L):
        *_, Square, Cube = make_functions(L)
        x, = leaves(L, X)
        y = Square.apply(x) + Square.apply(x, 0.5)
        c = Cube.apply(x)
        (y.sum() + c.sum()).backward()
        g, = L.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)  # grad_output needs no grad
        g2, = L.autograd.grad((Cube.apply(x) * x).sum(), x, create_graph=True)
        return y, c, x.grad, g.requires_grad, g2, g2.grad_fn.name()
    same(fn)


def test_function_errors():
    class Bad:
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

    def run(L, grads):
        cls = type("Bad", (L.autograd.Function,),
                   {"forward": Bad.forward, "backward": staticmethod(lambda ctx, g: grads(L, g))})
        x, = leaves(L, X)
        cls.apply(x).sum().backward()
        return x.grad

    same(lambda L: run(L, lambda L, g: (g, None)))  # extra None gradients are dropped
    expect_error(lambda L: run(L, lambda L, g: (g, g)))
    expect_error(lambda L: run(L, lambda L, g: ()))

    def saved_after_free(L):
        Exp, *_ = make_functions(L)
        y = Exp.apply(*leaves(L, X))
        y.sum().backward()
        return y.grad_fn.saved_tensors
    expect_error(saved_after_free)


# ---- errors --------------------------------------------------------------------------
def _messages_match(pair):
    t_err, l_err = pair
    assert str(l_err) == str(t_err), f"torchlike: {l_err}\ntorch:     {t_err}"


@pytest.mark.parametrize("name, fn", [
    ("backward_twice", lambda L: [y.backward() for y in [(leaves(L, X)[0] ** 2).sum()] * 2]),
    ("grad_twice", lambda L: [L.autograd.grad(y, x) for x in leaves(L, X) for y in [x.exp().sum()] * 2]),
    ("inplace_leaf", lambda L: leaves(L, X)[0].add_(1)),
    ("inplace_view_of_leaf", lambda L: leaves(L, X)[0][1:].mul_(2)),
    ("inplace_view_method_of_leaf", lambda L: leaves(L, X)[0].view(3, 1).zero_()),
    ("backward_nonscalar", lambda L: (leaves(L, X)[0] * 2).backward()),
    ("backward_no_grad", lambda L: L.tensor(X).sum().backward()),
    ("backward_under_no_grad", lambda L: [t.backward() for t in [L.no_grad()(lambda: leaves(L, X)[0].sum())()]]),
    ("requires_grad_int", lambda L: L.tensor([1, 2]).requires_grad_()),
    ("requires_grad_int_factory", lambda L: L.tensor([1, 2], requires_grad=True)),
    ("requires_grad_false_nonleaf", lambda L: setattr(leaves(L, X)[0] * 2, "requires_grad", False)),
    ("hook_no_grad", lambda L: L.tensor(X).register_hook(lambda g: g)),
    ("retain_grad_no_grad", lambda L: L.tensor(X).retain_grad()),
    ("gradient_wrong_shape", lambda L: (leaves(L, X)[0] * 2).backward(L.ones(2))),
    ("gradient_count", lambda L: L.autograd.backward([leaves(L, X)[0].sum()] * 2, [L.ones(())])),
    ("gradient_not_tensor", lambda L: L.autograd.backward([leaves(L, X)[0].sum()], [1.0])),
    ("grad_input_no_grad", lambda L: L.autograd.grad(leaves(L, X)[0].sum(), L.tensor(X))),
    ("grad_unused", lambda L: L.autograd.grad(leaves(L, X)[0].sum(), leaves(L, W))),
    ("materialize_without_allow_unused",
     lambda L: L.autograd.grad(leaves(L, X)[0].sum(), leaves(L, W), allow_unused=False, materialize_grads=True)),
    ("backward_empty_inputs", lambda L: leaves(L, X)[0].sum().backward(inputs=[])),
    ("item_many", lambda L: L.tensor(X).item()),
    ("numpy_requires_grad", lambda L: leaves(L, X)[0].numpy()),
])
def test_errors(name, fn):
    _messages_match(expect_error(fn))


def test_backward_twice_through_saveless_graph():
    """torch only fails on a second backward through nodes that saved tensors; torchlike's
    nodes all save their inputs, so a graph of only additions raises here but not in torch."""
    x, = leaves(torch, X)
    y = (x + 1).sum()
    y.backward()
    y.backward()
    x, = leaves(torchlike, X)
    y = (x + 1).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_inplace_on_nonleaf_records_graph():
    def fn(L):
        x, = leaves(L, X)
        y = x * 2
        y.mul_(2)
        y[0] = 5.0
        y.sum().backward()
        return y, x.grad
    same(fn)
