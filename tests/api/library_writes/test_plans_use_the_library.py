"""Plans take their exercises from the library, over a real socket: an addition (or a swap to another id)
names a library exercise, whose name is the default; an unknown id is UNKNOWN_EXERCISE and a retired one
RETIRED_EXERCISE, as user errors that write nothing. Exercises a plan already holds are not checked again:
a legacy exercise (an id from before the library, appended straight to the log) stays readable and
editable, and so does one retired after it was added."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from application.handler import CommandHandler, CommandMetadata
from domain.actor import Actor
from domain.plans.commands import AddExercise
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.streams import plan_stream
from domain.plans.values import PlannedExercise
from tests.api.authorization.authorization_support import PLAN, mutate
from tests.api.graphql_client import PLAN_FIELDS, Session, create_plan
from tests.api.library_operations import DEFINE, RETIRE, definition, new_exercise_id
from tests.api.library_writes.conftest import People
from tests.api.live_support import call, eventually, raw_id
from tests.library_support import BENCH, NAMES, ROW, SQUAT

PAYLOAD = f"plan {{ {PLAN_FIELDS} }} userErrors {{ field code message }}"
ADD = f"mutation($input: AddExerciseInput!) {{ addExercise(input: $input) {{ {PAYLOAD} }} }}"
UPDATE = f"mutation($input: UpdateExerciseInput!) {{ updateExercise(input: $input) {{ {PAYLOAD} }} }}"
LEGACY = "Grandma's squat (old app)"


async def send(session: Session, query: str, input: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = next(iter((await mutate(session, query, {"input": input})).values()))
    return payload


def added(exercise_id: str, **fields: Any) -> dict[str, Any]:
    return {"exerciseId": exercise_id, "sets": 3, "reps": 8, **fields}


def exercises_of(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["exerciseId"], e["name"]) for e in payload["plan"]["exercises"]]


async def plan_events(people: People, plan_id: str) -> list[str]:
    """The types of the events in the plan's stream, oldest first: what was written, whatever the lag."""
    recorded = await people.served.api.core.store.read_stream(plan_stream(raw_id(plan_id)))
    return [record.type for record in recorded]


async def projected(session: Session, plan_id: str, *, version: int) -> dict[str, Any]:
    """The plan as the read model holds it, once it has caught up with `version`."""
    body = await eventually(
        lambda: call(session.client, PLAN, {"id": plan_id}, token=session.access_token),
        lambda body: ((body.get("data") or {}).get("workoutPlan") or {}).get("version") == version,
    )
    plan: dict[str, Any] = body["data"]["workoutPlan"]
    return plan


async def retired_exercise(people: People) -> str:
    exercise_id = new_exercise_id("Retired")
    assert (await send(people.admin, DEFINE, definition(exercise_id)))["userErrors"] == []
    retire = {"exerciseId": exercise_id, "expectedVersion": 1, "reason": "Unsafe as described"}
    assert (await send(people.admin, RETIRE, retire))["userErrors"] == []
    return exercise_id


async def test_an_exercise_added_by_its_library_id_takes_the_librarys_name_unless_given_one(people):
    plan = await create_plan(people.user)
    first = await send(people.user, ADD, {"planId": plan["id"], "exercise": added(SQUAT)})
    second = await send(people.user, ADD, {"planId": plan["id"], "exercise": added(BENCH, name="My bench")})
    third = await send(people.user, ADD, {"planId": plan["id"], "exercise": added(ROW, name="  ")})
    assert first["userErrors"] == second["userErrors"] == third["userErrors"] == []
    assert exercises_of(third) == [(SQUAT, NAMES[SQUAT]), (BENCH, "My bench"), (ROW, NAMES[ROW])]


async def test_an_exercise_defined_a_moment_ago_can_be_added_at_once(people):
    exercise_id = new_exercise_id("Fresh")
    assert (await send(people.admin, DEFINE, definition(exercise_id, name="Fresh squat")))["userErrors"] == []
    plan = await create_plan(people.user)
    payload = await send(people.user, ADD, {"planId": plan["id"], "exercise": added(exercise_id)})
    assert (payload["userErrors"], exercises_of(payload)) == ([], [(exercise_id, "Fresh squat")])


async def test_an_unknown_or_retired_exercise_is_a_user_error_and_the_plan_stays_as_it_was(people):
    plan = await create_plan(people.user)
    retired = await retired_exercise(people)
    for exercise_id, code in (
        ("Not_In_The_Library", "UNKNOWN_EXERCISE"),
        ("free text, as before the library", "UNKNOWN_EXERCISE"),
        (retired, "RETIRED_EXERCISE"),
    ):
        payload = await send(people.user, ADD, {"planId": plan["id"], "exercise": added(exercise_id)})
        assert payload["plan"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            (code, "input.exercise.exerciseId")
        ]
    assert await plan_events(people, plan["id"]) == ["WorkoutPlanCreated"]


async def test_swapping_in_another_library_exercise_keeps_its_place_and_prescription(people):
    plan = await create_plan(people.user)
    for exercise_id in (SQUAT, BENCH, ROW):
        assert (await send(people.user, ADD, {"planId": plan["id"], "exercise": added(exercise_id)}))[
            "userErrors"
        ] == []
    fresh = new_exercise_id("Swap")
    assert (await send(people.admin, DEFINE, definition(fresh, name="Swapped in")))["userErrors"] == []
    swap = {"planId": plan["id"], "exerciseId": BENCH, "newExerciseId": fresh, "reps": 12}
    payload = await send(people.user, UPDATE, swap)
    assert payload["userErrors"] == []
    assert exercises_of(payload) == [(SQUAT, NAMES[SQUAT]), (fresh, "Swapped in"), (ROW, NAMES[ROW])]
    swapped = payload["plan"]["exercises"][1]
    assert (swapped["sets"], swapped["reps"]) == (3, 12)
    assert payload["plan"]["version"] == 4 + 3  # created, three additions; removed, added, reordered


