"""Random sampling (torch docs' "Random sampling") and the in-place samplers of Tensor.

Each op runs ONE cached kernel ``fn(statics..., key, params...) -> (new_key, sample)``: it
splits the generator's JAX key, samples, and the new key is stored back on the generator
(``generator=`` or the default one). Numbers are reproducible from a seed on every
platform but are not torch's bit for bit (a different generator algorithm). Deviations:
checks that would read tensor values back to the host (negative tensor ``std``, bernoulli
``p`` outside [0, 1], invalid multinomial weights) are not made.
"""
import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._dispatch import Kernel, apply
from .._legacy import _OPTION_NAMES
from .._tensor import _TYPE_NAMES, Tensor, tensor_method
from ..random import default_generator
from ._util import write_out
from .creation import factory_dtype, finish, size_param, sizes_arg, zeros

__all__ = ["rand", "randn", "randint", "randperm", "normal", "bernoulli", "multinomial", "poisson", "rand_like",
           "randn_like", "randint_like", "binomial"]


def sampler(name, n_statics=2):
    """Decorator: ``draw(*statics, key, *params)`` becomes a Kernel returning (new_key, sample)."""
    def wrap(draw):
        def fn(*args):
            key, sub = jax.random.split(args[n_statics])
            return key, draw(*args[:n_statics], sub, *args[n_statics + 1:])
        return Kernel(fn, name)
    return wrap


def sample(k, generator, params=(), statics=()):
    """Run sampler kernel ``k`` on the generator's key (autograd-recorded through ``params``)
    and advance the generator."""
    gen = default_generator if generator is None else generator
    key, out = apply(k, (gen._key, *params), statics)
    gen._key = key._data
    return out


# ---- samplers: each returns values of ``dtype`` and ``shape`` ----------------------------
def _real(dtype):
    """The real dtype to sample a (possibly complex) dtype's parts in."""
    return jnp.finfo(dtype).dtype


@sampler("UniformBackward0")
def _uniform(shape, dtype, key, low, high):
    if jnp.issubdtype(dtype, jnp.complexfloating):
        re, im = jax.random.uniform(key, (2,) + shape, _real(dtype), low, high)
        return jax.lax.complex(re, im)
    return jax.random.uniform(key, shape, dtype, low, high)


@sampler("NormalBackward0")
def _std_normal(shape, dtype, key):
    return jax.random.normal(key, shape, dtype)


def _normal_fn(shape, dtype, key, mean, std):
    """mean + std * N(0, 1). torch's derivative formulas give zero gradients w.r.t. mean and
    std (the node is recorded, the gradients are zeros), so the sample stops gradients."""
    return jax.lax.stop_gradient(mean + std * jax.random.normal(key, shape, dtype)).astype(dtype)


_NORMAL = {name: sampler(name)(_normal_fn) for name in ("NormalBackward0", "NormalBackward1", "NormalBackward2",
                                                           "NormalBackward3")}


@sampler("RandintBackward0")
def _randint(shape, dtype, key, low, high):
    return jax.random.randint(key, shape, low, high, jnp.int64).astype(dtype)


@sampler("RandpermBackward0")
def _randperm(shape, dtype, key):
    return jax.random.permutation(key, shape[0]).astype(dtype)


@sampler("BernoulliBackward0")
def _bernoulli(shape, dtype, key, p):
    return jax.random.bernoulli(key, p, shape).astype(dtype)


@sampler("PoissonBackward0")
def _poisson(shape, dtype, key, rate):
    return jax.random.poisson(key, rate, shape).astype(dtype)


@sampler("BinomialBackward0")
def _binomial(shape, dtype, key, count, prob):
    return jax.random.binomial(key, count, prob, shape).astype(dtype)


@sampler("ExponentialBackward0")
def _exponential(shape, dtype, key, lambd):
    return (jax.random.exponential(key, shape, dtype) / lambd).astype(dtype)


