"""`fitcoach coach-worker` as real OS processes against Claude's stand-in: one is killed with SIGKILL
while its reply streams, and another takes the message over once the lease runs out and completes it;
SIGTERM stops a worker cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from domain.coaching.events import CoachReplyCompleted, CoachReplyStarted
from tests.adapters.api_ports.redis_server import REDIS_URL, eventually
from tests.coaching.anthropic_server import Streamed
from tests.coaching.worker_support import Coach

REPO = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 10  # the shortest the settings allow


class WorkerProcess:
    def __init__(self, coach: Coach) -> None:
        self._log = tempfile.NamedTemporaryFile(prefix="fitcoach-coach-", suffix=".log", delete=False)  # noqa: SIM115
        env = {
            **os.environ,
            "FITCOACH_DATABASE_URL": coach.url,
            "FITCOACH_EVENT_STORE": "postgres",
            "FITCOACH_REDIS_URL": REDIS_URL,
            "FITCOACH_REDIS_KEY_PREFIX": coach.redis_prefix,
            "FITCOACH_ANTHROPIC_API_KEY": "test-key",
            "FITCOACH_ANTHROPIC_BASE_URL": coach.stand_in.url,
            "FITCOACH_ANTHROPIC_MODEL": "claude-test",
            "FITCOACH_COACH_LEASE_SECONDS": str(LEASE_SECONDS),
            "FITCOACH_COACH_SWEEP_SECONDS": "0.5",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fitcoach.cli", "coach-worker"],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=self._log,
        )

    @property
    def output(self) -> str:
        return Path(self._log.name).read_text()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)


async def test_a_worker_killed_mid_reply_is_taken_over_by_another_process(coach: Coach) -> None:
    coach.stand_in.script.extend(
        [Streamed(texts=("Let ", "me ", "think"), hang_after_texts=2), Streamed(texts=("Warm up first.",))]
    )
    user = await coach.user()
    session = await coach.session(user)
    first = WorkerProcess(coach)
    second: WorkerProcess | None = None
    try:
        await asyncio.sleep(1.0)  # it follows the log
        await coach.send(session, "how should I warm up?")

        async def streaming() -> bool:
            return len(coach.stand_in.requests) == 1

        assert await eventually(streaming, attempts=300), first.output
        await asyncio.sleep(0.3)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(10)
        second = WorkerProcess(coach)

        async def completed() -> bool:
            return any(isinstance(e, CoachReplyCompleted) for e in await coach.events(session))

        assert await eventually(completed, attempts=LEASE_SECONDS * 10 + 200, pause=0.1), second.output
        second.process.send_signal(signal.SIGTERM)
        assert second.process.wait(15) == 0, second.output
        logged = first.output + second.output
    finally:
        first.close()
        if second is not None:
            second.close()
    events = await coach.events(session)
    claims = [e for e in events if isinstance(e, CoachReplyStarted)]
    [reply] = [e for e in events if isinstance(e, CoachReplyCompleted)]
    assert [c.attempt for c in claims] == [1, 2]
    assert (claims[1].at - claims[0].at).total_seconds() >= LEASE_SECONDS
    assert (reply.reply_id, reply.text, reply.usage.provider) == (
        claims[1].reply_id,
        "Warm up first.",
        "anthropic",
    )
    assert "how should I warm up" not in logged  # the user's words are not logged
    assert "Warm up first" not in logged
    assert "test-key" not in logged
