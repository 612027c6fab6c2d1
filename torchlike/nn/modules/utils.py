"""torch.nn.modules.utils: ``_ntuple(n, name)`` makes a parser turning a scalar into an n-tuple (an
iterable is returned as a tuple, unchanged in length); ``_single``/``_pair``/``_triple``/``_quadruple``
are its n = 1..4 forms; ``_reverse_repeat_tuple`` as in torch."""
import collections.abc
from itertools import repeat

__all__ = []


def _ntuple(n, name="parse"):
    def parse(x):
        if isinstance(x, collections.abc.Iterable):
            return tuple(x)
        return tuple(repeat(x, n))

    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")


def _reverse_repeat_tuple(t, n):
    """Reverse ``t`` and repeat each element ``n`` times (torch's helper for F.pad's padding order)."""
    return tuple(x for x in reversed(t) for _ in range(n))


def consume_prefix_in_state_dict_if_present(state_dict, prefix):
    """torch.nn.modules.utils.consume_prefix_in_state_dict_if_present: strip ``prefix`` (e.g. DataParallel's
    ``"module."``) from the keys of ``state_dict`` in place, and from its ``_metadata`` keys if present."""
    for key in list(state_dict):
        if key.startswith(prefix):
            state_dict[key[len(prefix):]] = state_dict.pop(key)
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is not None:
        for key in list(metadata):
            if key and (key == prefix.replace(".", "") or key.startswith(prefix)):
                metadata[key[len(prefix):]] = metadata.pop(key)
