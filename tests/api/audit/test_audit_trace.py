"""A coach suggestion accepted over the real API, traced by `fitcoach audit trace` on the same database:
the plan's events and the session's `SuggestionAccepted`, one request across two streams, in log order."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid

from domain.coaching import coaching_stream
from domain.plans.streams import plan_stream
from tests.api.audit.conftest import Audited
from tests.api.coaching.coach_support import ACCEPT, CoachDriver, add, sent, start_session, wait_for_messages
from tests.api.live_support import raw_id
from tests.library_support import ROW
from tests.projections.projector_process import REPO


async def fitcoach_audit(database_url: str, *args: str) -> tuple[int, str, str]:
    env = {**os.environ, "FITCOACH_DATABASE_URL": database_url, "FITCOACH_EVENT_STORE": "postgres"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "fitcoach.cli", "audit", *args,
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_an_accepted_suggestion_is_traced_across_the_plan_and_the_session(audited: Audited) -> None:
    ada, api = audited.ada, audited.served.api
    session = await start_session(ada, planId=audited.plan_id)
    message = await sent(ada, session["id"], "What should I add?")
    suggestion = add(ROW)
    await CoachDriver(api).answer(session["id"], message["id"], "Add rows.", (suggestion,))
    await wait_for_messages(ada, session["id"], 2)
    request = uuid.uuid4()
    variables = {
        "input": {
            "sessionId": session["id"],
            "suggestionId": str(suggestion.suggestion_id),
            "commandId": str(request),
        }
    }
    accepted = (await ada.data(ACCEPT, variables))["acceptSuggestion"]
    assert accepted["userErrors"] == []

    status, stdout, stderr = await fitcoach_audit(api.database_url, "trace", str(request), "--json")
    assert status == 0, stderr
    events = json.loads(stdout)["events"]
    plan, coaching = plan_stream(raw_id(audited.plan_id)), coaching_stream(raw_id(session["id"]))
    assert [(e["stream"], e["type"]) for e in events] == [
        (plan, "ExerciseAdded"),
        (plan, "WorkoutVersionCreated"),
        (coaching, "SuggestionAccepted"),
    ]
    assert [e["actor"] for e in events] == ["ai_coach", "ai_coach", "user"]
    assert [e["position"] for e in events] == sorted(e["position"] for e in events)
    assert {e["correlation_id"] for e in events} == {str(request)}
    assert {e["user_id"] for e in events} == {str(raw_id(ada.user_id))}
    assert [record.to_json() for record in await api.audit.trace.events(request)] == events
