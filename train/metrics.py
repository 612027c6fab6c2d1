"""Evaluation: classification accuracy, and the quality of generated digits scored by a trained LeNet
(max-softmax confidence, class-histogram entropy, Fréchet distance on its penultimate features).

The statistics (``confidence_and_entropy``, ``frechet_distance``) are NumPy, so the PyTorch benchmarks
compute the same numbers from their own features."""
import numpy as np

import torchlike as torch
import torchlike.nn.functional as F

from ._common import MNIST_MEAN, MNIST_STD


@torch.no_grad()
def evaluate(net, loader, device, resize_to=None):
    """Top-1 accuracy of ``net`` over ``loader`` (the seed's evaluate_model); ``resize_to=(h, w)``
    resizes each batch with F.interpolate(mode='bicubic') first. Counts stay on the device until the end."""
    was_training = net.training
    net.eval()
    correct, total = torch.zeros((), dtype=torch.int64, device=device), 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        if resize_to is not None:
            images = F.interpolate(images, size=resize_to, mode="bicubic", align_corners=False)
        correct += (net(images).argmax(1) == labels).sum()
        total += labels.shape[0]
    net.train(was_training)
    return correct.item() / total


def gan_to_classifier(images):
    """Generator output in [-1, 1] (Normalize(0.5, 0.5) space) -> the classifier's MNIST normalization."""
    return ((images + 1) / 2 - MNIST_MEAN[0]) / MNIST_STD[0]


@torch.no_grad()
def features_and_probs(classifier, images, batch_size=1000):
    """LeNet penultimate features and softmax probabilities of ``images`` (N x 1 x 28 x 28, MNIST-normalized),
    as NumPy arrays."""
    was_training = classifier.training
    classifier.eval()
    feats, probs = [], []
    for start in range(0, images.shape[0], batch_size):
        f = classifier.features(images[start:start + batch_size])
        feats.append(f)
        probs.append(F.softmax(classifier.fc2(f), dim=1))
    classifier.train(was_training)
    return torch.cat(feats).cpu().numpy().astype(np.float64), torch.cat(probs).cpu().numpy().astype(np.float64)


def confidence_and_entropy(probs, num_classes=10):
    """Mean max-softmax confidence, the entropy (nats; ln 10 = 2.303 is uniform) of the histogram of
    predicted classes, and that histogram (fractions)."""
    hist = np.bincount(probs.argmax(1), minlength=num_classes) / len(probs)
    nonzero = hist[hist > 0]
    return float(probs.max(1).mean()), float(-(nonzero * np.log(nonzero)).sum()) + 0.0, hist.tolist()


def frechet_distance(feats_a, feats_b):
    """Fréchet distance between Gaussians fitted to two feature sets:
    |mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2)), the trace of the square root taken
    from the eigenvalues of S_a^(1/2) S_b S_a^(1/2) (symmetric, so no complex sqrtm is needed)."""
    mu_a, mu_b = feats_a.mean(0), feats_b.mean(0)
    cov_a, cov_b = np.cov(feats_a, rowvar=False), np.cov(feats_b, rowvar=False)
    w, v = np.linalg.eigh(cov_a)
    root_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0, None)).sum()
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * cross)


def sample_quality(fake_feats, fake_probs, real_feats):
    """The generated-digit numbers reported by train.gan (and benchmarks.torch_gan)."""
    confidence, entropy, hist = confidence_and_entropy(fake_probs)
    return {"confidence": confidence, "class_entropy": entropy, "class_histogram": hist,
            "frechet_distance": frechet_distance(fake_feats, real_feats)}
