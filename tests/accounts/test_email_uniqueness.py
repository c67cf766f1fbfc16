"""One account per email, guarded by the event store: races, and registrations that crashed half-way."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import timedelta

import pytest

from adapters.memory.seals import InMemorySeals
from adapters.postgres.store import PostgresEventStore
from application.accounts import Accounts
from application.eventstore import AppendResult, EventStoreUnavailable, ExpectedVersion, NewEvent, StreamState
from application.handler import CommandHandler
from application.integrity.audit import IntegrityAudit
from application.integrity.chain import chain_events
from application.integrity.walk import Status
from application.privacy.opened_store import OpenedEventStore
from application.user_claims import new_claim_event
from application.users import load_user, metadata_for
from domain.users import AbandonedRegistration, User, email_claim_stream, user_stream
from domain.users.commands import AbandonRegistration, RegisterUser
from domain.users.decider import USERS
from domain.users.errors import EmailTaken, RegistrationClosed
from domain.users.events import EmailClaimed
from tests.accounts.conftest import CLAIM_GRACE, cheap_hasher
from tests.domain.users import HASH, ManualClock, unique_email
from tests.privacy_support import opened_on_postgres

RACERS = 8


async def test_concurrent_registrations_of_one_email_let_exactly_one_win(
    accounts_database_url, refresh_tokens, access_tokens, id_tokens
):
    """Each racer has its own store connection, as separate server processes would."""
    email = unique_email("race")
    stores = [
        await opened_on_postgres(
            await PostgresEventStore.connect(accounts_database_url, max_size=2), accounts_database_url
        )
        for _ in range(RACERS)
    ]
    try:
        racers = [
            Accounts(
                store,
                passwords=cheap_hasher(),
                access_tokens=access_tokens,
                refresh_tokens=refresh_tokens,
                id_tokens=id_tokens,
            )
            for store in stores
        ]
        # The same address spelt differently by each racer: normalisation happens before the claim.
        spellings = [email.upper() if index % 2 else f"  {email} " for index in range(RACERS)]
        outcomes = await asyncio.gather(
            *(
                racer.register(spelling, "long enough password", f"Racer {index}")
                for index, (racer, spelling) in enumerate(zip(racers, spellings, strict=True))
            ),
            return_exceptions=True,
        )
        winners = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
        losers = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]

        assert len(winners) == 1
        assert all(isinstance(loser, EmailTaken) and loser.code == "EMAIL_TAKEN" for loser in losers), losers
        claims = await stores[0].read_stream(email_claim_stream(email))
        assert [claim.data["user_id"] for claim in claims] == [str(winners[0].user.user_id)]
        winner = await load_user(stores[0], winners[0].user.user_id)
        assert isinstance(winner, User)
        assert winner.email == email
    finally:
        for store in stores:
            await store.close()


async def test_a_second_registration_of_a_taken_email_fails_whatever_its_spelling(accounts):
    email = unique_email()
    first = await accounts.register(email, "long enough password", "First")

    with pytest.raises(EmailTaken):
        await accounts.register(email.upper(), "another long password", "Second")
    assert first.user.email == email


async def claim_without_registering(store: PostgresEventStore, email: str, clock: ManualClock) -> uuid.UUID:
    """What a registration that crashed between its two appends leaves behind."""
    crashed_user = uuid.uuid4()
    claim = EmailClaimed(user_id=crashed_user, at=clock.now())
    await store.append(
        email_claim_stream(email), chain_events(None, [new_claim_event(claim)]), StreamState.NO_STREAM
    )
    return crashed_user


async def test_a_fresh_claim_without_a_registration_is_left_alone_during_the_grace_period(
    accounts, store, clock
):
    email = unique_email("crash")
    await claim_without_registering(store, email, clock)
    clock.advance(CLAIM_GRACE - timedelta(seconds=1))

    with pytest.raises(EmailTaken):
        await accounts.register(email, "long enough password", "Too early")


async def test_an_orphaned_claim_is_taken_over_after_the_grace_period_and_its_registration_closed(
    accounts, store, clock
):
    email = unique_email("crash")
    crashed_user = await claim_without_registering(store, email, clock)
    clock.advance(CLAIM_GRACE)

    signed_in = await accounts.register(email, "long enough password", "Later")

    assert await load_user(store, crashed_user) == AbandonedRegistration(crashed_user, clock.now())
    late = RegisterUser(
        user_id=crashed_user, email=email, password_hash=HASH, display_name="Slow", at=clock.now()
    )
    with pytest.raises(RegistrationClosed):
        await CommandHandler(store, USERS, vault=store.vault).handle(late, metadata_for(crashed_user))
    logged_in = await accounts.login(email, "long enough password")
    assert logged_in.user.user_id == signed_in.user.user_id


async def test_a_taken_over_claim_is_chained_to_the_claim_it_replaces(accounts, store, clock):
    email = unique_email("chain")
    await claim_without_registering(store, email, clock)
    clock.advance(CLAIM_GRACE)

    await accounts.register(email, "long enough password", "Later")

    report = await IntegrityAudit(store, InMemorySeals()).stream(email_claim_stream(email))
    assert [(stream.status, stream.events, stream.chained_from) for stream in report.streams] == [
        (Status.OK, 2, 1)
    ]


async def test_a_slow_registration_that_lands_before_the_takeover_keeps_its_email(accounts, store, clock):
    email = unique_email("slow")
    slow_user = await claim_without_registering(store, email, clock)
    clock.advance(CLAIM_GRACE * 3)
    slow = RegisterUser(
        user_id=slow_user, email=email, password_hash=HASH, display_name="Slow", at=clock.now()
    )
    await CommandHandler(store, USERS, vault=store.vault).handle(slow, metadata_for(slow_user))

    with pytest.raises(EmailTaken):
        await accounts.register(email, "long enough password", "Late comer")
    assert isinstance(await load_user(store, slow_user), User)


async def test_an_abandoned_claim_is_free_at_once(accounts, store, clock):
    email = unique_email("abandoned")
    crashed_user = await claim_without_registering(store, email, clock)
    abandon = AbandonRegistration(user_id=crashed_user, at=clock.now())
    await CommandHandler(store, USERS, vault=store.vault).handle(abandon, metadata_for(crashed_user))

    signed_in = await accounts.register(email, "long enough password", "Right away")
    assert (await store.read_stream(user_stream(signed_in.user.user_id)))[0].type == "UserRegistered"


def test_the_claim_stream_name_holds_no_personal_data():
    email = "someone@example.com"
    assert "someone" not in email_claim_stream(email)
    assert email_claim_stream(email) == email_claim_stream("someone@example.com")
    assert email_claim_stream(email) != email_claim_stream("someone.else@example.com")


class FailingRegistrations:
    """The real store, except that the next UserRegistered append fails as if PostgreSQL went away."""

    def __init__(self, store: OpenedEventStore) -> None:
        self._store = store
        self.failures_left = 1

    async def append(
        self, stream: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        if self.failures_left and any(event.type == "UserRegistered" for event in events):
            self.failures_left -= 1
            raise EventStoreUnavailable("simulated outage")
        return await self._store.append(stream, events, expected_version)

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


async def test_a_registration_that_fails_half_way_frees_its_email_at_once(
    store, refresh_tokens, access_tokens, id_tokens, clock
):
    flaky = FailingRegistrations(store)
    accounts = Accounts(
        flaky,  # type: ignore[arg-type]
        passwords=cheap_hasher(),
        access_tokens=access_tokens,
        refresh_tokens=refresh_tokens,
        id_tokens=id_tokens,
        clock=clock,
    )
    email = unique_email("outage")

    with pytest.raises(EventStoreUnavailable):
        await accounts.register(email, "long enough password", "Unlucky")

    signed_in = await accounts.register(email, "long enough password", "Retried")
    assert signed_in.user.email == email
    claims = await store.read_stream(email_claim_stream(email))
    assert len(claims) == 2, "the retry took over the released claim"
