"""The API under test, as a separate process: `fitcoach serve --workers 1` on a throwaway database and
the real Redis under a key prefix of its own; and CPU accounting of processes from /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import redis

REPO_ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("FITCOACH_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
JWT_SECRET = "bench-graphql-secret-that-is-long-enough-0123456789"
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class ServedApi:
    pid: int
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(database_url: str, redis_prefix: str) -> dict[str, str]:
    return {
        **os.environ,
        "FITCOACH_DATABASE_URL": database_url,
        "FITCOACH_EVENT_STORE": "postgres",
        "FITCOACH_REDIS_URL": REDIS_URL,
        "FITCOACH_REDIS_KEY_PREFIX": redis_prefix,
        "FITCOACH_JWT_SECRET": JWT_SECRET,
        "FITCOACH_AUTH_RATE_LIMIT_PER_MINUTE": "10000",  # setup registers users from one address
        "FITCOACH_MUTATION_RATE_LIMIT_PER_MINUTE": "1000000",  # measure writes, not refusals
        "FITCOACH_MUTATION_RATE_LIMIT_BURST": "100000",
        "FITCOACH_ACCESS_TOKEN_MINUTES": "120",  # outlives the run: no refresh on the measured path
    }


@contextmanager
def served_api(
    database_url: str, redis_prefix: str, *, extra_env: dict[str, str] | None = None
) -> Iterator[ServedApi]:
    """`fitcoach serve --workers 1` on a free port, ready (`/ready` answers 200) before the yield;
    `extra_env` adds or overrides settings."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="fitcoach-bench-graphql-", suffix=".log")[1])
    command = [sys.executable, "-m", "fitcoach.cli", "serve", "--workers", "1", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=server_env(database_url, redis_prefix) | (extra_env or {}),
            stdout=output,
            stderr=output,
        )
    try:
        _wait_ready(process, f"http://127.0.0.1:{port}", log)
        yield ServedApi(process.pid, port, log)
    except BaseException:
        _stop(process)
        print(f"server log kept: {log}", file=sys.stderr)
        raise
    _stop(process)
    log.unlink()


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    with httpx.Client(base_url=url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}:\n{log_tail(log)}")
            try:
                if client.get("/ready").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"the server was not ready in {START_TIMEOUT_SECONDS:.0f} s:\n{log_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def log_tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def delete_redis_prefix(prefix: str) -> int:
    """Delete every key of this run (the server's caches, sessions, rate limits, persisted queries)."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return len(keys)
    finally:
        client.close()


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads) so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime: fields 14 and 15


def peak_memory_mb(pid: int) -> float:
    """The most resident memory the process has had so far (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def thread_schedule_seconds(pid: int) -> tuple[float, float]:
    """(on a CPU, runnable but waiting for one) seconds so far of a process's main thread, from
    /proc/<pid>/schedstat; the rest of the wall time it was idle (here: awaiting a request or I/O)."""
    running, waiting, _ = Path(f"/proc/{pid}/schedstat").read_text().split()
    return int(running) / 1e9, int(waiting) / 1e9


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, summed over cores, from /proc/stat."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS
