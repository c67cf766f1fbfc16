"""Pure translations between our event envelope and kurrentdbclient's, with no I/O.

Versions: our stream version counts events (first event = 1); KurrentDB's stream position is
zero-based, so `stream_version = stream_position + 1`. Our global `position` is the commit position.
KurrentDB has no schema version field, so it travels in the JSON metadata next to `EventMetadata`.
KurrentDB stamps every event with its own creation time: an event moved from another log (`NewEvent`
with `recorded_at`) keeps its original time in the metadata too, and reads back with that time.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import grpc  # type: ignore[import-untyped]
import kurrentdbclient
from kurrentdbclient import exceptions as kurrent_errors
from kurrentdbclient.events import ContentType

from application.eventstore import (
    EventMetadata,
    EventStoreError,
    EventStoreUnavailable,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    StreamState,
)

CONTENT_TYPE: ContentType = "application/json"
SCHEMA_VERSION_KEY = "schema_version"
ORIGINAL_RECORDED_AT_KEY = "original_recorded_at"
MISSING_TIMESTAMP = datetime(1970, 1, 1, tzinfo=UTC)
"""Stands in for `recorded_at` in the rare case KurrentDB sends no creation time."""
SYSTEM_EVENT_TYPES = (r"\$.*",)
"""Server-side filter for reads of the whole log; `is_system_event` also drops `$` streams client-side.
(kurrentdbclient's default filter would also hide user event types named `Result` or `PersistentConfig1`.)"""
RESUBSCRIBE_FIRST_DELAY = 0.1
RESUBSCRIBE_MAX_DELAY = 5.0
RESUBSCRIBE_MAX_ATTEMPTS = 12
"""Consecutive failures to (re)subscribe, about 40 s of backoff, before giving up as unavailable."""

TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    kurrent_errors.ServiceUnavailableError,
    kurrent_errors.DeadlineExceededError,
    kurrent_errors.AbortedByServerError,  # includes ConsumerTooSlowError
    kurrent_errors.ExceptionThrownByHandlerError,
    kurrent_errors.InternalError,
    kurrent_errors.DiscoveryFailedError,
    kurrent_errors.NodeIsNotLeaderError,
)
TOO_LARGE_ERRORS: tuple[type[Exception], ...] = (
    kurrent_errors.TransactionMaxSizeExceededError,  # an AbortedByServerError, but nothing to retry
    kurrent_errors.RecordMaxSizeExceededError,
    kurrent_errors.MaximumAppendSizeExceededError,
)
GRPC_ERRORS: tuple[type[Exception], ...] = (grpc.RpcError, grpc.aio.UsageError, OSError)
"""Raw transport errors that kurrentdbclient lets through now and then."""
CLIENT_ERRORS: tuple[type[Exception], ...] = (kurrent_errors.KurrentDBClientError, *GRPC_ERRORS)
UNREACHABLE_ERRORS: tuple[type[Exception], ...] = (
    *TRANSIENT_ERRORS,
    kurrent_errors.CancelledError,
    kurrent_errors.UnauthenticatedError,
    kurrent_errors.AccessDeniedError,
)


class UnreadableEvent(EventStoreError):
    """A stored event that is not a fitcoach envelope (bad JSON, missing metadata fields)."""

    code = "UNREADABLE_EVENT"


def _to_json(value: Any, what: str) -> bytes:
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    except (TypeError, ValueError) as error:
        raise EventStoreError(f"event {what} is not JSON-serializable: {error}") from None


def to_kurrent_event(event: NewEvent) -> kurrentdbclient.NewEvent:
    if not event.type or event.type.startswith("$"):
        # KurrentDB reserves `$` types for itself; such an event would vanish from read_all and subscriptions.
        raise EventStoreError(f"event type {event.type[:40]!r} is empty or reserved by KurrentDB")
    metadata: dict[str, Any] = {**event.metadata.to_dict(), SCHEMA_VERSION_KEY: event.schema_version}
    if event.recorded_at is not None:
        metadata[ORIGINAL_RECORDED_AT_KEY] = event.recorded_at.isoformat()
    return kurrentdbclient.NewEvent(
        type=event.type,
        data=_to_json(event.data, "data"),
        metadata=_to_json(metadata, "metadata"),
        content_type=CONTENT_TYPE,
        id=event.event_id,
    )


