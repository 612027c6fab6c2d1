"""torch.device parsing/equality/printing, tensor placement, torch.cuda and torch.accelerator."""
import pickle

import pytest
import torch

import torchlike
from parity import expect_error

SPECS = [("cpu",), ("cuda:1",), ("cuda", 2), ("cpu", 0), ("mps",), ("meta",), ("xpu:0",), ("cuda:10",)]


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_device_parsing(spec):
    t, l = torch.device(*spec), torchlike.device(*spec)
    assert (l.type, l.index, str(l), repr(l)) == (t.type, t.index, str(t), repr(t))
    assert torchlike.device(l) == l and hash(torchlike.device(str(l))) == hash(l)
    assert pickle.loads(pickle.dumps(l)) == l


def test_device_equality():
    for L in (torch, torchlike):
        assert L.device("cpu") == L.device("cpu", None) and L.device("cuda:0") != L.device("cuda")
        assert L.device("cuda", 1) == L.device("cuda:1") and len({L.device("cpu"), L.device("cpu")}) == 1
        assert L.device("cpu") != "cpu"


ERRORS = {
    "unknown_type": lambda L: L.device("gpu"),
    "upper_case": lambda L: L.device("CUDA"),
    "bad_index": lambda L: L.device("cuda:x"),
    "leading_zero": lambda L: L.device("cuda:01"),
    "whitespace": lambda L: L.device(" cuda"),
    "two_indices": lambda L: L.device("cuda:1:2"),
    "negative_string": lambda L: L.device("cuda:-1"),
    "negative_index": lambda L: L.device("cuda", -1),
    "index_twice": lambda L: L.device("cuda:1", 1),
    "float": lambda L: L.device(1.5),
    "none": lambda L: L.device(None),
    "int_without_accelerator": lambda L: L.device(0),
}


@pytest.mark.parametrize("name", ERRORS)
def test_device_errors(name):
    t_err, l_err = expect_error(ERRORS[name])
    assert str(l_err).split("\n")[0] == str(t_err).split("\n")[0]


def test_tensor_placement():
    for L in (torch, torchlike):
        a = L.tensor([1.0])
        assert a.device == L.device("cpu") and not a.is_cuda and a.is_cpu and a.get_device() == -1
        assert a.cpu().device == a.to("cpu").device == L.zeros(2, device=L.device("cpu")).device
        assert str(a.to(L.device("cpu"), L.float64).dtype) == "torch.float64"
        assert L.ones(2, device="cpu").device.type == L.rand(2, device="cpu").device.type == "cpu"


def test_missing_device_raises_naming_available_devices():
    """torch's CPU build raises AssertionError; here JAX has no GPU, which is a RuntimeError
    that says which devices exist."""
    for make in (lambda: torchlike.ones(2).to("cuda"), lambda: torchlike.ones(2).cuda(),
                 lambda: torchlike.zeros(2, device="cuda:1"), lambda: torchlike.tensor([1], device="cuda"),
                 lambda: torchlike.ones(1).to("meta")):
        with pytest.raises(RuntimeError, match=r"is not available: this JAX installation sees cpu"):
            make()


def test_cuda_module():
    assert torchlike.cuda.is_available() is torch.cuda.is_available() is False
    assert torchlike.cuda.device_count() == torch.cuda.device_count() == 0
    for fn in (torchlike.cuda.current_device, torchlike.cuda.get_device_name):
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            fn()
    torchlike.cuda.manual_seed(3)
    a = torchlike.rand(3)
    torchlike.cuda.manual_seed_all(3)
    assert torchlike.initial_seed() == 3 and torchlike.rand(3).tolist() == a.tolist()
    torchlike.ones(2).add(1)
    assert torchlike.cuda.synchronize() is None


def test_accelerator_module():
    assert torchlike.accelerator.is_available() is torch.accelerator.is_available() is False
    assert torchlike.accelerator.current_accelerator() is torch.accelerator.current_accelerator() is None
    assert torchlike.accelerator.device_count() == torch.accelerator.device_count() == 0


def test_generator_on_missing_device():
    with pytest.raises(RuntimeError):
        torchlike.Generator(device="cuda")
    assert torchlike.Generator(device=torchlike.device("cpu")).device == torchlike.device("cpu")


def test_device_kind_flags_match_torch_on_cpu():
    import torch
    for flag in ("is_cuda", "is_cpu", "is_xpu", "is_mps", "is_ipu", "is_mtia", "is_maia", "is_vulkan",
                 "is_xla", "is_mkldnn", "is_sparse", "is_sparse_csr", "is_quantized"):
        assert getattr(torchlike.ones(2), flag) == getattr(torch.ones(2), flag), flag
