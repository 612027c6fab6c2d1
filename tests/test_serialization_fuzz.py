"""Fuzzing torchlike.load: mutated checkpoint bytes either load or raise one of load's
documented errors (never another exception type, a hang or a crash)."""
import collections
import io
import pickle
import time

import numpy as np
import pytest
import torch

import torchlike as tl

# What torchlike.load documents for damaged input (OSError is for paths, not exercised here).
ERRORS = (RuntimeError, pickle.UnpicklingError, EOFError, ValueError)


def seeds():
    """Small checkpoints in every format the loader reads, written by torch and by torchlike."""
    base = torch.arange(12.).reshape(3, 4)
    torch_obj = {"w": base, "t": base.t(), "row": base[1], "p": torch.nn.Parameter(torch.ones(2)),
                 "i": torch.arange(5, dtype=torch.int16), "b": torch.tensor([True, False]),
                 "meta": collections.OrderedDict(step=3, lr=0.1, names=("a", "b"), none=None)}
    tl_base = tl.arange(12.).reshape(3, 4)
    tl_obj = {"w": tl_base, "t": tl_base.t(), "p": tl.nn.Parameter(tl.ones(2)), "h": tl.ones(3, dtype=tl.bfloat16),
              "meta": [1, 2.5, "x", {"k": True}]}
    out = []
    for save, obj in ((torch.save, torch_obj), (tl.save, tl_obj)):
        for zip_format in (True, False):
            buf = io.BytesIO()
            save(obj, buf, _use_new_zipfile_serialization=zip_format)
            out.append(buf.getvalue())
    return out


def mutate(data, others, rng):
    """One random mutation: bit flips, a truncation, a splice, a random byte run, or an insertion/deletion."""
    b = bytearray(data)
    kind = rng.integers(6)
    if kind == 0:
        for i in rng.integers(0, len(b), rng.integers(1, 9)):
            b[i] ^= 1 << int(rng.integers(8))
    elif kind == 1:
        b = b[:rng.integers(0, len(b))]
    elif kind == 2:
        src = others[rng.integers(len(others))]
        i, j, n = rng.integers(0, len(b)), rng.integers(0, len(src)), rng.integers(1, 64)
        b[i:i + n] = src[j:j + n]
    elif kind == 3:
        i, n = rng.integers(0, len(b)), rng.integers(1, 32)
        b[i:i + n] = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
    elif kind == 4:
        i = rng.integers(0, len(b))
        b[i:i] = rng.integers(0, 256, rng.integers(1, 16), dtype=np.uint8).tobytes()
    else:
        i = rng.integers(0, len(b))
        del b[i:i + rng.integers(1, 16)]
    return bytes(b)


def fuzz(cases, seed, budget_s):
    rng = np.random.default_rng(seed)
    inputs = seeds()
    outcomes = collections.Counter()
    start = time.perf_counter()
    for n in range(cases):
        data = mutate(inputs[n % len(inputs)], inputs, rng)
        case_start = time.perf_counter()
        try:
            tl.load(io.BytesIO(data))
            outcomes["loaded"] += 1
        except Exception as e:  # noqa: BLE001 - the point of the test
            if type(e) not in ERRORS:  # exactly these types, not subclasses such as UnicodeDecodeError
                raise AssertionError(f"case {n}: load raised {type(e).__name__}: {e}; input {data!r}") from e
            outcomes[type(e).__name__] += 1
        assert time.perf_counter() - case_start < 2, f"case {n} took too long; input {data!r}"
    assert time.perf_counter() - start < budget_s
    return outcomes


def test_fuzz_load():
    outcomes = fuzz(5000, seed=0, budget_s=60)
    assert outcomes["loaded"] > 0 and outcomes["RuntimeError"] > 0 and outcomes["UnpicklingError"] > 0


@pytest.mark.slow
def test_fuzz_load_long():
    fuzz(100_000, seed=1, budget_s=3600)
