import pytest

import torchlike


@pytest.fixture(autouse=True)
def _restore_global_state():
    """Tests may change the default dtype or grad mode; put them back."""
    dtype = torchlike.get_default_dtype()
    yield
    torchlike.set_default_dtype(dtype)
    torchlike.set_grad_enabled(True)
