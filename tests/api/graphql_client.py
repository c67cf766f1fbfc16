"""A small GraphQL client over httpx, and the operations the API tests use."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx


class GraphQLFailed(AssertionError):
    pass


@dataclass
class Session:
    """A signed-in user as a client sees it."""

    client: httpx.AsyncClient
    user_id: str
    access_token: str
    refresh_token: str

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return await execute(self.client, query, variables, token=self.access_token)

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return await data(self.client, query, variables, token=self.access_token)


async def execute(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, (response.status_code, response.text)
    body: dict[str, Any] = response.json()
    return body


async def data(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
) -> dict[str, Any]:
    """The `data` of a response that must have no errors."""
    body = await execute(client, query, variables, token=token)
    if body.get("errors"):
        raise GraphQLFailed(body["errors"])
    result: dict[str, Any] = body["data"]
    return result


REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) {
    user { id email displayName }
    tokens { accessToken refreshToken tokenType }
    userErrors { field message code }
  }
}"""

PLAN_FIELDS = """
id name version isActive createdBy latestVersionNumber
exercises { exerciseId name sets reps weightKg restSeconds tempo notes alternatives }
"""

CREATE_PLAN = (
    "mutation Create($input: CreateWorkoutPlanInput!) { createWorkoutPlan(input: $input) {"
    f" plan {{ {PLAN_FIELDS} }} userErrors {{ field message code currentVersion }} }} }}"
)


async def register(client: httpx.AsyncClient, name: str = "Ada") -> Session:
    email = f"{name.lower()}-{uuid.uuid4().hex[:10]}@example.com"
    variables = {"input": {"email": email, "password": "correct horse battery staple", "displayName": name}}
    payload = (await data(client, REGISTER, variables))["register"]
    assert payload["userErrors"] == [], payload["userErrors"]
    tokens = payload["tokens"]
    return Session(client, payload["user"]["id"], tokens["accessToken"], tokens["refreshToken"])


async def create_plan(session: Session, name: str = "Leg day", **fields: Any) -> dict[str, Any]:
    payload = (await session.data(CREATE_PLAN, {"input": {"name": name, **fields}}))["createWorkoutPlan"]
    assert payload["userErrors"] == [], payload["userErrors"]
    plan: dict[str, Any] = payload["plan"]
    return plan


def exercise(exercise_id: str, **fields: Any) -> dict[str, Any]:
    return {"exerciseId": exercise_id, "name": exercise_id.replace("_", " "), "sets": 3, "reps": 10, **fields}
