"""The Hurwitz zeta function by torch's (Cephes') method, shared by torch.special.zeta and
torch.polygamma (n >= 2), so that both give torch's values at poles and special points."""
import jax
import jax.numpy as jnp
import numpy as np

# (2k)! / B_2k for k = 1..12: the Euler-Maclaurin correction terms' denominators
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
           -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
           1.8152105401943546773e17, -7.1661652561756670113e18)


def hurwitz_zeta(x, q):
    """The Hurwitz zeta by torch's (Cephes') method in float64, special values and early exits
    included: sum (q + k)^-x directly until a term is negligible (at least 9 terms, and on while
    q + k <= 9), then the Euler-Maclaurin tail. inf at x = 1 and at the poles q = 0, -1, ...;
    NaN for x < 1 and for a non-integer x at q <= 0."""
    dtype, (x, q) = x.dtype, jnp.broadcast_arrays(x.astype(jnp.float64), q.astype(jnp.float64))
    eps = np.finfo(np.float64).eps / 2
    converged = lambda s, b: (-eps * s < b) & (b < eps * s)  # noqa: E731
    active = lambda i, a, done: ~done & ((i < 9) | (a <= 9))  # noqa: E731

    def direct(state):
        i, a, b, s, done = state
        go = active(i, a, done)
        a, b = jnp.where(go, a + 1, a), jnp.where(go, jnp.power(a + 1, -x), b)
        s = jnp.where(go, s + b, s)
        return i + 1, a, b, s, done | (go & converged(s, b))

    pole, undefined = (q <= 0) & (q == jnp.floor(q)), (q <= 0) & (x != jnp.floor(x))
    special = jnp.where(x == 1, jnp.inf, jnp.where((x < 1) | ~pole & undefined, jnp.nan, jnp.inf))
    state = (0, q, jnp.zeros_like(x), jnp.power(q, -x), (x <= 1) | pole | undefined)
    _, w, b, s, done = jax.lax.while_loop(lambda st: jnp.any(active(st[0], st[1], st[4])), direct, state)
    s = jnp.where(done, s, s + b * w / (x - 1) - b / 2)
    a = jnp.ones_like(x)
    for k, coefficient in enumerate(_ZETA_A):
        a, b = a * (x + 2 * k), b / w
        t = a * b / coefficient
        s, done = jnp.where(done, s, s + t), done | (jnp.abs(t / (s + t)) < eps)
        a, b = a * (x + 2 * k + 1), b / w
    return jnp.where((x <= 1) | pole | undefined, special, s).astype(dtype)
