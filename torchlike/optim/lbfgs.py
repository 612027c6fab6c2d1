"""torch.optim.LBFGS: torch's algorithm (two-loop recursion, optional strong-Wolfe line
search with cubic interpolation) on flat JAX vectors. Scalars follow torch's types (dot
products are float32 arrays, step lengths Python floats) so trajectories match torch's.
Not an Optax transformation: the closure drives several evaluations per step."""
import jax
import jax.numpy as jnp

from .._tensor import Tensor
from ..autograd import enable_grad
from .optimizer import _assign, Optimizer

__all__ = ["LBFGS"]


@jax.jit
def _moved(params, t, d):
    """Each parameter plus ``t`` times its slice of the flat direction ``d``."""
    out, offset = [], 0
    for p in params:
        out.append(p + (t * d[offset:offset + p.size].reshape(p.shape)).astype(p.dtype))
        offset += p.size
    return out


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clipped to ``bounds``."""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    d2 = jnp.sqrt(d2_square)
    if x1 <= x2:
        pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(pos, lo), hi)


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Line search for a step satisfying the strong Wolfe conditions: first bracket a
    minimizer (growing the step by cubic extrapolation), then zoom in by interpolation."""
    d_norm = jnp.max(jnp.abs(d))
    f_new, g_new = obj_func(x, t, d)
    evals, gtd_new = 1, jnp.dot(g_new, d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done, ls_iter = False, 0
    while ls_iter < max_ls:
        sufficient = not (f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev))
        if sufficient and abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g, done = [t], [f_new], [g_new], True
            break
        if not sufficient or gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        bounds = (t + 0.01 * (t - t_prev), t * 10)
        t_prev, t = t, _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds)
        f_prev, g_prev, gtd_prev = f_new, g_new, gtd_new
        f_new, g_new = obj_func(x, t, d)
        evals, gtd_new, ls_iter = evals + 1, jnp.dot(g_new, d), ls_iter + 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    insuf_progress = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1])
        top, bottom = max(bracket), min(bracket)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < eps:  # too close to an end: move away unless progress was fine
            if insuf_progress or t >= top or t <= bottom:
                t = top - eps if abs(t - top) < abs(t - bottom) else bottom + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(x, t, d)
        evals, gtd_new, ls_iter = evals + 1, jnp.dot(g_new, d), ls_iter + 1
        if f_new > f + c1 * t * gtd or f_new >= bracket_f[low]:
            bracket[high], bracket_f[high], bracket_g[high], bracket_gtd[high] = t, f_new, g_new, gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low], bracket_g[low], bracket_gtd[low] = t, f_new, g_new, gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evals


def _wrap(x):
    if isinstance(x, list):
        return [_wrap(v) for v in x]
    return Tensor._from_array(x) if isinstance(x, jax.Array) else x


def _unwrap(x):
    if isinstance(x, list):
        return [_unwrap(v) for v in x]
    return x._data if isinstance(x, Tensor) else x


class LBFGS(Optimizer):
    """torch.optim.LBFGS (one param group; ``step`` needs a closure)."""

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _flat_grad(self):
        return jnp.concatenate([p.grad._data.ravel() if p.grad is not None else jnp.zeros(p._data.size, p._data.dtype)
                                for p in self._params])

    def _set(self, arrays):
        for p, a in zip(self._params, arrays):
            _assign(p, a)

    def _evaluate(self, closure):
        with enable_grad():
            return float(closure())

    def _directional_evaluate(self, closure, x, t, d):
        self._set(_moved(x, t, d))
        loss, flat_grad = self._evaluate(closure), self._flat_grad()
        self._set(x)
        return loss, flat_grad

    def step(self, closure):
        if closure is None:
            raise RuntimeError("LBFGS requires a closure")  # torch fails on calling None
        group = self.param_groups[0]
        lr, max_iter, max_eval = float(group["lr"]), group["max_iter"], group["max_eval"]
        tol_grad, tol_change, history = group["tolerance_grad"], group["tolerance_change"], group["history_size"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with enable_grad():
            orig_loss = closure()
        loss, evals = float(orig_loss), 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if jnp.max(jnp.abs(flat_grad)) <= tol_grad:
            return orig_loss

        d, t, H_diag = _unwrap(state.get("d")), _unwrap(state.get("t")), _unwrap(state.get("H_diag"))
        old_dirs, old_stps, ro = (_unwrap(state.get(k)) for k in ("old_dirs", "old_stps", "ro"))
        prev_flat_grad, prev_loss = _unwrap(state.get("prev_flat_grad")), state.get("prev_loss")
        n_iter, opt_cond = 0, False
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d, old_dirs, old_stps, ro, H_diag = -flat_grad, [], [], [], 1
            else:  # L-BFGS two-loop recursion over the curvature pairs (s, y)
                y, s = flat_grad - prev_flat_grad, d * t
                ys = jnp.dot(y, s)
                if ys > 1e-10:
                    if len(old_dirs) == history:
                        old_dirs.pop(0), old_stps.pop(0), ro.pop(0)
                    old_dirs.append(y), old_stps.append(s), ro.append(1.0 / ys)
                    H_diag = ys / jnp.dot(y, y)
                al = state.setdefault("al", [None] * history)
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = jnp.dot(old_stps[i], q) * ro[i]
                    q = q - float(al[i]) * old_dirs[i]
                r = q * H_diag
                for i in range(len(old_dirs)):
                    be_i = jnp.dot(old_dirs[i], r) * ro[i]
                    r = r + float(al[i] - be_i) * old_stps[i]
                d = r
            prev_flat_grad, prev_loss = flat_grad, loss
            t = min(1.0, 1.0 / jnp.sum(jnp.abs(flat_grad))) * lr if state["n_iter"] == 1 else lr
            gtd = jnp.dot(flat_grad, d)
            if gtd > -tol_change:
                break

            ls_evals = 0
            if group["line_search_fn"] is not None:
                if group["line_search_fn"] != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = [p._data for p in self._params]
                loss, flat_grad, t, ls_evals = _strong_wolfe(
                    lambda x, t, d: self._directional_evaluate(closure, x, t, d), x_init, t, d, loss, flat_grad, gtd)
                self._set(_moved(x_init, t, d))
                opt_cond = jnp.max(jnp.abs(flat_grad)) <= tol_grad
            else:
                self._set(_moved([p._data for p in self._params], t, d))
                if n_iter != max_iter:
                    loss, flat_grad, ls_evals = self._evaluate(closure), self._flat_grad(), 1
                    opt_cond = jnp.max(jnp.abs(flat_grad)) <= tol_grad
            evals += ls_evals
            state["func_evals"] += ls_evals
            if n_iter == max_iter or evals >= max_eval or opt_cond:
                break
            if jnp.max(jnp.abs(d * t)) <= tol_change or abs(loss - prev_loss) < tol_change:
                break

        state.update(d=_wrap(d), t=_wrap(t), old_dirs=_wrap(old_dirs), old_stps=_wrap(old_stps), ro=_wrap(ro),
                     H_diag=_wrap(H_diag), prev_flat_grad=_wrap(prev_flat_grad), prev_loss=prev_loss)
        if "al" in state:
            state["al"] = _wrap(state["al"])
        return orig_loss
