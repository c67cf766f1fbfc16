"""Support for the users read-model tests: a realistic user workload, and the oracle.

The workload runs random commands through the real User decider and appends their events, interleaved
across users, next to email claims and a workout plan (streams the projection must skip). The oracle
(`expected_users`) folds each user stream with the domain's full `fold`, independently of the
projector's own code, and lays the result out as `auth.users` rows.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import timedelta
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from application.eventstore import EventMetadata, EventStore, NewEvent, StreamState
from application.user_claims import new_claim_event
from domain.errors import DomainError
from domain.users import User, decide, decode, encode, fold, user_stream
from domain.users.commands import (
    AbandonRegistration,
    ChangePassword,
    ChangeRole,
    LinkExternalIdentity,
    ProfileChanges,
    RegisterExternalUser,
    RegisterUser,
    UpdateProfile,
    UserCommand,
)
from domain.users.events import EmailClaimed
from domain.users.values import FitnessLevel, Gender, IdentityProvider, Role
from tests.domain.users import T0, born_years_before

HASH_PREFIX = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$"


def password_hash(rng: random.Random) -> str:
    return f"{HASH_PREFIX}{rng.getrandbits(64):016x}"


def _changes(rng: random.Random, step: int) -> ProfileChanges:
    at = T0 + timedelta(minutes=step)
    options: dict[str, Any] = {
        "display_name": f"Athlete {rng.randrange(1000)}",
        "date_of_birth": born_years_before(rng.randint(14, 90), at, rng.randrange(300)),
        "gender": rng.choice(list(Gender)),
        "height_cm": rng.choice([150.0, 171.3, 188.25]),
        "weight_kg": rng.choice([48.5, 70.0, 101.125]),
        "fitness_level": rng.choice(list(FitnessLevel)),
        "preferences": rng.choice([{}, {"units": "metric", "days": 3, "morning": True, "ratio": 0.75}]),
        "goals": rng.choice([(), ("lose weight",), ("run 10k", "bench 100 kg")]),
        "injuries": rng.choice([(), ("left knee",)]),
        "available_equipment": rng.choice([(), ("dumbbells", "pull-up bar")]),
    }
    chosen = rng.sample(sorted(options), rng.randint(1, 4))
    clearable = sorted({"date_of_birth", "gender", "height_cm", "weight_kg", "fitness_level"} - set(chosen))
    clear = frozenset(rng.sample(clearable, 1)) if rng.random() < 0.2 else frozenset()
    return ProfileChanges(**{name: options[name] for name in chosen}, clear=clear)


def random_command(rng: random.Random, user_id: uuid.UUID, state: Any, step: int) -> UserCommand:
    at = T0 + timedelta(minutes=step)
    if state is None:
        roll = rng.random()
        email = f"user.{user_id.hex[:12]}@example.com"
        if roll < 0.1:
            return AbandonRegistration(user_id=user_id, at=at)
        if roll < 0.3:
            return RegisterExternalUser(
                user_id=user_id, email=email, display_name="Ext", provider=IdentityProvider.GOOGLE,
                subject=f"google-{user_id.hex}", at=at,
            )  # fmt: skip
        return RegisterUser(
            user_id=user_id, email=email, password_hash=password_hash(rng), display_name="Ada", at=at
        )
    roll = rng.random()
    if roll < 0.6:
        return UpdateProfile(user_id=user_id, changes=_changes(rng, step), at=at)
    if roll < 0.75:
        return ChangePassword(user_id=user_id, password_hash=password_hash(rng), at=at)
    if roll < 0.9:
        return ChangeRole(user_id=user_id, role=rng.choice(list(Role)), at=at)
    provider = rng.choice(list(IdentityProvider))
    return LinkExternalIdentity(
        user_id=user_id, provider=provider, subject=f"{provider}-{user_id.hex}", at=at
    )


def _new_events(rng: random.Random, user_id: uuid.UUID, events: list[Any]) -> list[NewEvent]:
    command_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    metadata = EventMetadata(actor="user", command_id=command_id, correlation_id=command_id, user_id=user_id)
    return [
        NewEvent(uuid.UUID(int=rng.getrandbits(128), version=4), *encode(event), metadata) for event in events
    ]


async def write_user_workload(store: EventStore, *, users: int, commands: int, seed: int) -> list[str]:
    """Append `commands` commands' events over `users` users; returns every password hash written."""
    rng = random.Random(seed)
    user_ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(users)]
    states: dict[uuid.UUID, Any] = dict.fromkeys(user_ids)
    versions = dict.fromkeys(user_ids, 0)
    hashes: list[str] = []
    for step in range(commands):
        user_id = rng.choice(user_ids)
        command = random_command(rng, user_id, states[user_id], step)
        try:
            events = decide(command, states[user_id])
        except DomainError:
            continue
        if not events:
            continue
        if isinstance(command, RegisterUser | RegisterExternalUser):  # a foreign stream in between
            claim = EmailClaimed(user_id=user_id, at=command.at)
            await store.append(f"useremail-{user_id.hex}", [new_claim_event(claim)], StreamState.NO_STREAM)
        hashes += [command.password_hash] if isinstance(command, RegisterUser | ChangePassword) else []
        expected = versions[user_id] or StreamState.NO_STREAM
        result = await store.append(user_stream(user_id), _new_events(rng, user_id, events), expected)
        states[user_id], versions[user_id] = fold(events, states[user_id]), result.stream_version
    return hashes


async def expected_users(store: EventStore) -> list[dict[str, Any]]:
    """The `auth.users` rows a replay of every user stream with the domain's `fold` gives, by id."""
    streams: defaultdict[str, list[Any]] = defaultdict(list)
    position = 0
    while page := await store.read_all(after=position, limit=1000):
        for event in page:
            if event.stream.startswith("user-"):
                streams[event.stream].append(event)
        position = page[-1].position
    rows = []
    for recorded in streams.values():
        user = fold(decode(e.type, e.schema_version, e.data) for e in recorded)
        if not isinstance(user, User):
            continue
        p = user.profile
        rows.append(
            {
                "id": user.user_id, "email": user.email, "display_name": p.display_name,
                "date_of_birth": p.date_of_birth, "gender": p.gender and p.gender.value,
                "height_cm": p.height_cm, "weight_kg": p.weight_kg,
                "fitness_level": p.fitness_level and p.fitness_level.value,
                "preferences": dict(p.preferences), "goals": list(p.goals), "injuries": list(p.injuries),
                "available_equipment": list(p.available_equipment),
                "identity_providers": [i.provider.value for i in user.identities],
                "role": user.role.value, "version": recorded[-1].stream_version,
                "created_at": user.registered_at, "updated_at": user.updated_at,
                "last_position": recorded[-1].position,
            }
        )  # fmt: skip
    return sorted(rows, key=lambda row: row["id"])


async def actual_users(url: str, schema: str = "auth") -> list[dict[str, Any]]:
    async with await psycopg.AsyncConnection.connect(url, row_factory=dict_row) as conn:
        await conn.execute("SET TIME ZONE 'UTC'")
        query = sql.SQL("SELECT * FROM {}.users ORDER BY id").format(sql.Identifier(schema))
        return list(await (await conn.execute(query)).fetchall())
