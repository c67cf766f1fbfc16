"""`Exercise.libraryExercise`: a plan's exercises resolve to the library's entries (retired ones too) and
to null for ids the library does not have, in one statement for a whole page of plans; results that
read the library are not kept by the per-user response cache, which library changes do not invalidate."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from redis.asyncio import Redis

from application.handler import CommandMetadata
from application.response_cache import result_key
from domain.actor import Actor
from domain.plans.commands import AddExercise
from domain.plans.values import PlannedExercise
from schema.ids import parse_global_id
from tests.adapters.api_ports.redis_server import eventually
from tests.api.graphql_client import Session, create_plan, exercise, register
from tests.api.library.conftest import RETIRED, LibraryApi, library_id
from tests.api.query_cost.query_cost_support import ADD, _changed
from tests.api.server import REDIS_URL

PLANS = 12
IN_LIBRARY = ("T_Bench_Press", "T_Back_Squat", "T_Deadlift")
NOT_IN_LIBRARY = "Legacy_Free_Text_Exercise"
PAGE = """
query($first: Int) { workoutPlans(first: $first) { edges { node { id
  exercises { exerciseId libraryExercise { exerciseId name retired primaryMuscles } } } } } }"""


async def add_outside_the_api(library_api: LibraryApi, plan_id: str, exercise_id: str) -> None:
    """An exercise the API would refuse now (retired, or not in the library), as older plans hold them:
    appended through the plan handler itself, past the checks of the API's mutations."""
    planned = PlannedExercise(
        exercise_id=exercise_id, name="Old favourite", sets=3, reps=10, weight_kg=0.0, rest_seconds=60
    )
    command = AddExercise(
        plan_id=parse_global_id(plan_id)[1], exercise=planned, actor=Actor.USER, at=datetime.now(UTC)
    )
    await library_api.api.running.api.core.plans.handle(
        command, CommandMetadata(command_id=uuid.uuid4(), correlation_id=uuid.uuid4())
    )


async def seeded_owner(library_api: LibraryApi) -> Session:
    owner = await register(library_api.api.http, "Planner")
    gate = asyncio.Semaphore(6)

    async def one(number: int) -> None:
        async with gate:
            plan_id = (await create_plan(owner, f"Plan {number:02d}"))["id"]
            for exercise_id in IN_LIBRARY:
                await _changed(owner, ADD, {"planId": plan_id, "exercise": exercise(exercise_id)})
            # As plans written before the exercise retired, or before the library, hold them.
            await add_outside_the_api(library_api, plan_id, RETIRED.exercise_id)
            await add_outside_the_api(library_api, plan_id, NOT_IN_LIBRARY)

    await asyncio.gather(*(one(number) for number in range(PLANS)))

    async def projected() -> bool:
        edges = (await owner.data(PAGE, {"first": PLANS}))["workoutPlans"]["edges"]
        return len(edges) == PLANS and all(len(edge["node"]["exercises"]) == 5 for edge in edges)

    assert await eventually(projected, attempts=600)
    return owner


def library_statements(statements: list[str]) -> list[str]:
    return [statement for statement in statements if "library.exercises" in statement]


async def test_a_page_of_plans_resolves_its_library_exercises_in_one_statement(
    library_api: LibraryApi,
) -> None:
    owner = await seeded_owner(library_api)
    data, statements = await library_api.api.run(owner.access_token, PAGE, {"first": PLANS})
    edges = data["workoutPlans"]["edges"]
    assert len(edges) == PLANS
    for edge in edges:
        resolved: dict[str, Any] = {
            item["exerciseId"]: item["libraryExercise"] for item in edge["node"]["exercises"]
        }
        assert resolved[NOT_IN_LIBRARY] is None
        assert resolved["T_Bench_Press"] == {
            "exerciseId": "T_Bench_Press",
            "name": "Bench Press",
            "retired": False,
            "primaryMuscles": ["CHEST"],
        }
        assert resolved[RETIRED.exercise_id]["retired"] is True  # still readable in a plan
    assert len(library_statements(statements)) == 1


async def cached_documents(library_api: LibraryApi, owner: Session) -> dict[str, Any]:
    """The owner's entry of the per-user response cache, as stored in Redis."""
    name = f"{library_api.api.running.api.settings.redis_key_prefix}graphql:responses:"
    redis = Redis.from_url(REDIS_URL)
    try:
        stored = await redis.hget(name + str(parse_global_id(owner.user_id)[1]), "d")
    finally:
        await redis.aclose()
    documents: dict[str, Any] = orjson.loads(stored) if stored else {}
    return documents


async def test_results_that_read_the_library_stay_out_of_the_response_cache(library_api: LibraryApi) -> None:
    owner = await register(library_api.api.http, "Reader")
    plan_id = (await create_plan(owner, "Push day"))["id"]
    await _changed(owner, ADD, {"planId": plan_id, "exercise": exercise("T_Shoulder_Press")})
    plain = "{ workoutPlans { edges { node { exercises { exerciseId } } } } }"
    with_library = "{ workoutPlans { edges { node { exercises { libraryExercise { name } } } } } }"
    node = "query($id: ID!) { node(id: $id) { ... on LibraryExercise { name } } }"
    node_variables = {"id": library_id("T_Shoulder_Press")}

    async def plain_cached() -> bool:
        # As an app sends them: no Cache-Control, so the per-user response cache is consulted and kept.
        edges = (await owner.data(plain))["workoutPlans"]["edges"]
        projected = edges[0]["node"]["exercises"] == [{"exerciseId": "T_Shoulder_Press"}]
        return projected and result_key(plain, {}, None) in await cached_documents(library_api, owner)

    assert await eventually(plain_cached, attempts=400)  # the cache works for this user
    for _ in range(3):
        libraries = (await owner.data(with_library))["workoutPlans"]["edges"][0]["node"]["exercises"]
        assert libraries == [{"libraryExercise": {"name": "Dumbbell Shoulder Press"}}]
        assert (await owner.data(node, node_variables))["node"] == {"name": "Dumbbell Shoulder Press"}
        assert await plain_cached()
        documents = await cached_documents(library_api, owner)
        assert result_key(with_library, {}, None) not in documents
        assert result_key(node, node_variables, None) not in documents
