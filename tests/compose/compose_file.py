"""docker-compose.yml as the compose tests read it: its services, volumes and the stack's names, and what
Compose makes of a service's variables and command."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("api", "projector", "coach-worker")
BACKING_SERVICES = ("kurrentdb", "postgres", "redis")


def with_defaults(value: str) -> str:
    """What Compose substitutes for `${VAR:-default}` when VAR is unset."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)


def command_of(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return command.split() if isinstance(command, str) else list(command)