async def test_swapping_to_an_unknown_retired_or_present_exercise_is_refused(people):
    plan = await create_plan(people.user)
    for exercise_id in (SQUAT, BENCH):
        assert (await send(people.user, ADD, {"planId": plan["id"], "exercise": added(exercise_id)}))[
            "userErrors"
        ] == []
    retired = await retired_exercise(people)
    for new_id, code, field in (
        ("Not_In_The_Library", "UNKNOWN_EXERCISE", "input.newExerciseId"),
        (retired, "RETIRED_EXERCISE", "input.newExerciseId"),
        (BENCH, "DUPLICATE_EXERCISE", "input.exerciseId"),
    ):
        swap = {"planId": plan["id"], "exerciseId": SQUAT, "newExerciseId": new_id}
        payload = await send(people.user, UPDATE, swap)
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
    assert await plan_events(people, plan["id"]) == ["WorkoutPlanCreated", "ExerciseAdded", "ExerciseAdded"]


async def with_legacy_exercise(people: People) -> str:
    """A plan of the user's holding an exercise whose id the library never had, appended to the log as
    plans were written before the library (no catalogue check on this path)."""
    plan = await create_plan(people.user)
    await CommandHandler(people.served.api.core.store, WORKOUT_PLANS).handle(
        AddExercise(
            plan_id=raw_id(plan["id"]),
            exercise=PlannedExercise(
                LEGACY, "Grandma's squat", sets=3, reps=10, weight_kg=20.0, rest_seconds=90
            ),
            actor=Actor.USER,
            at=datetime.now(UTC),
        ),
        CommandMetadata(command_id=uuid.uuid4(), correlation_id=uuid.uuid4()),
    )
    plan_id: str = plan["id"]
    return plan_id


async def test_a_legacy_exercise_stays_readable_and_editable(people):
    plan_id = await with_legacy_exercise(people)
    read = await projected(people.user, plan_id, version=2)
    assert read["exercises"] == [{"exerciseId": LEGACY, "sets": 3}]

    updated = await send(people.user, UPDATE, {"planId": plan_id, "exerciseId": LEGACY, "sets": 5})
    same_id = await send(
        people.user, UPDATE, {"planId": plan_id, "exerciseId": LEGACY, "newExerciseId": LEGACY, "reps": 6}
    )
    assert updated["userErrors"] == same_id["userErrors"] == []
    legacy = same_id["plan"]["exercises"][0]
    assert (legacy["exerciseId"], legacy["name"], legacy["sets"], legacy["reps"]) == (
        LEGACY,
        "Grandma's squat",
        5,
        6,
    )

    swapped = await send(
        people.user, UPDATE, {"planId": plan_id, "exerciseId": LEGACY, "newExerciseId": SQUAT}
    )
    assert (swapped["userErrors"], exercises_of(swapped)) == ([], [(SQUAT, NAMES[SQUAT])])
    assert (swapped["plan"]["exercises"][0]["sets"], swapped["plan"]["exercises"][0]["weightKg"]) == (5, 20.0)


async def test_an_exercise_retired_after_it_was_added_stays_readable_and_editable(people):
    exercise_id = new_exercise_id("Soon_Retired")
    assert (await send(people.admin, DEFINE, definition(exercise_id)))["userErrors"] == []
    plan = await create_plan(people.user)
    assert (await send(people.user, ADD, {"planId": plan["id"], "exercise": added(exercise_id)}))[
        "userErrors"
    ] == []
    retire = {"exerciseId": exercise_id, "expectedVersion": 1, "reason": "Superseded"}
    assert (await send(people.admin, RETIRE, retire))["userErrors"] == []

    payload = await send(people.user, UPDATE, {"planId": plan["id"], "exerciseId": exercise_id, "sets": 4})
    assert payload["userErrors"] == []
    assert [(e["exerciseId"], e["sets"]) for e in payload["plan"]["exercises"]] == [(exercise_id, 4)]
    read = await projected(people.user, plan["id"], version=3)
    assert read["exercises"] == [{"exerciseId": exercise_id, "sets": 4}]


async def test_a_retried_addition_answers_with_its_first_result_though_the_exercise_was_retired_since(people):
    exercise_id = new_exercise_id("Retried")
    assert (await send(people.admin, DEFINE, definition(exercise_id)))["userErrors"] == []
    plan = await create_plan(people.user)
    addition = {"planId": plan["id"], "commandId": str(uuid.uuid4()), "exercise": added(exercise_id)}
    first = await send(people.user, ADD, addition)
    assert first["userErrors"] == []
    retire = {"exerciseId": exercise_id, "expectedVersion": 1, "reason": "Superseded"}
    assert (await send(people.admin, RETIRE, retire))["userErrors"] == []

    assert await send(people.user, ADD, addition) == first
    fresh = await send(people.user, ADD, {**addition, "commandId": str(uuid.uuid4())})
    assert [e["code"] for e in fresh["userErrors"]] == ["RETIRED_EXERCISE"]
