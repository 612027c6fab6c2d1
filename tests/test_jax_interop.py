"""torchlike next to the user's own JAX code: JAX's defaults untouched by ``import torchlike``
(64-bit mode only inside torchlike's calls), zero-copy exchange (DLPack, from_jax/to_jax,
NumPy), and a torchlike Module trained as a Flax NNX module under nnx.jit + Optax."""
import json
import subprocess
import sys
import threading
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch
from flax import nnx

import torchlike
from torchlike import nn

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]


def run_python(code):
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_users_jax_keeps_32_bit_defaults():
    t = torchlike.arange(3) * torchlike.tensor(2.5, dtype=torchlike.float64)
    assert t.dtype == torchlike.float64 and torchlike.arange(3).dtype == torchlike.int64
    assert not jax.config.jax_enable_x64
    assert jnp.zeros(3).dtype == jnp.float32 and jnp.arange(3).dtype == jnp.int32
    assert (jnp.ones(2) * 2.0).dtype == jnp.float32
    seen = {}

    def other_thread():  # torchlike working in one thread changes nothing in another
        seen["torchlike"] = torchlike.zeros(2, dtype=torchlike.int64).dtype
        seen["jax"] = jnp.arange(2).dtype
    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert seen == {"torchlike": torchlike.int64, "jax": jnp.int32}


FLAX_TRAINING = """
    import json, sys
    import jax, jax.numpy as jnp, numpy as np, optax
    from flax import nnx
    if sys.argv[1] == "with":
        import torchlike as torch
    class LeNet(nnx.Module):
        def __init__(self, rngs):
            self.conv = nnx.Conv(1, 4, (5, 5), rngs=rngs)
            self.fc = nnx.Linear(4 * 14 * 14, 10, rngs=rngs)
        def __call__(self, x):
            x = nnx.max_pool(nnx.relu(self.conv(x)), (2, 2), (2, 2))
            return self.fc(x.reshape(x.shape[0], -1))
    model = LeNet(nnx.Rngs(0))
    opt = nnx.Optimizer(model, optax.adam(1e-3), wrt=nnx.Param)
    @nnx.jit
    def step(model, opt, x, y):
        def loss_fn(model):
            return optax.softmax_cross_entropy_with_integer_labels(model(x), y).mean()
        loss, grads = nnx.value_and_grad(loss_fn)(model)
        opt.update(model, grads)
        return loss
    rng = np.random.default_rng(0)
    x = jnp.asarray(rng.normal(size=(8, 28, 28, 1)))
    y = jnp.asarray(rng.integers(0, 10, 8))
    losses = []
    for i in range(3):
        losses.append(float(step(model, opt, x, y)))
        if sys.argv[1] == "with":  # torchlike at work between the steps
            t = torch.nn.Linear(4, 2, dtype=torch.float64)(torch.randn(3, 4, dtype=torch.float64)).sum()
            assert t.dtype == torch.float64 and torch.arange(3).dtype == torch.int64
    dtypes = sorted({str(a.dtype) for a in jax.tree_util.tree_leaves(nnx.state(model))} | {str(x.dtype), str(y.dtype)})
    print(json.dumps({"losses": losses, "dtypes": dtypes}))
"""


def test_flax_model_next_to_torchlike_is_unchanged():
    without = run_python(FLAX_TRAINING.replace("sys.argv[1]", "'without'"))
    with_torchlike = run_python(FLAX_TRAINING.replace("sys.argv[1]", "'with'"))
    assert with_torchlike == without  # same float32 numbers, bit for bit
    assert without["dtypes"] == ["float32", "int32"]


def test_users_own_64_bit_mode_is_kept():
    out = run_python("""
        import json, jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp, torchlike as torch
        x = torch.ones(2) + 1
        print(json.dumps([str(jnp.zeros(1).dtype), str(x.dtype), jax.config.jax_enable_x64]))
    """)
    assert out == ["float64", "torch.float32", True]


@pytest.mark.parametrize("dtype", DTYPES)
def test_dlpack_both_ways_with_torch(dtype):
    values = torch.arange(6).reshape(2, 3).to(getattr(torch, dtype))
    mine = torchlike.from_dlpack(values)
    assert str(mine.dtype) == str(values.dtype)
    back = torch.from_dlpack(mine)
    assert back.dtype == values.dtype and torch.equal(back, values)
    assert back.data_ptr() == torchlike.to_jax(mine).unsafe_buffer_pointer()  # torch reads JAX's buffer
    capsule = torchlike.utils.dlpack.to_dlpack(mine)
    assert torch.equal(torch.utils.dlpack.from_dlpack(capsule), values)


def test_dlpack_shares_memory_and_takes_capsules():
    source = torch.zeros(4)
    mine = torchlike.utils.dlpack.from_dlpack(source)
    source[1] = 7.0  # zero copy: torchlike sees the write to torch's buffer
    assert mine.tolist() == [0.0, 7.0, 0.0, 0.0]
    from_capsule = torchlike.utils.dlpack.from_dlpack(torch.utils.dlpack.to_dlpack(torch.arange(3)))
    assert from_capsule.dtype == torchlike.int64 and from_capsule.tolist() == [0, 1, 2]
    assert np.from_dlpack(torchlike.arange(3, dtype=torchlike.int16)).dtype == np.int16
    assert torchlike.from_dlpack(np.arange(3, dtype=np.int64)).dtype == torchlike.int64


