import pytest

import torchlike


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
