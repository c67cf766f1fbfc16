"""What the web layer is handed by the composition root (`fitcoach.wiring.web`): `WebConfig`, the numbers
it is held to, and `WebServices`, the application services behind the GraphQL view and `/ready`."""

from __future__ import annotations

from dataclasses import dataclass

from application.persisted_queries import PersistedQueries
from application.rate_limits import RateLimit, RateLimiter
from application.response_cache import ResponseCache
from application.session_check import SessionCheck
from schema.context import Services
from web.readiness import ReadinessProbes


@dataclass(frozen=True, slots=True)
class WebConfig:
    graphiql: bool
    """Serve GraphiQL on a browser's GET /graphql."""
    cors_origins: tuple[str, ...]
    """Origins a browser's WebSocket may come from (besides the server's own)."""
    max_tokens: int
    """The schema's token limit, also applied to a subscription refused over HTTP before it is parsed."""
    max_response_bytes: int
    max_ws_connections: int
    max_ws_per_user: int
    max_ws_operations_per_user: int
    max_ws_subscriptions: int
    """Operations one WebSocket may hold (Strawberry's limit per connection)."""
    ws_session_check_seconds: float
    apq_registrations: RateLimit
    """New persisted queries one client address may register."""


@dataclass(frozen=True, slots=True)
class WebServices:
    resolvers: Services
    """What the GraphQL context carries."""
    sessions: SessionCheck
    """Whether a verified access token's session is still live (every request, every socket's checks)."""
    persisted_queries: PersistedQueries
    registrations: RateLimiter
    """Counts the persisted queries each client address registers."""
    responses: ResponseCache | None
    """Cached read results (None when FITCOACH_RESPONSE_CACHE is off)."""
    readiness: ReadinessProbes
