"""Parity rows for torchlike.nn.functional (so far conv2d, which the core benchmark uses)."""
import pytest

from parity import Case, check, expect_error, rand

X, W, B = rand(2, 3, 8, 8), rand(4, 3, 3, 3, seed=1), rand(4, seed=2)
CASES = [
    Case("conv2d", lambda L, x, w, b: L.nn.functional.conv2d(x, w, b), (X, W, B)),
    Case("conv2d_stride_pad_dilation", lambda L, x, w: L.nn.functional.conv2d(x, w, stride=2, padding=1, dilation=2),
         (X, W)),
    Case("conv2d_same_groups", lambda L, x, w: L.nn.functional.conv2d(x, w, padding="same", groups=3),
         (rand(2, 3, 8, 8), rand(6, 1, 3, 3, seed=3))),
    Case("conv2d_unbatched", lambda L, x, w, b: L.nn.functional.conv2d(x, w, b, padding=(1, 0)), (X[0], W, B)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check(case)


def test_conv2d_channel_mismatch():
    expect_error(lambda L: L.nn.functional.conv2d(L.ones(1, 2, 5, 5), L.ones(4, 3, 3, 3)))
