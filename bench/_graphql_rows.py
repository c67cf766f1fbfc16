"""The rows of the GraphQL benchmark: what each sends (as complete HTTP requests for the generator), and
what one probe response must look like before the row's figures count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from bench._graphql_seed import SeededPlan, SeededUser

TYPENAME = "{ __typename }"
PLANS20 = (
    "query Plans { workoutPlans(first: 20) { edges { node { id name exercises { name sets reps } } } } }"
)
PLAN = "query Plan($id: ID!) { workoutPlan(id: $id) { id name exercises { name sets reps } } }"
MUTATION = """mutation Update($input: UpdateExerciseInput!) {
  updateExercise(input: $input) { plan { id version } userErrors { code message } } }"""
MUTATION_REPS = (8, 12)
"""Each visit of an exercise flips its reps between these (seeded with 10), so every update is a change."""

Request = tuple[dict[str, Any], str | None]
"""A GraphQL body and the access token to send it with (None: anonymous)."""


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    label: str
    requests: Callable[[int, int], list[Request]]
    """(generator index, generator count) -> the requests that generator cycles through."""
    check: Callable[[dict[str, Any]], bool]
    """Whether a response body is the right answer (checked once, on a probe, before the row runs)."""
    probe: Request
    headers: str = ""
    """Extra header lines, each ending in CRLF (e.g. `Cache-Control: no-store`)."""
    background: Row | None = None
    """Another client's load, run alongside on one connection of its own and measured apart."""


def http_request(port: int, request: Request, headers: str = "") -> bytes:
    body, token = request
    payload = orjson.dumps(body)
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\n{auth}{headers}Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


def _rotated(items: list[Request], index: int, count: int) -> list[Request]:
    """The same cycle, started at a different place by each generator process."""
    shift = len(items) * index // count
    return items[shift:] + items[:shift]


def _update(plan: SeededPlan, exercise_id: str, reps: int) -> Request:
    return {
        "query": MUTATION,
        "variables": {"input": {"planId": plan.plan_id, "exerciseId": exercise_id, "reps": reps}},
    }, plan.token


def hostile_rows(query: str, plans: int, token: str) -> dict[str, Row]:
    """`{ __typename }` quiet, then while another client loops `query` (executed every time: no-store)."""
    typename: Request = ({"query": TYPENAME}, None)
    hostile: Request = ({"query": query}, token)

    def every_plan(body: dict[str, Any]) -> bool:
        return len(body["data"]["workoutPlans"]["edges"]) == plans

    costliest = Row(
        "costliest", "the costliest allowed query", lambda i, n: [hostile], every_plan, hostile,
        headers="Cache-Control: no-store\r\n",
    )  # fmt: skip
    quiet = Row("typename_quiet", "{ __typename }, quiet", lambda i, n: [typename], _is_query, typename)
    loud = Row(
        "typename_hostile", "{ __typename }, another client looping the costliest query",
        lambda i, n: [typename], _is_query, typename, background=costliest,
    )  # fmt: skip
    return {row.name: row for row in (quiet, loud, costliest)}


def build_rows(users: list[SeededUser], plans: int, exercises: int) -> dict[str, Row]:
    every_plan = [user.plans[i] for i in range(plans) for user in users]  # consecutive ones: other users
    pages: list[Request] = [({"query": PLANS20}, user.token) for user in users]
    by_id: list[Request] = [
        ({"query": PLAN, "variables": {"id": plan.plan_id}}, plan.token) for plan in every_plan
    ]
    typename: Request = ({"query": TYPENAME}, None)
    typename_auth: Request = ({"query": TYPENAME}, users[0].token)

    def mutations(index: int, count: int) -> list[Request]:
        # Each process updates plans of its own, the next exercise of each plan per round and the reps
        # flipped per pass, so no update repeats the value before it and no two run on one plan at once.
        mine = every_plan[index::count]
        return [
            _update(plan, plan.exercise_ids[e], reps)
            for reps in MUTATION_REPS
            for e in range(exercises)
            for plan in mine
        ]

    def one_page(body: dict[str, Any]) -> bool:
        edges = body["data"]["workoutPlans"]["edges"]
        return len(edges) == 20 and all(len(edge["node"]["exercises"]) == exercises for edge in edges)

    def updated(body: dict[str, Any]) -> bool:
        payload = body["data"]["updateExercise"]
        return bool(payload["userErrors"] == [] and payload["plan"]["version"] > 1)

    probe_plan = every_plan[-1]
    rows = [
        Row("typename", "{ __typename } (ceiling)", lambda i, n: [typename], _is_query, typename),
        Row(
            "typename_auth",
            "{ __typename }, authenticated",
            lambda i, n: [typename_auth],
            _is_query,
            typename_auth,
        ),
        Row("plans20", "20 plans with exercises", lambda i, n: _rotated(pages, i, n), one_page, pages[0]),
        Row(
            "plans20_executed",
            "20 plans, executed (no-store)",
            lambda i, n: _rotated(pages, i, n),
            one_page,
            pages[0],
            headers="Cache-Control: no-store\r\n",
        ),
        Row(
            "plan",
            "one plan by id",
            lambda i, n: _rotated(by_id, i, n),
            lambda body: len(body["data"]["workoutPlan"]["exercises"]) == exercises,
            by_id[0],
        ),
        Row(
            "mutation",
            "mutation updateExercise",
            mutations,
            updated,
            _update(probe_plan, probe_plan.exercise_ids[0], 9),
        ),
    ]
    return {row.name: row for row in rows}


def _is_query(body: dict[str, Any]) -> bool:
    return bool(body.get("data") == {"__typename": "Query"})
