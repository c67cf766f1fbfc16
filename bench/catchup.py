"""`python bench/catchup.py [options]`: runs `bench._catchup_main` (see its docstring, or `--help`)."""

# A launcher only: run as a script, this folder comes first on sys.path, so the benchmark itself runs as a
# module of the `bench` package from the repo root, where `projections`, `graphql` & co. are the real ones.
import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    repo_root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "bench._catchup_main", *sys.argv[1:]]
    sys.exit(subprocess.run(command, cwd=repo_root, check=False).returncode)
