"""The hash chain covers the sealed form: a user's events sealed through the command path, their key then
forgotten, and `IntegrityAudit` over the log as written still finds every stream intact and at its seal
(on PostgreSQL). Read opened, the same events no longer hash to their chain: the audit must read them
as written."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from adapters.postgres.audit_schema import migrate_audit
from adapters.postgres.seals import PostgresSeals
from adapters.postgres.store import PostgresEventStore
from application.handler import CommandHandler
from application.integrity.audit import IntegrityAudit
from application.integrity.seals import seal_heads
from application.integrity.walk import Status
from domain.coaching.commands import SendUserMessage, StartCoachingSession
from domain.coaching.decider import COACHING
from domain.coaching.streams import coaching_stream
from domain.coaching.values import Personality
from domain.users.commands import ChangePassword, ProfileChanges, RegisterUser, UpdateProfile
from domain.users.decider import USERS
from domain.users.streams import user_stream
from tests.application.privacy.plain_log import NEW_HASH, metadata
from tests.domain.users import HASH
from tests.privacy_support import opened_on_postgres
from tests.projections import migrated_database


async def test_forgetting_a_key_leaves_every_chain_and_seal_intact() -> None:
    async with migrated_database("fitcoach_sealed_chain") as url:
        await migrate_audit(url)
        store = await opened_on_postgres(await PostgresEventStore.connect(url, max_size=4), url)
        seals = await PostgresSeals.connect(url)
        try:
            users = CommandHandler(store, USERS, vault=store.vault)
            coaching = CommandHandler(store, COACHING, vault=store.vault)
            user_id, session_id, now = uuid.uuid4(), uuid.uuid4(), datetime.now(UTC)
            email = f"chained.{uuid.uuid4().hex[:8]}@example.com"
            await users.handle(
                RegisterUser(
                    user_id=user_id, email=email, password_hash=HASH, display_name="Chained", at=now
                ),
                metadata(user_id),
            )
            await users.handle(
                UpdateProfile(user_id=user_id, changes=ProfileChanges(injuries=("ankle",)), at=now),
                metadata(user_id),
            )
            await users.handle(
                ChangePassword(user_id=user_id, password_hash=NEW_HASH, at=now), metadata(user_id)
            )
            await coaching.handle(
                StartCoachingSession(
                    session_id=session_id, user_id=user_id, personality=Personality.CALM, plan_id=None, at=now
                ),
                metadata(user_id),
            )
            await coaching.handle(
                SendUserMessage(
                    session_id=session_id,
                    message_id=uuid.uuid4(),
                    text="ankle hurts",
                    client_message_id=None,
                    at=now,
                ),
                metadata(user_id),
            )
            await seal_heads(store.stored, seals, datetime.now(UTC))
            before = await IntegrityAudit(store.stored, seals).log()
            assert [(report.stream, report.status) for report in before.streams] == sorted(
                [(user_stream(user_id), Status.OK), (coaching_stream(session_id), Status.OK)]
            )

            assert await store.vault.keys.forget(user_id)

            registered = (await store.read_stream(user_stream(user_id)))[0]
            assert (registered.data["email"], registered.data["display_name"]) == ("", "")
            after = await IntegrityAudit(store.stored, seals).log()
            assert after == before
            assert all(report.sealed_version == report.version for report in after.streams)
            opened = await IntegrityAudit(store, seals).log()
            assert {report.stream for report in opened.broken} == {
                user_stream(user_id),
                coaching_stream(session_id),
            }
        finally:
            await seals.close()
            await store.close()
