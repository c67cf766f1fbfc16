"""A plan's versions page by page over a real socket: each page reads only its own rows from PostgreSQL
(not every version, then a slice of them), `totalCount` counts them all, and the cursors walk every
version once, oldest first; a mutation's own result pages its versions the same way.
"""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest

from adapters.postgres.plan_read_model import _VERSION_PAGES
from tests.adapters.api_ports.redis_server import eventually
from tests.api.graphql_client import create_plan, exercise, register
from tests.api.query_cost.query_cost_support import ADD, SAVE_VERSION, _changed
from tests.api.statement_log import CostApi
from tests.library_support import SQUAT

VERSIONS = 25
PAGE = """query($id: ID!, $first: Int, $after: String) {
  workoutPlan(id: $id) {
    versions(first: $first, after: $after) {
      totalCount
      edges { cursor node { versionNumber changeDescription exercises { name } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}"""


@pytest.fixture(scope="module")
async def plan(cost_api: CostApi) -> dict[str, Any]:
    owner = await register(cost_api.http, "Owner")
    plan_id = (await create_plan(owner, "Many versions"))["id"]
    await _changed(owner, ADD, {"planId": plan_id, "exercise": exercise(SQUAT)})
    for week in range(1, VERSIONS + 1):
        await _changed(owner, SAVE_VERSION, {"planId": plan_id, "changeDescription": f"Week {week}"})

    async def projected() -> bool:
        page = await owner.data(PAGE, {"id": plan_id, "first": 1})
        return bool(page["workoutPlan"]["versions"]["totalCount"] == VERSIONS)

    assert await eventually(projected, attempts=300)
    return {"token": owner.access_token, "id": plan_id, "owner": owner}


def version_rows(rows: list[tuple[str, int]]) -> list[int]:
    return [count for sql, count in rows if "workout.plan_versions" in sql]


async def test_a_page_reads_only_its_own_rows_and_counts_them_all(cost_api, plan):
    body, _, rows = await cost_api.post(plan["token"], PAGE, {"id": plan["id"], "first": 2})

    versions = body["data"]["workoutPlan"]["versions"]
    assert versions["totalCount"] == VERSIONS
    assert [edge["node"]["versionNumber"] for edge in versions["edges"]] == [1, 2]
    assert versions["pageInfo"]["hasNextPage"] is True
    assert versions["pageInfo"]["hasPreviousPage"] is False
    assert version_rows(rows) == [3], "the page's 2 rows and one to tell that more follow, not all 25"


async def test_the_cursors_walk_every_version_once_oldest_first(cost_api, plan):
    seen: list[int] = []
    after = None
    while True:
        variables = {"id": plan["id"], "first": 7, "after": after}
        body, _, rows = await cost_api.post(plan["token"], PAGE, variables)
        versions = body["data"]["workoutPlan"]["versions"]
        assert versions["totalCount"] == VERSIONS
        assert versions["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert version_rows(rows) == [min(7 + 1, VERSIONS - len(seen))]
        seen += [edge["node"]["versionNumber"] for edge in versions["edges"]]
        assert versions["pageInfo"]["endCursor"] == versions["edges"][-1]["cursor"]
        if not versions["pageInfo"]["hasNextPage"]:
            break
        after = versions["pageInfo"]["endCursor"]
    assert seen == list(range(1, VERSIONS + 1))

    last = versions["pageInfo"]["endCursor"]
    past_the_end = (await cost_api.run(plan["token"], PAGE, {"id": plan["id"], "after": last}))[0]
    assert past_the_end["workoutPlan"]["versions"] == {
        "totalCount": VERSIONS,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": True, "startCursor": None, "endCursor": None},
    }


async def test_a_mutation_pages_the_versions_it_wrote_the_same_way(cost_api, plan):
    twenty = await cost_api.run(plan["token"], PAGE, {"id": plan["id"], "first": 20})
    after = twenty[0]["workoutPlan"]["versions"]["pageInfo"]["endCursor"]
    read = (await cost_api.run(plan["token"], PAGE, {"id": plan["id"], "first": 3, "after": after}))[0]
    rename = """mutation($input: RenameWorkoutPlanInput!, $after: String) {
      renameWorkoutPlan(input: $input) {
        plan {
          versions(first: 3, after: $after) {
            totalCount
            edges { cursor node { versionNumber changeDescription exercises { name } } }
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          }
        }
        userErrors { code }
      }
    }"""
    variables = {"input": {"planId": plan["id"], "name": "Renamed"}, "after": after}
    written = (await plan["owner"].data(rename, variables))["renameWorkoutPlan"]

    assert written["userErrors"] == []
    assert written["plan"]["versions"] == read["workoutPlan"]["versions"]
    assert [edge["node"]["versionNumber"] for edge in read["workoutPlan"]["versions"]["edges"]] == [
        21,
        22,
        23,
    ]


async def test_the_page_query_reads_versions_by_their_key_cut_by_a_limit(cost_api):
    """With scans off, PostgreSQL shows what it would use on a big table: each plan's page is an index
    scan of (plan_id, version_number) from the cursor on, stopped by the LIMIT."""
    params = {"ids": [uuid.uuid4(), uuid.uuid4()], "upto": [5, 2**31 - 1], "after": 3, "limit": 8}
    settings = cost_api.running.api.settings
    async with await psycopg.AsyncConnection.connect(settings.resolved_database_url, autocommit=True) as conn:
        await conn.execute("SET enable_seqscan = off")
        cursor = await conn.execute(f"EXPLAIN {_VERSION_PAGES}", params)
        plan = [row[0].strip() for row in await cursor.fetchall()]
    limit = next(index for index, line in enumerate(plan) if line.startswith("->  Limit"))
    assert plan[limit + 1].startswith("->  Index Scan using plan_versions_pkey"), plan
    assert "version_number >" in plan[limit + 2], plan
    assert not any("Seq Scan" in line for line in plan), plan