@sampler("GeometricBackward0")
def _geometric(shape, dtype, key, p):
    u = jax.random.uniform(key, shape, jnp.float64, jnp.finfo(jnp.float64).tiny, 1.0)
    return jnp.ceil(jnp.log(u) / jnp.log1p(-p)).astype(dtype)


@sampler("LogNormalBackward0")
def _log_normal(shape, dtype, key, mean, std):
    return jnp.exp(mean + std * jax.random.normal(key, shape, dtype)).astype(dtype)


@sampler("CauchyBackward0")
def _cauchy(shape, dtype, key, median, sigma):
    return (median + sigma * jax.random.cauchy(key, shape, dtype)).astype(dtype)


@sampler("MultinomialBackward0", n_statics=3)
def _multinomial(shape, dtype, replacement, key, probs):
    logits = jnp.log(probs.astype(jnp.float64))
    if replacement:
        return jax.random.categorical(key, logits[..., None, :], shape=shape).astype(dtype)
    keys = logits + jax.random.gumbel(key, logits.shape, jnp.float64)  # Gumbel top-k
    return jnp.argsort(-keys, axis=-1, stable=True)[..., :shape[-1]].astype(dtype)


# ---- argument checks ----------------------------------------------------------------------
def _not_implemented(kernel_name, dtype):
    return NotImplementedError(f'"{kernel_name}" not implemented for \'{_TYPE_NAMES[dtype]}\'')


def _float_only(dtype, kernel_name, complex_ok=True):
    """torch's NotImplementedError from ``kernel_name`` for an integer or bool (and, unless
    ``complex_ok``, a complex) ``dtype``."""
    if dtype.category < 2 or dtype.category == 3 and not complex_ok:
        raise _not_implemented(kernel_name, dtype)
    return dtype


def _int_range(low, high, dtype):
    """torch's random_ bounds check for [low, high) in ``dtype``."""
    if dtype.is_complex:
        raise RuntimeError("check_random_bounds handles only integral, floating-point and boolean types")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dtype.category < 2:
        lo, hi = (0, 1) if dtype is _dtype.bool else (np.iinfo(dtype.jax).min, np.iinfo(dtype.jax).max)
        if not lo <= high - 1 <= hi:
            raise RuntimeError(f"to - 1 is out of bounds for {_OPTION_NAMES[dtype]}")
        if not lo <= low <= hi:
            raise RuntimeError(f"from is out of bounds for {_OPTION_NAMES[dtype]}")


def _factory(k, size, dtype, generator, params, device, requires_grad, out=None):
    t = sample(k, generator, params, (size, dtype.jax))
    return finish(t, device, requires_grad, out)


# ---- torch.rand / randn / randint / randperm ----------------------------------------------
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """torch.rand: uniform on [0, 1)."""
    dtype = factory_dtype(dtype, out, _dtype.get_default_dtype())
    _float_only(dtype, "check_uniform_bounds")
    return _factory(_uniform, sizes_arg(size, "rand"), dtype, generator, (0.0, 1.0), device, requires_grad, out)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    """torch.randn: standard normal (complex: each part has variance 1/2, as in torch)."""
    dtype = factory_dtype(dtype, out, _dtype.get_default_dtype())
    shape = sizes_arg(size, "randn")
    if not np.prod(shape):  # torch's kernel (and its dtype check) runs only when there is a value to draw
        return zeros(shape, out=out, dtype=dtype, device=device, requires_grad=requires_grad)
    _float_only(dtype, "normal_kernel_cpu")
    return _factory(_std_normal, shape, dtype, generator, (), device, requires_grad, out)


def randint(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False):
    """torch.randint(high, size) / randint(low, high, size): integers in [low, high), int64 by default."""
    bounds = args[:-1] if size is None else args
    if len(bounds) not in (1, 2):
        raise TypeError(f"randint() received an invalid combination of arguments - got "
                        f"({', '.join(type(a).__name__ for a in args)})")
    size = args[-1] if size is None else size
    low, high = (0, bounds[0]) if len(bounds) == 1 else bounds
    shape = size_param(size, "randint", len(bounds) + 1)
    dtype = factory_dtype(dtype, out, _dtype.int64)
    _int_range(int(low), int(high), dtype)
    return _factory(_randint, shape, dtype, generator, (int(low), int(high)), device, requires_grad, out)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """torch.randperm: a random permutation of 0..n-1, int64 by default."""
    dtype = factory_dtype(dtype, out, _dtype.int64)
    if dtype is _dtype.bool or dtype.is_complex:
        raise _not_implemented("randperm", dtype)
    return _factory(_randperm, sizes_arg((n,), "randperm"), dtype, generator, (), device, requires_grad, out)


