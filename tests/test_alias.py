"""``python -m torchlike`` and ``torchlike.install_as_torch()``: unmodified PyTorch programs see
torchlike as ``torch``/``torchvision``, and everything else behaves as under ``python script.py``."""
import os
import subprocess
import sys
import textwrap

import pytest
import torch

import torchlike
from torchlike import _alias

PROGRAM = textwrap.dedent('''
    import sys
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.utils.data import DataLoader, Dataset
    import torchvision
    from torchvision import datasets, transforms

    print("argv", sys.argv)
    print("name", __name__, "file", __file__, "path0", sys.path[0])
    print("modules", torch.__name__, nn.__name__, F.__name__, torchvision.__name__, datasets.__name__,
          transforms.__name__)
    print("same", sys.modules["torch.nn.functional"] is sys.modules["torchlike.nn.functional"])

    class Squares(Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return torch.tensor([float(i * i)]), i

    if __name__ == "__main__":
        for x, y in DataLoader(Squares(), batch_size=3, num_workers=int(sys.argv[1])):
            print("batch", x.sum().item(), y.tolist())
        sys.exit(int(sys.argv[2]))
''')


FAILING = textwrap.dedent('''
    import torch

    def lookup(table):
        return table["missing"]

    if __name__ == "__main__":
        print(torch.ones(1).sum().item())
        lookup({})
''')


def _python(*args, cwd, env=None):
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def program(tmp_path_factory):
    d = tmp_path_factory.mktemp("prog")
    (d / "prog.py").write_text(PROGRAM)
    (d / "failing.py").write_text(FAILING)
    return d


def _lines(out, key):
    return [line.split(" ", 1)[1] for line in out.splitlines() if line.startswith(key + " ")]


def test_script_sees_torchlike_with_workers(program):
    r = _python("-m", "torchlike", "prog.py", "2", "0", cwd=program)
    assert r.returncode == 0, r.stderr
    assert _lines(r.stdout, "argv")[0] == "['prog.py', '2', '0']"
    assert _lines(r.stdout, "name")[0] == f"__main__ file {program}/prog.py path0 {program}"
    assert set(_lines(r.stdout, "modules")) == {("torchlike torchlike.nn torchlike.nn.functional torchlike.vision "
                                              "torchlike.vision.datasets torchlike.vision.transforms")}
    assert _lines(r.stdout, "same") == ["True"] * 3  # the main process and both workers
    # the two worker processes import the program as __mp_main__ and resolve torch to torchlike too
    assert sorted(_lines(r.stdout, "name"))[1:] == [f"__mp_main__ file {program}/prog.py path0 {program}"] * 2
    assert _lines(r.stdout, "batch") == ["5.0 [0, 1, 2]", "50.0 [3, 4, 5]"]


def test_exit_code_and_traceback_as_python(program):
    r = _python("-m", "torchlike", "prog.py", "0", "3", cwd=program)
    assert r.returncode == 3 and r.stderr == ""
    r = _python("-m", "torchlike", "failing.py", cwd=program)
    reference = _python("failing.py", cwd=program)  # the real torch, as `python failing.py`
    assert r.returncode == reference.returncode == 1 and r.stdout == reference.stdout == "1.0\n"
    assert r.stderr == reference.stderr  # the program's frames only, no launcher or runpy frames
    assert r.stderr.strip().splitlines()[-1] == "KeyError: 'missing'"
    r = _python("-m", "torchlike", "nothere.py", cwd=program)
    assert r.returncode == 2 and "can't open file" in r.stderr


def test_module_and_command_forms(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "run.py").write_text("import sys, torch\nprint(__name__, sys.argv[1:], torch.ones(2).sum().item())\n")
    r = _python("-m", "torchlike", "-m", "pkg.run", "a", "b", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "__main__ ['a', 'b'] 2.0"
    r = _python("-m", "torchlike", "-c", "import sys, torch.nn; print(sys.argv, torch.nn.Linear(2, 3).weight.shape)",
                "x", cwd=tmp_path)
    assert r.stdout.strip() == "['-c', 'x'] torch.Size([3, 2])", r.stderr


def test_child_processes_inherit_the_alias(tmp_path):
    (tmp_path / "child.py").write_text("import torch\nprint(torch.__name__)\n")
    (tmp_path / "parent.py").write_text("import subprocess, sys, torch\n"
                                        "print(subprocess.run([sys.executable, 'child.py'], capture_output=True, "
                                        "text=True).stdout.strip())\n")
    r = _python("-m", "torchlike", "parent.py", cwd=tmp_path)
    assert r.stdout.strip() == "torchlike", r.stderr


def test_missing_module_is_a_clear_import_error(tmp_path):
    r = _python("-m", "torchlike", "-c", "import torch.nonexistent_module", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines()[-1] == ("ModuleNotFoundError: No module named 'torch.nonexistent_module': "
                                                  "torchlike, standing in for torch, has no "
                                                  "torchlike.nonexistent_module yet")
    r = _python("-m", "torchlike", "-c", "try:\n import torch.nonexistent_module\nexcept ImportError:\n print('ok')",
                cwd=tmp_path)
    assert r.stdout.strip() == "ok"


def test_install_as_torch_in_process(tmp_path):
    code = ("import torchlike; torchlike.install_as_torch()\n"
            "import torch, torch.nn as nn, torchvision.transforms as T\n"
            "from torch.utils.data import DataLoader\n"
            "print(torch is torchlike, nn is torchlike.nn, T is torchlike.vision.transforms,\n"
            "      DataLoader is torchlike.utils.data.DataLoader)\n")
    r = _python("-c", code, cwd=tmp_path)
    assert r.stdout.strip() == "True True True True", r.stderr


def test_refuses_when_real_torch_is_imported():
    assert "torch" in sys.modules and sys.modules["torch"] is torch  # this test process imports the real torch
    with pytest.raises(RuntimeError, match="the real torch is already imported"):
        torchlike.install_as_torch()
    assert not _alias.is_installed()
