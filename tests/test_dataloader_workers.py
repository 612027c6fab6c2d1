"""DataLoader worker processes, DistributedSampler and the in-memory fast path, against torch.

Worker tests are few and small: every loader with workers starts processes (about a second each
on two cores). Datasets live at module level so worker processes can unpickle them.
"""
import gc
import os

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import torchlike
import torchlike.utils.data as ldata
from dataloader_worker_datasets import (Counting, Declining, Failing, LFailing, LSamples, LShards, Samples, Shards,
                                        Stalling, WorkerState, record_init)
from test_data import to_py

TIMEOUT = 60  # seconds: bounds every loader below, so a hang fails instead of stalling the suite


def outcomes(loader):
    """Each ``next(iter(loader))`` as its batch, or (exception type, first line of message)."""
    it, out = iter(loader), []
    while True:
        try:
            out.append(to_py(next(it)))
        except StopIteration:
            return out
        except Exception as e:
            out.append((type(e).__name__, str(e).splitlines()[0]))


def both(make_dataset, **kw):
    """The outcomes of torch's and torchlike's DataLoader over the same dataset."""
    return [outcomes(d.DataLoader(make_dataset(lib, d), **kw)) for lib, d in ((torch, tdata), (torchlike, ldata))]


class TSamples(Samples, tdata.Dataset):
    lib = torch


class TShards(Shards, tdata.IterableDataset):
    worker_info = staticmethod(tdata.get_worker_info)


class TFailing(Failing, tdata.Dataset):
    pass


def make(t_cls, l_cls):
    return lambda lib, d: (t_cls if lib is torch else l_cls)()


@pytest.mark.filterwarnings("ignore:os.fork:RuntimeWarning")  # torch's workers fork; they never run JAX
@pytest.mark.parametrize("num_workers", [0, 2])
def test_batches_match_torch(num_workers):
    kw = dict(num_workers=num_workers, timeout=TIMEOUT if num_workers else 0)
    a, b = both(make(TSamples, LSamples), batch_size=3, **kw)
    assert a == b and len(a) == 3
    a, b = both(make(TShards, LShards), batch_size=2, **kw)  # torch's interleaving, one worker running dry
    assert a == b
    if num_workers:
        a, b = both(make(TShards, LShards), batch_size=2, in_order=False, **kw)
        assert sorted(map(repr, a)) == sorted(map(repr, b))


def test_get_worker_info_none_in_main():
    assert ldata.get_worker_info() is None


@pytest.mark.parametrize("kw", [dict(multiprocessing_context="fork"), dict(num_workers=1, multiprocessing_context="x"),
                                dict(num_workers=1, multiprocessing_context=3)])
def test_context_argument_errors(kw):
    with pytest.raises((ValueError, TypeError)) as a:
        tdata.DataLoader(range(3), **kw)
    with pytest.raises(type(a.value)) as b:
        ldata.DataLoader(range(3), **kw)
    assert str(a.value) == str(b.value)


def test_pin_memory_without_accelerator_warns():
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no accelerator is found"):
        assert [b.tolist() for b in ldata.DataLoader(range(4), batch_size=2, pin_memory=True)] == [[0, 1], [2, 3]]


def test_worker_init_fn_info_seeds_and_reproducible_shuffle():
    def loader(num_workers, **kw):
        torchlike.manual_seed(11)
        return ldata.DataLoader(WorkerState(), batch_size=2, shuffle=True, num_workers=num_workers,
                                timeout=TIMEOUT if num_workers else 0, **kw)

    def rows(batches):
        return [list(row) for b in batches for row in zip(*(x.tolist() if hasattr(x, "tolist") else x for x in b))]

    main = [r[0] for r in rows(loader(0))]
    assert sorted(main) == list(range(6)) and [r[0] for r in rows(loader(0))] == main  # same seed, same order
    persistent = loader(2, worker_init_fn=record_init, persistent_workers=True)
    first, second = rows(persistent), rows(persistent)
    assert [r[0] for r in first] == main  # the same order for every num_workers
    assert sorted(r[0] for r in second) == list(range(6))
    assert {r[1] for r in first} == {r[1] for r in second} and os.getpid() not in {r[1] for r in first}
    assert [r[2] for r in first] == [0, 0, 1, 1, 0, 0]  # batches go round-robin to the workers, as torch
    assert all(r[3] == r[2] and r[4] == 2 and r[6] == "WorkerState" for r in first)  # worker_init_fn, WorkerInfo
    seeds = {r[2]: r[5] for r in first}
    assert seeds[1] == seeds[0] + 1  # base_seed + worker id
    assert first[0][7:] != first[2][7:]  # the workers draw different random, torchlike and NumPy numbers
    again = rows(loader(2, worker_init_fn=record_init))
    assert [r[:1] + r[2:] for r in again] == [r[:1] + r[2:] for r in first]  # same seed: same worker seeds, draws


