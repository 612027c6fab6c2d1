"""torchvision.models: classification architectures, their pretrained-weights enums and the model registry."""
from ._api import Weights, WeightsEnum, get_model, get_model_builder, get_model_weights, get_weight, list_models  # noqa
from .alexnet import *  # noqa: E402,F401,F403
from .densenet import *  # noqa: E402,F401,F403
from .efficientnet import *  # noqa: E402,F401,F403
from .googlenet import *  # noqa: E402,F401,F403
from .inception import *  # noqa: E402,F401,F403
from .mobilenetv2 import *  # noqa: E402,F401,F403
from .mobilenetv3 import *  # noqa: E402,F401,F403
from .resnet import *  # noqa: E402,F401,F403
from .shufflenetv2 import *  # noqa: E402,F401,F403
from .squeezenet import *  # noqa: E402,F401,F403
from .vgg import *  # noqa: E402,F401,F403
from .vision_transformer import *  # noqa: E402,F401,F403
