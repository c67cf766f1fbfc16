"""The typed context every resolver receives, one per HTTP request or WebSocket connection."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from strawberry.types import Info as StrawberryInfo

from application.plan_commands import Requester
from domain.users.values import Role
from schema.errors import Unauthenticated

if TYPE_CHECKING:
    from application.auth_ports import AccessClaims
    from bootstrap_api import Api
    from schema.loaders import Loaders


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


@dataclass(slots=True)
class Context:
    api: Api
    loaders: Loaders
    request_id: str
    client_ip: str
    viewer: Viewer | None = None
    """Set from the Authorization header, or for a WebSocket from `connection_init`."""
    auth_problem: str | None = None
    """Why a presented access token was not accepted (expired, ended session, ...)."""
    connection_params: dict[str, object] | None = field(default=None, repr=False)
    """A WebSocket's `connection_init` payload (it carries the access token)."""
    claims: AccessClaims | None = field(default=None, repr=False)
    """The verified access token, so a long-lived WebSocket can re-check that its session is live."""

    def require_viewer(self) -> Viewer:
        if self.viewer is None:
            raise Unauthenticated(self.auth_problem)
        return self.viewer

    def now(self) -> datetime:
        return datetime.now(UTC)


Info = StrawberryInfo[Context, None]
