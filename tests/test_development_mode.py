"""GraphiQL and introspection follow the mode unless set: on with the embedded defaults (a developer's
machine), off as soon as a database, Redis or KurrentDB is configured; an explicit value always wins.
`fitcoach serve` says which mode it is in (tests/test_serve_embedded.py runs it over a real socket)."""

from __future__ import annotations

from typing import Any

import pytest

from fitcoach.serve import graphql_url, mode_of
from fitcoach.settings import Settings

SERVERS = [
    {"database_url": "postgresql://postgres@127.0.0.1:5432/fitcoach"},
    {"redis_url": "redis://127.0.0.1:6379/0"},
    {"kurrentdb_url": "kurrentdb://127.0.0.1:2113?tls=false"},
]


def embedded(**values: object) -> Settings:
    return Settings(database_url=None, redis_url=None, kurrentdb_url=None, **values)  # type: ignore[arg-type]


def test_the_embedded_defaults_turn_graphiql_and_introspection_on() -> None:
    settings = embedded()
    assert settings.embedded_development_mode
    assert settings.graphiql
    assert settings.introspection
    assert mode_of(settings) == "embedded development mode: GraphiQL and introspection on"


@pytest.mark.parametrize("server", SERVERS, ids=lambda server: next(iter(server)))
def test_a_configured_server_keeps_both_off(server: dict[str, str]) -> None:
    values: dict[str, Any] = {"database_url": None, "redis_url": None, "kurrentdb_url": None, **server}
    settings = Settings(**values)
    assert not settings.embedded_development_mode
    assert not settings.graphiql
    assert not settings.introspection
    assert mode_of(settings) == "configured servers: GraphiQL and introspection off"


def test_explicit_values_win_over_the_mode() -> None:
    forced_off = embedded(graphiql=False, introspection=False)
    assert not forced_off.graphiql
    assert not forced_off.introspection
    forced_on = Settings(database_url=SERVERS[0]["database_url"], graphiql=True, introspection=True)
    assert forced_on.graphiql
    assert forced_on.introspection
    mixed = embedded(introspection=False)
    assert mode_of(mixed) == "embedded development mode: GraphiQL on, introspection off"


def test_environment_values_win_over_the_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "KURRENTDB_URL"):
        monkeypatch.delenv(f"FITCOACH_{name}", raising=False)
    monkeypatch.setenv("FITCOACH_GRAPHIQL", "false")
    assert not Settings().graphiql
    assert Settings().introspection
    monkeypatch.setenv("FITCOACH_DATABASE_URL", SERVERS[0]["database_url"])
    monkeypatch.setenv("FITCOACH_INTROSPECTION", "true")
    assert Settings().introspection
    assert not Settings().graphiql


def test_the_url_in_the_start_up_line() -> None:
    assert graphql_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/graphql"
    assert graphql_url("::1", 8080) == "http://[::1]:8080/graphql"
