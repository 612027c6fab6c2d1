"""The public PyTorch programs in ../shared/clients (pytorch/examples, unmodified) run under
``python -m torchlike``, the way their own CI runs them (one epoch or a dry run each)."""
import pathlib
import subprocess

RUN_SH = pathlib.Path(__file__).resolve().parents[2] / "shared" / "clients" / "run.sh"


def test_public_programs_run_unmodified():
    assert RUN_SH.exists(), f"{RUN_SH} is missing: the clients live beside the repository, in ../shared"
    r = subprocess.run(["bash", str(RUN_SH)], capture_output=True, text=True, timeout=1800, check=False)
    print(r.stdout)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().splitlines()[-1] == "public programs (alias): 7/7 passed"
