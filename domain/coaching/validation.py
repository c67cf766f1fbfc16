"""Input checks of the coaching commands; each failure raises `ValidationError` naming the field."""

from __future__ import annotations

import math
from datetime import datetime

from domain.coaching.values import ReplyUsage, SafetyTrigger, Suggestion, SuggestionKind
from domain.errors import ValidationError
from domain.plans import validation as plan_validation
from domain.validation import name, text

MAX_MESSAGE = 4000
MAX_REPLY = 20_000
MAX_CLIENT_MESSAGE_ID = 100
MAX_SUGGESTIONS = 20
MAX_TRIGGERS = 30
MAX_NOTE = 300
MAX_REASON = 500
MAX_CAUSE = 200
MAX_PROVIDER = 60
MAX_TOKENS = 10_000_000
MAX_LEASE_SECONDS = 600


def message(value: str) -> str:
    return name("text", value, MAX_MESSAGE)


def client_message_id(value: str | None) -> str | None:
    if value is None:
        return None
    return name("client_message_id", value, MAX_CLIENT_MESSAGE_ID)


def label(field: str, value: str) -> str:
    """A provider or model name, as recorded on the reply."""
    return name(field, value, MAX_PROVIDER)


def lease(lease_until: datetime, at: datetime) -> datetime:
    seconds = (lease_until - at).total_seconds()
    if not 0 < seconds <= MAX_LEASE_SECONDS:
        raise ValidationError("lease_until", f"must be within {MAX_LEASE_SECONDS} s after the claim")
    return lease_until


def reply_text(value: str) -> str:
    return name("text", value, MAX_REPLY)


def confidence(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError("confidence", "must be a number from 0 to 1")
    if not 0.0 <= value <= 1.0:
        raise ValidationError("confidence", "must be a number from 0 to 1")
    return float(value)


def usage(value: ReplyUsage) -> ReplyUsage:
    for field in ("input_tokens", "output_tokens", "latency_ms"):
        plan_validation.integer(f"usage.{field}", getattr(value, field), (0, MAX_TOKENS))
    return ReplyUsage(
        provider=label("usage.provider", value.provider),
        model=label("usage.model", value.model),
        input_tokens=value.input_tokens,
        output_tokens=value.output_tokens,
        latency_ms=value.latency_ms,
    )


def suggestions(values: tuple[Suggestion, ...]) -> tuple[Suggestion, ...]:
    if len(values) > MAX_SUGGESTIONS:
        raise ValidationError("suggestions", f"must hold at most {MAX_SUGGESTIONS}")
    if len({value.suggestion_id for value in values}) != len(values):
        raise ValidationError("suggestions", "must not repeat a suggestion id")
    return tuple(_suggestion(f"suggestions[{index}]", value) for index, value in enumerate(values))


def _suggestion(field: str, value: Suggestion) -> Suggestion:
    needs_exercise = value.kind is not SuggestionKind.REMOVE_EXERCISE
    needs_target = value.kind is not SuggestionKind.ADD_EXERCISE
    if needs_exercise != (value.exercise is not None):
        raise ValidationError(
            f"{field}.exercise",
            f"a {value.kind.value} suggestion {'needs' if needs_exercise else 'takes no'} exercise",
        )
    if needs_target != (value.replaces is not None):
        raise ValidationError(
            f"{field}.replaces",
            f"a {value.kind.value} suggestion {'needs' if needs_target else 'takes no'} target",
        )
    exercise = (
        None if value.exercise is None else plan_validation.exercise(value.exercise, f"{field}.exercise")
    )
    replaces = (
        None if value.replaces is None else plan_validation.exercise_id(f"{field}.replaces", value.replaces)
    )
    return Suggestion(
        suggestion_id=value.suggestion_id,
        kind=value.kind,
        exercise=exercise,
        replaces=replaces,
        reason=text(f"{field}.reason", value.reason, MAX_NOTE),
    )


def triggers(values: tuple[SafetyTrigger, ...]) -> tuple[SafetyTrigger, ...]:
    if len(values) > MAX_TRIGGERS:
        raise ValidationError("triggers", f"must hold at most {MAX_TRIGGERS}")
    return tuple(
        SafetyTrigger(
            value.category, value.action, value.direction, text(f"triggers[{i}].note", value.note, MAX_NOTE)
        )
        for i, value in enumerate(values)
    )


def reason(value: str) -> str:
    return text("reason", value.strip(), MAX_REASON)


def cause(value: str) -> str:
    return name("cause", value, MAX_CAUSE)
