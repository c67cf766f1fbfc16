"""Support for the authorization tests: the world they run in (Ada owns a plan; Bob is another user;
Root is an admin), the operations several of them send, and every plan mutation with its input.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from domain.plans.streams import plan_stream
from tests.api.graphql_client import Session, data, exercise
from tests.api.live_support import PASSWORD, assert_no_internal_errors, raw_id
from tests.api.server import RunningApi
from tests.library_support import BENCH, DEADLIFT, SQUAT

LOGIN = """mutation($input: LoginInput!) {
  login(input: $input) { tokens { accessToken refreshToken } userErrors { code } }
}"""
ME = "{ me { id email displayName role } }"
PLANS = "{ workoutPlans(first: 50) { edges { node { id } } } }"
PLAN = "query($id: ID!) { workoutPlan(id: $id) { id name version isActive exercises { exerciseId sets } } }"
OWNER = "query($id: ID!) { workoutPlan(id: $id) { owner { id email } } }"


@dataclass(frozen=True)
class World:
    served: RunningApi
    ada: Session
    bob: Session
    admin: Session
    plan_id: str
    """Ada's plan: two exercises and one saved version."""
    create_command_id: str
    """The command id Ada created her plan with."""
    bob_plan_id: str

    def ids(self, target: str) -> str:
        return {"plan": self.plan_id, "ada": self.ada.user_id}[target]

    def session(self, who: str) -> Session:
        return {"ada": self.ada, "bob": self.bob, "admin": self.admin}[who]

    async def ada_stream(self) -> list[tuple[uuid.UUID, str]]:
        recorded = await self.served.api.core.store.read_stream(plan_stream(raw_id(self.plan_id)))
        return [(record.event_id, record.type) for record in recorded]

    async def ada_plan(self) -> dict[str, Any]:
        plan: dict[str, Any] = (await self.ada.data(PLAN, {"id": self.plan_id}))["workoutPlan"]
        return plan


async def sign_in_again(session: Session) -> Session:
    email = (await session.data(ME))["me"]["email"]
    signed_in = (await data(session.client, LOGIN, {"input": {"email": email, "password": PASSWORD}}))[
        "login"
    ]
    assert signed_in["userErrors"] == []
    tokens = signed_in["tokens"]
    return Session(session.client, session.user_id, tokens["accessToken"], tokens["refreshToken"])


async def mutate(session: Session, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = await session.data(query, variables)
    assert_no_internal_errors(payload)
    return payload


PLAN_PAYLOAD = "plan { id name version } userErrors { field code message }"


def mutation(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {PLAN_PAYLOAD} }} }}"


MUTATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "renameWorkoutPlan": (mutation("renameWorkoutPlan", "RenameWorkoutPlanInput"), {"name": "Bob's now"}),
    "addExercise": (mutation("addExercise", "AddExerciseInput"), {"exercise": exercise(DEADLIFT)}),
    "updateExercise": (mutation("updateExercise", "UpdateExerciseInput"), {"exerciseId": SQUAT, "sets": 9}),
    "removeExercise": (mutation("removeExercise", "RemoveExerciseInput"), {"exerciseId": SQUAT}),
    "reorderExercises": (
        mutation("reorderExercises", "ReorderExercisesInput"),
        {"exerciseIds": [BENCH, SQUAT]},
    ),
    "createPlanVersion": (
        mutation("createPlanVersion", "CreatePlanVersionInput"),
        {"changeDescription": "Bob was here"},
    ),
    "revertPlanToVersion": (
        mutation("revertPlanToVersion", "RevertPlanToVersionInput"),
        {"versionNumber": 1},
    ),
    "archiveWorkoutPlan": (mutation("archiveWorkoutPlan", "ArchiveWorkoutPlanInput"), {}),
}
ADD = MUTATIONS["addExercise"][0]
