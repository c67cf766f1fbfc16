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

# A launcher only: run as a script, this folder comes first on sys.path, so the benchmark itself runs as a
# module of the `bench` package from the repo root, where `projections`, `graphql` & co. are the real ones.
import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    repo_root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "bench._graphql_main", *sys.argv[1:]]
    sys.exit(subprocess.run(command, cwd=repo_root, check=False).returncode)