@pytest.mark.filterwarnings("ignore:os.fork:RuntimeWarning")
def test_worker_exception_reraised_with_traceback():
    it, ours = iter(ldata.DataLoader(LFailing(), batch_size=None, num_workers=2, timeout=TIMEOUT)), []
    for _ in range(5):
        try:
            ours.append(to_py(next(it)))
        except Exception as e:
            ours.append(e)
    theirs = outcomes(tdata.DataLoader(TFailing(), batch_size=None, num_workers=2))
    # same batches, types (RuntimeError for TwoArgError) and first message line
    assert [(type(e).__name__, str(e).splitlines()[0]) if isinstance(e, Exception) else e for e in ours] == theirs
    msg = str(ours[1])
    assert msg.startswith("Caught ValueError in DataLoader worker process 1.\nOriginal Traceback")
    assert "in __getitem__" in msg and "ValueError: bad sample 1" in msg
    workers = list(it._workers)
    del it, ours  # the tracebacks hold the iterator in a reference cycle: the cyclic GC must still end the workers
    gc.collect()
    assert all(w.exitcode == 0 for w in workers)


def test_worker_killed_raises():
    it = iter(ldata.DataLoader(Stalling("kill"), num_workers=1, timeout=TIMEOUT))
    pid = it._workers[0].pid
    with pytest.raises(RuntimeError, match=rf"^DataLoader worker \(pid\(s\) {pid}\) exited unexpectedly$"):
        next(it)


def test_timeout_and_clean_shutdown():
    with pytest.raises(AssertionError, match="requires timeout == 0"):
        iter(ldata.DataLoader(range(3), timeout=1))
    with pytest.raises(AssertionError, match="prefetch_factor must be greater than 0"):
        iter(ldata.DataLoader(range(3), num_workers=1, prefetch_factor=0))
    it = iter(ldata.DataLoader(Stalling("sleep"), num_workers=1, timeout=1))
    assert [next(it).item(), next(it).item()] == [0, 1]
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 1 seconds$"):
        next(it)
    workers = list(it._workers)
    del it
    gc.collect()
    assert all(w.exitcode is not None for w in workers)  # joined: neither running nor a zombie


# ---- DistributedSampler -------------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, 5, 10, 11])
@pytest.mark.parametrize("replicas", [1, 3, 4, 12])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_sampler_matches_torch(n, replicas, drop_last):
    for rank in range(replicas):
        t = tdata.DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        s = ldata.DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        assert (list(s), len(s), s.num_samples, s.total_size) == (list(t), len(t), t.num_samples, t.total_size)


def test_distributed_sampler_shuffle_and_errors():
    def shares(epoch, seed=0):
        samplers = [ldata.DistributedSampler(range(10), 3, r, seed=seed) for r in range(3)]
        for s in samplers:
            s.set_epoch(epoch)
        return [list(s) for s in samplers]

    e0 = shares(0)
    assert shares(0) == e0 and shares(1) != e0 and shares(0, seed=1) != e0
    assert [len(s) for s in e0] == [4, 4, 4] and len(set(sum(e0, []))) == 10  # a permutation, padded by 2
    s = ldata.DistributedSampler(range(5))  # defaults: jax.process_count() replicas, this process's rank
    assert (s.num_replicas, s.rank, sorted(s)) == (1, 0, list(range(5)))
    for replicas, rank in ((2, 2), (2, -1), (0, 0)):
        with pytest.raises(ValueError) as a:
            tdata.DistributedSampler(range(4), replicas, rank)
        with pytest.raises(ValueError) as b:
            ldata.DistributedSampler(range(4), replicas, rank)
        assert str(a.value) == str(b.value)


# ---- fast path ----------------------------------------------------------------------------------

def tensors(lib=torchlike):
    x = np.arange(30, dtype=np.float32).reshape(10, 3)
    return lib.from_numpy(x), lib.arange(10) * 3, lib.from_numpy(np.arange(10) % 3 == 0)


def slow_collate(batch):
    return ldata.default_collate(batch)


@pytest.mark.parametrize("make", [
    lambda: Counting(*tensors()),
    lambda: ldata.Subset(Counting(*tensors()), [9, 2, 4, 4, 0, 7, 1]),
    lambda: ldata.ConcatDataset([Counting(*tensors()), Counting(*tensors())]),
    lambda: ldata.ConcatDataset([Counting(*tensors()), ldata.TensorDataset(*tensors())]),
])
@pytest.mark.parametrize("shuffle", [False, True])
def test_fast_path_equals_slow_path(make, shuffle):
    def batches(**kw):
        torchlike.manual_seed(3)
        return to_py(list(ldata.DataLoader(make(), batch_size=4, shuffle=shuffle, **kw)))

    Counting.reads = 0
    fast = batches()
    if not isinstance(make(), ldata.ConcatDataset):  # batches spanning two datasets take the per-sample path
        assert Counting.reads == 0
    assert fast == batches(collate_fn=slow_collate)


def test_fast_path_matches_torch_and_workers():
    a = to_py(list(tdata.DataLoader(tdata.TensorDataset(*tensors(torch)), batch_size=4)))
    assert to_py(list(ldata.DataLoader(ldata.TensorDataset(*tensors()), batch_size=4))) == a
    Counting.reads = 0
    loader = ldata.DataLoader(Counting(*tensors()), batch_size=4, num_workers=2, timeout=TIMEOUT)
    it = iter(loader)
    assert not hasattr(it, "_workers") and to_py(list(it)) == a and Counting.reads == 0  # served in-process
    it = iter(ldata.DataLoader(Declining(*tensors()), batch_size=4, num_workers=2, timeout=TIMEOUT))
    assert len(it._workers) == 2 and to_py(list(it)) == a  # declined: the workers load it
    with pytest.raises(IndexError):
        list(ldata.DataLoader(ldata.Subset(ldata.TensorDataset(torchlike.arange(3)), [0, 5]), batch_size=2))
