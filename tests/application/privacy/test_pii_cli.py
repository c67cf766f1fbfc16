"""`fitcoach audit pii`, run as an operator would against PostgreSQL: the streams still holding plain
personal data, as a table or as JSON, a progress bar on stderr, exit status 0 (it is a report); 1 when
the store cannot be reached."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.application.privacy.plain_log import MixedLog, mixed_log
from tests.conftest import ADMIN_URL

REPO = Path(__file__).resolve().parents[3]


def fitcoach(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITCOACH_")}
    env.update(FITCOACH_DATABASE_URL=url, FITCOACH_EVENT_STORE="postgres")
    command = [sys.executable, "-m", "fitcoach.cli", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
async def log() -> AsyncIterator[MixedLog]:
    async with mixed_log("fitcoach_pii_cli") as written:
        yield written


async def test_the_table_lists_the_plain_streams_then_a_summary(log: MixedLog) -> None:
    events = await log.store.current_position()

    done = fitcoach(log.url, "audit", "pii")

    assert done.returncode == 0, done.stderr
    header, *rows, summary = done.stdout.splitlines()
    assert header.split()[:3] == ["STREAM", "PLAIN", "EVENTS"]
    assert sorted(row.split()[0] for row in rows) == sorted([log.plain_user_stream, log.plain_session_stream])
    [user] = [row.split() for row in rows if row.startswith(log.plain_user_stream)]
    assert user[1:3] == ["2", "1"]  # plain events, first version
    assert user[4] == "3"  # last version
    assert " ".join(user[6:]) == "PasswordChanged (1), UserRegistered (1)"
    assert summary == f"4 streams, {events} events scanned: 3 events in 2 streams hold plain personal data"
    assert "events/s" in done.stderr  # the progress bar
    assert log.plain_email not in done.stdout + done.stderr
    assert log.plain_message not in done.stdout + done.stderr


async def test_json_lists_every_plain_stream_and_the_totals(log: MixedLog) -> None:
    done = fitcoach(log.url, "audit", "pii", "--json")

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["events_scanned"], report["streams_scanned"]) == (await log.store.current_position(), 4)
    assert (report["plain_events"], report["plain_streams"]) == (3, 2)
    assert isinstance(report["seconds"], float)
    by_name = {stream["stream"]: stream for stream in report["streams"]}
    assert set(by_name) == {log.plain_user_stream, log.plain_session_stream}
    session = by_name[log.plain_session_stream]
    message = (await log.store.stored.read_stream(log.plain_session_stream))[1]
    assert session == {
        "stream": log.plain_session_stream,
        "events": 1,
        "first": {"version": 2, "position": message.position},
        "last": {"version": 2, "position": message.position},
        "event_types": {"UserMessageSent": 1},
    }
    assert not set(by_name) & log.sealed_streams


def test_a_store_that_cannot_be_reached_exits_1_with_a_stable_code() -> None:
    missing = f"{ADMIN_URL.rpartition('/')[0]}/fitcoach_pii_no_such_database"

    done = fitcoach(missing, "audit", "pii")

    assert done.returncode == 1
    assert "[UNAVAILABLE]" in done.stderr