def from_kurrent_event(recorded: kurrentdbclient.RecordedEvent) -> RecordedEvent:
    where = f"{recorded.stream_name!r}@{recorded.stream_position}"
    try:
        data = json.loads(recorded.data)
        metadata = json.loads(recorded.metadata)
        if not isinstance(data, dict) or not isinstance(metadata, dict):
            raise TypeError("data and metadata must be JSON objects")
        schema_version = int(metadata.pop(SCHEMA_VERSION_KEY))
        original_time = _original_time(metadata.pop(ORIGINAL_RECORDED_AT_KEY, None))
        envelope_metadata = EventMetadata.from_dict(metadata)
    except (ValueError, TypeError, KeyError) as error:
        raise UnreadableEvent(f"event {where} is not a fitcoach event: {error!r}") from None
    return RecordedEvent(
        event_id=recorded.id,
        type=recorded.type,
        schema_version=schema_version,
        data=data,
        metadata=envelope_metadata,
        stream=recorded.stream_name,
        stream_version=recorded.stream_position + 1,
        position=recorded.commit_position,
        recorded_at=original_time or recorded.recorded_at or MISSING_TIMESTAMP,
    )


def _original_time(stamp: Any) -> datetime | None:
    if stamp is None:
        return None
    if not isinstance(stamp, str):
        raise TypeError("the original recorded time must be a string")
    original = datetime.fromisoformat(stamp)
    if original.utcoffset() is None:
        raise ValueError("the original recorded time has no time zone")
    return original


def is_system_event(recorded: kurrentdbclient.RecordedEvent) -> bool:
    """KurrentDB's own events: `$`-prefixed types ($metadata, links `$>`) or streams ($stats, ...)."""
    return recorded.type.startswith("$") or recorded.stream_name.startswith("$")


def to_kurrent_expected(expected: ExpectedVersion) -> int | kurrentdbclient.StreamState:
    """Our "version N" (N events) is KurrentDB's "last stream position N-1"; 0 events is NO_STREAM."""
    if expected is StreamState.ANY:
        return kurrentdbclient.StreamState.ANY
    if expected is StreamState.NO_STREAM or expected == 0:
        return kurrentdbclient.StreamState.NO_STREAM
    if isinstance(expected, int) and expected > 0:
        return expected - 1
    raise ValueError(f"expected version must be NO_STREAM, ANY or a version >= 0, not {expected!r}")


def version_after_append(expected: ExpectedVersion, count: int) -> int | None:
    """The stream version after `count` events were appended at `expected`; None when it is unknown (ANY)."""
    if expected is StreamState.ANY:
        return None
    start = 0 if expected is StreamState.NO_STREAM else expected
    assert isinstance(start, int)
    return start + count


def actual_version(error: kurrent_errors.WrongCurrentVersionError) -> int | None:
    """Our version of the stream from KurrentDB's conflict error, None when the error doesn't say."""
    actual = error.actual_version
    if actual is kurrentdbclient.StreamState.NO_STREAM:
        return 0
    if isinstance(actual, int) and actual >= 0:
        return actual + 1
    return None


def translate_error(error: Exception) -> EventStoreError:
    """Infrastructure error to ours; version conflicts are handled by the caller, which knows the stream."""
    if isinstance(error, TOO_LARGE_ERRORS):
        return EventStoreError(f"KurrentDB refused the append as too large: {type(error).__name__}")
    if isinstance(error, (*UNREACHABLE_ERRORS, *GRPC_ERRORS)):
        return unavailable(error)
    return EventStoreError(f"KurrentDB error: {type(error).__name__}: {error}")


def unavailable(error: BaseException) -> EventStoreUnavailable:
    return EventStoreUnavailable(f"KurrentDB is unavailable: {type(error).__name__}")


@contextlib.contextmanager
def boundary(passthrough: tuple[type[Exception], ...] = ()) -> Iterator[None]:
    """Translate client and gRPC errors into ours; the caller gives `passthrough` errors their meaning."""
    try:
        yield
    except passthrough:
        raise
    except CLIENT_ERRORS as error:
        raise translate_error(error) from error


def is_transient(error: Exception) -> bool:
    """Errors after which a dropped subscription is worth resuming."""
    if isinstance(error, (kurrent_errors.CancelledByClientError, *TOO_LARGE_ERRORS)):
        return False
    return isinstance(error, (*TRANSIENT_ERRORS, *GRPC_ERRORS, kurrent_errors.CancelledError))


def resubscribe_delay(failures: int) -> float:
    """Exponential backoff after the n-th consecutive failure, capped."""
    return min(RESUBSCRIBE_FIRST_DELAY * 2.0 ** max(failures - 1, 0), RESUBSCRIBE_MAX_DELAY)


def redact_uri(uri: str) -> str:
    """The connection string without its password, safe for messages and logs."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
