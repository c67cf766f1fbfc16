"""Setting up the library benchmark (untimed): the catalogue in the library, users with profiles, and a
wait until the projection shows all of it."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from adapters.postgres.store import PostgresEventStore
from application.handler import CommandHandler, CommandMetadata
from bench._graphql_seed import PASSWORD, REGISTER, call
from domain.actor import Actor
from domain.errors import DomainError
from domain.library.commands import DefineExercise
from domain.library.decider import LIBRARY
from domain.library.values import Category, Equipment, ExerciseDefinition, Force, Level, Mechanic, Muscle

CATCH_UP_TIMEOUT_SECONDS = 120.0
COUNT = "{ exercises(first: 1) { totalCount } }"
PROFILE = "mutation P($input: UpdateProfileInput!) { updateProfile(input: $input) { userErrors { code } } }"
PROFILES: tuple[dict[str, list[str]], ...] = (
    {"injuries": [], "availableEquipment": []},
    {"injuries": ["lower back pain"], "availableEquipment": ["dumbbells", "bench"]},
    {"injuries": ["knee (meniscus surgery 6 weeks ago)"], "availableEquipment": ["barbell", "dumbbell"]},
    {"injuries": ["shoulder impingement"], "availableEquipment": ["kettlebell", "resistance bands"]},
)
"""Users' profiles, round robin: what `availableTo` filters by."""
_EQUIPMENT = {"e-z curl bar": Equipment.EZ_CURL_BAR}


def _definition(entry: dict[str, Any]) -> ExerciseDefinition:
    """The facts of one free-exercise-db entry (never its instructions)."""
    raw = entry.get("equipment") or "none"
    equipment = _EQUIPMENT.get(raw) or Equipment(raw.replace(" ", "_"))
    primary = tuple(Muscle(m.replace(" ", "_")) for m in entry["primaryMuscles"])
    secondary = tuple(
        Muscle(m.replace(" ", "_")) for m in entry["secondaryMuscles"] if m not in entry["primaryMuscles"]
    )
    return ExerciseDefinition(
        exercise_id="".join(c if c.isalnum() or c in "_-" else "_" for c in entry["id"])[:80],
        name=entry["name"][:120],
        category=Category(entry["category"].replace(" ", "_")),
        level=Level(entry["level"]),
        force=Force(entry["force"]) if entry.get("force") else None,
        mechanic=Mechanic(entry["mechanic"]) if entry.get("mechanic") else None,
        equipment=(equipment,),
        primary_muscles=primary,
        secondary_muscles=secondary,
    )


async def define_catalogue(database_url: str, entries: list[dict[str, Any]]) -> int:
    """Define every entry the library accepts; returns how many it holds."""
    store = await PostgresEventStore.connect(database_url, max_size=4)
    handler = CommandHandler(store, LIBRARY)
    at = datetime.now(UTC)
    defined = 0
    try:
        for entry in entries:
            command = DefineExercise(exercise=_definition(entry), at=at, actor=Actor.SYSTEM)
            try:
                await handler.handle(command, CommandMetadata(uuid.uuid4(), uuid.uuid4()))
                defined += 1
            except (DomainError, ValueError):
                continue  # an entry our vocabulary refuses: the catalogue is large enough without it
    finally:
        await store.close()
    return defined


async def exercise_count(client: httpx.AsyncClient, token: str) -> int:
    return int((await call(client, COUNT, token=token))["exercises"]["totalCount"])


async def seed(url: str, database_url: str, *, users: int, source: Path) -> tuple[list[str], int]:
    """Access tokens of `users` users with profiles, and the number of live exercises."""
    async with httpx.AsyncClient(base_url=url, timeout=30.0) as client:
        tokens = []
        for index in range(users):
            email = f"library-bench-{index}-{uuid.uuid4().hex[:8]}@example.com"
            variables = {"input": {"email": email, "password": PASSWORD, "displayName": f"Bench {index}"}}
            token = (await call(client, REGISTER, variables))["register"]["tokens"]["accessToken"]
            await call(client, PROFILE, {"input": PROFILES[index % len(PROFILES)]}, token=token)
            tokens.append(token)
        expected = await exercise_count(client, tokens[0])
        if expected == 0:  # the server shipped no library: define the catalogue here
            if not source.is_file():  # noqa: ASYNC240
                raise RuntimeError(f"the server shipped no library and there is no catalogue at {source}")
            expected = await define_catalogue(database_url, json.loads(source.read_bytes()))  # noqa: ASYNC240
        deadline = time.monotonic() + CATCH_UP_TIMEOUT_SECONDS
        while (count := await exercise_count(client, tokens[0])) < expected:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the library projection shows {count} of {expected} exercises")
            await asyncio.sleep(0.2)
        return tokens, count
