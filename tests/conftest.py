import jax
import pytest

import torchlike

# XLA:CPU maps a few memory regions per compiled program; a process past vm.max_map_count (65530
# by default) crashes inside the next compile. The suite compiles tens of thousands of programs, so
# every few tests the map count is checked and compiled programs are dropped once it grows large.
MAX_MAPS, CHECK_EVERY = 40000, 20
_tests_run = [0]


def _map_count():
    try:
        with open("/proc/self/maps", "rb") as f:
            return sum(1 for _ in f)
    except OSError:  # not Linux
        return 0


@pytest.fixture(autouse=True)
def _bound_compiled_programs():
    yield
    _tests_run[0] += 1
    if _tests_run[0] % CHECK_EVERY == 0 and _map_count() > MAX_MAPS:
        jax.clear_caches()


@pytest.fixture(autouse=True)
def _restore_global_state():
    """Tests may change the default dtype or grad mode; put them back."""
    dtype = torchlike.get_default_dtype()
    yield
    torchlike.set_default_dtype(dtype)
    torchlike.set_grad_enabled(True)


def pytest_terminal_summary(terminalreporter):
    """After an OpInfo sweep (tests/test_opinfo.py), print its per-namespace table."""
    import sys
    opinfo = sys.modules.get("opinfo")
    if opinfo is None or not opinfo.RESULTS:
        return
    import test_opinfo
    terminalreporter.section("OpInfo sweep against torch 2.13")
    for line in opinfo.summary_lines(test_opinfo.OPS):
        terminalreporter.write_line(line)
