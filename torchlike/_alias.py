"""torchlike standing in for ``torch`` and ``torchvision``: the import alias behind
``python -m torchlike script.py`` and ``torchlike.install_as_torch()``.

A meta-path finder resolves ``torch`` and every ``torch.X`` to the torchlike module of the
same path (``torch.nn.functional`` is ``torchlike.nn.functional``), and ``torchvision.X`` to
``torchlike.vision.X``. Nothing is copied: ``sys.modules["torch.nn"] is torchlike.nn``.

Child Python processes (DataLoader workers, ``multiprocessing`` children, ``subprocess``
runs of other scripts) inherit the alias through ``PYTHONPATH``: it names a folder whose
``torch`` and ``torchvision`` packages install the same finder when imported.
"""
import importlib
import importlib.abc
import importlib.util
import os
import sys

SHIM_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_shim")
ALIASES = (("torchvision", "torchlike.vision"), ("torch", "torchlike"))


def _target(fullname):
    """The torchlike module name standing for ``fullname``, or None if it is not aliased."""
    for alias, real in ALIASES:
        if fullname == alias or fullname.startswith(alias + "."):
            return real + fullname[len(alias):]
    return None


class _ExistingModuleLoader(importlib.abc.Loader):
    """Hands the import system a torchlike module that is already loaded, unchanged."""

    def __init__(self, module):
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        module.__spec__ = self.spec  # the import system set the alias's spec; keep torchlike's own


class AliasFinder(importlib.abc.MetaPathFinder):
    """Resolves ``torch[.X]`` to ``torchlike[.X]`` and ``torchvision[.X]`` to ``torchlike.vision[.X]``."""

    def find_spec(self, fullname, path=None, target=None):
        real = _target(fullname)
        if real is None:
            return None
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as e:
            if e.name is not None and real.startswith(e.name) and e.name.startswith("torchlike"):
                raise ModuleNotFoundError(
                    f"No module named '{fullname}': torchlike, standing in for torch, has no {real} yet",
                    name=fullname) from None
            raise
        return importlib.util.spec_from_loader(fullname, _ExistingModuleLoader(module),
                                               is_package=hasattr(module, "__path__"))


def _is_alias(module):
    return module is None or getattr(module, "__name__", "").startswith("torchlike") or \
        os.path.dirname(os.path.dirname(getattr(module, "__file__", None) or "")) == SHIM_DIR


def is_installed():
    """Whether ``import torch`` in this process resolves to torchlike."""
    return any(isinstance(f, AliasFinder) for f in sys.meta_path)


def install_as_torch():
    """Make ``import torch``/``import torchvision`` (and every submodule) resolve to torchlike in
    this process and in the Python processes it starts from now on (``PYTHONPATH``).

    For notebooks and ``python -c``; ``python -m torchlike script.py`` calls it for you. Raises
    RuntimeError if the real PyTorch or torchvision is already imported: the two cannot be mixed.
    """
    for name in ("torch", "torchvision"):
        module = sys.modules.get(name)
        if not _is_alias(module):
            raise RuntimeError(
                f"torchlike cannot stand in for {name}: the real {name} is already imported in this process "
                f"(from {getattr(module, '__file__', '?')}). Call torchlike.install_as_torch() before anything "
                f"imports {name}, or run the program with `python -m torchlike script.py`.")
    if not is_installed():
        sys.meta_path.insert(0, AliasFinder())
    if SHIM_DIR not in sys.path:
        sys.path.insert(1 if sys.path else 0, SHIM_DIR)  # sent to spawned children with the rest of sys.path
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if SHIM_DIR not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([SHIM_DIR] + [p for p in paths if p])
