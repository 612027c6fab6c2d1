"""CI checks of the experiments (issue 8): each ``--smoke`` run end to end in a subprocess, its
metrics.json, PNGs and checkpoints; reproducibility and --resume; and the pieces with math of their
own (gradient reversal, FGSM, Fréchet distance) against torch / SciPy."""
import json
import math
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import scipy.linalg
import torch
from PIL import Image

import torchlike
from models import Discriminator, Generator, LeNet
from models.adapt import GradientReversal
from train import attacks, report
from train.metrics import confidence_and_entropy, frechet_distance

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
pytestmark = pytest.mark.skipif(not (DATA / "MNIST" / "raw").is_dir(), reason=f"needs the real data in {DATA}")
RUN_FIELDS = ("wall_time_s", "train_steps", "steps_per_s", "time_per_epoch_s", "device", "torchlike_version",
              "jax_version", "seed", "args", "compiled")


def start(module, out, *args):
    """Start ``python -m train.<module> --smoke --out <out> ...`` in a subprocess."""
    env = {**os.environ, "TORCHLIKE_DATA": str(DATA)}
    return subprocess.Popen([sys.executable, "-m", f"train.{module}", "--smoke", "--out", str(out), *args],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def finish(process, module, out):
    """Wait for a run started by ``start``; returns its metrics.json as a dict, checked."""
    assert process.wait(timeout=300) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    for field in RUN_FIELDS:
        assert field in metrics, field
    assert metrics["experiment"] == module and metrics["device"] == "cpu" and metrics["seed"] == 0
    assert metrics["train_steps"] > 0 and metrics["steps_per_s"] > 0 and metrics["wall_time_s"] > 0
    return metrics


def run(module, out, *args):
    return finish(start(module, out, *args), module, out)


def assert_png(path):
    with Image.open(path) as image:
        image.load()
        assert image.format == "PNG" and image.width > 50 and image.height > 50


def load_into(model, path):
    model.load_state_dict(torchlike.load(path))
    return model


@pytest.fixture(scope="module")
def lenet_runs(tmp_path_factory):
    """One epoch, then --resume to two epochs; and an uninterrupted two-epoch run with the same seed."""
    resumed, fresh = tmp_path_factory.mktemp("lenet_resumed"), tmp_path_factory.mktemp("lenet_fresh")
    first, uninterrupted = start("lenet", resumed, "--epochs", "1"), start("lenet", fresh, "--epochs", "2")
    first = finish(first, "lenet", resumed)
    second = run("lenet", resumed, "--epochs", "2", "--resume")
    return first, second, finish(uninterrupted, "lenet", fresh), resumed


def test_lenet_smoke(lenet_runs):
    first, resumed, fresh, out = lenet_runs
    assert first["epochs"] == 1 and resumed["epochs"] == 2 and len(resumed["time_per_epoch_s"]) == 2
    assert resumed["history"][0] == first["history"][0]
    assert 0.3 < resumed["test_accuracy"] <= 1 and resumed["best_test_accuracy"] >= resumed["test_accuracy"]
    for name in ("accuracy.png", "loss.png"):
        assert_png(out / name)
    net = load_into(LeNet(), out / "lenet.pt")
    checkpoint = torchlike.load(out / "checkpoint.pt")
    assert checkpoint["epoch"] == 2 and set(checkpoint) >= {"model", "optimizer", "history"}
    np.testing.assert_array_equal(checkpoint["model"]["fc2.weight"].numpy(), net.fc2.weight.detach().numpy())


def test_lenet_seeded_runs_reproduce(lenet_runs):
    """Same seed -> same metrics, and a run resumed from its checkpoint equals an uninterrupted one."""
    _, resumed, fresh, _ = lenet_runs
    for a, b in zip(resumed["history"], fresh["history"]):
        assert a["test_accuracy"] == b["test_accuracy"]
        assert a["train_loss"] == pytest.approx(b["train_loss"], rel=1e-6)


def test_gan_smoke(tmp_path, lenet_runs):
    metrics = run("gan", tmp_path, "--classifier", str(lenet_runs[3] / "lenet.pt"))
    assert metrics["epochs"] == 2 and len(metrics["history"]) == 2
    for scores in (metrics, metrics["reference_real"]):
        assert 0.1 <= scores["confidence"] <= 1 and 0 <= scores["class_entropy"] <= math.log(10) + 1e-9
        assert scores["frechet_distance"] >= 0 and sum(scores["class_histogram"]) == pytest.approx(1)
    for name in ("samples_epoch001.png", "samples_epoch002.png", "losses.png", "quality.png"):
        assert_png(tmp_path / name)
    with Image.open(tmp_path / "samples_epoch002.png") as grid:
        assert grid.size == (302, 302)  # make_grid of 100 28x28 digits, nrow 10, padding 2
    load_into(Generator(), tmp_path / "generator.pt")
    load_into(Discriminator(), tmp_path / "discriminator.pt")


def test_usps_smoke(tmp_path, lenet_runs):
    metrics = run("usps", tmp_path, "--adv-train", "--classifier", str(lenet_runs[3] / "lenet.pt"))
    assert metrics["usps_train_variant"] == "h5"
    test_sets = ("mnist_test", "usps_test_h5", "usps_test_libsvm", "usps_test_h5_interpolate")
    for part in ("source_only", "usps_to_mnist", "dann"):
        assert all(0 <= metrics[part][name] <= 1 for name in test_sets), part
    # the source part evaluates the --classifier weights, so its MNIST accuracy is train.lenet's
    assert metrics["source_only"]["mnist_test"] == lenet_runs[1]["test_accuracy"]
    attacked = metrics["attacks"]
    assert attacked["eps"][0] == 0
    for model in ("standard", "adv_trained"):
        for domain in ("mnist", "usps"):
            fgsm, pgd = attacked[model][domain]["fgsm"], attacked[model][domain]["pgd"]
            assert len(fgsm) == len(pgd) == len(attacked["eps"]) and fgsm[0] == pgd[0]
            assert pgd[-1] <= fgsm[0]  # the strongest attack never beats clean accuracy
            assert_png(tmp_path / f"adversarial_{model}_{domain}.png")
    for name in ("robustness.png", "dann.png"):
        assert_png(tmp_path / name)
    for name in ("usps_to_mnist.pt", "dann_lenet.pt", "adv_trained.pt"):
        load_into(LeNet(), tmp_path / name)


def test_report_tables_show_the_runs_numbers(tmp_path, lenet_runs):
    (tmp_path / "lenet").symlink_to(lenet_runs[3], target_is_directory=True)
    table = report.lenet_table(tmp_path).splitlines()
    assert len(table) == 3 and report.gan_table(tmp_path) == report.usps_tables(tmp_path) == ""
    metrics = lenet_runs[1]
    assert table[2].split(" | ")[1:4] == [str(metrics["epochs"]), f"{metrics['test_accuracy']:.2%}",
                                          f"{metrics['mean_time_per_epoch_s']:.1f}"]


def test_gradient_reversal_matches_torch():
    class TorchReversal(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, lambd):
            ctx.save_for_backward(lambd)
            return x.view_as(x)

        @staticmethod
        def backward(ctx, grad_output):
            return -ctx.saved_tensors[0] * grad_output, None

    values, upstream = np.random.RandomState(0).randn(2, 3, 4).astype(np.float32)
    grads = []
    for lib, fn in ((torch, TorchReversal), (torchlike, GradientReversal)):
        x = lib.tensor(values, requires_grad=True)
        out = fn.apply(x, lib.tensor(0.7))
        (out * lib.tensor(upstream)).sum().backward()
        np.testing.assert_array_equal(out.detach().numpy(), values)
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-6)


