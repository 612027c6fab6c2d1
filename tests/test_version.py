"""torch.__version__: a TorchVersion comparing as a version with strings and tuples, as torch's."""
import operator

import pytest
from torch.torch_version import TorchVersion as TorchTorchVersion

import torchlike
from torchlike.torch_version import TorchVersion

OPERANDS = ["2.2", "2.13", "2.13.0", "2.13.0+cpu", "2.13.1", "2.9.9", "3", "1.13.1", (2, 1), (2, 13), (2, 13, 0),
            (2, 14), (10,)]


@pytest.mark.parametrize("version", ["2.13.0+cpu", "2.13.0", "1.9.0"])
@pytest.mark.parametrize("op", [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne])
def test_comparisons_match_torch(version, op):
    for other in OPERANDS:
        assert op(TorchVersion(version), other) == op(TorchTorchVersion(version), other), (version, op, other)


def test_torchlike_reports_the_torch_api_it_implements():
    v = torchlike.__version__
    assert isinstance(v, str) and v.startswith("2.13.0+torchlike.")
    assert v >= "2.0" and v > (2, 1) and v < "2.14" and int(v.split(".")[0]) == 2
    assert torchlike.version.__version__ is v and v.endswith(torchlike.version.torchlike)
