"""`fitcoach audit history|state|diff|trace`, run as the real command line against the PostgreSQL log:
tables for people, one JSON object with --json, and a stable code with exit status 1 on bad input."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from domain.plans.streams import plan_stream
from tests.application.audit.conftest import EMAIL, NEW_PASSWORD_HASH, PASSWORD_HASH, AuditedLog
from tests.projections.projector_process import REPO


@dataclass(frozen=True)
class Ran:
    status: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        assert self.status == 0, self.stderr
        document: dict[str, Any] = json.loads(self.stdout)
        return document


async def fitcoach(audited: AuditedLog, *args: str) -> Ran:
    env = {**os.environ, "FITCOACH_DATABASE_URL": audited.url, "FITCOACH_EVENT_STORE": "postgres"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "fitcoach.cli", "audit", *args,
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return Ran(process.returncode, stdout.decode(), stderr.decode())


async def test_history_prints_a_table_of_every_event_and_json_for_tools(audited):
    table, document = await asyncio.gather(
        fitcoach(audited, "history", str(audited.plan_id)),
        fitcoach(audited, "history", plan_stream(audited.plan_id), "--from", "2", "--to", "3", "--json"),
    )
    assert table.status == 0, table.stderr
    lines = table.stdout.splitlines()
    total = audited.plan_events_before_accept + 3
    assert lines[0] == f"{plan_stream(audited.plan_id)}: {total} of {total} events"
    assert lines[1].split() == [
        "POS", "VER", "RECORDED", "(UTC)", "TYPE", "ACTOR", "USER", "COMMAND", "CORRELATION", "SUMMARY",
    ]  # fmt: skip
    assert len(lines) == 2 + total
    assert "WorkoutPlanCreated" in lines[2]
    assert "renamed to 'Strength A+'" in lines[6]
    assert " ai_coach " in lines[6]

    found = document.json()
    assert (found["stream"], found["version"]) == (plan_stream(audited.plan_id), total)
    assert [(e["version"], e["type"]) for e in found["events"]] == [
        (2, "ExerciseAdded"),
        (3, "ExerciseAdded"),
    ]
    assert found["events"][0]["user_id"] == str(audited.user_id)
    assert found["events"][0]["data"]["exercise"]["exercise_id"] == "Barbell_Squat"


async def test_a_users_history_on_the_command_line_shows_no_password_hash(audited):
    table, document = await asyncio.gather(
        fitcoach(audited, "history", str(audited.user_id)),
        fitcoach(audited, "history", str(audited.user_id), "--json"),
    )
    assert table.status == 0, table.stderr
    for text in (table.stdout, document.stdout):
        assert PASSWORD_HASH not in text
        assert NEW_PASSWORD_HASH not in text
    assert EMAIL not in table.stdout
    assert "registered as user, with a password" in table.stdout
    assert document.json()["events"][0]["data"]["password_hash"] == "[redacted]"


async def test_state_prints_each_aggregate_as_its_read_model_shows_it(audited):
    recorded = await audited.store.read_stream(plan_stream(audited.plan_id))
    at = recorded[3].recorded_at.isoformat()
    plan_text, plan_at_time, user, session = await asyncio.gather(
        fitcoach(audited, "state", "workout", str(audited.plan_id), "--version", "8"),
        fitcoach(audited, "state", "workout", str(audited.plan_id), "--at", at, "--json"),
        fitcoach(audited, "state", "user", str(audited.user_id), "--version", "2", "--json"),
        fitcoach(audited, "state", "coaching", str(audited.session_id), "--version", "5", "--json"),
    )
    assert plan_text.status == 0, plan_text.stderr
    text = plan_text.stdout
    assert text.startswith(f"workout plan {audited.plan_id} at version 8 (position {recorded[7].position},")
    assert "name:           'Strength A+'" in text
    assert "exercises (3):" in text
    assert text.index("Bench_Press") < text.index("Barbell_Squat") < text.index("Barbell_Row")
    assert "'pause at the bottom'" in text
    assert "saved versions (1):" in text

    timed = plan_at_time.json()
    assert timed["version"] == 4
    assert [e["exercise_id"] for e in timed["plan"]["exercises"]] == [
        "Barbell_Squat",
        "Bench_Press",
        "Barbell_Row",
    ]
    assert timed["plan"]["name"] == "Strength A"

    profile = user.json()
    assert (profile["version"], profile["user"]["weight_kg"], profile["user"]["injuries"]) == (
        2,
        62.0,
        ["left knee"],
    )
    assert "password" not in json.dumps(profile["user"])

    coached = session.json()
    assert coached["session"]["status"] == "active"
    assert coached["suggestions"] == [
        {
            "suggestion_id": str(audited.suggestion_id),
            "kind": "add_exercise",
            "exercise_id": "Romanian_Deadlift",
            "replaces": None,
            "status": "accepted",
            "plan_version": 2,
        }
    ]


async def test_diff_shows_each_change_and_who_made_it(audited):
    last = str(audited.plan_events_before_accept + 2)
    text, document = await asyncio.gather(
        fitcoach(audited, "diff", "workout", str(audited.plan_id), "--from", "4", "--to", last),
        fitcoach(audited, "diff", "workout", str(audited.plan_id), "--from", "4", "--to", last, "--json"),
    )
    assert text.status == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == f"workout plan {audited.plan_id}: version 4 -> {last}"
    assert lines[1] == f"changed by: ai_coach {audited.user_id} (3 events), user {audited.user_id} (4 events)"
    assert "  name: 'Strength A' -> 'Strength A+'" in lines
    assert "  - Barbell_Row (3x10 @ 40 kg, rest 90 s)" in lines
    assert "  + #3 Romanian_Deadlift (3x10 @ 40 kg, rest 90 s)" in lines
    assert "  ~ Barbell_Squat: sets 5 -> 4, notes '' -> 'pause at the bottom'" in lines
    assert "  reordered: Bench_Press, Barbell_Squat" in lines

    diff = document.json()
    assert diff["diff"]["removed"][0]["exercise_id"] == "Barbell_Row"
    assert diff["diff"]["added"] == [
        {"index": 2, "exercise": diff["diff"]["added"][0]["exercise"]},
    ]
    assert [v["number"] for v in diff["diff"]["versions_added"]] == [1, 2]
    assert len(diff["events"]) == int(last) - 4


async def test_trace_shows_both_streams_of_an_accepted_suggestion(audited):
    text, document = await asyncio.gather(
        fitcoach(audited, "trace", str(audited.accept_correlation)),
        fitcoach(audited, "trace", str(audited.accept_correlation), "--json"),
    )
    assert text.status == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == f"correlation {audited.accept_correlation}: 3 events in 2 streams"
    assert [line.split()[1] for line in lines[2:]] == [
        plan_stream(audited.plan_id), plan_stream(audited.plan_id), f"coaching-{audited.session_id}",
    ]  # fmt: skip
    assert [e["type"] for e in document.json()["events"]] == [
        "ExerciseAdded", "WorkoutVersionCreated", "SuggestionAccepted",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["history", "workout-00000000-0000-0000-0000-000000000000"], 1, "[STREAM_NOT_FOUND]"),
        (["history", "PLAN", "--from", "50"], 1, "[VERSION_OUT_OF_RANGE]"),
        (["state", "workout", "PLAN", "--version", "99"], 1, "[VERSION_OUT_OF_RANGE]"),
        (["state", "workout", "PLAN", "--at", "2001-01-01T00:00:00Z"], 1, "[BEFORE_FIRST_EVENT]"),
        (["diff", "workout", "PLAN", "--from", "5", "--to", "3"], 1, "[INVALID_VERSION_RANGE]"),
        (["trace", str(uuid.UUID(int=7))], 1, "[CORRELATION_NOT_FOUND]"),
        (["history", "workout-\udcff"], 1, "[STREAM_NOT_FOUND]"),
        (["state", "workout", "PLAN"], 2, "one of the arguments --version --at is required"),
        (["state", "workout", "PLAN", "--version", "1", "--at", "2025-01-01"], 2, "not allowed with"),
        (["state", "workout", "not-a-uuid", "--version", "1"], 2, "not a UUID"),
        (["state", "user", "PLAN", "--at", "yesterday"], 2, "not an ISO 8601 time"),
    ],
)
async def test_bad_input_exits_non_zero_with_a_stable_code_and_no_traceback(audited, args, status, message):
    ran = await fitcoach(audited, *[str(audited.plan_id) if arg == "PLAN" else arg for arg in args])
    assert (ran.status, ran.stdout) == (status, "")
    assert message in ran.stderr
    assert "Traceback" not in ran.stderr
