"""The Prometheus series on `/metrics` over a real socket: requests by route, plan creations, database
queries by operation and table, and projection lag (read from PostgreSQL even on a replica that runs no
projector), naming routes and operations but never users."""

from __future__ import annotations

import uuid
from typing import get_args

import httpx
from prometheus_client.parser import text_string_to_metric_families

from adapters.postgres.metrics import Operation, Table
from projections.metrics import LAG_EVENTS
from projections.status import projection_status
from tests.adapters.api_ports.redis_server import delete_prefixed, eventually
from tests.api.graphql_client import CREATE_PLAN, register
from tests.api.operations.operations_api import PROJECTION_NAMES
from tests.api.server import REDIS_URL, fresh_database, running_api, test_settings
from web.guards import KNOWN_ROUTES

PLANS = "{ workoutPlans(first: 5) { edges { node { name versions { totalCount } owner { displayName } } } } }"

Samples = list[tuple[str, dict[str, str], float]]


async def scrape(client: httpx.AsyncClient) -> tuple[str, Samples]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = [
        (sample.name, dict(sample.labels), sample.value)
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    ]
    return response.text, samples


def value(samples: Samples, name: str, **labels: str) -> float | None:
    found = [
        v for sample_name, sample_labels, v in samples if sample_name == name and sample_labels == labels
    ]
    return found[0] if found else None


async def test_metrics_expose_requests_creations_queries_and_projection_lag(ops, http):
    _, before = await scrape(http)
    created_before = value(before, "workouts_created_total") or 0.0

    ada = await register(http, "Ada")
    command_id = str(uuid.uuid4())
    for attempt in ({"name": "Legs", "commandId": command_id}, {"name": "Legs", "commandId": command_id}):
        payload = (await ada.data(CREATE_PLAN, {"input": attempt}))["createWorkoutPlan"]
        assert payload["userErrors"] == []
    await ada.data(CREATE_PLAN, {"input": {"name": "Push"}})
    failed = (await ada.data(CREATE_PLAN, {"input": {"name": ""}}))["createWorkoutPlan"]
    assert failed["userErrors"][0]["code"] == "VALIDATION"

    async def listed() -> bool:
        return len((await ada.data(PLANS))["workoutPlans"]["edges"]) == 2

    assert await eventually(listed)
    await http.get("/health")

    _, after = await scrape(http)
    assert value(after, "workouts_created_total") == created_before + 2, (
        "a retried commandId is not a new plan"
    )

    graphql_ok = value(
        after, "http_request_duration_seconds_count", method="POST", route="/graphql", status="200"
    )
    assert (graphql_ok or 0) >= 6
    assert value(after, "http_request_duration_seconds_count", method="GET", route="/health", status="200")
    buckets = [s for s in after if s[0] == "http_request_duration_seconds_bucket"]
    assert buckets
    assert all(set(labels) == {"method", "route", "status", "le"} for _, labels, _ in buckets)

    observed = {
        (labels["operation"], labels["table"])
        for name, labels, count in after
        if name == "database_query_duration_seconds_count" and count > 0
    }
    assert {
        ("append", "eventstore.events"),
        ("read_stream", "eventstore.events"),
        ("user_plans", "workout.workout_plans"),
        ("versions", "workout.plan_versions"),
        ("users", "auth.users"),
    } <= observed
    assert all(operation in get_args(Operation) and table in get_args(Table) for operation, table in observed)

    lag = {labels["projection"] for name, labels, _ in after if name == "fitcoach_projection_lag_events"}
    assert lag >= PROJECTION_NAMES
    assert {
        labels["projection"] for name, labels, _ in after if name == "fitcoach_projection_lag_seconds"
    } >= lag


async def test_metrics_carry_no_user_data(ops, http):
    ada = await register(http, f"Zelda{uuid.uuid4().hex[:8]}")
    me = (await ada.data("{ me { id email displayName } }"))["me"]
    plan_name = f"Secret plan {uuid.uuid4().hex[:8]}"
    plan = (await ada.data(CREATE_PLAN, {"input": {"name": plan_name}}))["createWorkoutPlan"]["plan"]
    login = "mutation($input: LoginInput!) { login(input: $input) { userErrors { code } } }"
    await http.post(
        "/graphql", json={"query": login, "variables": {"input": {"email": me["email"], "password": "x"}}}
    )
    await http.get(f"/users/{me['email']}", params={"token": ada.access_token})  # an unknown route
    await http.get(
        "/graphql", params={"query": "{ me { id } }"}, headers={"authorization": "Bearer " + "x" * 30}
    )

    text, samples = await scrape(http)
    for secret in (
        me["email"],
        me["email"].split("@")[0],
        me["displayName"],
        me["id"],
        plan["id"],
        plan_name,
        ada.access_token,
        ada.refresh_token,
        ada.access_token.split(".")[1],
        "x" * 30,
    ):
        assert secret not in text, secret
    routes = {labels["route"] for _, labels, _ in samples if "route" in labels}
    assert routes <= KNOWN_ROUTES | {"other"}
    assert "other" in routes
    ours = [labels for name, labels, _ in samples if not name.startswith(("python_", "process_"))]
    label_names = {name for labels in ours for name in labels}
    # The coach's metrics (adapters.prometheus.coach_metrics) are in this process's registry once a test
    # here has run the coach worker: their labels name a model, provider, personality or safety category,
    # never a user.
    coach = {"model", "personality", "provider", "category", "action", "direction"}
    assert label_names <= {"method", "route", "status", "le", "operation", "table", "projection", *coach}


async def test_projection_lag_is_exported_by_a_replica_that_runs_no_projector() -> None:
    """Another process may hold the projectors' locks: the lag is read from PostgreSQL at each scrape."""
    async with (
        fresh_database() as url,
        running_api(test_settings(url), run_projections=False) as replica,
        replica.client() as client,
    ):
        await register(client, "Ada")  # events the users projection has not applied (nobody runs it)
        statuses = {status.name: status for status in await projection_status(replica.api.core.store, url)}
        assert statuses["users"].lag_events > 0
        for name in PROJECTION_NAMES:
            LAG_EVENTS.labels(name).set(-1)  # whatever an earlier server in this process left

        _, samples = await scrape(client)
        await delete_prefixed(REDIS_URL, replica.api.settings.redis_key_prefix)
        for name in PROJECTION_NAMES:
            assert (
                value(samples, "fitcoach_projection_lag_events", projection=name) == statuses[name].lag_events
            )
