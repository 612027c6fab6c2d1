"""The experiments' networks, written the PyTorch way on torchlike."""
from .adapt import DomainClassifier, GradientReversal, grad_reverse  # noqa: F401
from .gan import Discriminator, Generator  # noqa: F401
from .lenet import LeNet  # noqa: F401
