"""Errors the API shows clients.

Top-level GraphQL errors carry `extensions.code` from a small fixed set (`ApiError` subclasses).
Expected failures of a mutation (a rule of the domain, a stale `expectedVersion`, a wrong password)
are data instead: the payload's `userErrors`, each with the domain's stable code.
"""

from __future__ import annotations

import strawberry

from domain.errors import ConcurrencyConflict, DomainError

CODES = (
    "BAD_REQUEST",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "BAD_USER_INPUT",
    "NOT_FOUND",
    "CONFLICT",
    "RATE_LIMITED",
    "QUERY_TOO_COSTLY",
    "RESPONSE_TOO_LARGE",
    "INTERNAL_SERVER_ERROR",
)


class ApiError(Exception):
    code = "INTERNAL_SERVER_ERROR"
    default_message = "internal server error"

    def __init__(self, message: str | None = None, **extensions: object) -> None:
        super().__init__(message or self.default_message)
        self.extensions = extensions


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"
    default_message = "sign in first: send a valid access token"


class Forbidden(ApiError):
    code = "FORBIDDEN"
    default_message = "you may not do this"


class BadUserInput(ApiError):
    code = "BAD_USER_INPUT"
    default_message = "the request is not valid"


class NotFound(ApiError):
    code = "NOT_FOUND"
    default_message = "not found"


class RateLimited(ApiError):
    code = "RATE_LIMITED"
    default_message = "too many requests; try again later"


@strawberry.type(description="An expected failure of a mutation; nothing was changed.")
class UserError:
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str
    code: str = strawberry.field(description="Stable machine-readable code, e.g. CONFLICT, VALIDATION.")
    current_version: int | None = strawberry.field(
        default=None, description="For CONFLICT: the plan's version now, to rebase on."
    )
    retry_after_seconds: float | None = strawberry.field(
        default=None, description="For RATE_LIMITED: how long until the request would be allowed."
    )


def user_error_of(error: DomainError, *, prefix: str = "input") -> UserError:
    field = f"{prefix}.{_camel(error.field)}" if error.field else None
    current = error.current_version if isinstance(error, ConcurrencyConflict) else None
    return UserError(field=field, message=error.message, code=error.code, current_version=current)


def _camel(path: str) -> str:
    def one(name: str) -> str:
        head, *rest = name.split("_")
        return head + "".join(part.title() for part in rest)

    return ".".join(one(name) for name in path.split("."))
