"""The models of the torchvision model parity fixtures, part B (MobileNet V2/V3, EfficientNet, ShuffleNetV2,
Vision Transformer), numpy only.

tests/fixtures/make_torchvision_models_b_fixtures.py (run with torchvision) and tests/test_vision_models_b.py
(run with torchlike) build the same models; their weights are the deterministic state dicts of
tests/models_fixture_weights.py. ``CASES`` entries: (module, callable, args, kwargs, input shape); a list
``["@Name", *args]`` in the arguments stands for ``module.Name(*args)``. MobileNet V2/V3 and EfficientNet are
shallow configurations of their classes covering every block kind (the full ImageNet depths make the float32
gradients of these synthetic weights ill-conditioned: torchvision's own float32 and float64 input gradients of
mobilenet_v2 at 64x64 differ by 5%); every builder's full architecture is checked by keys, shapes and repr.
"""
import zlib

import numpy as np

CASES = {
    "mobilenet_v2": ("mobilenetv2", "MobileNetV2", [],
                     {"num_classes": 10, "inverted_residual_setting": [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 2, 2]]},
                     (2, 3, 32, 32)),
    "mobilenet_v3": ("mobilenetv3", "MobileNetV3",
                     [[["@InvertedResidualConfig", 16, 3, 16, 16, True, "RE", 2, 1, 1.0],
                       ["@InvertedResidualConfig", 16, 3, 72, 24, False, "RE", 2, 1, 1.0],
                       ["@InvertedResidualConfig", 24, 5, 96, 24, True, "HS", 1, 1, 1.0],
                       ["@InvertedResidualConfig", 24, 5, 96, 40, True, "HS", 1, 2, 1.0]], 64],
                     {"num_classes": 10}, (2, 3, 32, 32)),
    "efficientnet": ("efficientnet", "EfficientNet",
                     [[["@MBConvConfig", 1, 3, 1, 32, 16, 1], ["@MBConvConfig", 6, 5, 2, 16, 24, 2],
                       ["@FusedMBConvConfig", 1, 3, 1, 24, 24, 1], ["@FusedMBConvConfig", 4, 3, 2, 24, 32, 2]], 0.2],
                     {"num_classes": 10}, (2, 3, 32, 32)),
    "shufflenet_v2_x0_5": ("shufflenetv2", "shufflenet_v2_x0_5", [], {"num_classes": 10}, (2, 3, 64, 64)),
    "vit_small": ("vision_transformer", "VisionTransformer", [],
                  {"image_size": 32, "patch_size": 16, "num_layers": 2, "num_heads": 4, "hidden_dim": 64,
                   "mlp_dim": 128, "num_classes": 10, "representation_size": 32}, (2, 3, 32, 32)),
}

# Parameters whose gradient the fixture records.
GRAD_PARAMS = {
    "mobilenet_v2": ["features.0.0.weight", "features.3.conv.1.0.weight", "classifier.1.weight"],
    "mobilenet_v3": ["features.0.0.weight", "features.3.block.2.fc1.weight", "classifier.3.weight"],
    "efficientnet": ["features.0.0.weight", "features.2.1.block.2.fc2.weight", "features.4.1.block.0.0.weight",
                     "classifier.1.weight"],
    "shufflenet_v2_x0_5": ["conv1.0.weight", "stage2.1.branch2.3.weight", "fc.weight"],
    "vit_small": ["conv_proj.weight", "class_token", "encoder.pos_embedding",
                  "encoder.layers.encoder_layer_0.self_attention.in_proj_weight",
                  "encoder.layers.encoder_layer_1.mlp.0.weight", "heads.pre_logits.weight"],
}


def fixture_input(case):
    """The case's input batch (float32, standard normal)."""
    return np.random.default_rng(zlib.crc32(f"b/{case}/input".encode())).standard_normal(
        CASES[case][4], dtype=np.float32)


def build_case(case, module):
    """``CASES[case]``'s model, built from ``module`` (torchvision's or torchlike's models module of the case)."""
    _, fn, args, kwargs, _ = CASES[case]

    def resolve(value):
        if isinstance(value, list):
            if value and isinstance(value[0], str) and value[0].startswith("@"):
                return getattr(module, value[0][1:])(*[resolve(v) for v in value[1:]])
            return [resolve(v) for v in value]
        return value
    return getattr(module, fn)(*resolve(args), **{k: resolve(v) for k, v in kwargs.items()})
