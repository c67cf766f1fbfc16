"""Any stored event back to its domain event, by the codec of the aggregate its stream belongs to.

Each codec upcasts older schema versions first, so an audit reads old events as the deciders do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from domain.coaching import decode as decode_coaching
from domain.coaching.events import CoachingEvent
from domain.coaching.streams import COACHING_STREAM_PREFIX
from domain.errors import UnknownEventType
from domain.library import decode as decode_library
from domain.library.events import LibraryEvent
from domain.library.streams import LIBRARY_STREAM_PREFIX
from domain.plans import decode as decode_plan
from domain.plans.events import PlanEvent
from domain.plans.streams import PLAN_STREAM_PREFIX
from domain.users import decode as decode_user
from domain.users import decode_claim
from domain.users.events import ClaimEvent, UserEvent
from domain.users.streams import (
    EMAIL_CLAIM_STREAM_PREFIX,
    IDENTITY_CLAIM_STREAM_PREFIX,
    USER_STREAM_PREFIX,
)

DomainEvent = PlanEvent | UserEvent | ClaimEvent | CoachingEvent | LibraryEvent

Decode = Callable[[str, int, Mapping[str, Any]], DomainEvent]

DECODERS: tuple[tuple[str, Decode], ...] = (
    (PLAN_STREAM_PREFIX, decode_plan),
    (USER_STREAM_PREFIX, decode_user),
    (EMAIL_CLAIM_STREAM_PREFIX, decode_claim),
    (IDENTITY_CLAIM_STREAM_PREFIX, decode_claim),
    (COACHING_STREAM_PREFIX, decode_coaching),
    (LIBRARY_STREAM_PREFIX, decode_library),
)
"""Stream name prefix -> the codec of the aggregate such streams hold."""


def decode_event(stream: str, event_type: str, schema_version: int, data: Mapping[str, Any]) -> DomainEvent:
    """Raises UnknownEventType (also for a stream no aggregate owns) or MalformedEvent."""
    for prefix, decode in DECODERS:
        if stream.startswith(prefix):
            return decode(event_type, schema_version, data)
    raise UnknownEventType(event_type, schema_version)
