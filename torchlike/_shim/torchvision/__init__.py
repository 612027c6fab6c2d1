"""Imported instead of torchvision in processes started under ``python -m torchlike``: installs
torchlike's import alias and becomes torchlike.vision (see torchlike/_alias.py)."""
import sys

import torchlike.vision
from torchlike._alias import install_as_torch

install_as_torch()
sys.modules[__name__] = torchlike.vision
