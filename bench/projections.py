"""Projection benchmark: rebuild throughput, the raw COPY ceiling of the same rows, read-your-writes delay.

Run from the repo root: `python bench/projections.py [--events N --plans N]`. It creates a throwaway
database (dropped afterwards), refuses to run unless fsync and synchronous_commit are on, loads a
generated history of workout plans into the event log, then in the same run measures:
- `rebuild()` of the `workout_plans` projection over the whole log (events/s);
- the rows that rebuild produced, written back by raw COPY (expressed as log events/s);
- read-your-writes: commands at a steady rate (open loop) through the real CommandHandler while a
  ProjectionRunner follows the log (`fitcoach project` by default, `--runner in-process` for the embedded
  setup); each timed from when it was due until the checkpoint notification covers its position.
It prints a table and one JSON object as the last line of stdout.
"""

# A launcher only: run as a script, this folder comes first on sys.path, so the benchmark itself runs as a
# module of the `bench` package from the repo root, where `projections`, `graphql` & co. are the real ones.
import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    repo_root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "bench._projections_main", *sys.argv[1:]]
    sys.exit(subprocess.run(command, cwd=repo_root, check=False).returncode)
