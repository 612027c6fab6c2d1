"""torch.utils.model_zoo: the legacy name of ``torchlike.hub.load_state_dict_from_url`` (``load_url``)."""
from ..hub import load_state_dict_from_url as load_url  # noqa: F401
