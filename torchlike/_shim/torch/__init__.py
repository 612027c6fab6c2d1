"""Imported instead of PyTorch in processes started under ``python -m torchlike``: installs
torchlike's import alias and becomes torchlike (see torchlike/_alias.py)."""
import sys

import torchlike
from torchlike._alias import install_as_torch

install_as_torch()
sys.modules[__name__] = torchlike
