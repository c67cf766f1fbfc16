"""One event of each type with personal fields (`domain.privacy.PERSONAL_FIELDS`), encoded by its domain
codec, with values distinctive enough to be searched for in stored text; and recording helpers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from application.eventstore import EventMetadata, NewEvent, RecordedEvent
from domain.coaching import codec as coaching_codec
from domain.coaching.events import (
    CoachingEvent,
    CoachReplyCompleted,
    SafetyTriggered,
    SuggestionRejected,
    UserMessageSent,
)
from domain.coaching.values import Direction, ReplyUsage, SafetyAction, SafetyCategory
from domain.users import codec as users_codec
from domain.users.events import (
    ExternalIdentityLinked,
    PasswordChanged,
    ProfileUpdated,
    UserEvent,
    UserRegistered,
)
from domain.users.values import IdentityProvider, Profile, Role

AT = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
SESSION_ID = UUID("0f3e7a52-5c1b-4d0e-9f3a-6b2c8d1e4a70")
REPLY_ID = UUID("7d2c9b1a-3e4f-4a5b-8c6d-9e0f1a2b3c4d")
MESSAGE_ID = UUID("2b4d6f80-1a3c-4e5f-8a7b-9c0d1e2f3a4b")


def user_events(user_id: UUID) -> list[UserEvent]:
    return [
        UserRegistered(
            user_id=user_id,
            email="ada.lovelace.17@example.org",
            display_name="Ada Countess Lovelace",
            password_hash="$argon2id$v=19$m=8,t=1,p=1$c2FsdHk$YWRhaGFzaHZhbHVl",
            role=Role.USER,
            at=AT,
        ),
        ExternalIdentityLinked(
            user_id=user_id, provider=IdentityProvider.GOOGLE, subject="google-sub-88421977", at=AT
        ),
        ProfileUpdated(
            user_id=user_id,
            profile=Profile(
                display_name="Ada L.",
                date_of_birth=date(1815, 12, 10),
                height_cm=165.5,
                weight_kg=58.25,
                goals=("row across the Thames",),
                injuries=("torn left meniscus",),
                available_equipment=("analytical engine",),
            ),
            changed_fields=("display_name", "injuries"),
            at=AT,
        ),
        PasswordChanged(
            user_id=user_id, password_hash="$argon2id$v=19$m=8,t=1,p=1$bmV3c2FsdA$bmV3YWRhaGFzaA", at=AT
        ),
    ]


def coaching_events() -> list[CoachingEvent]:
    return [
        UserMessageSent(
            session_id=SESSION_ID,
            message_id=MESSAGE_ID,
            reply_id=REPLY_ID,
            text="my chest hurts when I climb the stairs",
            client_message_id="client-1",
            at=AT,
        ),
        SafetyTriggered(
            session_id=SESSION_ID,
            reply_id=REPLY_ID,
            category=SafetyCategory.CARDIAC,
            action=SafetyAction.EMERGENCY,
            direction=Direction.INPUT,
            note="chest pain on exertion reported",
            at=AT,
        ),
        CoachReplyCompleted(
            session_id=SESSION_ID,
            reply_id=REPLY_ID,
            message_id=MESSAGE_ID,
            text="Please stop and call the emergency services now.",
            suggestions=(),
            safety_action=SafetyAction.EMERGENCY,
            safety_notes=("possible angina: no training advice given",),
            confidence=1.0,
            usage=ReplyUsage(provider="safety", model="rules"),
            at=AT,
        ),
        SuggestionRejected(
            session_id=SESSION_ID,
            suggestion_id=uuid.UUID(int=7),
            reason="not with my herniated disc at L4",
            at=AT,
        ),
    ]


def new_event(event_type: str, schema_version: int, data: Mapping[str, Any]) -> NewEvent:
    return NewEvent(
        uuid.uuid4(),
        event_type,
        schema_version,
        dict(data),
        EventMetadata("user", uuid.uuid4(), uuid.uuid4()),
    )


def personal_events(user_id: UUID) -> list[NewEvent]:
    """Encoded, unsealed: the four user events, then the four coaching events."""
    encoded = [users_codec.encode(event) for event in user_events(user_id)]
    encoded += [coaching_codec.encode(event) for event in coaching_events()]
    return [new_event(*triple) for triple in encoded]


def recorded(event: NewEvent, *, position: int = 1, stream: str = "test-stream") -> RecordedEvent:
    return RecordedEvent(
        event.event_id,
        event.type,
        event.schema_version,
        event.data,
        event.metadata,
        stream,
        position,
        position,
        AT,
    )


def with_data(event: RecordedEvent, **fields: Any) -> RecordedEvent:
    return replace(event, data={**event.data, **fields})


def decoded(event: RecordedEvent) -> UserEvent | CoachingEvent:
    if event.type in {"UserMessageSent", "SafetyTriggered", "CoachReplyCompleted", "SuggestionRejected"}:
        return coaching_codec.decode(event.type, event.schema_version, event.data)
    return users_codec.decode(event.type, event.schema_version, event.data)


def text_leaves(value: Any) -> Iterator[str]:
    """Every string in a JSON value, and every number as written."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        yield repr(value)
    elif isinstance(value, list):
        for item in value:
            yield from text_leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from text_leaves(item)
