"""A log with personal data written both ways: sealed, through the command path as it is now, and plain,
as the same command path wrote it before sealing existed (the deciders without a `data_subject`)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from uuid import UUID

from adapters.postgres.store import PostgresEventStore
from application.handler import CommandHandler, CommandMetadata
from application.privacy.opened_store import OpenedEventStore
from domain.coaching.commands import SendUserMessage, StartCoachingSession
from domain.coaching.decider import COACHING
from domain.coaching.streams import coaching_stream
from domain.coaching.values import Personality
from domain.users.commands import ChangePassword, ProfileChanges, RegisterUser, UpdateProfile
from domain.users.decider import USERS
from domain.users.streams import user_stream
from tests.domain.users import HASH
from tests.privacy_support import opened_on_postgres
from tests.projections import migrated_database

NEW_HASH = "$argon2id$v=19$m=8,t=1,p=1$bmV3c2FsdA$bmV3aGFzaA"
PRE_ENCRYPTION_USERS = replace(USERS, data_subject=None)
PRE_ENCRYPTION_COACHING = replace(COACHING, data_subject=None)


@dataclass(frozen=True)
class MixedLog:
    url: str
    store: OpenedEventStore
    sealed_email: str
    plain_email: str
    plain_message: str
    sealed_streams: frozenset[str]
    plain_user_stream: str
    """Registered and password changed plain (versions 1 and 3), profile updated sealed (version 2)."""
    plain_session_stream: str
    """Started (no personal field), then one plain message (version 2)."""


def metadata(user_id: UUID) -> CommandMetadata:
    command_id = uuid.uuid4()
    return CommandMetadata(command_id=command_id, correlation_id=command_id, user_id=user_id)


@asynccontextmanager
async def mixed_log(prefix: str) -> AsyncIterator[MixedLog]:
    async with migrated_database(prefix) as url:
        store = await opened_on_postgres(await PostgresEventStore.connect(url, max_size=4), url)
        try:
            yield await _write(url, store)
        finally:
            await store.close()


async def _write(url: str, store: OpenedEventStore) -> MixedLog:
    users = CommandHandler(store, USERS, vault=store.vault)
    coaching = CommandHandler(store, COACHING, vault=store.vault)
    old_users = CommandHandler(store, PRE_ENCRYPTION_USERS)
    old_coaching = CommandHandler(store, PRE_ENCRYPTION_COACHING)
    now = datetime.now(UTC)
    tag = uuid.uuid4().hex[:8]
    sealed_email, plain_email = f"sealed.{tag}@example.com", f"plain.{tag}@example.com"
    plain_message = f"my left knee clicks ({tag})"

    sealed_user, sealed_session = uuid.uuid4(), uuid.uuid4()
    await users.handle(
        RegisterUser(
            user_id=sealed_user, email=sealed_email, password_hash=HASH, display_name="Sealed", at=now
        ),
        metadata(sealed_user),
    )
    await users.handle(
        UpdateProfile(user_id=sealed_user, changes=ProfileChanges(injuries=("wrist",)), at=now),
        metadata(sealed_user),
    )
    await coaching.handle(
        StartCoachingSession(
            session_id=sealed_session, user_id=sealed_user, personality=Personality.CALM, plan_id=None, at=now
        ),
        metadata(sealed_user),
    )
    await coaching.handle(
        SendUserMessage(
            session_id=sealed_session,
            message_id=uuid.uuid4(),
            text="sealed words",
            client_message_id=None,
            at=now,
        ),
        metadata(sealed_user),
    )

    plain_user, plain_session = uuid.uuid4(), uuid.uuid4()
    await old_users.handle(
        RegisterUser(user_id=plain_user, email=plain_email, password_hash=HASH, display_name="Plain", at=now),
        metadata(plain_user),
    )
    await users.handle(
        UpdateProfile(user_id=plain_user, changes=ProfileChanges(weight_kg=70.0), at=now),
        metadata(plain_user),
    )
    await old_users.handle(
        ChangePassword(user_id=plain_user, password_hash=NEW_HASH, at=now), metadata(plain_user)
    )
    await old_coaching.handle(
        StartCoachingSession(
            session_id=plain_session, user_id=plain_user, personality=Personality.CALM, plan_id=None, at=now
        ),
        metadata(plain_user),
    )
    await old_coaching.handle(
        SendUserMessage(
            session_id=plain_session,
            message_id=uuid.uuid4(),
            text=plain_message,
            client_message_id=None,
            at=now,
        ),
        metadata(plain_user),
    )
    return MixedLog(
        url=url,
        store=store,
        sealed_email=sealed_email,
        plain_email=plain_email,
        plain_message=plain_message,
        sealed_streams=frozenset({user_stream(sealed_user), coaching_stream(sealed_session)}),
        plain_user_stream=user_stream(plain_user),
        plain_session_stream=coaching_stream(plain_session),
    )
