"""torchlike.utils.data against torch.utils.data on the same data."""
import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import torchlike
import torchlike.utils.data as ldata

Point = collections.namedtuple("Point", "x y")


def to_py(obj):
    """Nested structure with tensors as (dtype name, shape, values) for comparison."""
    if isinstance(obj, (torch.Tensor, torchlike.Tensor)):
        return (str(obj.dtype).split(".")[-1], tuple(obj.shape), obj.numpy().tolist())
    if isinstance(obj, dict):
        return {k: to_py(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj).__name__, [to_py(v) for v in obj]
    return obj


def both(fn):
    return to_py(fn(torch, tdata)), to_py(fn(torchlike, ldata))


def pair(fn):
    a, b = both(fn)
    assert a == b


def tensors(lib):
    x = np.arange(30, dtype=np.float32).reshape(10, 3)
    return (lib.from_numpy(x), lib.arange(10), lib.from_numpy(np.arange(10) % 2 == 0))


@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (4, False), (4, True), (None, False), (10, True)])
def test_tensor_dataset_batches(batch_size, drop_last):
    pair(lambda lib, d: list(d.DataLoader(d.TensorDataset(*tensors(lib)), batch_size=batch_size,
                                          drop_last=drop_last)))
    pair(lambda lib, d: len(d.DataLoader(d.TensorDataset(*tensors(lib)), batch_size=batch_size,
                                         drop_last=drop_last)))


def sample(lib, i):
    return {"a": (np.full((2, 2), i, np.float32), float(i), i, i % 2 == 0, f"s{i}", lib.tensor([i, i + 1])),
            "p": Point(np.int16(i), [i, 2 * i]), "n": np.float64(i)}


def test_default_collate_nested():
    pair(lambda lib, d: d.default_collate([sample(lib, i) for i in range(3)]))
    pair(lambda lib, d: list(d.DataLoader([sample(lib, i) for i in range(5)], batch_size=2)))


def test_default_convert_and_errors():
    pair(lambda lib, d: d.default_convert(sample(lib, 1)))
    pair(lambda lib, d: list(d.DataLoader([sample(lib, i) for i in range(3)], batch_size=None)))
    for bad in ([object(), object()], [np.array(["a"]), np.array(["b"])]):
        with pytest.raises(TypeError) as a:
            tdata.default_collate(bad)
        with pytest.raises(TypeError) as b:
            ldata.default_collate(bad)
        assert str(a.value).split(";")[0] == str(b.value).split(";")[0]
    with pytest.raises(RuntimeError, match="equal size"):
        ldata.default_collate([[1, 2], [1]])


def test_random_split_sizes():
    for lengths in ([0.3, 0.3, 0.4], [0.5, 0.5], [0.33, 0.33, 0.34], [3, 7], [0.1] * 10):
        a, b = both(lambda lib, d: [len(s) for s in d.random_split(range(10), lengths)])
        assert a == b
    splits = ldata.random_split(range(10), [0.3, 0.7], generator=torchlike.Generator().manual_seed(1))
    assert sorted(list(splits[0]) + list(splits[1])) == list(range(10))
    with pytest.raises(ValueError, match="Sum of input lengths"):
        ldata.random_split(range(10), [3, 3])


class CountMixin:
    def __init__(self, n, lib):
        self.n, self.lib = n, lib

    def __iter__(self):
        return iter(self.lib.tensor(i) for i in range(self.n))

    def __len__(self):
        return self.n


class TCount(CountMixin, tdata.IterableDataset):
    pass


class LCount(CountMixin, ldata.IterableDataset):
    pass


def count(lib, n):
    return (TCount if lib is torch else LCount)(n, lib)


def test_composite_datasets():
    pair(lambda lib, d: list(d.Subset(d.TensorDataset(lib.arange(10)), [7, 2, 5])))
    pair(lambda lib, d: list(d.DataLoader(d.Subset(d.TensorDataset(lib.arange(10)), [7, 2, 5]), batch_size=2)))
    pair(lambda lib, d: [(c := d.ConcatDataset([range(3), range(10, 14)]))[i] for i in range(-7, 7)]
         + c.cumulative_sizes)
    pair(lambda lib, d: list(d.TensorDataset(lib.arange(2)) + d.TensorDataset(lib.arange(5, 8))))
    pair(lambda lib, d: list(d.ChainDataset([count(lib, 3), count(lib, 2)])) + [len(count(lib, 3) + count(lib, 4))])
    pair(lambda lib, d: list(d.StackDataset(range(3), d.TensorDataset(lib.arange(3)))))
    pair(lambda lib, d: list(d.DataLoader(d.StackDataset(a=range(4), b=lib.arange(4.0)), batch_size=3)))
    with pytest.raises(ValueError, match="Size mismatch"):
        ldata.StackDataset(range(3), range(4))


