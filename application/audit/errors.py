"""Why an audit read cannot answer, each with a stable code (the CLI prints it, the API passes it on)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.errors import DomainError


class AuditError(DomainError):
    pass


class StreamNotFound(AuditError):
    def __init__(self, stream: str) -> None:
        super().__init__("STREAM_NOT_FOUND", f"no events in stream {stream[:80]!r}", "stream")
        self.stream = stream


class AmbiguousId(AuditError):
    def __init__(self, raw_id: UUID, streams: tuple[str, ...]) -> None:
        super().__init__(
            "AMBIGUOUS_ID", f"id {raw_id} names several streams: {', '.join(streams)}; name one", "stream"
        )
        self.streams = streams


class VersionOutOfRange(AuditError):
    def __init__(self, field: str, version: int, current: int) -> None:
        super().__init__(
            "VERSION_OUT_OF_RANGE",
            f"{field} {version} is out of range: the stream has versions 1 to {current}",
            field,
        )
        self.version = version
        self.current = current


class InvalidVersionRange(AuditError):
    def __init__(self, from_version: int, to_version: int) -> None:
        super().__init__(
            "INVALID_VERSION_RANGE", f"from version {from_version} is after to version {to_version}", "to"
        )


class PointInTimeRequired(AuditError):
    def __init__(self) -> None:
        super().__init__("VERSION_OR_TIME_REQUIRED", "give a version or a time", "version")


class VersionAndTimeGiven(AuditError):
    def __init__(self) -> None:
        super().__init__("VERSION_AND_TIME_GIVEN", "give a version or a time, not both", "at")


class BeforeFirstEvent(AuditError):
    def __init__(self, stream: str, at: datetime, first: datetime) -> None:
        super().__init__(
            "BEFORE_FIRST_EVENT",
            f"stream {stream!r} begins at {first.isoformat()}, after {at.isoformat()}",
            "at",
        )


class NotAnAggregate(AuditError):
    """A stream with events from which the aggregate's decider folds no state (never created)."""

    def __init__(self, stream: str) -> None:
        super().__init__("NOT_AN_AGGREGATE", f"stream {stream!r} holds no such aggregate", "stream")


class CorrelationNotFound(AuditError):
    def __init__(self, correlation_id: UUID) -> None:
        super().__init__(
            "CORRELATION_NOT_FOUND", f"no events with correlation id {correlation_id}", "correlation_id"
        )
