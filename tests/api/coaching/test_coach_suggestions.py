"""Suggestions over the real server: accepting one changes the plan through its command path (actor
AI_COACH, a saved version naming the suggestion) and records the version; replaying the accept changes
nothing more; a suggestion the plan no longer fits stays open with STALE_SUGGESTION; rejecting records
it; a decided suggestion cannot be decided again."""

from __future__ import annotations

import uuid
from typing import Any

from domain.coaching import coaching_stream
from domain.coaching.events import SuggestionAccepted
from domain.coaching.values import Suggestion
from domain.plans.streams import plan_stream
from tests.api.coaching.coach_support import (
    ACCEPT,
    REJECT,
    CoachDriver,
    add,
    messages_of,
    plan_with,
    remove,
    replace,
    sent,
    start_session,
    wait_for_messages,
)
from tests.api.graphql_client import Session, register
from tests.api.live_support import eventually, raw_id
from tests.library_support import BENCH, DEADLIFT, SQUAT

UPDATE_PROFILE = """mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { id } userErrors { code } }
}"""
PLAN = "query($id: ID!) { workoutPlan(id: $id) { exercises { exerciseId } latestVersionNumber } }"
REMOVE_EXERCISE = """mutation($input: RemoveExerciseInput!) {
  removeExercise(input: $input) { plan { version } userErrors { code } }
}"""