# ---- *_like ---------------------------------------------------------------------------------
def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return rand(input.shape, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return randn(input.shape, dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None):
    """torch.randint_like(input, high) / (input, low, high): ``input``'s dtype by default."""
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                   requires_grad=requires_grad)


# ---- distributions with tensor parameters ---------------------------------------------------
def _check_std(std):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")


def _broadcast_shape(*shapes):
    try:
        return jnp.broadcast_shapes(*shapes)
    except ValueError:
        a, b = shapes
        d = next(d for d in range(1, min(len(a), len(b)) + 1) if 1 not in (a[-d], b[-d]) and a[-d] != b[-d])
        raise RuntimeError(f"The size of tensor a ({a[-d]}) must match the size of tensor b ({b[-d]}) at "
                           f"non-singleton dimension {max(len(a), len(b)) - d}") from None


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """torch.normal, all four overloads: (Tensor, Tensor) broadcast together, (Tensor, float),
    (float, Tensor), and (float, float, size). Like torch, it records a grad_fn whose
    gradients w.r.t. mean and std are zeros."""
    m_t, s_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (m_t or s_t):
        if size is None:
            raise TypeError(f"normal() received an invalid combination of arguments - got ({type(mean).__name__}, "
                            f"{type(std).__name__}), but expected (float mean, float std, tuple of ints size)")
        _check_std(std)
        dtype = _float_only(factory_dtype(dtype, out, _dtype.get_default_dtype()), "normal_kernel_cpu")
        return _factory(_NORMAL["NormalBackward0"], size_param(size, "normal"), dtype, generator, (mean, std),
                        device, requires_grad, out)
    if not s_t:
        _check_std(std)
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    dtype = _dtype.result_type_of(tensors) if len(tensors) == 2 else tensors[0].dtype
    _float_only(dtype, "normal_kernel_cpu")
    shape = _broadcast_shape(*(t._data.shape for t in tensors))
    name = "NormalBackward3" if m_t and s_t else "NormalBackward1" if m_t else "NormalBackward2"
    return write_out(out, sample(_NORMAL[name], generator, (mean, std), (shape, dtype.jax)))


def bernoulli(input, p=None, *, generator=None, out=None):
    """torch.bernoulli: 0/1 draws with probabilities ``input`` (or the scalar ``p``), in input's dtype."""
    probs = input if p is None else _check_p(p, "bernoulli_")
    if p is None:  # with a scalar p, any real dtype takes the 0/1 draws
        if input.dtype.is_complex:
            raise _not_implemented("bernoulli_tensor_cpu_self_", input.dtype)
        _float_only(input.dtype, "bernoulli_tensor_cpu_p_")
    elif input.dtype.is_complex:
        raise _not_implemented("bernoulli_scalar_cpu_", input.dtype)
    return write_out(out, sample(_bernoulli, generator, (probs,), (input._data.shape, input.dtype.jax)))


def _check_p(p, name):
    if not isinstance(p, Tensor) and not 0 <= p <= 1:
        raise RuntimeError(f"{name} expects p to be in [0, 1], but got p={p:g}")
    return p


def poisson(input, generator=None):
    """torch.poisson: Poisson draws with rates ``input``, in input's dtype."""
    _float_only(input.dtype, "poisson_cpu")
    return sample(_poisson, generator, (input,), (input._data.shape, input.dtype.jax))


