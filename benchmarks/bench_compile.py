"""Whole training steps: torchlike.compile vs hand-written Flax + Optax under jax.jit vs
PyTorch eager vs torch.compile, measured side by side in one run.

The seed's LeNet (BatchNorm, batch 50, SGD momentum, cross-entropy) and MLP GAN (batch 100,
Adam for D and G, BCE, dropout; one D step on real + detached fake, then one G step).

    python -m benchmarks.bench_compile [--steps 30] [--skip-torch-compile]
"""
import argparse
import time

import flax.linen as fnn
import jax
import jax.numpy as jnp
import numpy as np
import optax
import torch

import torchlike
from models.gan import Discriminator, Generator
from models.lenet import LeNet


def timed(step, n, sync):
    """(first call seconds, best-of-3 mean ms per later call)."""
    start = time.perf_counter()
    sync(step())
    first = time.perf_counter() - start
    sync(step())
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(n):
            out = step()
        sync(out)
        best = min(best, (time.perf_counter() - start) / n)
    return first, best * 1e3


def jax_sync(out):
    jax.block_until_ready(jax.tree_util.tree_leaves(out))


def torchlike_sync(out):
    jax.block_until_ready([o._data for o in jax.tree_util.tree_leaves(out, is_leaf=lambda a: hasattr(a, "_data"))])


def torch_sync(out):
    return out


# ---- data ---------------------------------------------------------------------------------
rng = np.random.default_rng(0)
IMAGES = rng.standard_normal((50, 1, 28, 28)).astype(np.float32)
LABELS = rng.integers(0, 10, 50)
REAL = np.tanh(rng.standard_normal((100, 784))).astype(np.float32)
NOISE = rng.standard_normal((100, 100)).astype(np.float32)


# ---- torchlike / torch: the same PyTorch-style code, run by either library ----------------
def lenet_step(lib, compiled):
    lib.manual_seed(0)
    net = (LeNet if lib is torchlike else TorchLeNet)()
    opt = lib.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    criterion = lib.nn.CrossEntropyLoss()
    x, y = lib.tensor(IMAGES), lib.tensor(LABELS)

    def step():
        opt.zero_grad()
        loss = criterion(net(x), y)
        loss.backward()
        opt.step()
        return loss
    return compiled(step) if compiled else step


def gan_step(lib, compiled):
    lib.manual_seed(0)
    G, D = (Generator(), Discriminator()) if lib is torchlike else (TorchGenerator(), TorchDiscriminator())
    g_opt, d_opt = lib.optim.Adam(G.parameters(), lr=1e-4), lib.optim.Adam(D.parameters(), lr=1e-4)
    bce = lib.nn.BCELoss()
    real, z = lib.tensor(REAL), lib.tensor(NOISE)
    ones, zeros = lib.ones(100, 1), lib.zeros(100, 1)

    def step():
        D.zero_grad()
        d_loss = bce(D(real), ones) + bce(D(G(z).detach()), zeros)
        d_loss.backward()
        d_opt.step()
        G.zero_grad()
        g_loss = bce(D(G(z)), ones)
        g_loss.backward()
        g_opt.step()
        return d_loss, g_loss
    return compiled(step) if compiled else step


class TorchLeNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        nn = torch.nn
        self.conv1, self.bn1 = nn.Conv2d(1, 20, 5), nn.BatchNorm2d(20)
        self.conv2, self.bn2 = nn.Conv2d(20, 50, 5), nn.BatchNorm2d(50)
        self.fc1, self.fc2 = nn.Linear(800, 500), nn.Linear(500, 10)

    def forward(self, x):
        F = torch.nn.functional
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2, 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2, 2)
        return self.fc2(F.relu(self.fc1(x.view(-1, 800))))


class TorchGenerator(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in [(100, 256), (256, 512), (512, 1024),
                                                                             (1024, 784)])

    def forward(self, x):
        for fc in self.layers[:-1]:
            x = torch.nn.functional.leaky_relu(fc(x), 0.2)
        return torch.tanh(self.layers[-1](x))


class TorchDiscriminator(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in [(784, 1024), (1024, 512), (512, 256),
                                                                             (256, 1)])

    def forward(self, x):
        F = torch.nn.functional
        for fc in self.layers[:-1]:
            x = F.dropout(F.leaky_relu(fc(x), 0.2), 0.3, training=self.training)
        return torch.sigmoid(self.layers[-1](x))


# ---- hand-written Flax + Optax ---------------------------------------------------------------
class FlaxLeNet(fnn.Module):
    @fnn.compact
    def __call__(self, x):
        x = jnp.transpose(x, (0, 2, 3, 1))
        for features in (20, 50):
            x = fnn.Conv(features, (5, 5), padding="VALID")(x)
            x = fnn.BatchNorm(use_running_average=False, momentum=0.9, epsilon=1e-5)(x)
            x = fnn.max_pool(fnn.relu(x), (2, 2), (2, 2))
        x = jnp.transpose(x, (0, 3, 1, 2)).reshape(x.shape[0], -1)
        return fnn.Dense(10)(fnn.relu(fnn.Dense(500)(x)))


