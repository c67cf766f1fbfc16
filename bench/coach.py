"""Coach streaming benchmark: 1,000 `coachChat` subscribers over real WebSockets while 100 replies stream
from a local provider at 50 tokens/s through the real Anthropic adapter, against a bare Starlette
WebSocket endpoint broadcasting the same frames in the same run.

Run from the repo root: `python bench/coach.py [--subscribers 1000 --streaming 100 --tokens 150 --rate 50
--topology split|embedded --coach-workers 1]`. It prints a table and one JSON object as the last line of
stdout (`subscribers`, `streaming`, `token_p99_ms`, `ttft_overhead_p99_ms`, `frames_per_cpu_s` of the API
process, `baseline_frames_per_cpu_s`, `all_processes_frames_per_cpu_s`, `replies_miscounted`, ...).
See bench/_coach_main.py for what is measured and how.
"""

# A launcher only, as bench/graphql.py: the benchmark runs as a module of the `bench` package.
import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    repo_root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "bench._coach_main", *sys.argv[1:]]
    sys.exit(subprocess.run(command, cwd=repo_root, check=False).returncode)