def binomial(count, prob, generator=None):
    """torch.binomial: Binomial(count, prob) draws, broadcast, in count's float dtype."""
    if count.dtype.category != 2:
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: {_TYPE_NAMES[count.dtype]}")
    shape = jnp.broadcast_shapes(count._data.shape, prob._data.shape)
    return sample(_binomial, generator, (count, prob), (shape, count.dtype.jax))


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """torch.multinomial: int64 category indices drawn by the (unnormalised) weights in each row;
    without replacement via Gumbel top-k, which samples the same distribution as torch."""
    if input.dtype.category != 2:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_TYPE_NAMES[input.dtype]}")
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > input.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    weights = input._data
    if not isinstance(weights, jax.core.Tracer):  # a traced input (compile/jit) cannot be read here
        if not np.all(np.isfinite(weights) & (np.asarray(weights) >= 0)):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if weights.size and not np.all(np.asarray(weights).sum(-1) > 0):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    shape = tuple(input.shape[:-1]) + (num_samples,)
    return write_out(out, sample(_multinomial, generator, (input.detach(),), (shape, np.dtype(np.int64),
                                                                               bool(replacement))))


# ---- in-place samplers: Tensor.uniform_ and friends ----------------------------------------
def _fill(self, k, params, generator, kernel_name=None, complex_ok=True):
    """Overwrite ``self`` with a sample of its shape and dtype (float dtypes only when
    ``kernel_name`` names torch's kernel for the error)."""
    if kernel_name:
        _float_only(self.dtype, kernel_name, complex_ok)
    return self._inplace_(sample(k, generator, params, (self._data.shape, self.dtype.jax)))


@tensor_method()
def uniform_(self, from_=0, to=1, *, generator=None):
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_:g} > to={to:g}")
    return _fill(self, _uniform, (from_, to), generator, "check_uniform_bounds")


@tensor_method()
def normal_(self, mean=0, std=1, *, generator=None):
    _check_std(std)
    return _fill(self, _NORMAL["NormalBackward0"], (mean, std), generator, "normal_kernel_cpu")


@tensor_method()
def bernoulli_(self, p=0.5, *, generator=None):
    if self.dtype.is_complex:
        raise _not_implemented("bernoulli_scalar_cpu_", self.dtype)
    return _fill(self, _bernoulli, (_check_p(p, "bernoulli_"),), generator)


@tensor_method()
def random_(self, from_=0, to=None, *, generator=None):
    """Tensor.random_(), random_(to), random_(from, to): integers; with no bounds, [0, 2**mantissa]
    for floats and [0, max] for integer dtypes, as torch."""
    if to is None and from_ != 0:
        from_, to = 0, from_
    if to is None:
        d = self.dtype
        to = 2 if d is _dtype.bool else (1 << (jnp.finfo(d.jax).nmant + 1)) + 1 if d.category >= 2 else \
            int(np.iinfo(d.jax).max) + (d is not _dtype.int64)
    _int_range(from_, to, self.dtype)
    return _fill(self, _randint, (from_, to), generator)


@tensor_method()
def exponential_(self, lambd=1.0, *, generator=None):
    if self.dtype.category < 2:
        raise RuntimeError("Exponential distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {_TYPE_NAMES[self.dtype]}")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    return _fill(self, _exponential, (lambd,), generator)


@tensor_method()
def geometric_(self, p, *, generator=None):
    """Tensor.geometric_(p): trials up to the first success, on {1, 2, ...}."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    if self.dtype is _dtype.bool or self.dtype.is_complex:
        raise _not_implemented("geometric_cpu", self.dtype)
    return _fill(self, _geometric, (p,), generator)


@tensor_method()
def log_normal_(self, mean=1, std=2, *, generator=None):
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    return _fill(self, _log_normal, (mean, std), generator, "log_normal_cpu", complex_ok=False)


@tensor_method()
def cauchy_(self, median=0, sigma=1, *, generator=None):
    if self.dtype.category < 2:
        raise RuntimeError("Cauchy distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {_OPTION_NAMES[self.dtype]}")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
    return _fill(self, _cauchy, (median, sigma), generator)


tensor_method()(bernoulli)
tensor_method()(multinomial)
