"""Cached read results over a real socket: served again without running, never staler than the read models,
and never shown to anyone else."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from schema.ids import parse_global_id
from tests.api.graphql_client import PLAN_FIELDS, Session, create_plan, register
from tests.api.live_support import eventually
from tests.api.server import REDIS_URL, RunningApi

PAGE = "{ workoutPlans(first: 10) { edges { node { id name owner { displayName } } } } }"
RENAME = (
    "mutation Rename($input: RenameWorkoutPlanInput!) { renameWorkoutPlan(input: $input) {"
    f" plan {{ {PLAN_FIELDS} }} userErrors {{ code }} }} }}"
)
PROFILE = "mutation P($input: UpdateProfileInput!) { updateProfile(input: $input) { userErrors { code } } }"


async def page(session: Session, *, fresh: bool = False) -> list[dict[str, Any]]:
    headers = {"authorization": f"Bearer {session.access_token}"}
    if fresh:
        headers["cache-control"] = "no-store"  # looks at the read model without touching the cache
    response = await session.client.post("/graphql", json={"query": PAGE}, headers=headers)
    body = response.json()
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["workoutPlans"]["edges"]]


async def cached_entry_exists(served: RunningApi, user_id: str) -> bool:
    _, raw = parse_global_id(user_id)
    redis = Redis.from_url(REDIS_URL)
    try:
        return bool(await redis.exists(f"{served.api.settings.redis_key_prefix}graphql:responses:{raw}"))
    finally:
        await redis.aclose()


async def test_a_read_is_cached_per_user_and_a_change_shows_once_the_read_model_has_it(served, client):
    ada = await register(client, "Ada")
    plan = await create_plan(ada, "Before")

    async def projected(name: str) -> bool:
        return [node["name"] for node in await page(ada, fresh=True)] == [name]

    assert await eventually(lambda: projected("Before"), bool)
    first = await page(ada)
    assert await cached_entry_exists(served, ada.user_id)
    assert await page(ada) == first

    renamed = (await ada.data(RENAME, {"input": {"planId": plan["id"], "name": "After"}}))[
        "renameWorkoutPlan"
    ]
    assert renamed["userErrors"] == []
    assert await eventually(lambda: projected("After"), bool)
    # The read model has the change, so the projector has invalidated the cached read before it.
    assert [node["name"] for node in await page(ada)] == ["After"]

    await ada.data(PROFILE, {"input": {"displayName": "Ada L."}})

    async def owner_renamed() -> bool:
        return bool((await page(ada, fresh=True))[0]["owner"]["displayName"] == "Ada L.")

    assert await eventually(owner_renamed, bool)
    assert (await page(ada))[0]["owner"]["displayName"] == "Ada L."


async def test_the_same_query_from_another_user_never_gets_the_first_users_result(client):
    ada, bob = await register(client, "Ada"), await register(client, "Bob")
    await create_plan(ada, "Ada's plan")
    await create_plan(bob, "Bob's plan")

    async def both_projected() -> bool:
        return len(await page(ada, fresh=True)) == 1 and len(await page(bob, fresh=True)) == 1

    assert await eventually(both_projected, bool)
    assert [node["name"] for node in await page(ada)] == ["Ada's plan"]
    assert [node["name"] for node in await page(bob)] == ["Bob's plan"]
    assert [node["name"] for node in await page(ada)] == ["Ada's plan"]
