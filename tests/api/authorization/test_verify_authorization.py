"""`verifyProjection` over a real socket: UNAUTHENTICATED without a token, FORBIDDEN to a user whatever
the arguments, and for an admin the report of the live read model against the log, naming a row edited
by hand in the database."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.api.authorization.authorization_support import World
from tests.api.live_support import call, codes, raw_id, unauthenticated

VERIFY = """query($name: String!, $sample: Int) {
  verifyProjection(name: $name, sample: $sample) {
    projection checkpoint eventsReplayed sample drifted driftCount
    tables { table keyColumns liveRows rebuiltRows comparedRows driftedRows onlyIn drifted }
    drifts { table kind key { column value } columns { column live rebuilt } }
  }
}"""
ARGUMENTS = [
    {"name": "workout_plans"},
    {"name": "users", "sample": 5},
    {"name": "no_such_projection"},
    {"name": "workout_plans", "sample": 0},
]


@pytest.mark.parametrize("variables", ARGUMENTS)
async def test_given_no_token_when_a_projection_is_verified_then_it_is_unauthenticated(world, variables):
    await unauthenticated(world.ada.client, VERIFY, variables)


@pytest.mark.parametrize("variables", ARGUMENTS)
async def test_given_a_user_when_they_verify_a_projection_then_it_is_forbidden(world, variables):
    body = await call(world.ada.client, VERIFY, variables, token=world.ada.access_token)
    assert codes(body) == ["FORBIDDEN"]
    assert body["data"] is None


async def admin_verifies(world: World, variables: dict[str, Any]) -> dict[str, Any]:
    report: dict[str, Any] = (await world.admin.data(VERIFY, variables))["verifyProjection"]
    return report


@pytest.mark.parametrize("name", ["workout_plans", "users", "coaching", "library"])
async def test_given_an_admin_when_they_verify_a_faithful_projection_then_no_row_drifted(world, name):
    report = await admin_verifies(world, {"name": name})
    assert (report["projection"], report["drifted"], report["driftCount"], report["drifts"]) == (
        name,
        False,
        0,
        [],
    )
    assert report["sample"] is None
    assert report["eventsReplayed"] <= report["checkpoint"]
    for table in report["tables"]:
        assert table["liveRows"] == table["rebuiltRows"] == table["comparedRows"]
        assert (table["driftedRows"], table["onlyIn"], table["drifted"]) == (0, None, False)


async def test_given_an_admin_when_a_plan_row_was_edited_by_hand_then_the_report_names_it(world):
    plan_id = raw_id(world.bob_plan_id)
    url = world.served.api.database_url
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        stored = await conn.execute(
            "SELECT duration_minutes FROM workout.workout_plans WHERE id = %s", (plan_id,)
        )
        (duration,) = await stored.fetchone() or (None,)
        await conn.execute(
            "UPDATE workout.workout_plans SET duration_minutes = 999 WHERE id = %s", (plan_id,)
        )
        try:
            report = await admin_verifies(world, {"name": "workout_plans", "sample": 10_000})
        finally:
            await conn.execute(
                "UPDATE workout.workout_plans SET duration_minutes = %s WHERE id = %s",
                (duration, plan_id),
            )
    assert (report["drifted"], report["driftCount"], report["sample"]) == (True, 1, 10_000)
    [drift] = report["drifts"]
    assert drift["table"] == "workout.workout_plans"
    assert drift["kind"] == "CHANGED"
    assert drift["key"] == [{"column": "id", "value": str(plan_id)}]
    [column] = drift["columns"]
    assert (column["column"], column["live"], column["rebuilt"]) == ("duration_minutes", "999", str(duration))
    assert (await admin_verifies(world, {"name": "workout_plans"}))["drifted"] is False


@pytest.mark.parametrize(
    ("variables", "code"),
    [({"name": "no_such_projection"}, "BAD_USER_INPUT"), ({"name": "users", "sample": 0}, "BAD_USER_INPUT")],
)
async def test_given_an_admin_when_the_arguments_are_wrong_then_it_is_bad_user_input(world, variables, code):
    body = await call(world.admin.client, VERIFY, variables, token=world.admin.access_token)
    assert codes(body) == [code]
    assert body["data"] is None
