"""torchvision.models._api: pretrained-weights descriptions and the model registry.

``Weights``/``WeightsEnum``, ``register_model``, ``list_models``, ``get_model``, ``get_model_builder``,
``get_model_weights`` and ``get_weight`` behave as in torchvision 0.29. ``WeightsEnum.get_state_dict``
reads the checkpoint through ``torchlike.hub.load_state_dict_from_url`` (the hub cache, then a download).
"""
import fnmatch
import importlib
import inspect
import typing
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import Callable

from ... import hub
from ..._x64 import scoped

__all__ = ["WeightsEnum", "Weights", "get_model", "get_model_builder", "get_model_weights", "get_weight",
           "list_models"]


@dataclass
class Weights:
    """torchvision's Weights: the checkpoint ``url``, a ``transforms`` constructor (usually a
    ``functools.partial`` of a preset, called as ``transforms()``) and the ``meta`` dict (categories,
    num_params, min_size, recipe, _metrics, _docs ...)."""

    url: str
    transforms: Callable
    meta: dict

    def __eq__(self, other):
        # Two partials of the same preset and arguments are equal (deepcopy and unpickling of enum members
        # compare values), as in torchvision.
        if not isinstance(other, Weights):
            return NotImplemented
        if self.url != other.url or self.meta != other.meta:
            return False
        a, b = self.transforms, other.transforms
        if isinstance(a, partial) and isinstance(b, partial):
            return (a.func, a.args, a.keywords) == (b.func, b.args, b.keywords)
        return a == b


class WeightsEnum(Enum):
    """torchvision's WeightsEnum: the base of every ``*_Weights`` enum; members expose ``url``,
    ``transforms`` and ``meta``, ``DEFAULT`` is an alias of the recommended member."""

    @classmethod
    def verify(cls, obj):
        """``None``, a member of this enum, or its name (``"IMAGENET1K_V1"`` or ``"ResNet18_Weights.IMAGENET1K_V1"``)
        as a member; anything else is a TypeError."""
        if obj is None:
            return None
        if type(obj) is str:
            return cls[obj.replace(cls.__name__ + ".", "")]
        if not isinstance(obj, cls):
            raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} but received "
                            f"{obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args, **kwargs):
        """The checkpoint's state dict, via ``torchlike.hub.load_state_dict_from_url(self.url, ...)``."""
        return hub.load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self):
        return self.value.url

    @property
    def transforms(self):
        return self.value.transforms

    @property
    def meta(self):
        return self.value.meta


def _model_modules():
    base = importlib.import_module(__name__.rsplit(".", 1)[0])
    return [base] + [m for _, m in inspect.getmembers(base, inspect.ismodule)
                     if (getattr(m, "__file__", None) or "").endswith("__init__.py")]


def get_weight(name):
    """torchvision.models.get_weight: the member named ``"<Enum>.<MEMBER>"``, e.g.
    ``get_weight("ResNet50_Weights.IMAGENET1K_V1")``."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    for module in _model_modules():
        candidate = module.__dict__.get(enum_name)
        if isinstance(candidate, type) and issubclass(candidate, WeightsEnum):
            return candidate[value_name]
    raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")


def _get_enum_from_fn(fn):
    """The WeightsEnum class in the annotation of ``fn``'s ``weights`` parameter."""
    params = inspect.signature(fn).parameters
    if "weights" not in params:
        raise ValueError("The method is missing the 'weights' argument.")
    ann = params["weights"].annotation
    for t in (ann, *typing.get_args(ann)):
        if isinstance(t, type) and issubclass(t, WeightsEnum):
            return t
    raise ValueError("The WeightsEnum class for the specific method couldn't be retrieved. Make sure the typing "
                     "info is correct.")


def get_model_weights(name):
    """torchvision.models.get_model_weights: the weights enum class of a builder or registered name."""
    return _get_enum_from_fn(get_model_builder(name) if isinstance(name, str) else name)


BUILTIN_MODELS = {}


def register_model(name=None):
    """Decorator registering a model builder under ``name`` (default: the function's name)."""
    def wrapper(fn):
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        fn = BUILTIN_MODELS[key] = scoped(fn)  # the registry and the module share one (64-bit JAX) function
        return fn

    return wrapper


def _filter(names, patterns):
    if isinstance(patterns, str):
        patterns = [patterns]
    return set().union(*(fnmatch.filter(names, p) for p in patterns))


def list_models(module=None, include=None, exclude=None):
    """torchvision.models.list_models: sorted registered names, optionally only those whose builder lives in
    ``module``, kept by the fnmatch patterns ``include`` and dropped by ``exclude``."""
    all_models = {k for k, v in BUILTIN_MODELS.items()
                  if module is None or v.__module__.rsplit(".", 1)[0] == module.__name__}
    models = _filter(all_models, include) if include else all_models
    if exclude:
        models = models - _filter(all_models, exclude)
    return sorted(models)


def get_model_builder(name):
    """torchvision.models.get_model_builder: the builder registered under ``name`` (case-insensitive)."""
    name = name.lower()
    try:
        return BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name, **config):
    """torchvision.models.get_model: ``get_model_builder(name)(**config)``."""
    return get_model_builder(name)(**config)

