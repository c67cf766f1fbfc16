"""`fitcoach replay` on the real PostgreSQL (and KurrentDB where one is configured): a log of every kind of
event written through the command path, the CLI run as a process, and throwaway databases."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from application.eventstore import EventStore
from application.handler import CommandHandler, CommandMetadata
from domain.errors import DomainError
from domain.plans import Plan
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.streams import plan_stream
from tests.conftest import ADMIN_URL
from tests.library_support import define_test_library
from tests.projections.coaching.conversations import write_conversations
from tests.projections.projector_support import random_command
from tests.projections.users.user_workload import write_user_workload

REPO = Path(__file__).resolve().parents[2]


def fitcoach(
    url: str, *args: str, stdout: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`fitcoach ARGS` as a process on the PostgreSQL at `url`, with `env` on top of this process's
    environment; its stdout into the file `stdout` if given."""
    env = {**os.environ, "FITCOACH_DATABASE_URL": url, "FITCOACH_EVENT_STORE": "postgres", **(env or {})}
    command = [sys.executable, "-m", "fitcoach.cli", *args]
    if stdout is None:
        return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    with stdout.open("wb") as out:
        completed = subprocess.run(
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.PIPE, timeout=180
        )
    return subprocess.CompletedProcess(completed.args, completed.returncode, "", completed.stderr.decode())


@asynccontextmanager
async def empty_database(prefix: str = "fitcoach_replay") -> AsyncIterator[str]:
    """A database without any schema (the import creates what it needs), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    async with await psycopg.AsyncConnection.connect(ADMIN_URL, autocommit=True) as admin:
        await admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield f"{ADMIN_URL.rpartition('/')[0]}/{name}"
        finally:
            await admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


async def write_plans(store: EventStore, *, plans: int, commands: int, seed: int) -> list[str]:
    """Random plan commands through the command handler; returns the plans' streams."""
    rng = random.Random(seed)
    handler = CommandHandler(store, WORKOUT_PLANS)
    states: dict[uuid.UUID, Plan | None] = {
        uuid.UUID(int=rng.getrandbits(128), version=4): None for _ in range(plans)
    }
    for step in range(commands):
        plan_id = rng.choice(sorted(states))
        command_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        try:
            result = await handler.handle(
                random_command(rng, plan_id, states[plan_id], step),
                CommandMetadata(command_id=command_id, correlation_id=command_id, user_id=plan_id),
            )
        except DomainError:
            continue
        assert isinstance(result.state, Plan)
        states[plan_id] = result.state
    return [plan_stream(plan_id) for plan_id, state in states.items() if state is not None]


async def write_every_kind_of_event(store: EventStore, *, seed: int) -> None:
    """Library exercises, users (with their email claims), plans, and coaching conversations."""
    await define_test_library(store)
    await write_user_workload(store, users=5, commands=40, seed=seed)
    await write_plans(store, plans=4, commands=40, seed=seed)
    await write_conversations(store)


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def parsed(line: bytes) -> dict[str, Any]:
    value = json.loads(line)
    assert isinstance(value, dict)
    return value
