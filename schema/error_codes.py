"""Every GraphQL error leaves with `extensions.code`; unexpected ones are masked.

- `ApiError`: its own code (and extensions such as `retryAfterSeconds`).
- A `DomainError` raised in a query: mapped to the nearest code of the fixed set.
- An error before execution (syntax, validation, a limit, a variable that does not coerce to its type):
  BAD_USER_INPUT.
- An operation its transport does not carry (a query or mutation over the legacy graphql-ws protocol,
  which Strawberry runs as subscriptions only): BAD_REQUEST, naming the way that works.
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
PRE_EXECUTION_ERRORS = (ValueError, TypeError, GraphQLError)
ONLY_SUBSCRIPTIONS_HERE = (
    "the graphql-ws protocol carries subscriptions only: send queries and mutations over HTTP "
    "(POST /graphql) or over WebSocket with graphql-transport-ws"
)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class ErrorCodes(MaskErrors):
    def _process_result(self, result: object) -> None:
        # As MaskErrors does, without its isinstance check against a Protocol (about 6 µs on every
        # subscription push, which nearly never carries errors).
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._coded(error) for error in errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, ApiError):
            extensions = {_camel(key): value for key, value in original.extensions.items()}
            return self._with(error, error.message, {**extensions, "code": original.code})
        if isinstance(original, InvalidPageSize):
            return self._with(error, str(original), {"code": "BAD_USER_INPUT"})
        if isinstance(original, DomainError) and original.code != "UNAVAILABLE":
            return self._with(error, original.message, {"code": _domain_code(original.code)})
        if isinstance(original, InvalidOperationTypeError):
            # Only `Schema.subscribe` (the legacy graphql-ws handler's) hands this to the extensions, for a
            # query or a mutation; `execute` raises it to the HTTP view, and graphql-transport-ws runs all.
            return self._with(error, ONLY_SUBSCRIPTIONS_HERE, {"code": "BAD_REQUEST"})
        if original is None or (error.path is None and isinstance(original, PRE_EXECUTION_ERRORS)):
            # A GraphQLError under one without a path: a variable that did not coerce ("Int cannot
            # represent non-integer value"), from the scalar's own check.
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