def test_from_jax_and_to_jax_share_the_array():
    array = jnp.arange(4.0)
    t = torchlike.from_jax(array, requires_grad=True)
    assert torchlike.to_jax(t) is array and t.dtype == torchlike.float32 and t.requires_grad
    assert torchlike.from_jax(jnp.arange(3)).dtype == torchlike.int32  # 32-bit JAX's int stays int32
    t.detach().mul_(2)  # in place: the tensor gets a new array, the user's array is unchanged
    assert array.tolist() == [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(TypeError, match="jax.Array"):
        torchlike.from_jax(np.ones(2))
    with pytest.raises(TypeError, match="Tensor"):
        torchlike.to_jax(np.ones(2))
    with pytest.raises(RuntimeError, match="floating point"):
        torchlike.from_jax(jnp.arange(3), requires_grad=True)


def test_numpy_interop_as_torch():
    for dtype in ("int64", "float64", "uint8", "bool"):
        a = np.arange(3).astype(dtype)
        assert str(torchlike.from_numpy(a).dtype) == str(torch.from_numpy(a).dtype)
        assert np.asarray(torchlike.from_numpy(a)).dtype == a.dtype
    assert np.asarray(torchlike.ones(2, dtype=torchlike.float64), dtype=np.float32).dtype == np.float32


def lenet_like():
    return nn.Sequential(nn.Conv2d(1, 3, 5), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Dropout(0.25), nn.Linear(3 * 4 * 4, 10))


def test_to_flax_trains_under_nnx_jit_as_torchlike_eager():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(6, 1, 12, 12)).astype(np.float32), rng.integers(0, 10, 6)
    torchlike.manual_seed(0)
    eager = lenet_like()
    torchlike.manual_seed(0)
    exported = lenet_like()

    opt = torchlike.optim.SGD(eager.parameters(), lr=0.1)
    torchlike.manual_seed(5)  # dropout: the exported module's key is torchlike's generator seeded with 5
    eager_losses = []
    for _ in range(3):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(eager(torchlike.tensor(x)), torchlike.tensor(y))
        loss.backward()
        opt.step()
        eager_losses.append(loss.item())

    model = nn.to_flax(exported, seed=5)
    assert list(model.params) == [n for n, _ in exported.named_parameters()]
    optimizer = nnx.Optimizer(model, optax.sgd(0.1), wrt=nnx.Param)

    @nnx.jit
    def step(model, optimizer, x, y):
        def loss_fn(model):
            return optax.softmax_cross_entropy_with_integer_labels(model(x), y).mean()
        loss, grads = nnx.value_and_grad(loss_fn)(model)
        optimizer.update(model, grads)
        return loss
    flax_losses = [float(step(model, optimizer, jnp.asarray(x), jnp.asarray(y))) for _ in range(3)]
    np.testing.assert_allclose(flax_losses, eager_losses, rtol=1e-5)
    assert model.params["0.weight"][...].dtype == jnp.float32

    trained = model.to_torchlike()
    assert trained is exported and trained[1].num_batches_tracked.dtype == torchlike.int64
    assert int(trained[1].num_batches_tracked) == 3
    for (name, a), b in zip(trained.state_dict().items(), eager.state_dict().values()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6, err_msg=name)
    model.eval()  # eval: running stats used, dropout off, eager call outside jit
    np.testing.assert_allclose(np.asarray(model(jnp.asarray(x))), eager.eval()(torchlike.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_scoped_functions_pickle_by_name():
    import pickle  # DataLoader workers and multiprocessing send functions by reference
    from torchlike.utils.data import dataloader  # binds default_collate without exporting it
    for fn in (torchlike.add, torchlike.utils.data.default_collate, dataloader.default_collate, torchlike.save,
               nn.functional.relu):
        assert pickle.loads(pickle.dumps(fn)) is fn


def test_context_managers_get_the_with_blocks_exception_as_torch():
    """torchlike's @contextmanager entries run in 64-bit mode step by step; an exception in the
    with block still reaches the generator (fork_rng restores the state at once, as torch's)."""
    after = []
    for lib in (torch, torchlike):
        lib.manual_seed(0)
        with pytest.raises(ValueError):
            with lib.random.fork_rng():
                lib.rand(3)
                raise ValueError
        after.append(lib.rand(2).tolist())
        lib.manual_seed(0)
        assert lib.rand(2).tolist() == after[-1]  # the state forked before the block is back
    import contextlib
    from torchlike import _x64
    caught = []

    @contextlib.contextmanager
    def suppressing():  # the generator sees the exception and may swallow it, as contextlib promises
        try:
            yield
        except ValueError:
            caught.append(jax.config.jax_enable_x64)
    with _x64.scoped(suppressing)():
        raise ValueError
    assert caught == [True] and not jax.config.jax_enable_x64
