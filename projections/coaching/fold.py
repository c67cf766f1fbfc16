"""Folding recorded coaching events into read-model rows: sessions, messages, safety triggers and usage.

The domain's `CoachingSession` keeps only what decisions need (no texts, no finished replies), so the
read model has its own fold over the decoded events. A `SessionTrack` holds one session's row and the
message rows the batch touches (loaded first, see `sql.load`), plus what the batch adds to the
append-only tables (triggers) and the additive one (usage).

Replies: a user message (v2) adds its reply's coach row at once, `waiting` (PENDING), right after the
message (same log position, ordered after it); a claim (`CoachReplyStarted`) makes it `generating`, a
takeover after an expired lease only bumps its attempt; its completion or failure finishes it and the
user message it answers (`answered` or `failed`). Lease renewals change no row.

Messages recorded before v2 had no reply id: their first claim adds the coach row, and a claim taking
such a message over (with another reply id) marks the earlier reply `failed` with cause `lease_expired`:
the domain records no event for a lease that runs out, but that reply will never finish. When a session
ends, the reply of such a message never claimed gets its row as it fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple
from uuid import UUID

from application.eventstore import RecordedEvent
from domain.coaching import decode
from domain.coaching.decision import SESSION_ENDED
from domain.coaching.events import (
    CoachingSessionEnded,
    CoachingSessionStarted,
    CoachReplyCompleted,
    CoachReplyFailed,
    CoachReplyLeaseRenewed,
    CoachReplyStarted,
    SafetyTriggered,
    SuggestionAccepted,
    SuggestionRejected,
    UserMessageSent,
)
from domain.coaching.streams import COACHING_STREAM_PREFIX, coaching_stream
from domain.event_codec import to_json
from projections.projection import EventFailed

LEASE_EXPIRED = "lease_expired"
"""The failure cause of a reply whose claim another worker took over."""


@dataclass(slots=True, kw_only=True)
class SessionRow:
    user_id: UUID
    personality: str
    plan_id: UUID | None
    status: str
    """`active` or `ended`."""
    message_count: int
    """User messages sent (the domain's count)."""
    started_at: datetime
    updated_at: datetime
    ended_at: datetime | None


@dataclass(slots=True, kw_only=True)
class MessageRow:
    """A user message (`role` user: waiting, answered, failed) or a coach reply (`role` coach:
    waiting, generating, completed, failed)."""

    id: UUID
    session_id: UUID
    user_id: UUID
    role: str
    text: str
    status: str
    in_reply_to: UUID | None = None
    provider: str | None = None
    model: str | None = None
    attempt: int | None = None
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    """Each suggestion as the event holds it, with `status` (open, accepted, rejected), `plan_id`,
    `plan_version`, `rejection_reason` and `decided_at`."""
    safety_action: str | None = None
    safety_notes: list[str] = field(default_factory=list)
    confidence: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    latency_ms: int | None = None
    failure_cause: str | None = None
    created_at: datetime
    completed_at: datetime | None = None
    position: int
    """The log position of the event that created the message: a session's messages in order."""
    dirty: bool = False


class TriggerRow(NamedTuple):
    id: UUID
    """The `SafetyTriggered` event's id."""
    session_id: UUID
    user_id: UUID
    reply_id: UUID
    category: str
    action: str
    direction: str
    note: str
    at: datetime
    position: int


@dataclass(slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    replies: int = 0


@dataclass(slots=True)
class SessionTrack:
    session_id: UUID
    session: SessionRow | None = None
    version: int = 0
    """The session stream's version after the last event folded in."""
    position: int = 0
    dirty: bool = False
    messages: dict[UUID, MessageRow] = field(default_factory=dict)
    """The message rows held: those loaded, and those the events created."""
    unfinished: dict[UUID, UUID] = field(default_factory=dict)
    """User message id -> its reply still waiting or being generated."""
    suggestion_replies: dict[UUID, UUID] = field(default_factory=dict)
    """Suggestion id -> the reply that made it."""
    triggers: list[TriggerRow] = field(default_factory=list)
    """Safety triggers not written yet."""
    usage: dict[date, Usage] = field(default_factory=dict)
    """Usage by UTC day not written yet."""

    def hold(self, message: MessageRow) -> None:
        """Keep a message row (loaded or created) and index it."""
        self.messages[message.id] = message
        if message.role == "coach":
            if message.status in _UNFINISHED and message.in_reply_to is not None:
                self.unfinished[message.in_reply_to] = message.id
            for suggestion in message.suggestions:
                self.suggestion_replies[UUID(suggestion["suggestion_id"])] = message.id

    def written(self) -> None:
        """Everything held is now in the tables."""
        self.dirty = False
        for message in self.messages.values():
            message.dirty = False
        self.triggers.clear()
        self.usage.clear()


_UNFINISHED = frozenset({"waiting", "generating"})
Tracks = dict[UUID, SessionTrack]
"""Session tracks by session id."""


def session_id_of(event: RecordedEvent) -> UUID | None:
    """The session a `coaching-<id>` stream's event belongs to; None for other streams."""
    stream = event.stream
    if not stream.startswith(COACHING_STREAM_PREFIX):
        return None
    try:
        session_id = UUID(stream[len(COACHING_STREAM_PREFIX) :])
    except ValueError as error:
        raise EventFailed(event) from error
    if coaching_stream(session_id) != stream:
        raise EventFailed(event) from ValueError("a coaching stream is named by the session's canonical id")
    return session_id


def coaching_events(events: Iterable[RecordedEvent]) -> list[tuple[RecordedEvent, UUID]]:
    return [(event, session_id) for event in events if (session_id := session_id_of(event)) is not None]


def fold(tracks: Tracks, event: RecordedEvent, session_id: UUID) -> None:
    """Fold one coaching event into its track; an event the track already holds changes nothing."""
    track = tracks.get(session_id)
    if track is None:
        track = tracks[session_id] = SessionTrack(session_id)
    if event.stream_version <= track.version:
        return
    try:
        _apply(track, event)
    except EventFailed:
        raise
    except Exception as error:
        raise EventFailed(event) from error
    track.version, track.position, track.dirty = event.stream_version, event.position, True


def _apply(track: SessionTrack, recorded: RecordedEvent) -> None:
    event = decode(recorded.type, recorded.schema_version, recorded.data)
    if isinstance(event, CoachingSessionStarted):
        if track.session is None:
            track.session = SessionRow(
                user_id=event.user_id,
                personality=event.personality.value,
                plan_id=event.plan_id,
                status="active",
                message_count=0,
                started_at=event.at,
                updated_at=event.at,
                ended_at=None,
            )
        return
    session = track.session
    if session is None:
        raise EventFailed(recorded) from LookupError("the session's row is missing")
    if isinstance(event, CoachReplyLeaseRenewed):
        return  # a worker's heartbeat: no row changes, the session's updated_at included
    session.updated_at = event.at
    match event:
        case UserMessageSent():
            session.message_count += 1
            track.hold(
                MessageRow(
                    id=event.message_id,
                    session_id=track.session_id,
                    user_id=session.user_id,
                    role="user",
                    text=event.text,
                    status="waiting",
                    created_at=event.at,
                    position=recorded.position,
                    dirty=True,
                )
            )
            if event.reply_id is not None:
                track.hold(_reply_row(track, event.reply_id, event.message_id, "waiting", event.at, recorded))
        case CoachReplyStarted():
            reply_id = track.unfinished.get(event.message_id)
            if reply_id is not None and reply_id != event.reply_id:  # a v1 claim taken over
                _finish(_message(track, reply_id, recorded), "failed", event.at, cause=LEASE_EXPIRED)
                reply_id = None
            if reply_id is None:
                reply = _reply_row(track, event.reply_id, event.message_id, "generating", event.at, recorded)
            else:
                reply = _message(track, reply_id, recorded)
                reply.status, reply.dirty = "generating", True
            reply.provider, reply.model, reply.attempt = event.provider, event.model, event.attempt
            track.hold(reply)
        case SafetyTriggered():
            track.triggers.append(
                TriggerRow(
                    *(recorded.event_id, track.session_id, session.user_id, event.reply_id),
                    *(event.category.value, event.action.value, event.direction.value, event.note),
                    *(event.at, recorded.position),
                )
            )
        case CoachReplyCompleted():
            reply = _message(track, event.reply_id, recorded)
            usage = event.usage
            reply.text = event.text
            reply.provider, reply.model = usage.provider, usage.model  # who answered, after any fallback
            reply.suggestions = [_open_suggestion(suggestion) for suggestion in event.suggestions]
            reply.safety_action = None if event.safety_action is None else event.safety_action.value
            reply.safety_notes = list(event.safety_notes)
            reply.confidence = event.confidence
            reply.input_tokens, reply.output_tokens = usage.input_tokens, usage.output_tokens
            reply.latency_ms = usage.latency_ms
            _finish(reply, "completed", event.at)
            track.hold(reply)
            _finish(_message(track, event.message_id, recorded), "answered", event.at)
            track.unfinished.pop(event.message_id, None)
            day = track.usage.setdefault(event.at.astimezone(UTC).date(), Usage())
            day.input_tokens += usage.input_tokens
            day.output_tokens += usage.output_tokens
            day.replies += 1
        case CoachReplyFailed():
            if event.reply_id not in track.messages and event.cause == SESSION_ENDED:
                # A v1 message never claimed: its reply had no row yet.
                track.hold(_reply_row(track, event.reply_id, event.message_id, "failed", event.at, recorded))
            _finish(_message(track, event.reply_id, recorded), "failed", event.at, cause=event.cause)
            _finish(_message(track, event.message_id, recorded), "failed", event.at)
            track.unfinished.pop(event.message_id, None)
        case SuggestionAccepted():
            suggestion = _decide(track, event.suggestion_id, recorded, status="accepted", at=event.at)
            suggestion["plan_id"], suggestion["plan_version"] = str(event.plan_id), event.plan_version
        case SuggestionRejected():
            suggestion = _decide(track, event.suggestion_id, recorded, status="rejected", at=event.at)
            suggestion["rejection_reason"] = event.reason
        case CoachingSessionEnded():
            session.status, session.ended_at = "ended", event.at


def _reply_row(
    track: SessionTrack, reply_id: UUID, message_id: UUID, status: str, at: datetime, recorded: RecordedEvent
) -> MessageRow:
    assert track.session is not None
    return MessageRow(
        id=reply_id,
        session_id=track.session_id,
        user_id=track.session.user_id,
        role="coach",
        text="",
        status=status,
        in_reply_to=message_id,
        created_at=at,
        position=recorded.position,
        dirty=True,
    )


def _message(track: SessionTrack, message_id: UUID, recorded: RecordedEvent) -> MessageRow:
    message = track.messages.get(message_id)
    if message is None:
        raise EventFailed(recorded) from LookupError("a message the event refers to has no row")
    return message


def _finish(message: MessageRow, status: str, at: datetime, *, cause: str | None = None) -> None:
    message.status, message.completed_at, message.failure_cause, message.dirty = status, at, cause, True


def _open_suggestion(suggestion: object) -> dict[str, Any]:
    document = to_json(suggestion)
    assert isinstance(document, dict)
    return {
        **document,
        "status": "open",
        "plan_id": None,
        "plan_version": None,
        "rejection_reason": None,
        "decided_at": None,
    }


def _decide(
    track: SessionTrack, suggestion_id: UUID, recorded: RecordedEvent, *, status: str, at: datetime
) -> dict[str, Any]:
    reply_id = track.suggestion_replies.get(suggestion_id)
    if reply_id is None:
        raise EventFailed(recorded) from LookupError("the suggestion's reply has no row")
    reply = _message(track, reply_id, recorded)
    suggestion = next(s for s in reply.suggestions if s["suggestion_id"] == str(suggestion_id))
    suggestion["status"], suggestion["decided_at"] = status, at.isoformat()
    reply.dirty = True
    return suggestion
