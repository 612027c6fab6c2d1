"""Lazy BatchNorm/InstanceNorm: repr before the first call, materialisation, outputs and running
statistics equal torch's."""
import numpy as np
import pytest
import torch

import torchlike
from parity import assert_same, rand


@pytest.mark.parametrize("name, shape", [
    ("LazyBatchNorm1d", (4, 3)), ("LazyBatchNorm2d", (4, 3, 5, 5)), ("LazyBatchNorm3d", (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (2, 3, 5)), ("LazyInstanceNorm2d", (2, 3, 4, 4)), ("LazyInstanceNorm3d", (2, 3, 2, 2, 2)),
])
def test_lazy_norm(name, shape):
    kwargs = {"affine": True, "track_running_stats": True} if "Instance" in name else {"momentum": 0.2}
    ours, ref = getattr(torchlike.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(ref)
    x = rand(*shape)
    for _ in range(2):
        assert_same(ref(torch.tensor(x)), ours(torchlike.tensor(x)), tol=(1e-5, 1e-5))
    assert type(ours).__name__ == type(ref).__name__ and repr(ours) == repr(ref)
    for (k, v), (k2, w) in zip(ref.state_dict().items(), ours.state_dict().items()):
        assert k == k2
        np.testing.assert_allclose(w.numpy(), v.numpy(), rtol=1e-5, atol=1e-6)
