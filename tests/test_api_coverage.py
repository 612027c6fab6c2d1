"""Every name the core issue lists exists, and how much of torch's Tensor API is covered."""
import pytest
import torch

import torchlike

TOP_LEVEL = """
dtype float32 float float64 double float16 half bfloat16 complex64 cfloat complex128 cdouble uint8 int8 int16 short
int32 int int64 long bool FloatTensor DoubleTensor HalfTensor BFloat16Tensor ByteTensor CharTensor ShortTensor
IntTensor LongTensor BoolTensor Tensor Size device layout strided get_default_dtype set_default_dtype
set_default_tensor_type promote_types result_type can_cast is_tensor is_floating_point is_complex numel finfo iinfo
zeros ones full empty eye arange linspace logspace zeros_like ones_like full_like empty_like tensor as_tensor asarray
from_numpy rand randn randint normal randperm bernoulli multinomial poisson rand_like randn_like randint_like
manual_seed seed initial_seed get_rng_state set_rng_state Generator
abs add sub mul div true_divide floor_divide remainder fmod neg pow exp log sqrt sin cos tanh sigmoid clamp clip
sum mean prod std var norm logsumexp all any max min argmax argmin amax amin std_mean var_mean median mode cumsum
eq ne lt le gt ge isclose allclose equal sort argsort topk kthvalue unique maximum minimum isnan isinf isfinite
cat concat stack hstack vstack dstack gather scatter scatter_add index_select masked_select where narrow flip roll
tril triu nonzero take chunk split unbind squeeze unsqueeze reshape transpose permute movedim t flatten
matmul mm bmm einsum outer dot mv addmm baddbmm tensordot kron
no_grad enable_grad set_grad_enabled inference_mode is_grad_enabled set_printoptions
""".split()

TENSOR = """
dtype device layout shape size dim numel item tolist numpy view reshape transpose permute contiguous flatten squeeze
unsqueeze expand repeat chunk split clone detach new_tensor new_full new_empty new_ones new_zeros to cpu cuda type
float double half long int bool add_ mul_ zero_ fill_ copy_ clamp_ masked_fill_ requires_grad grad grad_fn is_leaf
backward register_hook retain_grad detach_ requires_grad_ stride storage_offset is_contiguous data
""".split()


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_top_level_name(name):
    assert hasattr(torch, name), f"torch has no {name}: fix the list"
    assert hasattr(torchlike, name), f"torchlike.{name} is missing"


@pytest.mark.parametrize("name", TENSOR)
def test_tensor_attribute(name):
    assert hasattr(torchlike.Tensor, name), f"Tensor.{name} is missing"


@pytest.mark.parametrize("module", ["cuda", "accelerator", "autograd", "random", "nn"])
def test_submodules(module):
    assert hasattr(torchlike, module)


def test_coverage_report(capsys):
    """Prints how many of torch.Tensor's public methods and of the torch namespace's public
    functions torchlike provides (sparse/quantized/linalg-decomposition names are not in scope yet)."""
    tensor_names = [n for n in dir(torch.Tensor) if not n.startswith("_")]
    have_tensor = [n for n in tensor_names if hasattr(torchlike.Tensor, n)]
    functions = [n for n in dir(torch) if not n.startswith("_") and callable(getattr(torch, n))
                 and getattr(getattr(torch, n), "__module__", "torch") in ("torch", "torch.functional", None)]
    have_functions = [n for n in functions if hasattr(torchlike, n)]
    with capsys.disabled():
        print(f"\ntorch.Tensor public attributes covered: {len(have_tensor)}/{len(tensor_names)}; "
              f"torch.* public functions covered: {len(have_functions)}/{len(functions)}")
    assert len(have_tensor) / len(tensor_names) > 0.75
