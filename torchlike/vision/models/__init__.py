"""torchvision.models: classification architectures, their pretrained-weights enums and the model registry."""
from ._api import Weights, WeightsEnum, get_model, get_model_builder, get_model_weights, get_weight, list_models  # noqa
