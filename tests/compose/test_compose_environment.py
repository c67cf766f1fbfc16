"""The variables docker-compose.yml gives the app services are valid fitcoach settings that point at the
stack's own PostgreSQL, Redis and KurrentDB, and the JWT secret has to come from outside."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest
from kurrentdbclient.connection_spec import ConnectionSpec

from fitcoach.settings import Settings, load_settings
from tests.compose.compose_file import APP_SERVICES, with_defaults

URL_VARIABLES = ("FITCOACH_DATABASE_URL", "FITCOACH_REDIS_URL", "FITCOACH_KURRENTDB_URL")


def test_the_jwt_secret_must_come_from_the_environment_and_has_no_default(services):
    value = services["api"]["environment"]["FITCOACH_JWT_SECRET"]
    assert re.fullmatch(r"\$\{FITCOACH_JWT_SECRET:\?[^}]+\}", value), (
        value
    )  # Compose refuses to start without it


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_every_fitcoach_variable_of_a_service_is_a_valid_setting(services, monkeypatch, name):
    environment = {key: with_defaults(value) for key, value in services[name]["environment"].items()}
    fields = {f"FITCOACH_{field.upper()}" for field in Settings.model_fields}
    assert set(environment) <= fields, "extra variables are ignored silently: a misspelt one must fail here"
    for key in [key for key in os.environ if key.startswith("FITCOACH_")]:
        monkeypatch.delenv(key)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    for key, value in environment.items():
        monkeypatch.setenv(key, "x" * 48 if key == "FITCOACH_JWT_SECRET" else value)
    settings = load_settings()
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.chosen_event_store == "kurrentdb"
    if name == "api":
        assert settings.in_process_projections is False
        assert settings.coach_worker_in_process is False
        assert settings.jwt_secret is not None
    if name == "coach-worker":
        assert settings.anthropic_api_key is None  # unset in the environment: the offline coach answers


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_app_services_get_urls_of_the_compose_services(services, name):
    environment = {key: with_defaults(value) for key, value in services[name]["environment"].items()}
    assert set(URL_VARIABLES) <= set(environment)
    database = urlsplit(environment["FITCOACH_DATABASE_URL"])
    assert (database.scheme, database.hostname, database.port) == ("postgresql", "postgres", 5432)
    redis = urlsplit(environment["FITCOACH_REDIS_URL"])
    assert (redis.scheme, redis.hostname, redis.port) == ("redis", "redis", 6379)
    assert environment["FITCOACH_EVENT_STORE"] == "kurrentdb"


def test_the_database_url_matches_the_postgres_service(services):
    postgres = {key: with_defaults(value) for key, value in services["postgres"]["environment"].items()}
    database = urlsplit(with_defaults(services["api"]["environment"]["FITCOACH_DATABASE_URL"]))
    assert database.username == postgres["POSTGRES_USER"]
    assert database.password == postgres["POSTGRES_PASSWORD"]
    assert database.path == f"/{postgres['POSTGRES_DB']}"


def test_kurrentdbclient_accepts_the_kurrentdb_url(services):
    spec = ConnectionSpec(services["api"]["environment"]["FITCOACH_KURRENTDB_URL"])
    assert spec.scheme == "kurrentdb"
    assert list(spec.targets) == ["kurrentdb:2113"]
    assert spec.options.tls is False
