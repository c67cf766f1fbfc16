"""The world of the audit API tests, set up once per module over the real server: Ada's plan, changed by
her in several steps and once by an admin; Root, the admin; and a watch that fails a test on any server
error."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from domain.users.values import Role
from tests.api.authorization.authorization_support import MUTATIONS, sign_in_again
from tests.api.graphql_client import Session, create_plan, exercise, register
from tests.api.live_support import raw_id, server_errors_fail_the_test
from tests.api.server import RunningApi
from tests.library_support import BENCH, DEADLIFT, SQUAT


@pytest.fixture(autouse=True)
def no_server_errors() -> Iterator[None]:
    with server_errors_fail_the_test():
        yield


@dataclass(frozen=True)
class Audited:
    served: RunningApi
    ada: Session
    admin: Session
    plan_id: str
    """Ada's plan, its stream's versions: 1 created, 2-4 squat, bench, deadlift added, 5 squat updated,
    6 reordered, 7 version 1 saved, 8 renamed by the admin, 9 deadlift removed."""


async def change(session: Session, mutation: str, plan_id: str, **fields: Any) -> None:
    query, _ = MUTATIONS[mutation]
    payload = (await session.data(query, {"input": {"planId": plan_id, **fields}}))[mutation]
    assert payload["userErrors"] == [], payload


@pytest.fixture(scope="module")
async def audited(served: RunningApi) -> AsyncIterator[Audited]:
    async with served.client() as http:
        ada, root = await register(http, "Ada"), await register(http, "Root")
        await served.api.accounts.set_role(raw_id(root.user_id), Role.ADMIN)
        admin = await sign_in_again(root)
        plan = await create_plan(ada, "Ada's strength")
        for exercise_id in (SQUAT, BENCH, DEADLIFT):
            await change(ada, "addExercise", plan["id"], exercise=exercise(exercise_id))
        await change(ada, "updateExercise", plan["id"], exerciseId=SQUAT, sets=5, notes="belt on")
        await change(ada, "reorderExercises", plan["id"], exerciseIds=[BENCH, SQUAT, DEADLIFT])
        await change(ada, "createPlanVersion", plan["id"], changeDescription="Week 1")
        await change(admin, "renameWorkoutPlan", plan["id"], name="Ada's strength (checked)")
        await change(ada, "removeExercise", plan["id"], exerciseId=DEADLIFT)
        yield Audited(served, ada, admin, plan["id"])
