"""`UserErasure`: forgetting a user (GDPR erasure by crypto-shredding), from the CLI or an admin.

In this order, each step idempotent, so a forget that stopped half way is finished by running it again:
1. the user's data key is deleted (a tombstone stays): from now on nothing of theirs opens, in any event
   ever written, and nothing new of theirs can be sealed; this is the erasure itself;
2. `UserForgotten` is appended to their stream: the projections drop their row and erase their texts,
   the user can no longer sign in, and every command on them is refused (`USER_FORGOTTEN`);
3. their sessions end (refresh tokens revoked, cached session answers dropped); their coaching sessions
   end too (which fails any reply still waiting, so no worker asks a model about erased messages), and
   the sessions' live chat feeds are deleted (Redis held the streamed texts for up to an hour).

No event is rewritten: the log keeps its order and every hash (they cover the sealed form). Events from
before sealing existed keep their plain text: `fitcoach audit pii` lists them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

from application.auth_ports import RefreshTokens
from application.coaching.chat_feed import ChatFeed
from application.coaching.views import CoachingReadModel, SessionCursor
from application.handler import CommandHandler, CommandMetadata
from application.privacy.opened_store import OpenedEventStore
from application.session_check import SessionCheck
from application.users import load_user
from domain.actor import Actor
from domain.coaching.commands import EndCoachingSession
from domain.coaching.decider import COACHING
from domain.users import AbandonedRegistration, ForgottenUser
from domain.users.commands import ForgetUser
from domain.users.decider import USERS
from domain.users.errors import UserNotFound

log = logging.getLogger("fitcoach.privacy")

_SESSION_PAGE = 100


@dataclass(frozen=True, slots=True)
class Forgotten:
    user_id: UUID
    key_deleted: bool
    """False when the key was already gone (a forget run again), or nothing was ever sealed for them."""
    already_forgotten: bool
    """The stream held `UserForgotten` before this run."""
    position: int
    """The log position of `UserForgotten` (read-your-writes on the read models)."""
    sessions_revoked: int
    coaching_sessions_ended: int
    chat_feeds_deleted: int


class UserErasure:
    def __init__(
        self,
        store: OpenedEventStore,
        *,
        refresh_tokens: RefreshTokens,
        session_check: SessionCheck | None,
        coaching: CoachingReadModel,
        chat_feed: ChatFeed | None,
        command_retries: int = 3,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """`session_check` and `chat_feed` are None where this process cannot reach them (the CLI without
        Redis): then cached sessions end with their access token, and feeds expire by their TTL."""
        self._store = store
        self._handler = CommandHandler(store, USERS, retries=command_retries, vault=store.vault)
        self._coaching_handler = CommandHandler(store, COACHING, retries=command_retries, vault=store.vault)
        self._refresh_tokens = refresh_tokens
        self._session_check = session_check
        self._coaching = coaching
        self._chat_feed = chat_feed
        self._clock = clock

    async def forget(self, user_id: UUID, *, actor: Actor, by: UUID | None = None) -> Forgotten:
        """Forget the user. `by`: the admin who asked (recorded in the events' metadata), None for the
        operator's CLI. Raises UserNotFound for an id that never was a registered user. Every event it
        appends shares one correlation id (`fitcoach audit trace` shows the whole forget)."""
        state = await load_user(self._store, user_id)
        if state is None or isinstance(state, AbandonedRegistration):
            raise UserNotFound(user_id)
        already = isinstance(state, ForgottenUser)
        key_deleted = await self._store.vault.keys.forget(user_id)
        now, correlation_id = self._clock(), uuid4()
        result = await self._handler.handle(
            ForgetUser(user_id=user_id, at=now, actor=actor),
            CommandMetadata(command_id=correlation_id, correlation_id=correlation_id, user_id=by),
        )
        revoked = await self._refresh_tokens.revoke_user(user_id, now)
        if self._session_check is not None:
            await self._session_check.invalidate(user_id)
        ended, feeds = await self._close_coaching_sessions(user_id, actor, correlation_id, by, now)
        log.info("user %s forgotten (key deleted: %s, sessions revoked: %d)", user_id, key_deleted, revoked)
        return Forgotten(user_id, key_deleted, already, result.position, revoked, ended, feeds)

    async def _close_coaching_sessions(
        self, user_id: UUID, actor: Actor, forget_id: UUID, by: UUID | None, now: datetime
    ) -> tuple[int, int]:
        """End the user's active coaching sessions and delete every session's chat feed, as the read
        model lists them (a session started a moment ago that it does not show yet ends on its own: its
        messages can no longer be sealed)."""
        ended = deleted = 0
        after: SessionCursor | None = None
        while True:
            page = await self._coaching.sessions_of(user_id, limit=_SESSION_PAGE, after=after)
            for session in page.sessions:
                if session.status == "active":
                    done = await self._coaching_handler.handle(
                        EndCoachingSession(session_id=session.id, at=now, actor=actor),
                        CommandMetadata(
                            command_id=uuid4(), correlation_id=forget_id, causation_id=forget_id, user_id=by
                        ),
                    )
                    ended += 1 if done.events else 0
                if self._chat_feed is not None:
                    await self._chat_feed.forget(session.id)
                    deleted += 1
            if page.next is None:
                return ended, deleted
            after = page.next
