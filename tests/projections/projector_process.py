"""`fitcoach project` as a real OS process, for the kill and takeover tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[2]


class ProjectorProcess:
    def __init__(self, url: str, *, batch_size: int = 500, redis_url: str | None = None) -> None:
        self._log = tempfile.NamedTemporaryFile(prefix="fitcoach-project-", suffix=".log", delete=False)  # noqa: SIM115
        env = {
            **os.environ,
            "FITCOACH_DATABASE_URL": url,
            "FITCOACH_EVENT_STORE": "postgres",
            "FITCOACH_PROJECTION_BATCH_SIZE": str(batch_size),
        }
        if redis_url is not None:
            env["FITCOACH_REDIS_URL"] = redis_url
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fitcoach.cli", "project"],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=self._log,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(10)

    @property
    def output(self) -> str:
        return Path(self._log.name).read_text()

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill()
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)


async def projector_backends(url: str) -> list[tuple[int, str | None]]:
    """(pid, state) of each projector connection: state 'idle in transaction' or 'active' means mid-batch."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        cursor = await conn.execute(
            "SELECT pid, state FROM pg_stat_activity"
            " WHERE application_name = 'fitcoach-projector:workout_plans' AND datname = current_database()"
        )
        return [(int(pid), state) for pid, state in await cursor.fetchall()]
