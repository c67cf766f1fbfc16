"""Who may change the exercise library, over a real socket: each admin mutation is UNAUTHENTICATED
without a token, FORBIDDEN to a user (whatever the input, and nothing is written), and works for an admin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.authorization.authorization_support import World, mutate
from tests.api.library_operations import (
    DEFINE,
    RETIRE,
    REVISE,
    definition,
    library_events,
    new_exercise_id,
)
from tests.api.live_support import call, codes, unauthenticated

Input = Callable[[str], dict[str, Any]]
"""The mutation's input on an exercise the admin has defined (version 1)."""

LIBRARY_MUTATIONS: dict[str, tuple[str, Input]] = {
    "defineExercise": (DEFINE, lambda exercise_id: definition(f"{exercise_id}_new")),
    "reviseExercise": (
        REVISE,
        lambda exercise_id: {"exerciseId": exercise_id, "expectedVersion": 1, "name": "Renamed"},
    ),
    "retireExercise": (
        RETIRE,
        lambda exercise_id: {"exerciseId": exercise_id, "expectedVersion": 1, "reason": "Duplicate entry"},
    ),
}


async def defined_by_the_admin(world: World) -> str:
    exercise_id = new_exercise_id()
    payload = (await mutate(world.admin, DEFINE, {"input": definition(exercise_id)}))["defineExercise"]
    assert payload["userErrors"] == []
    return exercise_id


@pytest.mark.parametrize("name", LIBRARY_MUTATIONS)
async def test_given_no_token_when_the_library_is_changed_then_it_is_unauthenticated(world, name):
    exercise_id = await defined_by_the_admin(world)
    query, input_for = LIBRARY_MUTATIONS[name]
    await unauthenticated(world.ada.client, query, {"input": input_for(exercise_id)})
    assert await library_events(world.served, exercise_id) == ["ExerciseDefined"]
    assert await library_events(world.served, f"{exercise_id}_new") == []


@pytest.mark.parametrize("valid", [True, False], ids=["valid input", "invalid input"])
@pytest.mark.parametrize("name", LIBRARY_MUTATIONS)
async def test_given_a_user_when_they_change_the_library_then_it_is_forbidden_and_nothing_is_written(
    world, name, valid
):
    exercise_id = await defined_by_the_admin(world)
    query, input_for = LIBRARY_MUTATIONS[name]
    variables = input_for(exercise_id)
    if not valid:  # a blank text the domain would refuse: a user learns nothing, not even that
        variables["reason" if name == "retireExercise" else "name"] = " "
    body = await call(world.ada.client, query, {"input": variables}, token=world.ada.access_token)
    assert codes(body) == ["FORBIDDEN"]
    assert body["data"] is None
    assert await library_events(world.served, exercise_id) == ["ExerciseDefined"]
    assert await library_events(world.served, f"{exercise_id}_new") == []


@pytest.mark.parametrize("name", LIBRARY_MUTATIONS)
async def test_given_an_admin_when_they_change_the_library_then_it_is_written(world, name):
    exercise_id = await defined_by_the_admin(world)
    query, input_for = LIBRARY_MUTATIONS[name]
    payload = (await mutate(world.admin, query, {"input": input_for(exercise_id)}))[name]
    assert payload["userErrors"] == []
    written = payload["libraryExercise"]
    expected = {
        "defineExercise": (f"{exercise_id}_new", "Goblet squat", False, 1),
        "reviseExercise": (exercise_id, "Renamed", False, 2),
        "retireExercise": (exercise_id, "Goblet squat", True, 2),
    }[name]
    assert (written["exerciseId"], written["name"], written["retired"], written["version"]) == expected
