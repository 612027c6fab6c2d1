"""Every name the core issue lists exists, and how much of torch's Tensor API is covered."""
import re
import types

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


# Names of dir(torch) that are no user API of a CPU/JAX backend, left out of the namespace metric.
# Each rule is a regex over the name and the reason it is out of scope.
NOT_USER_API = [
    # modules of Python's standard library that torch/__init__.py happens to import
    (r"builtins|ctypes|functools|glob|importlib|inspect|math|os|platform|sys|textwrap|threading|warnings|torch"
     r"|TYPE_CHECKING|USE_GLOBAL_DEPS|USE_RTLD_GLOBAL_WITH_LIBTORCH|PRIVATE_OPS|classproperty",
     "stdlib modules and build flags torch/__init__.py leaves in its namespace"),
    # TorchScript's IR, type system and compiler/runtime objects bound from torch._C
    (r"Graph|Node|Block|Value|Use|.*Type|Script.*|FunctionSchema|Argument|ArgumentSpec|CompleteArgumentSpec"
     r"|AliasDb|CompilationUnit|ConcreteModuleType.*|DeepCopyMemoTable|ErrorReport|ExecutionPlan|FileCheck"
     r"|GraphExecutorState|Gradient|IODescriptor|InferredType|JITException|LiteScriptModule|.*Logger"
     r"|OperatorInfo|PyTorchFileReader|PyTorchFileWriter|.*StorageContext|StaticModule|TracingState|CallStack"
     r"|Capsule|Code|Benchmark.*|ThroughputBenchmark|DispatchKey|DispatchKeySet|ExcludeDispatchKeyGuard"
     r"|DisableTorchFunction.*|Tag|AggregationType|AVG|SUM|BufferDict|ModuleDict|ParameterDict|import_ir_module.*"
     r"|parse_ir|parse_schema|parse_type_comment|merge_type_from_type_comment|unify_type_list",
     "TorchScript IR / compiler / dispatcher internals from torch._C"),
    # kernels of one hardware vendor's library, and build queries about them
    (r"cudnn_.*|miopen_.*|mkldnn_.*|fbgemm_.*|has_mkl|has_openmp|has_lapack|has_spectral"
     r"|profiler_allow_cudagraph_cupti_lazy_reinit_cuda12",
     "backend-vendor kernels (cuDNN, MIOpen, oneDNN, FBGEMM) and build flags"),
    # quantized tensors and their kernels
    (r"q_.*|quantize_.*|quantized_.*|qint.*|quint.*|Q.*Storage|qscheme|fake_quantize_.*|per_channel_.*"
     r"|per_tensor_.*|dequantize|int_repr|choose_qparams_optimized|fused_moving_avg_obs_fake_quant"
     r"|empty_quantized|quantization|ao",
     "quantization internals (torch.ao / quantized tensors)"),
    # symbolic-shape helpers of torch.compile/export
    (r"sym_.*|Sym.*", "symbolic-shape (SymInt) helpers of the compiler"),
]
_NOT_USER_API = re.compile("|".join(f"(?:{rule})" for rule, _ in NOT_USER_API))


def _kind(obj):
    if isinstance(obj, types.ModuleType):
        return "submodules"
    if isinstance(obj, type):
        return "classes"
    if isinstance(obj, torch.dtype):
        return "dtypes"
    return "functions" if callable(obj) else "constants"


def namespace_coverage(exclude=True):
    """{kind: (covered, total, missing names)} over the public names of ``dir(torch)``; with
    ``exclude``, the names matched by NOT_USER_API are left out."""
    result = {}
    for name in dir(torch):
        if name.startswith("_") or (exclude and _NOT_USER_API.fullmatch(name)):
            continue
        covered, total, missing = result.setdefault(_kind(getattr(torch, name)), [0, 0, []])
        result[_kind(getattr(torch, name))] = [covered + hasattr(torchlike, name), total + 1,
                                               missing + ([] if hasattr(torchlike, name) else [name])]
    return result


def test_coverage_report(capsys):
    """Prints how many of torch.Tensor's public methods and of the torch namespace's public
    names torchlike provides: every public name of ``dir(torch)`` by kind, raw and without the
    names NOT_USER_API rules out of scope (see its reasons)."""
    tensor_names = [n for n in dir(torch.Tensor) if not n.startswith("_")]
    have_tensor = [n for n in tensor_names if hasattr(torchlike.Tensor, n)]
    lines = [f"\ntorch.Tensor public attributes covered: {len(have_tensor)}/{len(tensor_names)}"]
    for exclude in (False, True):
        coverage = namespace_coverage(exclude)
        covered, total = (sum(v[i] for v in coverage.values()) for i in (0, 1))
        label = "without names that are no user API" if exclude else "raw, every public name"
        lines.append(f"torch.* {label}: {covered}/{total} = {covered / total:.1%} ("
                     + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(coverage.items())) + ")")
    with capsys.disabled():
        print("\n".join(lines))
    assert len(have_tensor) / len(tensor_names) > 0.75
