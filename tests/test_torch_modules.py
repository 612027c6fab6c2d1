"""torch modules programs import: nn.parallel, multiprocessing, onnx, utils.checkpoint, backends, testing,
import paths of torch's internal modules; compared with torch 2.13."""
import pickle
import warnings
from importlib import import_module

import numpy as np
import pytest
import torch
import torch.testing

import torchlike
import torchlike.testing
from parity import assert_same

import multiprocessing_workers as workers


def _mlp(L):
    L.manual_seed(0)
    return L.nn.Sequential(L.nn.Linear(3, 4), L.nn.ReLU(), L.nn.Linear(4, 2))


def _copy_weights(src, dst):
    dst.load_state_dict({k: torchlike.tensor(v.detach().numpy()) for k, v in src.state_dict().items()})


def test_data_parallel_keys_outputs_grads():
    tm, lm = _mlp(torch), _mlp(torchlike)
    _copy_weights(tm, lm)
    tp, lp = torch.nn.DataParallel(tm), torchlike.nn.DataParallel(lm)
    assert list(lp.state_dict()) == list(tp.state_dict())
    assert lp.device_ids == tp.device_ids and repr(lp) == repr(tp)
    x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    to, lo = tp(torch.tensor(x)), lp(torchlike.tensor(x))
    assert_same(to, lo)
    to.square().sum().backward()
    lo.square().sum().backward()
    for (name, a), (_, b) in zip(tp.named_parameters(), lp.named_parameters()):
        assert_same(a.grad, b.grad, what=name)
    assert torchlike.nn.parallel.DataParallel is torchlike.nn.DataParallel
    out = torchlike.nn.parallel.data_parallel(lm, torchlike.tensor(x))
    assert_same(to, out)
    with pytest.raises(RuntimeError, match="requires torch.distributed.init_process_group"):
        torchlike.nn.parallel.DistributedDataParallel(lm)


