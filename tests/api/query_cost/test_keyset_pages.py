"""Keyset pages of workout plans over a real socket: they walk every plan once, newest first, with or
without the archived ones; a page over the cap or a bad cursor is bad user input; and the page query
is served by an index, with no sort.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import psycopg

from adapters.postgres.plan_read_model import _AFTER_CURSOR, _NEWEST_FIRST, _USER_PLANS

# Fixtures: imported under their own names, so that pytest finds them in this module.

WALK = """query Walk($first: Int, $after: String, $active: Boolean) {
  workoutPlans(first: $first, after: $after, active: $active) {
    edges { cursor node { id updatedAt isActive } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


async def test_keyset_pages_walk_every_plan_once_newest_first(cost_api, seeded):
    token = seeded.owner.access_token
    for active, expected in ((None, set(seeded.plan_ids)), (True, set(seeded.plan_ids) - seeded.archived)):
        seen: list[dict[str, Any]] = []
        after = None
        pages = 0
        while True:
            variables = {"first": 7, "after": after, "active": active}
            page = (await cost_api.run(token, WALK, variables))[0]["workoutPlans"]
            pages += 1
            assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
            seen += [edge["node"] for edge in page["edges"]]
            assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        ids = [node["id"] for node in seen]
        assert len(ids) == len(set(ids)), "no plan twice"
        assert set(ids) == expected, "no plan left out"
        assert pages == -(-len(expected) // 7)
        order = [(node["updatedAt"], node["id"]) for node in seen]
        assert order == sorted(order, reverse=True)


async def test_a_page_over_the_cap_or_a_bad_cursor_is_bad_user_input(cost_api, seeded):
    token = seeded.owner.access_token
    for first in (101, 0, -1):
        assert await cost_api.fails(token, WALK, {"first": first}) == ["BAD_USER_INPUT"]
    versions = await seeded.owner.data(
        "query($id: ID!) { workoutPlan(id: $id) { versions(first: 1) { pageInfo { endCursor } } } }",
        {"id": seeded.plan_ids[0]},
    )
    version_cursor = versions["workoutPlan"]["versions"]["pageInfo"]["endCursor"]
    for cursor in ("not a cursor!", "cGxhbnxub3QtYS1kYXRlfHg", version_cursor, "x" * 500, "plané"):
        assert await cost_api.fails(token, WALK, {"first": 5, "after": cursor}) == ["BAD_USER_INPUT"], cursor
    assert (await cost_api.run(token, WALK, {"first": 100}))[0]["workoutPlans"]["pageInfo"][
        "hasNextPage"
    ] is False


async def test_active_false_lists_only_the_archived_plans(cost_api, seeded):
    page = (await cost_api.run(seeded.owner.access_token, WALK, {"first": 100, "active": False}))[0]
    nodes = [edge["node"] for edge in page["workoutPlans"]["edges"]]
    assert {node["id"] for node in nodes} == seeded.archived
    assert not any(node["isActive"] for node in nodes)


async def test_the_keyset_page_query_is_served_by_an_index_without_sorting(cost_api, seeded):
    """With 50 rows PostgreSQL would scan the table anyway; with scans off it shows what it would use
    on a big one: the (user_id, updated_at, id) index, read in order, with no sort of the user's plans."""
    query = _USER_PLANS + _AFTER_CURSOR + _NEWEST_FIRST
    params = {
        "user_id": uuid.uuid4(),
        "updated_at": "2030-01-01T00:00:00Z",
        "plan_id": uuid.uuid4(),
        "limit": 8,
    }
    settings = cost_api.running.api.settings
    async with await psycopg.AsyncConnection.connect(settings.resolved_database_url, autocommit=True) as conn:
        await conn.execute("SET enable_seqscan = off")
        cursor = await conn.execute(f"EXPLAIN (FORMAT JSON) {query}", params)
        row = await cursor.fetchone()
    assert row is not None
    plan = json.dumps(row[0])
    assert "workout_plans_user_updated" in plan, plan
    # PostgreSQL 16 (the embedded one) shows the sort of each plan's few exercises, which feeds their
    # ordered aggregate, as a Sort node (15 sorts them inside the aggregate): only the plans must not be.
    assert "workout_plans" not in _relations_under_a_sort(row[0][0]["Plan"]), plan


def _relations_under_a_sort(node: dict[str, Any], under_sort: bool = False) -> set[str]:
    """The relations read below a Sort node of an `EXPLAIN (FORMAT JSON)` plan."""
    below = under_sort or node["Node Type"] == "Sort"
    found = {node["Relation Name"]} if below and "Relation Name" in node else set()
    for child in node.get("Plans", []):
        found |= _relations_under_a_sort(child, below)
    return found
