"""torchvision.models._utils: helpers shared by the model builders.

``handle_legacy_interface`` (the deprecated ``pretrained=True`` keyword and positional arguments),
``_ovewrite_named_param``/``_ovewrite_value_param`` (``num_classes`` from the weights' categories),
``_make_divisible`` and ``IntermediateLayerGetter`` behave as torchvision 0.29's, warnings and errors included.
"""
import functools
import inspect
import warnings
from collections import OrderedDict
from typing import Optional

from ... import nn
from ._api import WeightsEnum, register_model


def _sequence_to_str(seq, separate_last=""):
    if not seq:
        return ""
    if len(seq) == 1:
        return f"'{seq[0]}'"
    head = "'" + "', '".join(str(item) for item in seq[:-1]) + "'"
    return head + f"{'' if separate_last and len(seq) == 2 else ','} {separate_last}'{seq[-1]}'"


class IntermediateLayerGetter(nn.ModuleDict):
    """torchvision's IntermediateLayerGetter: the children of ``model`` up to the last one named in
    ``return_layers``; ``forward`` returns an OrderedDict of the named children's outputs under their new names."""

    _version = 2

    def __init__(self, model, return_layers):
        if not set(return_layers).issubset([name for name, _ in model.named_children()]):
            raise ValueError("return_layers are not present in model")
        orig_return_layers = return_layers
        remaining = {str(k): str(v) for k, v in return_layers.items()}
        layers = OrderedDict()
        for name, module in model.named_children():
            layers[name] = module
            remaining.pop(name, None)
            if not remaining:
                break
        super().__init__(layers)
        self.return_layers = orig_return_layers

    def forward(self, x):
        out = OrderedDict()
        for name, module in self.items():
            x = module(x)
            if name in self.return_layers:
                out[self.return_layers[name]] = x
        return out


def _make_divisible(v, divisor, min_value=None):
    """``v`` rounded to the nearest multiple of ``divisor`` (at least ``min_value``, default ``divisor``),
    rounded up once more when that loses over 10% (the TF MobileNet rule)."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def kwonly_to_pos_or_kw(fn):
    """Let ``fn``'s keyword-only parameters also be passed positionally, with torchvision's deprecation warning."""
    params = tuple(inspect.signature(fn).parameters.values())
    start = next((i for i, p in enumerate(params) if p.kind == p.KEYWORD_ONLY), None)
    if start is None:
        raise TypeError(f"Found no keyword-only parameter on function '{fn.__name__}'")
    keyword_only = tuple(p.name for p in params[start:])

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        args, extra = args[:start], args[start:]
        if extra:
            moved = dict(zip(keyword_only, extra))
            warnings.warn(f"Using {_sequence_to_str(tuple(moved), separate_last='and ')} as positional parameter(s) "
                          "is deprecated since 0.13 and may be removed in the future. Please use keyword "
                          "parameter(s) instead.")
            kwargs.update(moved)
        return fn(*args, **kwargs)

    return wrapper


def handle_legacy_interface(**weights):
    """Decorator giving a builder torchvision's legacy interface: ``weights_param=(legacy_name, default)``
    maps ``legacy_name=True`` (e.g. ``pretrained=True``) or a positional bool to ``default`` (a WeightsEnum
    member, or a callable of the keyword arguments returning one) with torchvision's warnings, and
    ``False`` to ``None``."""

    def outer_wrapper(builder):
        @kwonly_to_pos_or_kw
        @functools.wraps(builder)
        def inner_wrapper(*args, **kwargs):
            for weights_param, (pretrained_param, default) in weights.items():
                sentinel = object()
                weights_arg = kwargs.get(weights_param, sentinel)
                if ((weights_param not in kwargs and pretrained_param not in kwargs)
                        or isinstance(weights_arg, WeightsEnum)
                        or (isinstance(weights_arg, str) and weights_arg != "legacy")
                        or weights_arg is None):
                    continue
                # A positional legacy bool arrives under the new name (kwonly_to_pos_or_kw maps by position).
                pretrained_positional = weights_arg is not sentinel
                if pretrained_positional:
                    kwargs[pretrained_param] = kwargs.pop(weights_param)
                pretrained_arg = kwargs[pretrained_param]
                if pretrained_arg:
                    default_weights_arg = default(kwargs) if callable(default) else default
                    if not isinstance(default_weights_arg, WeightsEnum):
                        raise ValueError(f"No weights available for model {builder.__name__}")
                else:
                    default_weights_arg = None
                if not pretrained_positional:
                    warnings.warn(f"The parameter '{pretrained_param}' is deprecated since 0.13 and may be removed "
                                  f"in the future, please use '{weights_param}' instead.")
                msg = (f"Arguments other than a weight enum or `None` for '{weights_param}' are deprecated since "
                       f"0.13 and may be removed in the future. The current behavior is equivalent to passing "
                       f"`{weights_param}={default_weights_arg}`.")
                if pretrained_arg:
                    msg += (f" You can also use `{weights_param}={type(default_weights_arg).__name__}.DEFAULT` "
                            "to get the most up-to-date weights.")
                warnings.warn(msg)
                del kwargs[pretrained_param]
                kwargs[weights_param] = default_weights_arg
            return builder(*args, **kwargs)

        return inner_wrapper

    return outer_wrapper


def _ovewrite_named_param(kwargs, param, new_value):
    """Set ``kwargs[param] = new_value``; a different value already there is a ValueError."""
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead.")
    else:
        kwargs[param] = new_value


def _ovewrite_value_param(param, actual, expected):
    """``expected``; a different non-None ``actual`` is a ValueError."""
    if actual is not None and actual != expected:
        raise ValueError(f"The parameter '{param}' expected value {expected} but got {actual} instead.")
    return expected


def _load_weights(model, weights, progress):
    """Load ``weights``' checkpoint (hub cache, else a download) into ``model``, as the builders do."""
    model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))


def _num_classes_from(weights, kwargs):
    """With ``weights`` that have categories, ``kwargs["num_classes"]`` becomes their number (a conflicting
    value is a ValueError)."""
    if weights is not None and weights.meta["categories"] is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))


def _with_weights(constructor, weights, progress, *args, **kwargs):
    """``constructor(*args, **kwargs)``; with ``weights``, ``num_classes`` comes from their categories
    and their checkpoint is loaded into the model."""
    _num_classes_from(weights, kwargs)
    model = constructor(*args, **kwargs)
    if weights is not None:
        _load_weights(model, weights, progress)
    return model


def _builder(module, name, weights_enum, build, doc):
    """A registered torchvision builder ``name(*, weights=None, progress=True, **kwargs)`` returning
    ``build(weights_enum.verify(weights), progress, **kwargs)``, with the legacy ``pretrained=True``
    keyword mapped to ``IMAGENET1K_V1`` as torchvision does; its ``weights`` annotation names the enum
    (``get_model_weights`` reads it)."""
    def builder(*, weights: Optional[weights_enum] = None, progress: bool = True, **kwargs):
        return build(weights_enum.verify(weights), progress, **kwargs)

    builder.__name__ = builder.__qualname__ = name
    builder.__module__ = module
    builder.__doc__ = doc
    return register_model()(handle_legacy_interface(weights=("pretrained", weights_enum.IMAGENET1K_V1))(builder))
