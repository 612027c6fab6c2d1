"""The experiments' networks: the same source run under torch 2.13 and torchlike gives the same
repr, state_dict layout, outputs and gradients (weights copied from torch)."""
import pathlib

import numpy as np
import pytest
import torch

import models
from parity import assert_same, rand

SOURCE = pathlib.Path(models.__file__).parent


def torch_version(module_name, class_name):
    """Load a models/ file with ``torchlike`` replaced by ``torch``: the reference network."""
    namespace = {}
    exec(compile((SOURCE / f"{module_name}.py").read_text().replace("torchlike", "torch"), module_name, "exec"),
         namespace)
    return namespace[class_name]


@pytest.mark.parametrize("module_name, class_name, shape", [
    ("lenet", "LeNet", (4, 1, 28, 28)),
    ("gan", "Generator", (4, 100)),
    ("gan", "Discriminator", (4, 784)),
])
def test_model_parity(module_name, class_name, shape):
    import torchlike
    ours, ref = getattr(models, class_name)(), torch_version(module_name, class_name)()
    assert repr(ours) == repr(ref)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in ref.state_dict().items()]
    ours.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in ref.state_dict().items()})
    ours.eval(), ref.eval()  # dropout off; BatchNorm uses running stats
    x = rand(*shape)
    tx, lx = torch.tensor(x, requires_grad=True), torchlike.tensor(x, requires_grad=True)
    t_out, l_out = ref(tx), ours(lx)
    assert_same(t_out, l_out, tol=(1e-4, 1e-5))
    t_out.sum().backward()
    l_out.sum().backward()
    assert_same(tx.grad, lx.grad, tol=(1e-4, 1e-5))
    for (name, tp), (_, lp) in zip(ref.named_parameters(), ours.named_parameters()):
        assert_same(tp.grad, lp.grad, tol=(1e-4, 1e-4), what=name)


def test_lenet_train_mode_updates_batchnorm():
    import torchlike
    ours, ref = models.LeNet(), torch_version("lenet", "LeNet")()
    ours.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in ref.state_dict().items()})
    x = rand(8, 1, 28, 28)
    for _ in range(2):
        ref(torch.tensor(x)), ours(torchlike.tensor(x))
    for key in ("bn1.running_mean", "bn2.running_var", "bn1.num_batches_tracked"):
        np.testing.assert_allclose(ours.state_dict()[key].numpy(), ref.state_dict()[key].numpy(), rtol=1e-4,
                                   atol=1e-5)
