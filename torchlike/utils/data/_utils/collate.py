"""torch.utils.data._utils.collate: ``default_collate``/``default_convert`` (defined in
torchlike/utils/data/_collate.py); this module exists so torch's import path resolves."""
from .._collate import default_collate, default_convert  # noqa: F401
