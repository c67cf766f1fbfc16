"""Every GraphQL error leaves with `extensions.code`; unexpected ones are masked.

- `ApiError`: its own code (and extensions such as `retryAfterSeconds`).
- A `DomainError` raised in a query: mapped to the nearest code of the fixed set.
- An error before execution (syntax, validation, a limit, a variable of the wrong type, a query or
  mutation over the legacy graphql-ws protocol, which carries subscriptions only): BAD_USER_INPUT.
- Anything else: logged with the request id and its traceback; the client gets INTERNAL_SERVER_ERROR and
  the request id, never the message or the stack.
"""

from __future__ import annotations

import logging

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.exceptions import InvalidOperationTypeError

from application.eventstore import EventStoreUnavailable
from application.plan_reads import InvalidPageSize, ReadModelUnavailable
from domain.errors import DomainError
from schema.errors import ApiError

log = logging.getLogger("fitcoach.api")
UNAUTHENTICATED_CODES = frozenset({"ACCESS_TOKEN_INVALID", "ACCESS_TOKEN_EXPIRED", "UNAUTHENTICATED"})
PASSED_ON_CODES = frozenset({"NOT_FOUND", "CONFLICT", "FORBIDDEN"})


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class ErrorCodes(MaskErrors):
    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._coded(error) for error in errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, ApiError):
            extensions = {_camel(key): value for key, value in original.extensions.items()}
            return self._with(error, error.message, {**extensions, "code": original.code})
        if isinstance(original, InvalidOperationTypeError):
            # Only the legacy protocol gets here: HTTP answers such a request with a 400 before.
            reason = original.as_http_error_reason("graphql-ws")
            message = f"{reason}: it carries subscriptions only (use graphql-transport-ws or HTTP)"
            return self._with(error, message, {"code": "BAD_USER_INPUT"})
        if isinstance(original, InvalidPageSize):
            return self._with(error, str(original), {"code": "BAD_USER_INPUT"})
        if isinstance(original, DomainError) and original.code != "UNAVAILABLE":
            return self._with(error, original.message, {"code": _domain_code(original.code)})
        if original is None or (error.path is None and isinstance(original, (ValueError, TypeError))):
            return self._with(error, error.message, {"code": "BAD_USER_INPUT"})
        return self._masked(error, original)

    def _masked(self, error: GraphQLError, original: Exception) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", None)
        unavailable = isinstance(original, (ReadModelUnavailable, EventStoreUnavailable)) or (
            isinstance(original, DomainError) and original.code == "UNAVAILABLE"
        )
        if unavailable:
            log.warning("request %s: %s (%s)", request_id, type(original).__name__, error.path)
        else:
            log.error(
                "request %s failed at %s",
                request_id,
                error.path,
                exc_info=(type(original), original, original.__traceback__),
            )
        message = (
            "a service is temporarily unavailable; try again" if unavailable else "internal server error"
        )
        return self._with(error, message, {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id})

    @staticmethod
    def _with(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
        return GraphQLError(
            message=message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )


def _domain_code(code: str) -> str:
    if code in UNAUTHENTICATED_CODES:
        return "UNAUTHENTICATED"
    if code in PASSED_ON_CODES:
        return code
    if code.endswith("NOT_FOUND"):
        return "NOT_FOUND"
    return "BAD_USER_INPUT"
