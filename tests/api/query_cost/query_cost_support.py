"""Support for the query-cost tests: the seeded plans and the mutations that seed them (the fixtures are
in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.api.graphql_client import Session, create_plan, exercise
from tests.library_support import BENCH, ROW, SQUAT

PLANS = 50
ARCHIVED = 5


def change(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ userErrors {{ code message }} }} }}"


ADD = change("addExercise", "AddExerciseInput")
SAVE_VERSION = change("createPlanVersion", "CreatePlanVersionInput")
ARCHIVE = change("archiveWorkoutPlan", "ArchiveWorkoutPlanInput")
RENAME = change("renameWorkoutPlan", "RenameWorkoutPlanInput")


@dataclass
class Seeded:
    owner: Session
    email: str
    plan_ids: list[str]
    archived: set[str]


async def _changed(session: Session, mutation: str, input: dict[str, Any]) -> None:
    payload = next(iter((await session.data(mutation, {"input": input})).values()))
    assert payload["userErrors"] == [], payload["userErrors"]


async def _seed_plan(session: Session, number: int) -> str:
    plan_id: str = (await create_plan(session, f"Plan {number:02d}"))["id"]
    for exercise_id in (SQUAT, BENCH):
        await _changed(session, ADD, {"planId": plan_id, "exercise": exercise(exercise_id)})
    await _changed(session, SAVE_VERSION, {"planId": plan_id, "changeDescription": "Week 1"})
    await _changed(session, ADD, {"planId": plan_id, "exercise": exercise(ROW)})
    await _changed(session, SAVE_VERSION, {"planId": plan_id, "changeDescription": "Week 2"})
    return plan_id
