"""The library's admin mutations over a real socket, on the real PostgreSQL: what they write and answer,
stale `expectedVersion`s (a CONFLICT, nothing overwritten), replayed `commandId`s (the first result, nothing
written again) and refused input (a user error with a stable code naming the field)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.authorization.authorization_support import mutate
from tests.api.graphql_client import Session
from tests.api.library_operations import DEFINE, RETIRE, REVISE, definition, library_events, new_exercise_id
from tests.api.library_writes.conftest import People


async def send(session: Session, query: str, input: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = next(iter((await mutate(session, query, {"input": input})).values()))
    return payload


async def defined(people: People, **fields: Any) -> dict[str, Any]:
    payload = await send(people.admin, DEFINE, definition(new_exercise_id(), **fields))
    assert payload["userErrors"] == []
    exercise: dict[str, Any] = payload["libraryExercise"]
    return exercise


async def test_a_defined_exercise_comes_back_whole_from_the_write_itself(people):
    exercise_id = new_exercise_id("Goblet_Squat")
    payload = await send(people.admin, DEFINE, definition(exercise_id))
    assert payload["userErrors"] == []
    assert payload["libraryExercise"] == {
        "exerciseId": exercise_id,
        "slug": exercise_id.lower().replace("_", "-"),
        "name": "Goblet squat",
        "aliases": ["Cup squat"],
        "category": "STRENGTH",
        "level": "BEGINNER",
        "force": "PUSH",
        "mechanic": "COMPOUND",
        "equipment": ["DUMBBELL"],
        "primaryMuscles": ["QUADRICEPS"],
        "secondaryMuscles": ["GLUTES"],
        "patterns": ["SQUAT"],
        "contraindications": ["deep_knee_flexion_loaded"],
        "cues": ["Elbows inside the knees"],
        "variations": [],
        "retired": False,
        "version": 1,
    }
    assert await library_events(people.served, exercise_id) == ["ExerciseDefined"]


async def test_defining_an_id_again_is_refused_unless_it_is_the_same_definition(people):
    exercise = await defined(people)
    exercise_id = exercise["exerciseId"]
    same = await send(people.admin, DEFINE, definition(exercise_id))
    assert (same["userErrors"], same["libraryExercise"]) == ([], exercise)
    other = await send(people.admin, DEFINE, definition(exercise_id, name="Another squat"))
    assert other["libraryExercise"] is None
    assert [(e["code"], e["field"]) for e in other["userErrors"]] == [
        ("EXERCISE_ALREADY_DEFINED", "input.exerciseId")
    ]
    assert await library_events(people.served, exercise_id) == ["ExerciseDefined"]


async def test_a_revision_changes_what_it_names_and_clears_what_it_clears(people):
    exercise_id = (await defined(people))["exerciseId"]
    revision = {
        "exerciseId": exercise_id,
        "expectedVersion": 1,
        "name": "Heels-raised goblet squat",
        "equipment": ["DUMBBELL", "OTHER"],
        "contraindications": [],
        "clear": ["FORCE"],
    }
    payload = await send(people.admin, REVISE, revision)
    assert payload["userErrors"] == []
    revised = payload["libraryExercise"]
    assert (revised["name"], revised["equipment"], revised["contraindications"]) == (
        "Heels-raised goblet squat",
        ["DUMBBELL", "OTHER"],
        [],
    )
    assert (revised["force"], revised["mechanic"], revised["aliases"], revised["version"]) == (
        None,
        "COMPOUND",
        ["Cup squat"],
        2,
    )
    assert await library_events(people.served, exercise_id) == ["ExerciseDefined", "ExerciseRevised"]


async def test_a_stale_expected_version_is_a_conflict_and_overwrites_nothing(people):
    exercise_id = (await defined(people))["exerciseId"]
    first = await send(
        people.admin, REVISE, {"exerciseId": exercise_id, "expectedVersion": 1, "name": "First"}
    )
    assert first["libraryExercise"]["version"] == 2
    for query, change in (
        (REVISE, {"name": "Second"}),
        (RETIRE, {"reason": "Replaced"}),
    ):
        stale = await send(people.admin, query, {"exerciseId": exercise_id, "expectedVersion": 1, **change})
        assert stale["libraryExercise"] is None
        assert [(e["code"], e["currentVersion"]) for e in stale["userErrors"]] == [("CONFLICT", 2)]
    assert await library_events(people.served, exercise_id) == ["ExerciseDefined", "ExerciseRevised"]
    current = await send(
        people.admin, REVISE, {"exerciseId": exercise_id, "expectedVersion": 2, "level": "EXPERT"}
    )
    assert (current["libraryExercise"]["name"], current["libraryExercise"]["level"]) == ("First", "EXPERT")


@pytest.mark.parametrize("mutation", ["defineExercise", "reviseExercise", "retireExercise"])
async def test_a_replayed_command_id_answers_with_the_first_result_and_writes_nothing(people, mutation):
    exercise_id = (await defined(people))["exerciseId"]
    command_id = str(uuid.uuid4())
    query, input = {
        "defineExercise": (DEFINE, definition(f"{exercise_id}_2", name="Replayed squat")),
        "reviseExercise": (REVISE, {"exerciseId": exercise_id, "expectedVersion": 1, "name": "Replayed"}),
        "retireExercise": (RETIRE, {"exerciseId": exercise_id, "expectedVersion": 1, "reason": "Replayed"}),
    }[mutation]
    first = await send(people.admin, query, {**input, "commandId": command_id})
    assert first["userErrors"] == []
    target = first["libraryExercise"]["exerciseId"]
    if mutation != "retireExercise":  # a later change, which the replay must not report as its own
        later = {
            "exerciseId": target,
            "expectedVersion": first["libraryExercise"]["version"],
            "cues": ["Later"],
        }
        assert (await send(people.admin, REVISE, later))["userErrors"] == []
    events = await library_events(people.served, target)

    again = await send(people.admin, query, {**input, "commandId": command_id})
    assert again == first
    assert await library_events(people.served, target) == events


async def test_retiring_keeps_the_exercise_readable_and_stops_its_revisions(people):
    exercise_id = (await defined(people))["exerciseId"]
    payload = await send(
        people.admin, RETIRE, {"exerciseId": exercise_id, "expectedVersion": 1, "reason": "Dup"}
    )
    assert payload["userErrors"] == []
    assert (payload["libraryExercise"]["retired"], payload["libraryExercise"]["name"]) == (
        True,
        "Goblet squat",
    )
    refused = await send(
        people.admin, REVISE, {"exerciseId": exercise_id, "expectedVersion": 2, "name": "Back"}
    )
    assert [e["code"] for e in refused["userErrors"]] == ["RETIRED_EXERCISE"]
    again = await send(
        people.admin, RETIRE, {"exerciseId": exercise_id, "expectedVersion": 2, "reason": "Dup"}
    )
    assert (again["userErrors"], again["libraryExercise"]["version"]) == ([], 2)
    assert await library_events(people.served, exercise_id) == ["ExerciseDefined", "ExerciseRetired"]


UNKNOWN = "Never_Defined_Anywhere"
REFUSED: dict[str, tuple[str, dict[str, Any], str, str]] = {
    "id with a space": (DEFINE, definition("Goblet squat"), "VALIDATION", "input.exerciseId"),
    "blank name": (DEFINE, definition(new_exercise_id(), name="  "), "VALIDATION", "input.name"),
    "no primary muscle": (
        DEFINE,
        definition(new_exercise_id(), primaryMuscles=[]),
        "VALIDATION",
        "input.primaryMuscles",
    ),
    "none and equipment": (
        DEFINE,
        definition(new_exercise_id(), equipment=["NONE", "BARBELL"]),
        "VALIDATION",
        "input.equipment",
    ),
    "unknown tag": (
        DEFINE,
        definition(new_exercise_id(), contraindications=["bad_knees"]),
        "VALIDATION",
        "input.contraindications[0]",
    ),
    "too many cues": (
        DEFINE,
        definition(new_exercise_id(), cues=[f"Cue {n}" for n in range(9)]),
        "VALIDATION",
        "input.cues",
    ),
    "too many tags": (
        DEFINE,
        definition(new_exercise_id(), contraindications=["jumping"] * 31),
        "VALIDATION",
        "input.contraindications",
    ),
    "repeated muscle": (
        DEFINE,
        definition(new_exercise_id(), secondaryMuscles=["QUADRICEPS"]),
        "VALIDATION",
        "input.secondaryMuscles",
    ),
    "overlong name": (DEFINE, definition(new_exercise_id(), name="x" * 121), "VALIDATION", "input.name"),
    "revise unknown": (
        REVISE,
        {"exerciseId": UNKNOWN, "expectedVersion": 0, "name": "X"},
        "UNKNOWN_EXERCISE",
        "input.exerciseId",
    ),
    "retire unknown": (
        RETIRE,
        {"exerciseId": UNKNOWN, "expectedVersion": 0, "reason": "X"},
        "UNKNOWN_EXERCISE",
        "input.exerciseId",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
async def test_refused_input_is_a_user_error_with_a_stable_code_and_writes_nothing(people, case):
    query, input, code, field = REFUSED[case]
    payload = await send(people.admin, query, input)
    assert payload["libraryExercise"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
    assert await library_events(people.served, input["exerciseId"]) == []


async def test_a_revision_that_sets_and_clears_a_field_at_once_is_refused(people):
    exercise_id = (await defined(people))["exerciseId"]
    input = {"exerciseId": exercise_id, "expectedVersion": 1, "force": "PULL", "clear": ["FORCE"]}
    payload = await send(people.admin, REVISE, input)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("VALIDATION", "input.clear")]
    assert await library_events(people.served, exercise_id) == ["ExerciseDefined"]
