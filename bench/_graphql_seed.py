"""Seeding the GraphQL benchmark through the real API (untimed): users, their plans and exercises, then a
wait until the projection has caught up and every user's page shows all of it."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests.library_support import TEST_EXERCISE_IDS

CATCH_UP_TIMEOUT_SECONDS = 120.0
PASSWORD = "correct horse battery staple"

REGISTER = """mutation Register($input: RegisterInput!) {
  register(input: $input) { user { id } tokens { accessToken } userErrors { code message } } }"""
CREATE_PLAN = """mutation Create($input: CreateWorkoutPlanInput!) {
  createWorkoutPlan(input: $input) { plan { id } userErrors { code message } } }"""
ADD_EXERCISE = """mutation Add($input: AddExerciseInput!) {
  addExercise(input: $input) { plan { version } userErrors { code message } } }"""
COUNT_PLANS = "{ workoutPlans(first: 100) { edges { node { exercises { name } } } } }"


@dataclass(frozen=True, slots=True)
class SeededPlan:
    plan_id: str
    """The global id (`WorkoutPlan:<uuid>`, base64url) the API hands out."""
    exercise_ids: tuple[str, ...]
    token: str
    """The owner's access token."""


@dataclass(frozen=True, slots=True)
class SeededUser:
    user_id: str
    token: str
    plans: tuple[SeededPlan, ...]


async def call(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    """`data` of a request that must succeed, with no errors and no userErrors in its payload."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"seeding failed: {response.status_code} {body}")
    data: dict[str, Any] = body["data"]
    for payload in data.values():
        if isinstance(payload, dict) and payload.get("userErrors"):
            raise RuntimeError(f"seeding failed: {payload['userErrors']}")
    return data


async def _seed_user(client: httpx.AsyncClient, index: int, plans: int, exercises: int) -> SeededUser:
    email = f"bench-{index}-{uuid.uuid4().hex[:8]}@example.com"
    variables = {"input": {"email": email, "password": PASSWORD, "displayName": f"Bench {index}"}}
    registered = (await call(client, REGISTER, variables))["register"]
    token = registered["tokens"]["accessToken"]
    seeded: list[SeededPlan] = []
    for number in range(plans):
        plan_input = {"name": f"Plan {number}", "description": "benchmark plan", "durationMinutes": 50}
        created = await call(client, CREATE_PLAN, {"input": plan_input}, token)
        plan_id = created["createWorkoutPlan"]["plan"]["id"]
        exercise_ids = TEST_EXERCISE_IDS[:exercises]  # plans take exercises of the library
        for exercise_id in exercise_ids:
            exercise = {
                "exerciseId": exercise_id,
                "name": exercise_id.replace("_", " "),
                "sets": 3,
                "reps": 10,
            }
            await call(client, ADD_EXERCISE, {"input": {"planId": plan_id, "exercise": exercise}}, token)
        seeded.append(SeededPlan(plan_id, exercise_ids, token))
    return SeededUser(registered["user"]["id"], token, tuple(seeded))


async def seed(url: str, *, users: int, plans: int, exercises: int) -> list[SeededUser]:
    """Register `users` users with `plans` plans of `exercises` exercises each, all through the API."""
    async with httpx.AsyncClient(base_url=url, timeout=30.0) as client:
        seeded = await asyncio.gather(*(_seed_user(client, i, plans, exercises) for i in range(users)))
        await _caught_up(client, list(seeded), plans, exercises)
    return list(seeded)


async def _caught_up(client: httpx.AsyncClient, users: list[SeededUser], plans: int, exercises: int) -> None:
    """Until `/ready` reports no projection lag and every user's first page shows all their exercises."""
    deadline = time.monotonic() + CATCH_UP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        ready = (await client.get("/ready")).json()
        lagging = [p for p in ready["projections"] if p["lagEvents"] or p["state"] != "running"]
        if ready["status"] == "ready" and not lagging:
            pages = [(await call(client, COUNT_PLANS, token=user.token))["workoutPlans"] for user in users]
            shapes = {tuple(len(edge["node"]["exercises"]) for edge in page["edges"]) for page in pages}
            if shapes == {(exercises,) * plans}:
                return
        await asyncio.sleep(0.2)
    raise RuntimeError("the projection did not catch up with the seeded plans in time")
