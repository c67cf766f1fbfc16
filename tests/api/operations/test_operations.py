"""Operations endpoints over a real socket: `/health` answers while the process lives, and `/ready` checks
every dependency, turning 503 when Redis dies and 200 again once it is back. Neither `/ready` nor `/metrics`
opens a database connection of its own: both use the process's pools."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.adapters.api_ports.redis_server import RedisServer, eventually
from tests.api.operations.operations_api import PROJECTION_NAMES
from tests.api.server import fresh_database, running_api, test_settings


async def test_health_answers_while_the_process_lives(http):
    response = await http.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_ready_checks_every_dependency_and_lists_the_projections(http):
    response = await http.get("/ready")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["status"] == "ready"
    assert report["checks"] == {"event_store": "ok", "postgres": "ok", "redis": "ok", "projections": "ok"}
    assert {projection["name"] for projection in report["projections"]} >= PROJECTION_NAMES
    for projection in report["projections"]:
        assert set(projection) == {"name", "state", "lagEvents", "lagSeconds"}
        assert projection["lagEvents"] >= 0


async def test_ready_is_503_once_redis_is_gone_and_ready_again_when_it_is_back(tmp_path: Path) -> None:
    redis = RedisServer(tmp_path)
    await redis.start()
    try:
        async with (
            fresh_database() as url,
            running_api(test_settings(url, redis_url=redis.url)) as running,
            running.client() as client,
        ):
            assert (await client.get("/ready")).status_code == 200
            await redis.kill()

            down = await client.get("/ready")
            assert down.status_code == 503, down.text
            report = down.json()
            assert report["status"] == "not ready"
            assert report["checks"]["redis"].startswith("failing")
            assert report["checks"]["postgres"] == "ok"
            assert (await client.get("/health")).status_code == 200, "liveness does not follow Redis"
            answer = await client.post("/graphql", json={"query": "{ __typename }"})
            assert answer.json() == {"data": {"__typename": "Query"}}, "reads go on without Redis"

            await redis.start()

            async def ready() -> bool:
                return (await client.get("/ready")).status_code == 200

            assert await eventually(ready, attempts=300, pause=0.1), "ready again once Redis is back"
    finally:
        await redis.kill()


async def test_ready_and_metrics_open_no_database_connection_of_their_own(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A probe every few seconds from each load balancer and scraper must not cost a PostgreSQL connection
    (a backend process, authentication, and a slot of max_connections) each time."""
    assert (await http.get("/ready")).status_code == 200  # the pools are open and warm
    assert (await http.get("/metrics")).status_code == 200
    opened: list[str] = []
    connect = psycopg.AsyncConnection.connect

    async def counted(*args: Any, **kwargs: Any) -> psycopg.AsyncConnection[Any]:
        opened.append(str(args[0] if args else kwargs.get("conninfo")))
        return await connect(*args, **kwargs)

    monkeypatch.setattr(psycopg.AsyncConnection, "connect", counted)  # every pool connects through it too
    for _ in range(20):
        ready = await http.get("/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["projections"] == "ok"
        assert (await http.get("/metrics")).status_code == 200
    assert opened == []
