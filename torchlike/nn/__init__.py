"""torch.nn: Module, containers, Parameter/Buffer, functional."""
from . import functional  # noqa: F401
from .modules import Module, ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential  # noqa: F401
from .parameter import Buffer, Parameter  # noqa: F401
