"""Audit reads' errors as the API shows them: NOT_FOUND or BAD_USER_INPUT, with the stable `reason`
(`application.audit.errors`) and the argument at fault."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from application.audit.errors import AuditError
from schema.context import Info
from schema.errors import BadUserInput, Forbidden, NotFound

NOT_FOUND_REASONS = frozenset({"STREAM_NOT_FOUND", "NOT_AN_AGGREGATE", "CORRELATION_NOT_FOUND"})


def require_admin(info: Info) -> None:
    if not info.context.require_viewer().is_admin:
        raise Forbidden("only admins may read the audit trail")


@contextmanager
def audit_errors(arguments: Mapping[str, str]) -> Iterator[None]:
    """Translates an AuditError raised inside; `arguments` maps its field to the argument's name."""
    try:
        yield
    except AuditError as error:
        field = arguments.get(error.field or "", error.field)
        if error.code in NOT_FOUND_REASONS:
            raise NotFound(error.message, reason=error.code) from None
        raise BadUserInput(error.message, field=field, reason=error.code) from None
