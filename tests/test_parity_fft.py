"""Parity rows for torch.fft (torchlike/fft.py): values, dtypes, shapes, gradients, sizes, dims, norms, errors."""
import numpy as np
import pytest

from parity import Case, check, expect_error, rand

X, D = rand(4, 6), rand(4, 6, dtype="float64", seed=1)
C, CD = rand(4, 6, dtype="complex64", seed=2), rand(4, 6, dtype="complex128", seed=3)
X3 = rand(2, 3, 4, seed=4)
I = rand(4, 6, dtype="int64", low=-3, high=4)


def _one_dim(name):
    return lambda L, x: tuple(getattr(L.fft, name)(x, **kw) for kw in (
        {}, {"n": 8}, {"n": 3, "dim": 0}, {"dim": -2, "norm": "ortho"}, {"norm": "forward"}, {"norm": "backward"}))


def _many_dim(name):
    return lambda L, x: tuple(getattr(L.fft, name)(x, **kw) for kw in (
        {}, {"s": (3, 8)}, {"dim": (1, 0)}, {"s": (5, 4), "norm": "ortho"}, {"s": (2, -1), "dim": (0, -1)},
        {"norm": "forward"}))


CASES = [
    Case("fft_real", _one_dim("fft"), (X,)),
    Case("fft_complex_double", lambda L, c, d: (_one_dim("fft")(L, c), L.fft.fft(d)), (CD, D)),
    Case("ifft", lambda L, c, x: (_one_dim("ifft")(L, c), L.fft.ifft(x)), (C, X)),
    Case("rfft", _one_dim("rfft"), (X,)),
    Case("irfft", lambda L, c, x: (_one_dim("irfft")(L, c), L.fft.irfft(x)), (C, X)),
    Case("hfft", lambda L, c: _one_dim("hfft")(L, c), (C,)),
    Case("ihfft", _one_dim("ihfft"), (X,)),
    Case("fft2_fftn", lambda L, x, c: (_many_dim("fft2")(L, x), _many_dim("fftn")(L, c), L.fft.fftn(x),
                                                  L.fft.fftn(x, s=(5,))), (X, C)),
    Case("ifft2_ifftn", lambda L, c: (_many_dim("ifft2")(L, c), L.fft.ifftn(c, dim=0)), (C,)),
    Case("rfft2_rfftn", lambda L, x, y: (_many_dim("rfft2")(L, x), L.fft.rfftn(y), L.fft.rfftn(y, s=(2, 4))),
         (X, X3)),
    Case("irfft2_irfftn", lambda L, c: (_many_dim("irfft2")(L, c), L.fft.irfftn(c, s=(3, 5))), (C,)),
    Case("hfft2_hfftn", lambda L, c: (_many_dim("hfft2")(L, c), L.fft.hfftn(c, dim=(0,))), (C,)),
    Case("ihfft2_ihfftn", lambda L, x, y: (_many_dim("ihfft2")(L, x), L.fft.ihfftn(y), L.fft.ihfftn(y, s=(4,))),
         (X, X3)),
    Case("promoted_int_bool", lambda L, i: (L.fft.fft(i), L.fft.rfft(i), L.fft.ihfft(i), L.fft.fft(i > 0),
                                            L.fft.irfft(i)), (I,)),
    Case("batched_3d", lambda L, x: (L.fft.fft(x, dim=1), L.fft.fft2(x), L.fft.irfftn(L.fft.rfftn(x), s=x.shape)),
         (X3,)),
    Case("out", lambda L, x: L.fft.fft(x, out=L.empty(0, dtype=L.complex64)), (X,), grad=False),
    Case("shift", lambda L, x, y: (L.fft.fftshift(x), L.fft.ifftshift(x), L.fft.fftshift(y, dim=(0, -1)),
                                   L.fft.ifftshift(y, dim=1), L.fft.fftshift(L.fft.ifftshift(y))), (X, X3)),
    Case("freq", lambda L: (L.fft.fftfreq(5), L.fft.fftfreq(6, 0.1), L.fft.rfftfreq(5, d=2.0),
                            L.fft.rfftfreq(8, dtype=L.float64), L.fft.fftfreq(7, dtype=L.float64, requires_grad=True),
                            L.fft.fftfreq(1), L.fft.rfftfreq(4, out=L.empty(0)))),
    Case("tensor_methods", lambda L, x: (x.stft(4, window=L.hann_window(4), return_complex=True),
                                         L.istft(x.stft(4, window=L.hann_window(4), return_complex=True), 4,
                                                 window=L.hann_window(4))), (rand(16, seed=5),)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)


ERRORS = [
    ("rfft_complex", lambda L: L.fft.rfft(L.tensor(C))),
    ("rfftn_complex", lambda L: L.fft.rfft2(L.tensor(C))),
    ("ihfft_complex", lambda L: L.fft.ihfft(L.tensor(C))),
    ("ihfftn_complex", lambda L: L.fft.ihfftn(L.tensor(C))),
    ("norm", lambda L: L.fft.fft(L.tensor(X), norm="foo")),
    ("n_zero", lambda L: L.fft.fft(L.tensor(X), n=0)),
    ("empty", lambda L: L.fft.fft(L.zeros(0))),
    ("half", lambda L: L.fft.fft(L.ones(4, dtype=L.half))),
    ("dim_range", lambda L: L.fft.fft(L.tensor(X), dim=2)),
    ("dims_unique", lambda L: L.fft.fftn(L.tensor(X), dim=(0, 0))),
    ("s_dim_length", lambda L: L.fft.fftn(L.tensor(X), s=(2, 2), dim=(0,))),
    ("fft2_1d", lambda L: L.fft.fft2(L.ones(3))),
    ("zero_dim", lambda L: L.fft.fft(L.tensor(1.0))),
]


@pytest.mark.parametrize("fn", [f for _, f in ERRORS], ids=[n for n, _ in ERRORS])
def test_error_parity(fn):
    t_err, l_err = expect_error(fn)
    assert str(l_err) == str(t_err)


def test_roundtrips():
    """ifft(fft(x)) and irfft(rfft(x), n) give x back under every norm (torchlike alone)."""
    import torchlike
    x = torchlike.tensor(D)
    for norm in ("backward", "forward", "ortho"):
        np.testing.assert_allclose(torchlike.fft.ifft(torchlike.fft.fft(x, norm=norm), norm=norm).real.numpy(), D,
                                   atol=1e-12)
        np.testing.assert_allclose(torchlike.fft.irfft(torchlike.fft.rfft(x, norm=norm), n=6, norm=norm).numpy(), D,
                                   atol=1e-12)
        np.testing.assert_allclose(torchlike.fft.hfft(torchlike.fft.ihfft(x, norm=norm), n=6, norm=norm).numpy(), D,
                                   atol=1e-12)