async def coached_plan(
    ada: Session, coach: CoachDriver, *suggestions: Suggestion
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """Ada's plan (squat, bench), a session about it, and a reply proposing `suggestions`; the plan's
    version."""
    plan, at = await plan_with(ada, SQUAT, BENCH)
    version = at.version
    session = await start_session(ada, planId=plan["id"])
    message = await sent(ada, session["id"], "Change my plan")
    await coach.answer(session["id"], message["id"], "Here is what I would change.", suggestions)
    await wait_for_messages(ada, session["id"], 2)
    return plan, session, version


async def accept(
    ada: Session, session: dict[str, Any], suggestion: Suggestion, **fields: Any
) -> dict[str, Any]:
    variables = {
        "input": {"sessionId": session["id"], "suggestionId": str(suggestion.suggestion_id), **fields}
    }
    payload: dict[str, Any] = (await ada.data(ACCEPT, variables))["acceptSuggestion"]
    return payload


async def suggestion_status(ada: Session, session: dict[str, Any]) -> list[tuple[str, int | None]]:
    reply = (await messages_of(ada, session["id"]))[-1]
    return [(s["status"], s["planVersion"]) for s in reply["suggestions"]]


async def test_given_an_add_suggestion_when_accepted_then_the_plan_gains_the_exercise_in_a_named_version(
    served, ada, coach
):
    suggestion = add(DEADLIFT)
    plan, session, version = await coached_plan(ada, coach, suggestion)
    payload = await accept(ada, session, suggestion, expectedVersion=version)
    assert payload["userErrors"] == []
    changed = payload["plan"]
    assert [e["exerciseId"] for e in changed["exercises"]] == [
        SQUAT,
        BENCH,
        DEADLIFT,
    ]
    assert changed["latestVersionNumber"] == 1
    [saved] = [edge["node"] for edge in changed["versions"]["edges"]]
    assert saved["changedBy"] == "AI_COACH"
    assert str(suggestion.suggestion_id) in saved["changeDescription"]

    recorded = await served.api.core.store.read_stream(coaching_stream(raw_id(session["id"])))
    assert recorded[-1].type == SuggestionAccepted.type
    assert recorded[-1].data["plan_version"] == 1
    assert recorded[-1].data["plan_id"] == str(raw_id(plan["id"]))
    await eventually(lambda: suggestion_status(ada, session), lambda found: found == [("ACCEPTED", 1)])


async def test_given_a_replace_suggestion_when_accepted_then_the_new_exercise_takes_the_old_ones_place(
    ada, coach
):
    suggestion = replace(SQUAT, "Test_Leg_Press")
    _, session, _ = await coached_plan(ada, coach, suggestion)
    payload = await accept(ada, session, suggestion)
    assert payload["userErrors"] == []
    assert [(e["exerciseId"], e["sets"]) for e in payload["plan"]["exercises"]] == [
        ("Test_Leg_Press", 4),
        (BENCH, 3),
    ]


async def test_given_a_remove_suggestion_when_accepted_then_the_exercise_is_gone(ada, coach):
    suggestion = remove(BENCH)
    _, session, _ = await coached_plan(ada, coach, suggestion)
    payload = await accept(ada, session, suggestion)
    assert payload["userErrors"] == []
    assert [e["exerciseId"] for e in payload["plan"]["exercises"]] == [SQUAT]


async def test_given_an_accept_sent_twice_with_one_command_id_then_the_plan_changes_once(served, ada, coach):
    suggestion = add("Test_Lunge")
    plan, session, _ = await coached_plan(ada, coach, suggestion)
    command_id = str(uuid.uuid4())
    first = await accept(ada, session, suggestion, commandId=command_id)
    again = await accept(ada, session, suggestion, commandId=command_id)
    assert again["userErrors"] == []
    assert again["plan"]["version"] == first["plan"]["version"]
    assert again["plan"]["latestVersionNumber"] == 1
    recorded = await served.api.core.store.read_stream(coaching_stream(raw_id(session["id"])))
    assert [record.type for record in recorded].count(SuggestionAccepted.type) == 1
    # Both streams' events of the accept carry its command id as their correlation id (for audits).
    plan_events = await served.api.core.store.read_stream(plan_stream(raw_id(plan["id"])))
    correlated = [
        r.type for r in [*plan_events, *recorded] if r.metadata.correlation_id == uuid.UUID(command_id)
    ]
    assert correlated == ["ExerciseAdded", "WorkoutVersionCreated", SuggestionAccepted.type]

    other = await accept(ada, session, suggestion)
    assert [error["code"] for error in other["userErrors"]] == ["SUGGESTION_ALREADY_DECIDED"]


async def test_given_the_plan_moved_under_a_suggestion_when_accepted_then_it_is_stale_and_stays_open(
    ada, coach
):
    suggestion = replace(SQUAT, "Test_Leg_Press")
    plan, session, _ = await coached_plan(ada, coach, suggestion)
    removed = await ada.data(REMOVE_EXERCISE, {"input": {"planId": plan["id"], "exerciseId": SQUAT}})
    assert removed["removeExercise"]["userErrors"] == []
    payload = await accept(ada, session, suggestion)
    assert payload["plan"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("STALE_SUGGESTION", "input.suggestionId")
    ]
    assert await suggestion_status(ada, session) == [("OPEN", None)]
    # Nothing of the refused change was written: the plan is as the user left it.
    await eventually(
        lambda: ada.data(PLAN, {"id": plan["id"]}),
        lambda found: (
            found["workoutPlan"] == {"exercises": [{"exerciseId": BENCH}], "latestVersionNumber": None}
        ),
    )


async def test_given_a_stale_expected_version_when_accepted_then_it_is_a_conflict_with_the_current_version(
    ada, coach
):
    suggestion = add("Test_Glute_Bridge")
    _, session, version = await coached_plan(ada, coach, suggestion)
    payload = await accept(ada, session, suggestion, expectedVersion=version - 1)
    assert [(e["code"], e["currentVersion"]) for e in payload["userErrors"]] == [("CONFLICT", version)]
    assert await suggestion_status(ada, session) == [("OPEN", None)]


async def test_given_a_suggestion_when_rejected_then_it_is_recorded_and_can_no_longer_be_accepted(ada, coach):
    suggestion = add("Test_Push_Up")
    _, session, _ = await coached_plan(ada, coach, suggestion)
    variables = {
        "input": {
            "sessionId": session["id"],
            "suggestionId": str(suggestion.suggestion_id),
            "reason": "no cables",
        }
    }
    payload = (await ada.data(REJECT, variables))["rejectSuggestion"]
    assert payload["userErrors"] == []
    await eventually(lambda: suggestion_status(ada, session), lambda found: found == [("REJECTED", None)])
    accepted = await accept(ada, session, suggestion)
    assert [error["code"] for error in accepted["userErrors"]] == ["SUGGESTION_ALREADY_DECIDED"]


async def test_given_unknown_or_malformed_suggestion_ids_then_each_is_a_clear_user_error(ada, coach):
    _, session, _ = await coached_plan(ada, coach, add("Test_Crunch"))
    unknown = await accept(ada, session, add("Test_Crunch"))
    assert [error["code"] for error in unknown["userErrors"]] == ["UNKNOWN_SUGGESTION"]
    variables = {"input": {"sessionId": session["id"], "suggestionId": "nope"}}
    malformed = (await ada.data(ACCEPT, variables))["acceptSuggestion"]
    assert [(e["code"], e["field"]) for e in malformed["userErrors"]] == [
        ("BAD_USER_INPUT", "input.suggestionId")
    ]


async def test_given_a_session_without_a_plan_when_a_suggestion_is_accepted_then_it_says_so(ada, coach):
    session = await start_session(ada)
    message = await sent(ada, session["id"], "Anything?")
    suggestion = add("Test_Plank")
    await coach.answer(session["id"], message["id"], "Try planks.", (suggestion,))
    payload = await accept(ada, session, suggestion)
    assert [error["code"] for error in payload["userErrors"]] == ["SESSION_WITHOUT_PLAN"]


async def test_given_a_suggestion_of_an_exercise_the_library_lacks_when_accepted_then_nothing_is_written(
    served, ada, coach
):
    suggestion = add("Not_In_The_Library")
    plan, session, version = await coached_plan(ada, coach, suggestion)
    payload = await accept(ada, session, suggestion)
    assert [error["code"] for error in payload["userErrors"]] == ["STALE_SUGGESTION"]
    assert "not an exercise the library offers" in payload["userErrors"][0]["message"]
    recorded = await served.api.core.store.read_stream(plan_stream(raw_id(plan["id"])))
    assert len(recorded) == version
    assert await suggestion_status(ada, session) == [("OPEN", None)]


async def test_given_the_profile_changed_since_the_reply_when_accepted_then_it_is_unsafe_and_stays_open(
    served, coach
):
    async with served.client() as http:
        eve = await register(http, "Eve")
        suggestion = add(DEADLIFT)  # a barbell exercise
        plan, session, version = await coached_plan(eve, coach, suggestion)
        updated = (await eve.data(UPDATE_PROFILE, {"input": {"availableEquipment": ["dumbbell"]}}))[
            "updateProfile"
        ]
        assert updated["userErrors"] == []
        payload = await accept(eve, session, suggestion)
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("UNSAFE_SUGGESTION", "input.suggestionId")
        ]
        assert "equipment" in payload["userErrors"][0]["message"]
        assert len(await served.api.core.store.read_stream(plan_stream(raw_id(plan["id"])))) == version
        assert await suggestion_status(eve, session) == [("OPEN", None)]
