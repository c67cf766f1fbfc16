"""`fitcoach audit integrity` and `fitcoach audit seal`, run as an operator would, on a database that
`fitcoach migrate` completed (the shipped library it loads goes through the command path: it is chained)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from adapters.postgres.store import PostgresEventStore
from tests.integrity.chain_support import execute, position_of, write_plan
from tests.integrity.conftest import DATABASE_PREFIX
from tests.projections import migrated_database

REPO = Path(__file__).resolve().parents[2]


def fitcoach(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FITCOACH_DATABASE_URL": url, "FITCOACH_EVENT_STORE": "postgres"}
    command = [sys.executable, "-m", "fitcoach.cli", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


async def test_seal_then_integrity_finds_an_edit_and_a_truncated_tail():
    async with migrated_database(DATABASE_PREFIX) as url:
        assert fitcoach(url, "migrate").returncode == 0
        store = await PostgresEventStore.connect(url)
        try:
            edited, truncated = await write_plan(store, 6), await write_plan(store, 5)
            events = await store.current_position()
        finally:
            await store.close()

        clean = fitcoach(url, "audit", "integrity", "--json")
        assert clean.returncode == 0, clean.stderr
        summary = json.loads(clean.stdout)
        assert (summary["events"], summary["broken"], summary["unchained"]) == (events, 0, 0)
        assert summary["ok"] == summary["streams"] == len(summary["reports"])
        assert "events/s" in clean.stderr  # the progress bar

        sealed = fitcoach(url, "audit", "seal", "--json")
        assert sealed.returncode == 0, sealed.stderr
        assert json.loads(sealed.stdout)["added"] == summary["streams"]

        edited_position = await position_of(url, edited, 4)
        await execute(
            url,
            (
                "UPDATE eventstore.events SET data = %s::json WHERE position = %s",
                ('{"x": 1}', edited_position),
            ),
            ("DELETE FROM eventstore.events WHERE stream = %s AND stream_version >= 4", (truncated,)),
        )

        table = fitcoach(url, "audit", "integrity")
        assert table.returncode == 1, table.stderr
        header, *rows, last = table.stdout.splitlines()
        assert header.split()[:3] == ["STREAM", "STATUS", "EVENTS"]
        assert sorted(row.split()[0] for row in rows) == sorted([edited, truncated])
        [edited_row] = [row.split() for row in rows if row.startswith(edited)]
        assert edited_row[1] == "broken"
        assert edited_row[5:9] == ["4", str(edited_position), "data", "edited:"]
        [truncated_row] = [row.split() for row in rows if row.startswith(truncated)]
        assert truncated_row[5:8] == ["4", "-", "truncated:"]
        assert last.endswith(", 2 broken")

        one = fitcoach(url, "audit", "integrity", truncated, "--json")
        assert one.returncode == 1
        [report] = json.loads(one.stdout)["reports"]
        assert report["first_break"]["version"] == 4
        assert report["first_break"]["reason"] == "truncated"
        assert (report["version"], report["sealed_version"]) == (3, 5)

        unknown = fitcoach(url, "audit", "integrity", "workout_plan-nobody")
        assert unknown.returncode == 2
        assert "UNKNOWN_STREAM" in unknown.stderr
