"""GraphQL API benchmark: requests/s and p50/p99 latency of a real `fitcoach serve --workers 1`.

Run from the repo root: `python bench/graphql.py [--seconds 10 --connections 32]`. It creates a throwaway
database (dropped afterwards), refuses to run unless fsync and synchronous_commit are on, starts the API as
a separate process on the real Redis (under a key prefix of its own, deleted afterwards), seeds it through
the API itself (users, plans with exercises), waits for the projection, then drives it closed-loop from
load-generator processes of its own, one row after another, all on the same server in the same run:
- `{ __typename }`: the framework's ceiling (HTTP, JSON, Strawberry, no resolver, no I/O);
- a user's 20 plans with their exercises; one plan by id with its exercises;
- a mutation (`updateExercise` on rotating plans, no expectedVersion);
- `{ __typename }` again from twice the generator processes and connections: if it does not rise, the
  generator was not the bottleneck (the table also shows the CPU each process used);
- `{ __typename }` from a few connections (`--latency-connections`), quiet, then while one other client
  loops the costliest query the limits allow (`Cache-Control: no-store`, its data filling every bound):
  the target is a p99 within 3x of the quiet one.
It prints a table and one JSON object as the last line of stdout.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This script is named like the `graphql` package (graphql-core), and its folder comes first on sys.path
# when run as a script: move that folder to the end, so `import graphql` finds the package, not this file,
# while the `_graphql_*` helpers stay importable.
_BENCH = str(Path(__file__).resolve().parent)
_REPO_ROOT = str(Path(_BENCH).parent)
_rest = [entry for entry in sys.path if entry not in (_BENCH, _REPO_ROOT, "")]
sys.path[:] = [_REPO_ROOT, *_rest, _BENCH]

from _graphql_main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
