"""torch.save / torch.load in PyTorch's checkpoint formats, without torch.

A checkpoint is a zip archive ``<name>/`` holding ``data.pkl`` (a protocol-2 pickle whose
tensors refer, by persistent id ``('storage', torch.<Dtype>Storage, key, location, numel)``,
to raw little-endian storages ``data/<key>``, each 64-byte aligned), ``byteorder`` and
``version``, as torch 2.x writes it, so each side reads the other's files. Tensors that view
one root share one storage, written once, and are views of one storage again after a load.
torch's legacy stream format (``_use_new_zipfile_serialization=False``) is read and written
too. ``load`` is ``weights_only=True`` by default, with torch's allowlist
(:func:`add_safe_globals`); see :func:`load` for the errors it raises.

Deviations: storages are CRC-checked on load (torch does not check them); big-endian
checkpoints and torch's pre-0.4 tar format are not read; tensor subclasses other than
Parameter and Python attributes on tensors are not saved.
"""
from ._load import load
from ._save import save
from ._unpickler import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals"]
