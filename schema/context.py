"""The typed context every resolver receives: one per HTTP request, one per operation over a WebSocket
(the connection keeps its signed-in session; each operation gets fresh loaders and a viewer checked
as of that operation). It carries `Services`, the application services the resolvers use, which the
composition root builds once per process."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

from strawberry.types import Info as StrawberryInfo

from application.accounts import Accounts
from application.audit.reads import AuditReads
from application.audit.verify import ReadModelVerification
from application.coaching.acceptance import SuggestionAcceptance
from application.coaching.chat_feed import ChatFeed
from application.coaching.commands import CoachingCommands
from application.coaching.reads import CoachingReads
from application.library_commands import LibraryCommands
from application.library_reads import LibraryReads
from application.plan_commands import PlanCommands, Requester
from application.plan_reads import PlanReads
from application.privacy.erasure import UserErasure
from application.pubsub import PubSub
from application.rate_limits import RateLimit, RateLimiter, TokenBucket, TokenBuckets
from application.user_reads import UserReadModel
from domain.users.values import Role
from schema.errors import Unauthenticated
from schema.loaders import Loaders, build_loaders


@dataclass(frozen=True, slots=True)
class Services:
    """What the resolvers use: application services and ports, never an adapter by its type."""

    plan_commands: PlanCommands
    library_commands: LibraryCommands
    """Admins' changes of the exercise library."""
    plan_reads: PlanReads
    coaching: CoachingCommands
    suggestions: SuggestionAcceptance
    coaching_reads: CoachingReads
    library_reads: LibraryReads
    users: UserReadModel
    accounts: Accounts
    audit: AuditReads
    """Auditors' reads of the event log (admins only), and a plan's own history (its owner too)."""
    pubsub: PubSub
    """Plan changes, for subscriptions."""
    chat_feed: ChatFeed
    """Every coaching chat's events, for `coachChat`."""
    auth_attempts: RateLimiter
    auth_limit: RateLimit
    """Auth mutations per client IP and per signed-in user (FITCOACH_AUTH_RATE_LIMIT_PER_MINUTE)."""
    mutation_buckets: TokenBuckets
    mutation_bucket: TokenBucket
    """A user's (signed out: an IP's) mutation fields: FITCOACH_MUTATION_RATE_LIMIT_BURST, refilled at
    FITCOACH_MUTATION_RATE_LIMIT_PER_MINUTE."""
    read_model_verification: ReadModelVerification
    """Admins' `verifyProjection`: a read model rebuilt from the log and compared with the live one."""
    erasure: UserErasure
    """Admins' `forgetUser` (GDPR erasure)."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is calling: a verified access token whose session is still live."""

    user_id: UUID
    role: Role
    session_id: UUID

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def requester(self) -> Requester:
        return Requester(self.user_id, self.is_admin)


class LiveSession(Protocol):
    """The signed-in session a context acts for, checked again on demand: a subscription outlives
    sign-outs, role changes and its access token, so it asks before every push."""

    async def viewer_now(self) -> Viewer:
        """The viewer as of now, with the user's current role; raises Unauthenticated once the session
        has ended or the access token has expired."""
        ...


@dataclass(slots=True)
class Context:
    services: Services
    loaders: Loaders
    request_id: str
    client_ip: str
    viewer: Viewer | None = None
    """Who signed in, as checked for this request or operation."""
    auth_problem: str | None = None
    """Why a presented access token was not accepted (expired, ended session, ...)."""
    session: LiveSession | None = field(default=None, repr=False)
    """How to check the viewer again later (None when nobody signed in)."""
    connection_params: dict[str, object] | None = field(default=None, repr=False)
    """A WebSocket's `connection_init` payload (it carries the access token), on the connection's
    own context only."""
    read_library: bool = False
    """Set by every resolver that reads the exercise library: the per-user response cache, which the
    library's changes do not invalidate, must then not keep the result (`web.cached_reads`)."""

    @classmethod
    def of(cls, services: Services, *, request_id: str, client_ip: str) -> Context:
        """A context with loaders of its own and nobody signed in yet."""
        return cls(services, _loaders(services), request_id=request_id, client_ip=client_ip)

    def require_viewer(self) -> Viewer:
        if self.viewer is None:
            raise Unauthenticated(self.auth_problem)
        return self.viewer

    def fresh_loaders(self) -> None:
        """Forget everything loaded so far: a subscription calls this before each push, so that nothing
        it sends is older than the change it reports."""
        self.loaders = _loaders(self.services)

    def now(self) -> datetime:
        return datetime.now(UTC)


def _loaders(services: Services) -> Loaders:
    return build_loaders(services.plan_reads, services.users, services.library_reads)


Info = StrawberryInfo[Context, None]
