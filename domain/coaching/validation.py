"""Input checks of the coaching commands; each failure raises `ValidationError` naming the field."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from domain.coaching.values import PlanAt, ReplyUsage, SafetyTrigger, Suggestion, SuggestionKind
from domain.errors import ValidationError
from domain.plans import validation as plan_validation
from domain.validation import name, text

MAX_MESSAGE = 4000
MAX_REPLY = 20_000
MAX_CLIENT_MESSAGE_ID = 100
MAX_SUGGESTIONS = 10
"""Plan changes one reply shows: as many as a user reviews at once (and the bound that keeps a page of
messages with their suggestions within the API's query cost limit)."""
MAX_TRIGGERS = 30
MAX_NOTE = 300
MAX_REASON = 500
MAX_CAUSE = 200
MAX_PROVIDER = 60
MAX_TOKENS = 10_000_000
MAX_LEASE_SECONDS = 600
MAX_VERSION = 2**31 - 1


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


@dataclass(frozen=True, slots=True)
class SuggestionShape:
    """What a kind of suggestion holds: an exercise, a target (`replaces`), an order, the plan it was
    made against."""

    exercise: bool
    target: bool
    order: bool = False
    against: bool = False
    """Required; other kinds may have one or not."""


SHAPES = {
    SuggestionKind.ADD_EXERCISE: SuggestionShape(exercise=True, target=False),
    SuggestionKind.REPLACE_EXERCISE: SuggestionShape(exercise=True, target=True),
    SuggestionKind.REMOVE_EXERCISE: SuggestionShape(exercise=False, target=True),
    SuggestionKind.UPDATE_EXERCISE: SuggestionShape(exercise=True, target=True, against=True),
    SuggestionKind.REORDER_EXERCISES: SuggestionShape(exercise=False, target=False, order=True, against=True),
}


def _needs(wanted: bool) -> str:
    return "needs" if wanted else "takes no"


def _suggestion(field: str, value: Suggestion) -> Suggestion:
    shape = SHAPES[value.kind]
    kind = value.kind.value
    if shape.exercise != (value.exercise is not None):
        raise ValidationError(f"{field}.exercise", f"a {kind} suggestion {_needs(shape.exercise)} exercise")
    if shape.target != (value.replaces is not None):
        raise ValidationError(f"{field}.replaces", f"a {kind} suggestion {_needs(shape.target)} target")
    if shape.order != bool(value.order):
        raise ValidationError(f"{field}.order", f"a {kind} suggestion {_needs(shape.order)} order")
    if shape.against and value.against is None:
        raise ValidationError(f"{field}.against", f"a {kind} suggestion needs the plan it was made against")
    exercise = (
        None if value.exercise is None else plan_validation.exercise(value.exercise, f"{field}.exercise")
    )
    replaces = (
        None if value.replaces is None else plan_validation.exercise_id(f"{field}.replaces", value.replaces)
    )
    if (
        value.kind is SuggestionKind.UPDATE_EXERCISE
        and exercise is not None
        and exercise.exercise_id != replaces
    ):
        raise ValidationError(f"{field}.exercise.exercise_id", "an update keeps the exercise it updates")
    return Suggestion(
        suggestion_id=value.suggestion_id,
        kind=value.kind,
        exercise=exercise,
        replaces=replaces,
        order=_order(f"{field}.order", value.order),
        against=None if value.against is None else _against(f"{field}.against", value.against),
        reason=text(f"{field}.reason", value.reason, MAX_NOTE),
    )


def _order(field: str, values: tuple[str, ...]) -> tuple[str, ...]:
    if len(values) > plan_validation.MAX_EXERCISES:
        raise ValidationError(field, f"must list at most {plan_validation.MAX_EXERCISES} exercises")
    order = tuple(plan_validation.exercise_id(f"{field}[{i}]", value) for i, value in enumerate(values))
    if len(set(order)) != len(order):
        raise ValidationError(field, "must not list an exercise twice")
    return order


def _against(field: str, value: PlanAt) -> PlanAt:
    return PlanAt(value.plan_id, plan_validation.integer(f"{field}.version", value.version, (1, MAX_VERSION)))


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