def test_checkpoint_values_grads_and_warnings():
    x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    results = {}
    for L in (torch, torchlike):
        cp = import_module(L.__name__ + ".utils.checkpoint")
        m = _mlp(L)
        if L is torchlike:
            _copy_weights(results[torch][0], m)
        inp = L.tensor(x, requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = cp.checkpoint(m, inp)  # no use_reentrant: torch's warning
            no_grad_out = cp.checkpoint(m, L.tensor(x))  # reentrant, no input requiring grad
        seq = cp.checkpoint_sequential(m, 2, inp, use_reentrant=False)
        nonreentrant = cp.checkpoint(m, L.tensor(x), use_reentrant=False)
        (out.sum() + seq.sum()).backward()
        with pytest.raises(ValueError, match="Unexpected keyword arguments: foo"):
            cp.checkpoint(m, inp, use_reentrant=True, foo=1)
        results[L] = (m, out, seq, inp.grad, m[0].weight.grad, [str(i.message)[:60] for i in w],
                      no_grad_out.requires_grad, nonreentrant.requires_grad)
    ours, theirs = results[torchlike], results[torch]
    for a, b in zip(theirs[1:5], ours[1:5]):
        assert_same(a, b)
    assert theirs[5:] == ours[5:]


def test_backends_flags():
    for name in ("enabled", "benchmark", "deterministic", "allow_tf32"):
        assert getattr(torchlike.backends.cudnn, name) == getattr(torch.backends.cudnn, name)
    assert torchlike.backends.cuda.matmul.allow_tf32 == torch.backends.cuda.matmul.allow_tf32
    assert torchlike.backends.mps.is_available() is False and torchlike.backends.mps.is_built() is False
    assert torchlike.backends.cudnn.version() is None and not torchlike.backends.cudnn.is_available()
    cudnn = torchlike.backends.cudnn
    cudnn.benchmark = True
    try:
        assert cudnn.benchmark is True
        with cudnn.flags(enabled=False, deterministic=True):
            assert (cudnn.enabled, cudnn.deterministic, cudnn.benchmark) == (False, True, False)
        assert (cudnn.enabled, cudnn.deterministic, cudnn.benchmark) == (True, False, True)
    finally:
        cudnn.benchmark = False
    with pytest.raises(AttributeError):
        torchlike.backends.cuda.matmul.not_a_flag = 1
    for lib in ("mkl", "mkldnn", "openmp"):
        assert getattr(torchlike.backends, lib).is_available() is False


def test_onnx():
    assert torchlike.onnx.is_in_onnx_export() is torch.onnx.is_in_onnx_export()
    assert dict(torchlike.onnx.TrainingMode.__members__.items()).keys() == torch.onnx.TrainingMode.__members__.keys()
    with pytest.raises(NotImplementedError, match="torchlike.jit.trace"):
        torchlike.onnx.export(torchlike.nn.Linear(2, 2), (torchlike.ones(1, 2),), "m.onnx")


def _assert_close_outcome(L, a, b, **kw):
    try:
        L.testing.assert_close(a, b, **kw)
        return "OK"
    except Exception as e:
        return type(e).__name__, str(e)


@pytest.mark.parametrize("case", [
    lambda L: (L.tensor([1., 2., 3.]), L.tensor([1., 2.5, 3.]), {}),
    lambda L: (L.tensor([[1, 2], [3, 4]]), L.tensor([[1, 2], [3, 5]]), {}),
    lambda L: (L.tensor([1.]), L.tensor([1.], dtype=L.float64), {}),
    lambda L: (L.tensor([1., 2.]), L.tensor([1.]), {}),
    lambda L: (1.0, 1.5, {}),
    lambda L: ([L.tensor(1.), L.tensor(2.)], [L.tensor(1.), L.tensor(3.)], {}),
    lambda L: ({"a": L.tensor(1.)}, {"a": L.tensor(2.)}, {}),
    lambda L: (L.tensor([1., 2.]), L.tensor([1., 3.]), {"msg": "custom"}),
    lambda L: (L.tensor([float("nan"), 1.]), L.tensor([float("nan"), 2.]), {}),
    lambda L: (L.tensor([float("nan")]), L.tensor([float("nan")]), {"equal_nan": True}),
    lambda L: (L.tensor([True]), L.tensor([False]), {}),
    lambda L: ([1, 2], [1, 2, 3], {}),
    lambda L: (L.tensor([1.]), L.tensor([1.]), {"rtol": 1e-3}),
    lambda L: (L.tensor([1., 2.], dtype=L.float16), L.tensor([1.001, 2.1], dtype=L.float16), {}),
    lambda L: (L.tensor([1., 2.]), L.tensor([1.0000001, 2.], dtype=L.float64), {"check_dtype": False}),
    lambda L: (L.tensor([1., 2.]), L.tensor([1.5, 2.5]), {"atol": 0.6, "rtol": 0}),
    lambda L: ({"a": 1}, {"b": 1}, {}),
])
def test_assert_close_matches_torch(case):
    assert _assert_close_outcome(torchlike, *case(torchlike)[:2], **case(torchlike)[2]) == \
        _assert_close_outcome(torch, *case(torch)[:2], **case(torch)[2])


def test_make_tensor():
    mt = torchlike.testing.make_tensor
    x = mt(3, 4, dtype=torchlike.float32, device="cpu", low=-1, high=1)
    assert x.shape == (3, 4) and x.dtype == torchlike.float32 and -1 <= float(x.min()) and float(x.max()) < 1
    i = mt((50,), dtype=torchlike.int64, device="cpu")
    assert i.dtype == torchlike.int64 and -9 <= int(i.min()) and int(i.max()) <= 9
    u = mt((50,), dtype=torchlike.uint8, device="cpu", exclude_zero=True)
    assert 1 <= int(u.min()) and int(u.max()) <= 9
    assert mt(2, dtype=torchlike.float32, device="cpu", requires_grad=True).requires_grad
    for L in (torch, torchlike):
        with pytest.raises(ValueError, match="requires_grad=True` is not supported"):
            L.testing.make_tensor(2, dtype=L.int64, device="cpu", requires_grad=True)
        with pytest.raises(ValueError, match="`low` must be less than `high`"):
            L.testing.make_tensor(2, dtype=L.float32, device="cpu", low=2, high=1)


def test_internal_module_paths():
    from torchlike.nn.modules.batchnorm import _BatchNorm
    from torchlike.nn.modules.instancenorm import _InstanceNorm  # noqa: F401
    from torchlike.nn.modules.linear import NonDynamicallyQuantizableLinear
    from torchlike.nn.modules.utils import _pair, _quadruple, _single, _triple
    from torchlike.utils.data._utils.collate import default_collate  # noqa: F401
    from torch.nn.modules import utils as tu
    for ours, theirs in ((_single, tu._single), (_pair, tu._pair), (_triple, tu._triple),
                         (_quadruple, tu._quadruple)):
        assert ours(3) == theirs(3) and ours([1, 2]) == theirs([1, 2])
    assert isinstance(torchlike.nn.BatchNorm2d(2), _BatchNorm)
    assert not isinstance(torchlike.nn.InstanceNorm2d(2), _BatchNorm)
    assert not isinstance(torch.nn.InstanceNorm2d(2), torch.nn.modules.batchnorm._BatchNorm)
    mha, tmha = torchlike.nn.MultiheadAttention(4, 2), torch.nn.MultiheadAttention(4, 2)
    assert type(mha.out_proj) is NonDynamicallyQuantizableLinear
    assert type(tmha.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    assert list(mha.state_dict()) == list(tmha.state_dict())
    for name in ("backends", "multiprocessing", "onnx", "testing"):
        assert hasattr(torchlike, name) == hasattr(torch, name)
    assert hasattr(torchlike.utils, "checkpoint")
    from torchlike.multiprocessing.spawn import ProcessRaisedException
    from torchlike.nn.modules.transformer import _get_activation_fn
    from torchlike.nn.utils.stateless import functional_call  # noqa: F401
    from torchlike.utils.hooks import RemovableHandle
    assert ProcessRaisedException is torchlike.multiprocessing.ProcessRaisedException
    assert _get_activation_fn("gelu") is torchlike.nn.functional.gelu
    assert isinstance(torchlike.nn.Linear(1, 1).register_forward_hook(lambda *a: None), RemovableHandle)


def test_consume_prefix_after_data_parallel():
    from torch.nn.modules.utils import consume_prefix_in_state_dict_if_present as theirs
    from torchlike.nn.modules.utils import consume_prefix_in_state_dict_if_present as ours
    keys = []
    for L, consume in ((torch, theirs), (torchlike, ours)):
        sd = L.nn.DataParallel(L.nn.Sequential(L.nn.Linear(2, 2))).state_dict()
        consume(sd, "module.")
        L.nn.Sequential(L.nn.Linear(2, 2)).load_state_dict(sd)
        keys.append((list(sd), sorted(getattr(sd, "_metadata", {}))))
    assert keys[0] == keys[1]


def test_sdp_kernel_context():
    cuda = torchlike.backends.cuda
    with pytest.warns(FutureWarning, match="sdp_kernel"), cuda.sdp_kernel(enable_flash=False):
        assert not cuda.flash_sdp_enabled() and cuda.math_sdp_enabled()
    assert cuda.flash_sdp_enabled()


def test_tensor_pickles_and_share_memory():
    t = torchlike.arange(4.0)
    back = pickle.loads(pickle.dumps(t))
    assert_same(torch.arange(4.0), back)
    assert t.share_memory_() is t and t.is_shared() is False
    m = torchlike.nn.Linear(2, 2)
    assert m.share_memory() is m


def test_multiprocessing_spawn():
    mp = torchlike.multiprocessing
    assert mp.get_all_sharing_strategies() == torch.multiprocessing.get_all_sharing_strategies()
    assert mp.get_sharing_strategy() == torch.multiprocessing.get_sharing_strategy()
    ctx = mp.get_context("spawn")
    queue = ctx.SimpleQueue()
    t = torchlike.tensor([1.0, 2.0])
    mp.spawn(workers.put_double, args=(queue, t), nprocs=2)
    got = dict(queue.get() for _ in range(2))
    assert_same(torch.tensor([2.0, 4.0]), got[0])
    assert_same(torch.tensor([3.0, 5.0]), got[1])
    assert_same(torch.tensor([1.0, 2.0]), t)  # the child's in-place write is not seen here
    with pytest.raises(mp.ProcessRaisedException, match="(?s)Process 1 terminated.*ValueError: worker one failed"):
        mp.spawn(workers.fail_on_one, nprocs=2)
    with pytest.raises(mp.ProcessExitedException, match="process 0 terminated with exit code 3"):
        mp.spawn(workers.exit_code, nprocs=1)


@pytest.mark.parametrize("env, kwargs", [({"TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "1"}, {}),
                                         ({"TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "1"}, {"weights_only": True}),
                                         ({"TORCH_FORCE_WEIGHTS_ONLY_LOAD": "true"}, {"weights_only": False}),
                                         ({"TORCH_FORCE_WEIGHTS_ONLY_LOAD": "1",
                                           "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "1"}, {})])
def test_weights_only_environment(tmp_path, monkeypatch, env, kwargs):
    """A NumPy array saved by torch.save loads only when weights_only ends up False (torch's precedence)."""
    path = tmp_path / "array.pt"
    torch.save({"a": np.arange(3)}, path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    outcomes = []
    for L in (torch, torchlike):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                outcome = ("ok", L.load(path, **kwargs)["a"].tolist())
            except Exception as e:
                outcome = (type(e).__name__, str(e)[:60] if isinstance(e, RuntimeError) else "")
        outcomes.append((outcome, [str(i.message) for i in w if "TORCH_FORCE" in str(i.message)]))
    assert outcomes[0] == outcomes[1]


def _functional_results(L):
    F = L.autograd.functional
    x, y = L.tensor([1., 2.]), L.tensor([0.5, -1.])
    pair = lambda a, b: (a * b.exp(), (a ** 3).sum())  # noqa: E731
    scalar = lambda a: (a ** 3).sum() * a.sin().sum()  # noqa: E731
    square = lambda a: a ** 2  # noqa: E731
    return [F.jacobian(pair, (x, y)), F.jacobian(square, x), F.vjp(square, x, y), F.jvp(square, x, y),
            F.jvp(pair, (x, y), (y, x)), F.hessian(scalar, x), F.hessian(lambda a, b: (a * b).sum() ** 2, (x, y)),
            F.hvp(scalar, x, y), F.vhp(scalar, (x,), (y,))]


def _same_tree(expected, actual):
    """assert_same over nested tuples, checking that the nesting is torch's."""
    if isinstance(expected, tuple):
        assert isinstance(actual, tuple) and len(actual) == len(expected), (expected, actual)
        for e, a in zip(expected, actual):
            _same_tree(e, a)
    else:
        assert_same(expected, actual)


def test_autograd_functional_matches_torch():
    _same_tree(tuple(_functional_results(torch)), tuple(_functional_results(torchlike)))


def test_autograd_functional_create_graph_and_errors():
    grads = []
    for L in (torch, torchlike):
        x = L.tensor([1., 2.], requires_grad=True)
        g = L.autograd.functional.jacobian(lambda a: (a ** 3).sum(), x, create_graph=True)
        g.sum().backward()
        grads.append((g.detach(), x.grad))
        assert not L.autograd.functional.jacobian(lambda a: a ** 3, x).requires_grad
    _same_tree(grads[0], grads[1])

    def errors(L):
        F, x = L.autograd.functional, L.tensor([1., 2.])
        out = []
        for bad in (lambda: F.vjp(lambda a: a * 2, x), lambda: F.jacobian(lambda a: 3, x),
                    lambda: F.hessian(lambda a: a, x), lambda: F.jacobian(lambda a: a, [x]),
                    lambda: F.vjp(lambda a: a * 2, x, L.ones(3)), lambda: F.jvp(lambda a: a, (x,), (L.ones(3),))):
            with pytest.raises(Exception) as info:
                bad()
            out.append((info.type.__name__, str(info.value).replace("torchlike", "torch")))
        return out
    assert errors(torchlike) == errors(torch)


def test_tensor_subclass_basics():
    names = []
    for L in (torch, torchlike):
        class Tagged(L.Tensor):
            pass
        x = L.arange(3.0)
        made = [Tagged([1.0, 2.0]), x.as_subclass(Tagged), L.Tensor._make_subclass(Tagged, x, False)]
        names.append([(type(t).__name__, isinstance(t, L.Tensor), str(t.dtype)) for t in made])
        assert_same(torch.tensor([1.0, 2.0]), torchlike.tensor(made[0].tolist()))
    assert names[0] == names[1]


def test_multiprocessing_process_queue_pool():
    mp = torchlike.multiprocessing
    assert mp.get_start_method(allow_none=True) is None  # nothing set: Process/Queue/Pool use spawn
    queue = mp.Queue()
    p = mp.Process(target=workers.put_sum, args=(queue, torchlike.tensor([1.0, 2.0, 4.0])))
    p.start()
    got = queue.get(timeout=60)
    p.join()
    assert p.exitcode == 0
    assert_same(torch.tensor(7.0), got)
    with mp.Pool(1) as pool:
        out = pool.map(workers.double, [torchlike.tensor([1, 2])])
    assert_same(torch.tensor([2, 4]), out[0])


def _gradcheck_outcomes(L):
    x = L.tensor([1.0, 2.0], dtype=L.float64, requires_grad=True)

    class HalfGrad(L.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a ** 2

        @staticmethod
        def backward(ctx, g):
            a, = ctx.saved_tensors
            return g * a

    out = []
    with pytest.raises(import_module(L.__name__ + ".autograd.gradcheck").GradcheckError) as info:
        L.autograd.gradcheck(HalfGrad.apply, (x,))
    out.append(str(info.value))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out.append(L.autograd.gradcheck(lambda a: a * 2, (L.ones(2, requires_grad=True),), raise_exception=False))
    out.append([str(i.message) for i in w])
    y = L.ones(2, 3, dtype=L.float64, requires_grad=True)
    out.append(L.autograd.gradcheck(lambda a, b: (a.sum() * b, (a * 3).detach()), (x, y)))
    out.append(L.autograd.gradgradcheck(lambda a: a ** 3, (x,)))
    out.append(L.autograd.gradgradcheck(HalfGrad.apply, (x,), raise_exception=False))
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        L.autograd.gradcheck(lambda a: a * 2, (L.ones(2, dtype=L.float64),))
    return out


def test_gradcheck_matches_torch():
    assert _gradcheck_outcomes(torchlike) == _gradcheck_outcomes(torch)
