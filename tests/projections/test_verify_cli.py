"""`fitcoach audit verify` as an operator runs it: exit 0 on faithful read models, 1 naming a hand-edited
row, 2 when it cannot run as asked; a table for people, one JSON object with `--json`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import psycopg

from tests.projections.projector_process import REPO
from tests.projections.verify_support import execute, project_everything, write_every_kind


def fitcoach(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FITCOACH_DATABASE_URL": url, "FITCOACH_EVENT_STORE": "postgres"}
    command = [sys.executable, "-m", "fitcoach.cli", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


async def test_the_cli_exits_0_on_faithful_read_models_and_1_naming_a_hand_edited_row(
    projection_url, projection_store, runners
):
    head = await write_every_kind(projection_store)
    await project_everything(projection_store, projection_url, runners, head)

    clean = fitcoach(projection_url, "audit", "verify")
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.splitlines()[0].startswith(f"rebuilt 4 projection(s) from {head:,} events")
    assert clean.stdout.rstrip().endswith("OK: every live read model verified is what the log gives")
    assert "events/s" in clean.stderr  # the progress bar

    plan_id, name = await _first_plan(projection_url)
    await execute(
        projection_url, "UPDATE workout.workout_plans SET name = 'Edited by hand' WHERE id = %s", (plan_id,)
    )

    drifted = fitcoach(projection_url, "audit", "verify", "--projection", "workout_plans")
    assert drifted.returncode == 1, drifted.stderr
    lines = drifted.stdout.splitlines()
    assert f"  workout_plans  workout.workout_plans  id={plan_id}  changed" in lines
    assert f"      name: live 'Edited by hand' | rebuilt {name!r}" in lines
    assert lines[-1] == "DRIFT: 1 row(s) differ from the log in workout_plans"

    as_json = fitcoach(projection_url, "audit", "verify", "--json", "--sample", "1000")
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert (report["drifted"], report["drift_count"], report["sample"]) == (True, 1, 1000)
    [workout] = [p for p in report["projections"] if p["projection"] == "workout_plans"]
    assert workout["drifts"] == [
        {
            "table": "workout.workout_plans",
            "key": {"id": str(plan_id)},
            "kind": "changed",
            "columns": [{"column": "name", "live": "Edited by hand", "rebuilt": name}],
        }
    ]
    assert {p["projection"]: p["drifted"] for p in report["projections"]} == {
        "workout_plans": True,
        "users": False,
        "coaching": False,
        "library": False,
    }


async def test_the_cli_exits_2_for_an_unknown_projection_or_a_sample_below_one(projection_url):
    unknown = fitcoach(projection_url, "audit", "verify", "--projection", "nope")
    assert unknown.returncode == 2
    assert "UNKNOWN_PROJECTION" in unknown.stderr
    assert unknown.stdout == ""
    zero = fitcoach(projection_url, "audit", "verify", "--sample", "0")
    assert zero.returncode == 2
    assert "[VALIDATION]" in zero.stderr


async def _first_plan(url: str) -> tuple[object, str]:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        row = await (await conn.execute("SELECT id, name FROM workout.workout_plans ORDER BY id")).fetchone()
    assert row is not None
    return row[0], row[1]
