"""`SessionCheck`: is a verified access token's session still live? Asked on every authenticated request.

An access token is valid until it expires (minutes), but its session may end sooner: a logout, a
detected refresh-token reuse, a password change. And the user's role may change meanwhile. So the API
asks `check(claims)`, which answers with the session and the user's *current* role, or raises
`SessionRevoked`.

The answer per user (their live refresh families and role) is cached under `session:{user_id}` for
the specification's 3600 s, versioned by the user's session revision in PostgreSQL:
- On a miss, the revision and the live families are read in one statement, and only then the user's
  stream (for the role, and whether the user still exists). Every change raises the revision after it
  committed (`invalidate`), so a read that started before a change carries an older revision, and the
  cache refuses to store it over the change's invalidation, on every replica sharing Redis.
- A family the cached answer does not list is read afresh: it may have started since (a new family
  raises the revision too, so the fresh answer replaces the cached one).
- With Redis down the cache answers nothing and stores nothing; every check then reads PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.auth_errors import AuthError
from application.auth_ports import AccessClaims, Clock, RefreshTokens, Session, SystemClock
from application.cache import Cache, Cached, CacheKey, CacheKind
from application.eventstore import EventStore
from application.users import load_user
from domain.users import User
from domain.users.values import Role


class SessionRevoked(AuthError):
    def __init__(self) -> None:
        super().__init__("SESSION_REVOKED", "the session has ended; sign in again")


def session_key(user_id: UUID) -> CacheKey:
    return CacheKey(CacheKind.SESSION, (str(user_id),))


@dataclass(frozen=True, slots=True)
class _Answer:
    role: Role | None
    """None: no such user (any more)."""
    families: frozenset[UUID]

    def to_json(self) -> dict[str, Any]:
        return {
            "role": None if self.role is None else self.role.value,
            "families": sorted(str(f) for f in self.families),
        }

    @classmethod
    def from_cached(cls, cached: Cached | None) -> _Answer | None:
        if cached is None:
            return None
        try:
            role = cached.value["role"]
            families = frozenset(UUID(family) for family in cached.value["families"])
            return cls(None if role is None else Role(role), families)
        except (KeyError, TypeError, ValueError):
            return None  # an entry of another shape: read afresh, and the next put replaces it


class SessionCheck:
    def __init__(
        self, cache: Cache, refresh_tokens: RefreshTokens, store: EventStore, *, clock: Clock | None = None
    ) -> None:
        self._cache = cache
        self._refresh_tokens = refresh_tokens
        self._store = store
        self._clock = clock or SystemClock()

    async def check(self, claims: AccessClaims) -> Session:
        """The claims' session with the user's current role; raises SessionRevoked if it has ended.

        May raise TokenStoreUnavailable or EventStoreUnavailable on a miss.
        """
        user_id, session_id = claims.session.user_id, claims.session.session_id
        answer = _Answer.from_cached(await self._cache.get(session_key(user_id)))
        if answer is None or session_id not in answer.families:
            answer = await self._read(user_id)
        if answer.role is None or session_id not in answer.families:
            raise SessionRevoked()
        return Session(user_id=user_id, role=answer.role, session_id=session_id)

    async def invalidate(self, user_id: UUID) -> None:
        """Call after a change to the user's sessions or role has committed: cached answers from before
        it are dropped and refused, here and on every replica sharing the cache."""
        revision = await self._refresh_tokens.sessions_changed(user_id)
        await self._cache.invalidate(session_key(user_id), revision)

    async def _read(self, user_id: UUID) -> _Answer:
        live = await self._refresh_tokens.live_sessions(user_id, self._clock.now())  # before the role
        state = await load_user(self._store, user_id)
        answer = _Answer(state.role, live.families) if isinstance(state, User) else _Answer(None, frozenset())
        await self._cache.put(session_key(user_id), answer.to_json(), live.revision)
        return answer
