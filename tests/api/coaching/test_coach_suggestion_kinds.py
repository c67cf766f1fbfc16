"""Updates and reorders over the real server, and what a reply shows of its suggestions and safety: an
update gives an exercise the suggested sets, reps, weight and rest; a reorder the suggested order; each
one the plan changed under since (that exercise edited, the exercises or their order changed) is
STALE_SUGGESTION and stays open. A suggestion's `exercise` is the library's; `safety` lists the exchange's
triggers."""

from __future__ import annotations

from typing import Any

from domain.coaching.values import (
    Direction,
    PlanAt,
    SafetyAction,
    SafetyCategory,
    SafetyTrigger,
    Suggestion,
)
from schema.ids import global_id
from tests.api.coaching.coach_support import (
    ACCEPT,
    CoachDriver,
    messages_of,
    plan_with,
    remove,
    reorder,
    sent,
    start_session,
    update,
    wait_for_messages,
)
from tests.api.graphql_client import Session, exercise
from tests.library_support import BENCH, ROW, SQUAT

UPDATE_EXERCISE = """mutation($input: UpdateExerciseInput!) {
  updateExercise(input: $input) { plan { version } userErrors { code } }
}"""
ADD_EXERCISE = """mutation($input: AddExerciseInput!) {
  addExercise(input: $input) { plan { version } userErrors { code } }
}"""
REORDER_EXERCISES = """mutation($input: ReorderExercisesInput!) {
  reorderExercises(input: $input) { plan { version } userErrors { code } }
}"""


