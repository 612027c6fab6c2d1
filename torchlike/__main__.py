"""``python -m torchlike``: run an unmodified PyTorch program on torchlike.

    python -m torchlike script.py [args ...]
    python -m torchlike -m package.module [args ...]
    python -m torchlike -c "import torch; print(torch.ones(2))" [args ...]

Every ``import torch...`` and ``import torchvision...`` in the program (and in the Python
processes it starts) resolves to torchlike. ``sys.argv``, ``sys.path[0]``, ``__name__ ==
"__main__"``, ``__file__``, exit codes and tracebacks are what ``python script.py`` gives.
"""
import builtins
import importlib.machinery
import io
import os
import runpy
import sys
import traceback
import types
import zipfile

USAGE = __doc__.split("\n\n")[1]
_LAUNCHER_FILES = (__file__, runpy.__file__, "<frozen runpy>")


def _run(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print("usage:\n" + USAGE)
        return 0 if argv else 2
    from torchlike._alias import install_as_torch
    install_as_torch()
    if argv[0] == "-m":
        if len(argv) < 2:
            print("python -m torchlike: -m needs a module name", file=sys.stderr)
            return 2
        sys.argv = argv[1:]
        sys.path[0] = os.getcwd()
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    elif argv[0] == "-c":
        if len(argv) < 2:
            print("python -m torchlike: -c needs a command", file=sys.stderr)
            return 2
        sys.argv = ["-c"] + argv[2:]
        sys.path[0] = ""
        exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})  # noqa: S102
    else:
        script = argv[0]
        if not os.path.exists(script):
            print(f"{sys.executable}: can't open file {os.path.abspath(script)!r}: [Errno 2] No such file or directory",
                  file=sys.stderr)
            return 2
        sys.argv = argv
        sys.path[0] = os.path.dirname(os.path.abspath(script))
        if os.path.isdir(script) or zipfile.is_zipfile(script):  # a folder or zip with a __main__.py
            runpy.run_path(script, run_name="__main__")
        else:
            _run_script(os.path.abspath(script))
    return 0


def _run_script(path):
    """Run a source file as ``python path`` does: a fresh ``__main__`` module, ``__file__`` absolute."""
    main = types.ModuleType("__main__")
    main.__file__, main.__builtins__, main.__spec__ = path, builtins, None
    main.__loader__ = importlib.machinery.SourceFileLoader("__main__", path)
    sys.modules["__main__"] = main
    with io.open_code(path) as f:
        code = compile(f.read(), path, "exec")
    exec(code, main.__dict__)  # noqa: S102  (running the program is the point)


def _print_program_traceback(exc):
    """The traceback ``python script.py`` prints: frames of this launcher and runpy left out."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename in _LAUNCHER_FILES:
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb)


def main():
    try:
        code = _run(sys.argv[1:])
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001  (reported as the interpreter would, then exit 1)
        _print_program_traceback(exc)
        code = 130 if isinstance(exc, KeyboardInterrupt) else 1
    sys.exit(code)


if __name__ == "__main__":
    main()