def test_fgsm_matches_torch(lenet_runs):
    """FGSM on the smoke LeNet checkpoint: torchlike's examples equal torch's on the same weights."""
    from benchmarks.torch_lenet import LeNet as TorchLeNet
    path = lenet_runs[3] / "lenet.pt"
    ours, theirs = load_into(LeNet(), path).eval(), TorchLeNet().eval()
    theirs.load_state_dict(torch.load(path))
    x = np.random.RandomState(1).rand(8, 1, 28, 28).astype(np.float32)
    y = np.arange(8)
    x_t = torch.tensor(x, requires_grad=True)
    torch.nn.functional.cross_entropy(theirs(x_t), torch.tensor(y)).backward()
    expected = (x_t + 0.1 * x_t.grad.sign()).clamp(0, 1).detach().numpy()
    gradient = attacks.input_gradient(ours, torchlike.nn.CrossEntropyLoss())
    got = attacks.fgsm(gradient, torchlike.tensor(x), torchlike.tensor(y), 0.1, 0, 1)
    assert np.mean(got.numpy() == expected) > 0.999  # a sign may flip where the gradient is ~0


def test_frechet_distance_and_scores_match_scipy():
    rng = np.random.RandomState(2)
    a, b = rng.randn(200, 6), rng.randn(300, 6) @ rng.randn(6, 6) + 1.5
    mu_a, mu_b, cov_a, cov_b = a.mean(0), b.mean(0), np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    expected = ((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2 * scipy.linalg.sqrtm(cov_a @ cov_b).real)
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-8)
    assert frechet_distance(a, a) == pytest.approx(0, abs=1e-8)
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]])
    confidence, entropy, hist = confidence_and_entropy(probs, num_classes=2)
    assert confidence == pytest.approx(0.75) and hist == [0.75, 0.25]
    assert entropy == pytest.approx(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25)))
