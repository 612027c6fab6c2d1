"""Whether JAX runs with a CUDA GPU backend (what torch.backends.cuda/cudnn availability reflects here)."""
import jax


def has_cuda():
    try:
        return any(d.platform == "gpu" for d in jax.devices("gpu"))
    except RuntimeError:
        return False