async def coached(
    ada: Session, coach: CoachDriver, plan: dict[str, Any], *suggestions: Suggestion
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A session about `plan` with a reply proposing `suggestions`; the session and the reply as read."""
    session = await start_session(ada, planId=plan["id"])
    message = await sent(ada, session["id"], "Change my plan")
    await coach.answer(session["id"], message["id"], "Here is what I would change.", suggestions)
    _, reply = await wait_for_messages(ada, session["id"], 2)
    return session, reply


async def accept(ada: Session, session: dict[str, Any], suggestion: Suggestion) -> dict[str, Any]:
    variables = {"input": {"sessionId": session["id"], "suggestionId": str(suggestion.suggestion_id)}}
    payload: dict[str, Any] = (await ada.data(ACCEPT, variables))["acceptSuggestion"]
    return payload


async def edit(ada: Session, mutation: str, plan: dict[str, Any], **fields: Any) -> None:
    payload = await ada.data(mutation, {"input": {"planId": plan["id"], **fields}})
    assert next(iter(payload.values()))["userErrors"] == []


async def stays_open(ada: Session, session: dict[str, Any], payload: dict[str, Any], reason: str) -> None:
    assert payload["plan"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("STALE_SUGGESTION", "input.suggestionId")
    ]
    assert reason in payload["userErrors"][0]["message"]
    [suggestion] = (await messages_of(ada, session["id"]))[-1]["suggestions"]
    assert suggestion["status"] == "OPEN"


async def test_given_an_update_then_the_reply_shows_it_with_the_library_exercise_and_accepting_applies_it(
    ada, coach
):
    plan, at = await plan_with(ada, SQUAT, BENCH)
    suggestion = update(SQUAT, at, sets=5, reps=5, weight_kg=100.0, rest_seconds=180)
    session, reply = await coached(ada, coach, plan, suggestion)
    [shown] = reply["suggestions"]
    assert shown == {
        "id": str(suggestion.suggestion_id),
        "kind": "UPDATE_EXERCISE",
        "status": "OPEN",
        "rationale": "heavier, fewer reps",
        "exercise": {
            "id": global_id("LibraryExercise", SQUAT),
            "name": "Back squat",
            "primaryMuscles": ["QUADRICEPS"],
            "contraindications": ["deep_knee_flexion_loaded"],
            "exerciseId": SQUAT,
        },
        "exerciseId": SQUAT,
        "replaces": SQUAT,
        "sets": 5,
        "reps": 5,
        "weightKg": 100.0,
        "restSeconds": 180,
        "order": None,
        "basedOnPlanVersion": at.version,
        "planVersion": None,
    }

    payload = await accept(ada, session, suggestion)
    assert payload["userErrors"] == []
    assert [(e["exerciseId"], e["sets"]) for e in payload["plan"]["exercises"]] == [(SQUAT, 5), (BENCH, 3)]
    [saved] = [edge["node"] for edge in payload["plan"]["versions"]["edges"]]
    assert saved["changedBy"] == "AI_COACH"
    assert f"{suggestion.suggestion_id} (update_exercise)" in saved["changeDescription"]


async def test_given_the_updated_exercise_was_edited_since_then_the_update_is_stale_but_not_for_other_edits(
    ada, coach
):
    plan, at = await plan_with(ada, SQUAT, BENCH)
    squat, bench = update(SQUAT, at, sets=5), update(BENCH, at, sets=4)
    session, _ = await coached(ada, coach, plan, squat)
    await edit(ada, UPDATE_EXERCISE, plan, exerciseId=SQUAT, reps=6)
    await stays_open(ada, session, await accept(ada, session, squat), f"{SQUAT} was changed since")

    other, _ = await coached(ada, coach, plan, bench)
    assert (await accept(ada, other, bench))["userErrors"] == []  # the squat's edit is not the bench's


async def test_given_a_reorder_when_accepted_then_the_plan_takes_the_suggested_order(ada, coach):
    plan, at = await plan_with(ada, SQUAT, BENCH, ROW)
    suggestion = reorder(at, ROW, SQUAT, BENCH)
    session, reply = await coached(ada, coach, plan, suggestion)
    [shown] = reply["suggestions"]
    assert (shown["kind"], shown["order"], shown["exercise"], shown["sets"], shown["replaces"]) == (
        "REORDER_EXERCISES",
        [ROW, SQUAT, BENCH],
        None,
        None,
        None,
    )
    payload = await accept(ada, session, suggestion)
    assert payload["userErrors"] == []
    assert [e["exerciseId"] for e in payload["plan"]["exercises"]] == [ROW, SQUAT, BENCH]


async def test_given_the_plans_exercises_or_order_changed_since_then_a_reorder_is_stale(ada, coach):
    for mutation, fields, reason in (
        (ADD_EXERCISE, {"exercise": exercise("Test_Plank")}, "does not list exactly the plan's exercises"),
        (REORDER_EXERCISES, {"exerciseIds": [BENCH, SQUAT, ROW]}, "exercises or their order changed"),
    ):
        plan, at = await plan_with(ada, SQUAT, BENCH, ROW)
        suggestion = reorder(at, ROW, SQUAT, BENCH)
        session, _ = await coached(ada, coach, plan, suggestion)
        await edit(ada, mutation, plan, **fields)
        await stays_open(ada, session, await accept(ada, session, suggestion), reason)


async def test_given_a_suggestion_made_against_a_version_the_plan_never_had_then_it_is_stale(ada, coach):
    plan, at = await plan_with(ada, SQUAT, BENCH)
    suggestion = update(SQUAT, PlanAt(at.plan_id, at.version + 5), sets=5)
    session, _ = await coached(ada, coach, plan, suggestion)
    await stays_open(ada, session, await accept(ada, session, suggestion), "version it was made against")


async def test_given_a_removal_then_its_exercise_is_the_removed_one_of_the_library(ada, coach):
    plan, _ = await plan_with(ada, SQUAT, BENCH)
    _, reply = await coached(ada, coach, plan, remove(BENCH))
    [shown] = reply["suggestions"]
    assert (shown["kind"], shown["replaces"], shown["exercise"]["name"], shown["sets"]) == (
        "REMOVE_EXERCISE",
        BENCH,
        "Bench press",
        None,
    )


async def test_given_a_reply_with_safety_triggers_then_it_lists_each_with_its_category_action_and_message(
    ada, coach
):
    session = await start_session(ada)
    message = await sent(ada, session["id"], "Build me a leg day")
    claimed = await coach.claim(session["id"], message["id"])
    triggers = (
        SafetyTrigger(
            SafetyCategory.MEDICAL_RESTRICTION, SafetyAction.CONSTRAIN, Direction.INPUT, "profile: knee"
        ),
        SafetyTrigger(
            SafetyCategory.CONTRAINDICATED_EXERCISE,
            SafetyAction.DROP_SUGGESTION,
            Direction.OUTPUT,
            "Back squat involves deep_knee_flexion_loaded",
        ),
    )
    await coach.complete(claimed, "Here is a knee-friendly leg day.", triggers=triggers)
    question, answer = await wait_for_messages(ada, session["id"], 2)
    assert (question["safety"], question["safetyAction"]) == ([], None)
    assert answer["safety"] == [
        {
            "category": "MEDICAL_RESTRICTION",
            "action": "CONSTRAIN",
            "message": "profile: knee",
            "direction": "INPUT",
        },
        {
            "category": "CONTRAINDICATED_EXERCISE",
            "action": "DROP_SUGGESTION",
            "message": "Back squat involves deep_knee_flexion_loaded",
            "direction": "OUTPUT",
        },
    ]
    assert answer["safetyAction"] == "CONSTRAIN"
