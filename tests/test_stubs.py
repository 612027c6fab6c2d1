"""The typing stubs (tools/gen_stubs.py) are current and declare what the registrations attach."""
import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
STUBS = ("torchlike/_tensor.pyi", "torchlike/__init__.pyi", "torchlike/nn/functional/__init__.pyi")


def _names(tree, cls=None):
    body = tree.body
    if cls is not None:
        body = next(n for n in body if isinstance(n, ast.ClassDef) and n.name == cls).body
    names = set()
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
    return names


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The stubs as tools/gen_stubs.py writes them now, in a fresh process (this one has imported more)."""
    out = tmp_path_factory.mktemp("stubs")
    subprocess.run([sys.executable, str(ROOT / "tools" / "gen_stubs.py"), "--out", str(out)], check=True,
                   capture_output=True)
    return {rel: (out / rel).read_text() for rel in STUBS}


def test_stubs_are_current(generated):
    """The checked-in stubs equal freshly generated ones (run `python tools/gen_stubs.py` if this fails)."""
    stale = [rel for rel, text in generated.items() if (ROOT / rel).read_text() != text]
    assert not stale, f"stale stubs {stale}: run python tools/gen_stubs.py"
    assert (ROOT / "torchlike" / "py.typed").exists()


def test_stubs_declare_the_registrations(generated):
    """Valid Python declaring Tensor's attached methods, torch.* and nn.functional (names as torch has them)."""
    trees = {rel: ast.parse(text) for rel, text in generated.items()}
    tensor = _names(trees["torchlike/_tensor.pyi"], "Tensor")
    assert {"relu", "add", "add_", "sum", "backward", "__add__", "__getitem__", "shape", "grad", "T"} <= tensor
    namespace = _names(trees["torchlike/__init__.pyi"])
    assert {"add", "tensor", "zeros", "Tensor", "float32", "nn", "no_grad", "compile", "from_dlpack"} <= namespace
    functional = _names(trees["torchlike/nn/functional/__init__.pyi"])
    assert {"relu", "conv2d", "cross_entropy", "softmax"} <= functional
    add = next(n for n in trees["torchlike/__init__.pyi"].body if isinstance(n, ast.FunctionDef) and n.name == "add")
    assert [a.arg for a in add.args.args] == ["input", "other"]
    assert [a.arg for a in add.args.kwonlyargs] == ["alpha", "out"]
    tensor_body = next(n for n in trees["torchlike/_tensor.pyi"].body if getattr(n, "name", None) == "Tensor").body
    returns = {n.name: ast.unparse(n.returns) if n.returns else None for n in tensor_body
               if isinstance(n, ast.FunctionDef)}
    assert returns["relu"] == returns["add_"] == returns["__add__"] == "Tensor"  # chained calls complete too
