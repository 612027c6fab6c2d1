"""The OpInfo sweep (tests/opinfo.py): every op in its torch, Tensor, in-place, out= and
nn.functional forms, on special values, layouts and dtypes, against torch 2.13.

The databases are the ``opinfo_db_*.py`` modules next to this file. The default run tries float64
and one more of FAST_DTYPES on each op's first samples; ``-m slow`` runs the exhaustive product.
conftest.py prints the summary table (coverage, samples, mismatches, expected failures) after the run."""
import collections
import importlib
import pathlib

import pytest

import opinfo

DATABASES = [importlib.import_module(p.stem) for p in sorted(pathlib.Path(__file__).parent.glob("opinfo_db_*.py"))]
OPS = [op for db in DATABASES for op in db.OPS]
for _db in DATABASES:
    opinfo.XFAIL.update(getattr(_db, "XFAIL", {}))


def _ids():
    """``family-op`` (``pointwise-relu``, ``reduction-sum-2``): ``-k pointwise`` selects one database."""
    seen = collections.Counter()
    for db in DATABASES:
        family = db.__name__.removeprefix("opinfo_db_")
        for op in db.OPS:
            seen[family, op.name] += 1
            n = seen[family, op.name]
            yield f"{family}-{op.name}" + (f"-{n}" if n > 1 else "")


IDS = list(_ids())


def _assert_clean(failures):
    assert not failures, f"{len(failures)} mismatches with torch:\n" + "\n".join(failures[:20])


# The default run keeps to a few minutes: float64 (values and gradients) plus one of bool, int64,
# float32 in turn, and each op's first samples (the databases put special values first);
# ``-m slow`` runs every sample in every dtype.
DEFAULT_SAMPLES = 4


def _default_dtypes(index):
    rest = [d for d in opinfo.FAST_DTYPES if d != "float64"]
    return ("float64", rest[index % len(rest)])


@pytest.mark.parametrize("index,op", list(enumerate(OPS)), ids=IDS)
def test_op(index, op):
    _assert_clean(opinfo.check(op, _default_dtypes(index), DEFAULT_SAMPLES))


@pytest.mark.slow
@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_op_every_dtype(op):
    _assert_clean(opinfo.check(op, opinfo.DTYPES))


# The share of each namespace's public ops (tests/opinfo.py: public_ops) the databases cover.
COVERAGE_FLOOR = {"torch": 0.95, "Tensor": 0.95, "nn.functional": 0.95}


def test_coverage():
    public = opinfo.public_ops()
    covered = collections.defaultdict(set)
    for op in OPS:
        for ns, name in opinfo.form_names(op):
            covered[ns].add(name)
    for ns, floor in COVERAGE_FLOOR.items():
        share = len(covered[ns] & public[ns]) / len(public[ns])
        assert share >= floor, f"{ns}: the database covers {share:.1%} of the public ops, below {floor:.0%}"


def test_xfail_entries_name_real_ops():
    names = {op.name for op in OPS}
    assert not [key for key in opinfo.XFAIL if key[0] not in names]
