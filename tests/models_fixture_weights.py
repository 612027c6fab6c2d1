"""Deterministic model weights and inputs for the torchvision model parity fixtures (numpy only).

tests/fixtures/make_torchvision_models_fixtures.py (run with torchvision) and tests/test_vision_models_a.py
(run with torchlike) rebuild the same state dict from each entry's key and shape, so the fixture stores only
outputs, never weights. ``CASES`` names the model configurations both sides build: (module, callable, args,
kwargs, input shape); an argument written "@Name" is the attribute ``Name`` of that module.
"""
import zlib

import numpy as np

CASES = {
    "resnet18": ("resnet", "resnet18", [], {"num_classes": 10}, (2, 3, 64, 64)),
    "resnext_small": ("resnet", "ResNet", ["@Bottleneck", [1, 1, 1, 1]],
                      {"groups": 4, "width_per_group": 8, "num_classes": 10}, (2, 3, 64, 64)),
    "vgg11_bn": ("vgg", "vgg11_bn", [], {"num_classes": 10}, (2, 3, 32, 32)),
    "alexnet": ("alexnet", "AlexNet", [], {"num_classes": 10}, (2, 3, 63, 63)),
    "squeezenet1_1": ("squeezenet", "squeezenet1_1", [], {"num_classes": 10}, (2, 3, 64, 64)),
    "densenet_small": ("densenet", "DenseNet", [],
                       {"growth_rate": 8, "block_config": (2, 1, 1, 1), "num_init_features": 16, "bn_size": 2,
                        "num_classes": 10}, (2, 3, 64, 64)),
    "googlenet": ("googlenet", "googlenet", [], {"num_classes": 10, "init_weights": False, "aux_logits": True},
                  (4, 3, 96, 96)),
    "inception_v3": ("inception", "inception_v3", [],
                     {"num_classes": 10, "init_weights": False, "aux_logits": False, "transform_input": True},
                     (4, 3, 107, 107)),
    "inception_aux": ("inception", "InceptionAux", [768, 10], {}, (2, 768, 17, 17)),
}

# Inputs are large enough that no BatchNorm in training mode normalises over fewer than 16 values: with a
# handful, 1/std of the batch statistics amplifies float32 rounding far beyond any tolerance.

# Cases run in float64 on both sides: Inception v3's train-mode gradients through ~90 batch-normalised layers
# with random weights are ill-conditioned (torch's own float32 result is 1.2% off its float64 one).
FLOAT64_CASES = {"inception_v3"}

# Parameters whose gradient the fixture records (the first convolution and the last classifier layer);
# None: no backward pass for that case (GoogLeNet's is the costliest to compile and adds no new layer types).
GRAD_PARAMS = {
    "resnet18": ["conv1.weight", "fc.weight", "layer4.1.bn2.weight"],
    "resnext_small": ["conv1.weight", "layer2.0.conv2.weight", "fc.weight"],
    "vgg11_bn": ["features.0.weight", "classifier.6.weight"],
    "alexnet": ["features.0.weight", "classifier.6.bias"],
    "squeezenet1_1": ["features.0.weight", "classifier.1.weight"],
    "densenet_small": ["features.conv0.weight", "features.denseblock1.denselayer2.conv2.weight", "classifier.weight"],
    "googlenet": None,
    "inception_v3": ["Conv2d_1a_3x3.conv.weight", "Mixed_6e.branch7x7dbl_5.bn.weight", "fc.weight"],
    "inception_aux": ["conv1.bn.weight", "fc.weight"],
}


def _rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def fixture_value(key, shape, dtype):
    """The deterministic value of state-dict entry ``key``: ~N(0, 1/fan_in) weights, small biases, BatchNorm
    scales near 1, positive running variances, ``num_batches_tracked`` 3."""
    shape = tuple(shape)
    name = key.rsplit(".", 1)[-1]
    if np.dtype(dtype).kind in "iu":
        return np.full(shape, 3, dtype)
    rng = _rng(key)
    if name == "running_var":
        value = 0.5 + rng.random(shape, dtype=np.float32)
    elif name == "running_mean" or name == "bias":
        value = 0.1 * rng.standard_normal(shape, dtype=np.float32)
    elif len(shape) == 1:
        value = 1.0 + 0.1 * rng.standard_normal(shape, dtype=np.float32)
    else:
        value = rng.standard_normal(shape, dtype=np.float32) * np.float32(1.0 / np.sqrt(np.prod(shape[1:])))
    return value.astype(dtype)


def fixture_state_dict(shapes):
    """``{key: array}`` from ``{key: (shape, dtype name)}``."""
    return {k: fixture_value(k, shape, dtype) for k, (shape, dtype) in shapes.items()}


def fixture_input(case):
    """The case's input batch (float32, standard normal)."""
    return _rng(case + "/input").standard_normal(CASES[case][4], dtype=np.float32)


def transform_pixels():
    """The (250, 300, 3) uint8 RGB image the weights' preset transforms are checked on."""
    return np.random.default_rng(0).integers(0, 256, (250, 300, 3), dtype=np.uint8)


def fixture_projection(case, field, shape):
    """Fixed weights that reduce output ``field`` to the scalar whose gradients the fixture records."""
    return _rng(f"{case}/proj/{field}").standard_normal(tuple(shape), dtype=np.float32)
