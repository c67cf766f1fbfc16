"""Uniqueness of emails and external identities across users, guarded by the event store itself.

A claim stream (`useremail-<sha256>`, `useridentity-<sha256>`) holds claim events; the latest names the
holder. The first claim is appended with NO_STREAM and a takeover with the version just read, so the
store's optimistic concurrency lets exactly one claimant win, on PostgreSQL and KurrentDB alike.
A claim event is chained (`application.integrity.chain`) to the holder's event it follows, read with it.

A claim is only as good as its holder:
- a registered user that holds the value (checked by `holds`) keeps it;
- a claim younger than `grace` is left alone: its registration may still be under way;
- an older claim whose user never registered is taken over after that user id is closed with
  `AbandonRegistration` (an append to the empty user stream), so the slow registration can never land
  later; an abandoned or forgotten (erased) holder is taken over at once;
- a registered user that does not hold the value (a link that never finished) loses it after `grace`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.auth_ports import Clock
from application.eventstore import (
    EventMetadata,
    EventStore,
    ExpectedVersion,
    NewEvent,
    StreamState,
    WrongExpectedVersion,
)
from application.integrity.chain import chain_events
from application.users import UserCommands, load_user, metadata_for
from domain.errors import ConcurrencyConflict, DomainError
from domain.users import (
    AbandonedRegistration,
    ForgottenUser,
    User,
    UserState,
    decode_claim,
    encode_claim,
)
from domain.users.commands import AbandonRegistration
from domain.users.errors import UserAlreadyExists
from domain.users.events import ClaimEvent

log = logging.getLogger("fitcoach.accounts")

Holds = Callable[[User], bool]
"""Whether a registered user really holds the claimed value (has that email, has that identity linked)."""

_ATTEMPTS = 4


@dataclass(frozen=True, slots=True)
class ClaimHolder:
    user_id: UUID
    claimed_at: datetime
    state: UserState | None
    stream_version: int
    chain_hash: str | None
    """The chain hash of the claim stream's last event, which a takeover links to."""


class ClaimHeld(Exception):
    """Someone else holds the claim. Not a DomainError: callers translate it (EMAIL_TAKEN, ...)."""

    def __init__(self, holder: ClaimHolder) -> None:
        super().__init__("the value is claimed by another user")
        self.holder = holder


class UniqueClaims:
    def __init__(self, store: EventStore, users: UserCommands, clock: Clock, grace: timedelta) -> None:
        self._store = store
        self._users = users
        self._clock = clock
        self._grace = grace

    async def holder(self, stream: str) -> ClaimHolder | None:
        records = await self._store.read_stream(stream, backwards=True, limit=1)
        if not records:
            return None
        last = records[0]
        claim = decode_claim(last.type, last.schema_version, last.data)
        state = await load_user(self._store, claim.user_id)
        return ClaimHolder(claim.user_id, claim.at, state, last.stream_version, last.metadata.chain_hash)

    async def claim(self, stream: str, claim: ClaimEvent, holds: Holds) -> None:
        """Make `claim.user_id` the holder, or raise ClaimHeld."""
        expected: ExpectedVersion = StreamState.NO_STREAM
        previous_hash: str | None = None  # the chain hash of the event at `expected`
        holder: ClaimHolder | None = None
        for _attempt in range(_ATTEMPTS):
            try:
                await self._store.append(
                    stream, chain_events(previous_hash, [new_claim_event(claim)]), expected
                )
                return
            except WrongExpectedVersion:
                pass
            holder = await self.holder(stream)
            if holder is None:
                continue
            if holder.user_id == claim.user_id:
                return
            await self._take_over(holder, holds)
            expected, previous_hash = holder.stream_version, holder.chain_hash
        if holder is None:
            raise WrongExpectedVersion(stream, expected, 0)
        raise ClaimHeld(holder)  # others kept taking it over before us

    async def release(self, user_id: UUID) -> None:
        """Close a user id that will not register after all, freeing its claims at once."""
        await self._users.handle(
            AbandonRegistration(user_id=user_id, at=self._clock.now()), metadata_for(user_id)
        )

    @asynccontextmanager
    async def released_on_failure(self, user_id: UUID) -> AsyncIterator[None]:
        """Release the user's claims at once if the registration in this block fails unexpectedly (the
        store went away, say), rather than leave them blocked for the grace period."""
        try:
            yield
        except DomainError:
            raise  # a decision, not a failure: nothing was half done
        except Exception:
            try:
                await self.release(user_id)
            except Exception as error:  # the grace period will free the claims instead
                log.warning("could not release the claims of user %s: %s", user_id, type(error).__name__)
            raise

    async def _take_over(self, holder: ClaimHolder, holds: Holds) -> None:
        """Prepare to take the holder's claim over, or raise ClaimHeld if it may not be."""
        state = holder.state
        if isinstance(state, AbandonedRegistration | ForgottenUser):
            return
        if isinstance(state, User) and holds(state):
            raise ClaimHeld(holder)
        if self._clock.now() - holder.claimed_at < self._grace:
            raise ClaimHeld(holder)
        if state is None:
            try:
                await self.release(holder.user_id)
            except (UserAlreadyExists, ConcurrencyConflict):
                raise ClaimHeld(holder) from None  # it registered just now


def new_claim_event(claim: ClaimEvent) -> NewEvent:
    event_type, schema_version, data = encode_claim(claim)
    command_id = uuid.uuid4()
    metadata = EventMetadata(
        actor="user", command_id=command_id, correlation_id=command_id, user_id=claim.user_id
    )
    return NewEvent(uuid.uuid4(), event_type, schema_version, data, metadata)
