"""The auditors' queries over a real socket: a stream's events page by page with their metadata, a plan at a
version or a time, a typed diff that applies, a plan's own history for its owner without anyone else's
data; bad input is a coded error with a stable reason, never a server error."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from application.audit.streams import PointInTime
from domain.plans.diff import apply_diff
from domain.plans.streams import plan_stream
from tests.api.audit.conftest import Audited
from tests.api.live_support import call, codes, raw_id
from tests.library_support import BENCH, DEADLIFT, SQUAT

EVENT_FIELDS = (
    "position stream version eventId type schemaVersion recordedAt actor userId commandId correlationId"
    " causationId summary data"
)
STREAM_EVENTS = (
    "query($stream: String!, $first: Int, $after: String) { streamEvents(stream: $stream, first: $first,"
    f" after: $after) {{ totalCount edges {{ cursor node {{ {EVENT_FIELDS} }} }}"
    " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"
)
PLAN_AT = """query($id: ID!, $version: Int, $at: DateTime) {
  planAt(id: $id, version: $version, at: $at) {
    id name version isActive latestVersionNumber exercises { exerciseId sets notes }
    versions { totalCount edges { node { versionNumber changeDescription } } }
    history { totalCount edges { node { version type } } }
  }
}"""
PLAN_DIFF = """query($id: ID!, $from: Int!, $to: Int!) {
  planDiff(id: $id, fromVersion: $from, toVersion: $to) {
    fromVersion toVersion
    fields { field before after }
    removed { exerciseId sets }
    added { position exercise { exerciseId sets } }
    changed { exerciseId fields { field before after } }
    reordered
    versionsAdded { totalCount edges { node { versionNumber changeDescription } } }
    changedBy { actor userId events }
    events(first: 2) {
      totalCount edges { node { version type actor userId } } pageInfo { hasNextPage endCursor }
    }
  }
}"""
HISTORY = """query($id: ID!, $first: Int, $after: String) {
  workoutPlan(id: $id) {
    version
    history(first: $first, after: $after) {
      totalCount edges { cursor node { version type recordedAt actor summary data } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
}"""


async def admin_call(audited: Audited, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    return await call(audited.admin.client, query, variables, token=audited.admin.access_token)


async def test_an_admin_pages_through_a_plans_events_with_their_metadata(audited):
    stream = plan_stream(raw_id(audited.plan_id))
    seen: list[dict[str, Any]] = []
    after = None
    for _ in range(5):
        body = await admin_call(audited, STREAM_EVENTS, {"stream": stream, "first": 4, "after": after})
        assert codes(body) == []
        page = body["data"]["streamEvents"]
        assert page["totalCount"] == 9
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        seen += [edge["node"] for edge in page["edges"]]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert [event["version"] for event in seen] == list(range(1, 10))
    recorded = await audited.served.api.core.store.read_stream(stream)
    assert [event["position"] for event in seen] == [r.position for r in recorded]
    assert [event["commandId"] for event in seen] == [str(r.metadata.command_id) for r in recorded]
    assert [event["type"] for event in seen][:2] == ["WorkoutPlanCreated", "ExerciseAdded"]
    assert {event["userId"] for event in seen} == {
        str(raw_id(audited.ada.user_id)),
        str(raw_id(audited.admin.user_id)),
    }
    assert seen[7]["summary"] == 'renamed to "Ada\'s strength (checked)"'
    assert seen[1]["data"]["exercise"]["exercise_id"] == SQUAT
    assert all(event["correlationId"] == event["commandId"] for event in seen)

    by_id = await admin_call(audited, STREAM_EVENTS, {"stream": str(raw_id(audited.plan_id)), "first": 9})
    assert [edge["node"] for edge in by_id["data"]["streamEvents"]["edges"]] == seen


async def test_a_users_events_show_their_registration_without_the_password_hash(audited):
    body = await admin_call(audited, STREAM_EVENTS, {"stream": str(raw_id(audited.ada.user_id))})
    [registered] = [edge["node"] for edge in body["data"]["streamEvents"]["edges"]]
    assert registered["type"] == "UserRegistered"
    assert registered["data"]["password_hash"] == "[redacted]"
    assert "argon2" not in json.dumps(body)
    assert registered["summary"] == "registered as user, with a password"


async def test_a_plan_at_a_version_or_a_time_is_that_state_with_its_own_versions_and_history(audited):
    at_six = (await admin_call(audited, PLAN_AT, {"id": audited.plan_id, "version": 6}))["data"]["planAt"]
    assert (at_six["name"], at_six["version"], at_six["latestVersionNumber"]) == ("Ada's strength", 6, None)
    assert [(e["exerciseId"], e["sets"]) for e in at_six["exercises"]] == [
        (BENCH, 3),
        (SQUAT, 5),
        (DEADLIFT, 3),
    ]
    assert at_six["versions"]["totalCount"] == 0
    assert [edge["node"]["version"] for edge in at_six["history"]["edges"]] == list(range(1, 7))

    recorded = await audited.served.api.core.store.read_stream(plan_stream(raw_id(audited.plan_id)))
    moment = recorded[7].recorded_at + timedelta(microseconds=1)
    at_time = (await admin_call(audited, PLAN_AT, {"id": audited.plan_id, "at": moment.isoformat()}))["data"]
    assert at_time["planAt"]["version"] == 8
    assert at_time["planAt"]["name"] == "Ada's strength (checked)"
    assert [edge["node"]["changeDescription"] for edge in at_time["planAt"]["versions"]["edges"]] == [
        "Week 1"
    ]


async def test_a_plan_diff_is_typed_and_applies_to_the_earlier_state(audited):
    body = await admin_call(audited, PLAN_DIFF, {"id": audited.plan_id, "from": 4, "to": 9})
    assert codes(body) == []
    diff = body["data"]["planDiff"]
    assert (diff["fromVersion"], diff["toVersion"]) == (4, 9)
    assert [(f["field"], f["before"], f["after"]) for f in diff["fields"] if f["field"] == "NAME"] == [
        ("NAME", "Ada's strength", "Ada's strength (checked)")
    ]
    assert diff["removed"] == [{"exerciseId": DEADLIFT, "sets": 3}]
    assert diff["added"] == []
    assert diff["changed"] == [
        {
            "exerciseId": SQUAT,
            "fields": [
                {"field": "SETS", "before": 3, "after": 5},
                {"field": "NOTES", "before": "", "after": "belt on"},
            ],
        }
    ]
    assert diff["reordered"] == [BENCH, SQUAT]
    assert [edge["node"]["versionNumber"] for edge in diff["versionsAdded"]["edges"]] == [1]
    assert diff["changedBy"] == [
        {"actor": "user", "userId": str(raw_id(audited.ada.user_id)), "events": 4},
        {"actor": "user", "userId": str(raw_id(audited.admin.user_id)), "events": 1},
    ]
    events = diff["events"]
    assert events["totalCount"] == 5
    assert [edge["node"]["version"] for edge in events["edges"]] == [5, 6]
    assert events["pageInfo"]["hasNextPage"] is True

    plan_id = raw_id(audited.plan_id)
    travel, diffs = audited.served.api.audit.time_travel, audited.served.api.audit.plan_diffs
    before, after = [(await travel.plan_at(plan_id, PointInTime(version=v))).plan for v in (4, 9)]
    assert apply_diff(before, (await diffs.changes(plan_id, 4, 9)).diff) == after


async def test_the_owner_reads_her_plans_history_without_anyone_elses_ids(audited):
    first = await audited.ada.data(HISTORY, {"id": audited.plan_id, "first": 5})
    plan = first["workoutPlan"]
    assert plan["history"]["totalCount"] == plan["version"] == 9
    rest = await audited.ada.data(
        HISTORY, {"id": audited.plan_id, "first": 5, "after": plan["history"]["pageInfo"]["endCursor"]}
    )
    events = [edge["node"] for edge in plan["history"]["edges"] + rest["workoutPlan"]["history"]["edges"]]
    assert [event["version"] for event in events] == list(range(1, 10))
    assert rest["workoutPlan"]["history"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": rest["workoutPlan"]["history"]["edges"][-1]["cursor"],
    }
    assert events[7]["type"] == "WorkoutPlanRenamed"
    assert events[7]["actor"] == "USER"
    shown = json.dumps(first) + json.dumps(rest)
    assert str(raw_id(audited.admin.user_id)) not in shown
    assert audited.admin.user_id not in shown


CODED = [
    ("planAt", PLAN_AT, {"version": None}, "BAD_USER_INPUT", "VERSION_OR_TIME_REQUIRED", "version"),
    (
        "planAt",
        PLAN_AT,
        {"version": 2, "at": "2026-01-01T00:00:00Z"},
        "BAD_USER_INPUT",
        "VERSION_AND_TIME_GIVEN",
        "at",
    ),
    ("planAt", PLAN_AT, {"version": 0}, "BAD_USER_INPUT", "VERSION_OUT_OF_RANGE", "version"),
    ("planAt", PLAN_AT, {"version": 10}, "BAD_USER_INPUT", "VERSION_OUT_OF_RANGE", "version"),
    ("planAt", PLAN_AT, {"at": "2001-01-01T00:00:00Z"}, "BAD_USER_INPUT", "BEFORE_FIRST_EVENT", "at"),
    ("planAt", PLAN_AT, {"version": 1, "id": "UNKNOWN"}, "NOT_FOUND", "STREAM_NOT_FOUND", None),
    ("planDiff", PLAN_DIFF, {"from": 5, "to": 4}, "BAD_USER_INPUT", "INVALID_VERSION_RANGE", "toVersion"),
    ("planDiff", PLAN_DIFF, {"from": 0, "to": 4}, "BAD_USER_INPUT", "VERSION_OUT_OF_RANGE", "fromVersion"),
    ("planDiff", PLAN_DIFF, {"from": 1, "to": 99}, "BAD_USER_INPUT", "VERSION_OUT_OF_RANGE", "toVersion"),
    ("streamEvents", STREAM_EVENTS, {"stream": "no-such-stream"}, "NOT_FOUND", "STREAM_NOT_FOUND", None),
    ("streamEvents", STREAM_EVENTS, {"stream": "x" * 500}, "NOT_FOUND", "STREAM_NOT_FOUND", None),
    ("streamEvents", STREAM_EVENTS, {"stream": "PLAN", "first": 101}, "BAD_USER_INPUT", None, "first"),
    ("streamEvents", STREAM_EVENTS, {"stream": "PLAN", "after": "bm9wZQ"}, "BAD_USER_INPUT", None, "after"),
]


@pytest.mark.parametrize(
    ("field", "query", "variables", "code", "reason", "argument"), CODED, ids=lambda v: str(v)[:40]
)
async def test_bad_input_is_a_coded_error_with_a_stable_reason(
    audited, field, query, variables, code, reason, argument
):
    unknown = "V29ya291dFBsYW46MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw"  # WorkoutPlan:0000...
    given = {"id": audited.plan_id, **variables}
    given = {
        key: unknown
        if value == "UNKNOWN"
        else plan_stream(raw_id(audited.plan_id))
        if value == "PLAN"
        else value
        for key, value in given.items()
    }
    body = await admin_call(audited, query, given)
    assert codes(body) == [code]
    [error] = body["errors"]
    assert error["extensions"].get("reason") == reason
    assert error["extensions"].get("field") == argument
    assert (body.get("data") or {}).get(field) is None


async def test_the_page_size_is_bounded_like_the_rest_of_the_api(audited):
    body = await admin_call(
        audited, STREAM_EVENTS, {"stream": plan_stream(raw_id(audited.plan_id)), "first": 100}
    )
    assert len(body["data"]["streamEvents"]["edges"]) == 9
    many = " ".join(
        f"e{index}: streamEvents(stream: $s, first: 100) {{ edges {{ node {{ {EVENT_FIELDS} }} }} }}"
        for index in range(14)
    )
    costly = await admin_call(
        audited, f"query($s: String!) {{ {many} }}", {"s": plan_stream(raw_id(audited.plan_id))}
    )
    assert codes(costly) == ["QUERY_TOO_COSTLY"]
    assert costly["errors"][0]["extensions"]["cost"] == 14 * (1 + 1 + 100 * (1 + 14))
