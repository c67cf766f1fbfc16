"""Exercise library benchmark: search over the GraphQL API of a real `fitcoach serve --workers 1`.

Run from the repo root: `python bench/library.py [--seconds 10 --connections 8]`. It creates a throwaway
database (dropped afterwards), refuses to run unless fsync and synchronous_commit are on, starts the API as
a separate process on the real Redis (under a key prefix of its own, deleted afterwards), makes sure the
library holds the free-exercise-db catalogue (the shipped one, or defined from `--source` through the
library's command handler when the server shipped none), registers users with profiles (injuries and
equipment), then drives closed-loop, on the same server in the same run:
- `{ __typename }`: the framework's ceiling;
- a mix of searches: text (typos included), filters (muscles, equipment, level, pattern, excluded tags)
  and `availableTo: true` for users of different profiles, each asking for 20 exercises;
- the same mix executed every time past the search cache (a fresh text per request), as the worst case.
It prints a table and one JSON object as the last line of stdout (`search_rps`, `search_p99_ms`,
`typename_rps`, ...).
"""

# A launcher only, as bench/graphql.py: the benchmark runs as a module of the `bench` package.
import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    repo_root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "bench._library_main", *sys.argv[1:]]
    sys.exit(subprocess.run(command, cwd=repo_root, check=False).returncode)
