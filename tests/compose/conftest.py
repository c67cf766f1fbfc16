"""Fixtures of the compose tests: docker-compose.yml as loaded, and its services."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.compose.compose_file import ROOT


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"]
    return found
