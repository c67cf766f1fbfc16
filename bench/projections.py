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

from __future__ import annotations

import sys
from pathlib import Path

# This script is named like the `projections` package and its folder comes first on sys.path when run
# as a script: put the repo root in front so `import projections` finds the package, not this file.
_REPO_ROOT = str(Path(__file__).resolve().parent.parent)
sys.path[:] = [_REPO_ROOT, *(entry for entry in sys.path if entry != _REPO_ROOT)]

from _projections_main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
