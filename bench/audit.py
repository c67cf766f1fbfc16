"""Audit benchmark: `audit verify` over the whole log against the log's own `read_all` + decode rate.

Run from the repo root: `python bench/audit.py [--events N]` (default 1,000,000; `--events 100000` for a
quick check). See `bench/_audit_main.py` for what it measures and how. It prints a table and one JSON
object as the last line of stdout.
"""

# A launcher only: run as a script, this folder comes first on sys.path, so the benchmark itself runs as a
# module of the `bench` package from the repo root, where `projections`, `graphql` & co. are the real ones.
import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    repo_root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "bench._audit_main", *sys.argv[1:]]
    sys.exit(subprocess.run(command, cwd=repo_root, check=False).returncode)