@pytest.mark.parametrize("batch_size,drop_last", [(None, False), (2, False), (2, True)])
def test_iterable_dataset_loader(batch_size, drop_last):
    pair(lambda lib, d: list(d.DataLoader(count(lib, 5), batch_size=batch_size, drop_last=drop_last)))
    pair(lambda lib, d: len(d.DataLoader(count(lib, 5), batch_size=batch_size, drop_last=drop_last)))


def test_samplers():
    data = range(7)
    pair(lambda lib, d: list(d.SequentialSampler(data)))
    for kw in ({}, {"num_samples": 12}, {"num_samples": 3}, {"replacement": True, "num_samples": 20}):
        s = ldata.RandomSampler(data, **kw)
        idx = list(s)
        assert len(s) == len(idx) == len(tdata.RandomSampler(data, **kw))
        assert set(idx) <= set(data)
        if not kw.get("replacement") and len(idx) >= 7:
            assert set(idx) == set(data)
    assert sorted(ldata.SubsetRandomSampler([3, 5, 9])) == [3, 5, 9]
    w = ldata.WeightedRandomSampler([0.0, 1.0, 0.0, 2.0], 50)
    assert len(w) == 50 and set(w) <= {1, 3}
    assert sorted(ldata.WeightedRandomSampler([1.0, 1.0, 1.0], 3, replacement=False)) == [0, 1, 2]
    for bs, dl in ((3, False), (3, True), (7, False), (10, True)):
        pair(lambda lib, d: list(d.BatchSampler(d.SequentialSampler(data), bs, dl)))
        pair(lambda lib, d: len(d.BatchSampler(d.SequentialSampler(data), bs, dl)))
    pair(lambda lib, d: list(d.DataLoader(lib.arange(10), batch_sampler=d.BatchSampler(range(10), 4, False))))


@pytest.mark.parametrize("make", [
    lambda d: d.RandomSampler(range(3), replacement=1), lambda d: d.RandomSampler(range(3), num_samples=0),
    lambda d: d.WeightedRandomSampler([1.0], 0), lambda d: d.WeightedRandomSampler([1.0], 2, replacement=1),
    lambda d: d.WeightedRandomSampler([[1.0]], 2), lambda d: d.BatchSampler(range(3), 0, False),
    lambda d: d.BatchSampler(range(3), True, False), lambda d: d.BatchSampler(range(3), 2, 0),
])
def test_sampler_arg_errors(make):
    with pytest.raises((ValueError, TypeError)) as a:
        make(tdata)
    with pytest.raises((ValueError, TypeError)) as b:
        make(ldata)
    assert (type(a.value), str(a.value)) == (type(b.value), str(b.value))


def shuffled(seed=None, generator_seed=None):
    if seed is not None:
        torchlike.manual_seed(seed)
    gen = None if generator_seed is None else torchlike.Generator().manual_seed(generator_seed)
    loader = ldata.DataLoader(ldata.TensorDataset(torchlike.arange(20)), batch_size=6, shuffle=True, generator=gen)
    return [i for (b,) in loader for i in b.tolist()]


def test_shuffle_reproducible():
    assert shuffled(seed=0) == shuffled(seed=0) != shuffled(seed=1)
    assert shuffled(generator_seed=3) == shuffled(generator_seed=3) != shuffled(generator_seed=4)
    assert sorted(shuffled(seed=0)) == list(range(20))
    torchlike.manual_seed(0)
    loader = ldata.DataLoader(range(20), batch_size=20, shuffle=True)
    assert next(iter(loader)).tolist() != next(iter(loader)).tolist()  # a new order each epoch


class Indexable(ldata.IterableDataset, tdata.IterableDataset):
    def __iter__(self):
        return iter(range(3))


@pytest.mark.parametrize("kwargs", [
    {"batch_sampler": "BS", "batch_size": 2}, {"batch_sampler": "BS", "shuffle": True},
    {"batch_sampler": "BS", "drop_last": True}, {"batch_sampler": "BS", "sampler": [0]},
    {"sampler": [0, 1], "shuffle": True}, {"batch_size": None, "drop_last": True}, {"num_workers": -1},
    {"timeout": -1}, {"prefetch_factor": 2}, {"persistent_workers": True},
    {"iterable": True, "shuffle": True}, {"iterable": True, "sampler": [0]},
    {"batch_sampler": "BS", "iterable": True},
])
def test_dataloader_arg_errors(kwargs):
    def make(lib, d):
        kw = dict(kwargs)
        data = Indexable() if kw.pop("iterable", False) else list(range(4))
        if kw.get("batch_sampler") == "BS":
            kw["batch_sampler"] = [[0, 1]]
        try:
            d.DataLoader(data, **kw)
        except (ValueError, TypeError) as e:
            return type(e).__name__, str(e)
        return None
    a, b = both(make)
    assert a is not None and a == b


def test_dataloader_misc():
    loader = ldata.DataLoader(range(5), batch_size=2, num_workers=2)  # runs in the main process
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3], [4]]
    with pytest.raises(ValueError, match="should not be set after"):
        loader.batch_size = 3
    assert ldata.get_worker_info() is None
