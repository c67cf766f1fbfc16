"""Shared fixtures: a throwaway PostgreSQL database per test session, on the real server.

The session's servers are resolved (started if none answers) when pytest loads this file, which it does
before any other conftest or test module: those read the URLs when imported. See tests/servers.py."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from tests.servers import ADMIN_URL_VARIABLE, SessionServers

_servers = SessionServers()
_servers.resolve()
ADMIN_URL = os.environ[ADMIN_URL_VARIABLE]


def pytest_unconfigure(config: pytest.Config) -> None:
    _servers.stop()


def pytest_report_header(config: pytest.Config) -> list[str]:
    return _servers.notes


def _with_database(url: str, database: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{database}"


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    name = f"fitcoach_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(ADMIN_URL, name)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