def flax_lenet_step():
    model, tx = FlaxLeNet(), optax.sgd(0.001, momentum=0.9)
    variables = model.init(jax.random.PRNGKey(0), IMAGES)
    params, stats = variables["params"], variables["batch_stats"]
    opt_state = tx.init(params)

    @jax.jit
    def step(params, stats, opt_state, x, y):
        def loss_fn(p):
            logits, new = model.apply({"params": p, "batch_stats": stats}, x, mutable=["batch_stats"])
            return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean(), new["batch_stats"]
        (loss, stats), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
        updates, opt_state = tx.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), stats, opt_state, loss

    state = [params, stats, opt_state]
    x, y = jnp.asarray(IMAGES), jnp.asarray(LABELS)

    def run():
        *state[:], loss = step(*state, x, y)
        return loss
    return run


class FlaxMLP(fnn.Module):
    sizes: tuple
    dropout: float = 0.0
    final: str = "tanh"

    @fnn.compact
    def __call__(self, x, train=True):
        for size in self.sizes[:-1]:
            x = fnn.leaky_relu(fnn.Dense(size)(x), 0.2)
            if self.dropout:
                x = fnn.Dropout(self.dropout, deterministic=not train)(x)
        x = fnn.Dense(self.sizes[-1])(x)
        return jnp.tanh(x) if self.final == "tanh" else jax.nn.sigmoid(x)


def flax_gan_step(torch_work=False):
    """The GAN step in Flax. ``torch_work``: also do what the PyTorch-style step's semantics
    ask for: the G loss's gradient reaches D's parameters (they require grad), and both
    models' ``.grad`` are results of the step."""
    G, D = FlaxMLP((256, 512, 1024, 784)), FlaxMLP((1024, 512, 256, 1), 0.3, "sigmoid")
    g_params = G.init(jax.random.PRNGKey(0), NOISE)["params"]
    d_params = D.init(jax.random.PRNGKey(1), REAL, train=False)["params"]
    g_tx, d_tx = optax.adam(1e-4), optax.adam(1e-4)

    def bce(p, target):
        p = jnp.clip(p, 1e-12, 1 - 1e-12)
        return -jnp.mean(target * jnp.log(p) + (1 - target) * jnp.log(1 - p))

    @jax.jit
    def step(g_params, d_params, g_state, d_state, key, real, z):
        key, k1, k2, k3 = jax.random.split(key, 4)
        fake = G.apply({"params": g_params}, z)

        def d_loss(dp):
            return (bce(D.apply({"params": dp}, real, rngs={"dropout": k1}), 1.0)
                    + bce(D.apply({"params": dp}, jax.lax.stop_gradient(fake), rngs={"dropout": k2}), 0.0))
        dl, dg = jax.value_and_grad(d_loss)(d_params)
        updates, d_state = d_tx.update(dg, d_state, d_params)
        d_params = optax.apply_updates(d_params, updates)

        def g_loss(gp, dp):
            return bce(D.apply({"params": dp}, G.apply({"params": gp}, z), rngs={"dropout": k3}), 1.0)
        gl, (gg, dg_from_g) = jax.value_and_grad(g_loss, argnums=(0, 1))(g_params, d_params)
        updates, g_state = g_tx.update(gg, g_state, g_params)
        grads = (gg, jax.tree.map(jnp.add, dg, dg_from_g)) if torch_work else ()
        return optax.apply_updates(g_params, updates), d_params, g_state, d_state, key, dl, gl, grads

    state = [g_params, d_params, g_tx.init(g_params), d_tx.init(d_params), jax.random.PRNGKey(2)]
    real, z = jnp.asarray(REAL), jnp.asarray(NOISE)

    def run():
        *state[:], dl, gl, grads = step(*state, real, z)
        return dl, gl, grads
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--skip-torch-compile", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)
    rows = []
    for name, make, flax_make in (("LeNet step, batch 50", lenet_step, flax_lenet_step),
                                  ("GAN step (D + G), batch 100", gan_step, flax_gan_step)):
        results = {
            "torchlike.compile": timed(make(torchlike, torchlike.compile), args.steps, torchlike_sync),
            "torchlike eager": timed(make(torchlike, None), max(args.steps // 3, 3), torchlike_sync),
            "Flax + Optax, jax.jit": timed(flax_make(), args.steps, jax_sync),
        }
        if make is gan_step:
            results["Flax, torch's work (*)"] = timed(flax_make(torch_work=True), args.steps, jax_sync)
        results["PyTorch eager"] = timed(make(torch, None), args.steps, torch_sync)
        if not args.skip_torch_compile:
            results["torch.compile"] = timed(make(torch, torch.compile), args.steps, torch_sync)
        rows.append((name, results))
    print(f"\n{'workload':30} {'implementation':24} {'ms/step':>9} {'first call s':>13} {'vs Flax':>8} "
          f"{'vs torch eager':>15}")
    for name, results in rows:
        flax_ms, torch_ms = results["Flax + Optax, jax.jit"][1], results["PyTorch eager"][1]
        for impl, (first, ms) in results.items():
            print(f"{name:30} {impl:24} {ms:9.2f} {first:13.2f} {ms / flax_ms:7.2f}x {ms / torch_ms:14.2f}x")
    print("(*) the hand-written GAN step doing what the PyTorch-style step's semantics ask for: the G loss's "
          "gradient\n    also reaches D's parameters (they require grad) and the step returns every .grad.")


if __name__ == "__main__":
    main()
