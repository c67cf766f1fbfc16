"""The hostile client of the GraphQL benchmark: the costliest query the limits allow, sent in a loop
(with `Cache-Control: no-store`, so that every one executes), and the user whose data fills every bound
it reads: plans of 20 exercises (the most a plan holds) with 10 alternatives each (the most an exercise
lists) and a saved version each, read with every field.

Its cost is worked out here by the model of `schema/query_cost.py` (which this module cannot import:
mypy checks bench/ with `bench/graphql.py` shadowing graphql-core), then checked against the server:
one plan more is refused with exactly the cost expected, and the query itself is not.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

import httpx

from application.plan_reads import MAX_PAGE_SIZE
from bench._graphql_seed import ADD_EXERCISE, CATCH_UP_TIMEOUT_SECONDS, CREATE_PLAN, PASSWORD, REGISTER, call
from domain.plans.validation import MAX_ALTERNATIVES, MAX_EXERCISES
from fitcoach.settings import Settings
from tests.library_support import TEST_EXERCISE_IDS

EXERCISE_SCALARS = "exerciseId name sets reps weightKg restSeconds tempo notes"
EXERCISE = f"exercises {{ {EXERCISE_SCALARS} alternatives }}"
PLAN_SCALARS = (
    "id name description difficultyLevel durationMinutes version latestVersionNumber isActive createdBy"
    " createdAt updatedAt"
)
VERSION_SCALARS = "versionNumber changeDescription createdAt"
HOSTILE = (
    "query Hostile { workoutPlans(first: %d) { edges { node { " + PLAN_SCALARS + " " + EXERCISE
    + " versions(first: 1) { totalCount edges { node { " + VERSION_SCALARS + " " + EXERCISE + " } } } } } } }"
)  # fmt: skip
SAVE_VERSION = """mutation Save($input: CreatePlanVersionInput!) {
  createPlanVersion(input: $input) { plan { version } userErrors { code message } } }"""
NOTES = "Keep the back straight, brace, and breathe out on the way up. " * 3


@dataclass(frozen=True, slots=True)
class HostileQuery:
    query: str
    plans: int
    cost: int
    limit: int


def hostile_cost(plans: int) -> int:
    """Each field 1, a list multiplying its selection by its bound (see `schema/query_cost.py`)."""
    exercises = 1 + MAX_EXERCISES * (len(EXERCISE_SCALARS.split()) + MAX_ALTERNATIVES)
    version = 1 + len(VERSION_SCALARS.split()) + exercises  # the edge's node and what it selects
    versions = 1 + 1 + (1 + 1 * version)  # versions, totalCount, edges of first: 1
    plan = 1 + len(PLAN_SCALARS.split()) + exercises + versions  # the edge's node and what it selects
    return 1 + (1 + plans * plan)  # workoutPlans, its edges


async def costliest_allowed(url: str) -> HostileQuery:
    """As many fully loaded plans as the server's cost limit allows (the same `FITCOACH_*` environment
    as the server's, so the same limit), checked against the server."""
    limit = Settings().max_query_cost
    plans = max((p for p in range(1, MAX_PAGE_SIZE + 1) if hostile_cost(p) <= limit), default=0)
    if not 1 <= plans < MAX_PAGE_SIZE:
        raise RuntimeError(f"no hostile query of 1 to {MAX_PAGE_SIZE - 1} plans fits the limit of {limit}")
    async with httpx.AsyncClient(base_url=url, timeout=30.0) as client:
        over = (await client.post("/graphql", json={"query": HOSTILE % (plans + 1)})).json()
        within = (await client.post("/graphql", json={"query": HOSTILE % plans})).json()
    expected = {"code": "QUERY_TOO_COSTLY", "cost": hostile_cost(plans + 1), "limit": limit}
    if [error["extensions"] for error in over["errors"]] != [expected]:
        raise RuntimeError(f"the server costs the hostile query otherwise than this bench: {over}")
    if any(error["extensions"]["code"] == "QUERY_TOO_COSTLY" for error in within.get("errors", [])):
        raise RuntimeError(f"the server refuses the hostile query this bench takes as allowed: {within}")
    return HostileQuery(HOSTILE % plans, plans, hostile_cost(plans), limit)


async def seed_hostile(url: str, plans: int) -> str:
    """A user with `plans` plans filling every bound the hostile query reads; their access token."""
    async with httpx.AsyncClient(base_url=url, timeout=30.0) as client:
        email = f"bench-hostile-{uuid.uuid4().hex[:8]}@example.com"
        variables = {"input": {"email": email, "password": PASSWORD, "displayName": "Hostile"}}
        token: str = (await call(client, REGISTER, variables))["register"]["tokens"]["accessToken"]
        gate = asyncio.Semaphore(4)

        async def one(number: int) -> None:
            async with gate:
                await _seed_plan(client, token, number)

        await asyncio.gather(*(one(number) for number in range(plans)))
        await _caught_up(client, token, plans)
    return token


async def _seed_plan(client: httpx.AsyncClient, token: str, number: int) -> None:
    plan_input = {"name": f"Heavy plan {number}", "description": NOTES, "durationMinutes": 90}
    plan_id = (await call(client, CREATE_PLAN, {"input": plan_input}, token))["createWorkoutPlan"]["plan"][
        "id"
    ]
    for index in range(MAX_EXERCISES):
        exercise = {
            "exerciseId": TEST_EXERCISE_IDS[index],
            "name": f"Heavy exercise {number} {index}",
            "sets": 5,
            "reps": 5,
            "weightKg": 100.0,
            "tempo": "3-1-1-0",
            "notes": NOTES,
            "alternatives": [f"Alternative_{index}_{a}" for a in range(MAX_ALTERNATIVES)],
        }
        await call(client, ADD_EXERCISE, {"input": {"planId": plan_id, "exercise": exercise}}, token)
    await call(client, SAVE_VERSION, {"input": {"planId": plan_id, "changeDescription": "Week 1"}}, token)


async def _caught_up(client: httpx.AsyncClient, token: str, plans: int) -> None:
    deadline = time.monotonic() + CATCH_UP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        page = (await call(client, HOSTILE % plans, token=token))["workoutPlans"]["edges"]
        nodes = [edge["node"] for edge in page]
        if len(nodes) == plans and all(
            len(node["exercises"]) == MAX_EXERCISES and node["versions"]["totalCount"] == 1 for node in nodes
        ):
            return
        await asyncio.sleep(0.2)
    raise RuntimeError("the projection did not catch up with the hostile user's plans in time")
