"""Functions run in processes started by tests/test_torch_modules.py (importable by spawned children)."""


def put_double(i, queue, t):
    """Send back ``t * 2 + i`` and write into the received tensor (the parent must not see the write)."""
    queue.put((i, t * 2 + i))
    t.add_(100)


def fail_on_one(i):
    if i == 1:
        raise ValueError("worker one failed")


def exit_code(i):
    raise SystemExit(3)


def double(t):
    return t * 2


def put_sum(queue, t):
    queue.put(t.sum())
