"""The five kinds of suggestion: what each must hold (checked by field), and the codec, including replies
recorded before updates and reorders existed (schema version 1, upcast on read)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from domain.coaching import decode, encode
from domain.coaching.events import CoachReplyCompleted
from domain.coaching.validation import suggestions
from domain.coaching.values import PlanAt, ReplyUsage, Suggestion, SuggestionKind
from domain.errors import ValidationError
from domain.plans.values import PlannedExercise

AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
PLAN = UUID("9a9a9a9a-0000-4000-8000-000000000003")
GOBLET = PlannedExercise("Goblet_Squat", "Goblet Squat", sets=3, reps=10, weight_kg=16.0, rest_seconds=90)
AGAINST = PlanAt(PLAN, 4)


def of(kind: SuggestionKind, **fields: object) -> Suggestion:
    return Suggestion(suggestion_id=uuid4(), kind=kind, reason="why", **fields)  # type: ignore[arg-type]


UPDATE = of(
    SuggestionKind.UPDATE_EXERCISE,
    exercise=replace(GOBLET, sets=4),
    replaces="Goblet_Squat",
    against=AGAINST,
)
REORDER = of(SuggestionKind.REORDER_EXERCISES, order=("Goblet_Squat", "Push_Up"), against=AGAINST)
EVERY_KIND = (
    of(SuggestionKind.ADD_EXERCISE, exercise=GOBLET),
    of(SuggestionKind.REPLACE_EXERCISE, exercise=GOBLET, replaces="Back_Squat", against=AGAINST),
    of(SuggestionKind.REMOVE_EXERCISE, replaces="Back_Squat"),
    UPDATE,
    REORDER,
)


def completed(*made: Suggestion) -> CoachReplyCompleted:
    return CoachReplyCompleted(
        session_id=uuid4(),
        reply_id=uuid4(),
        message_id=uuid4(),
        text="Here is what I would change.",
        suggestions=made,
        safety_action=None,
        safety_notes=(),
        confidence=0.8,
        usage=ReplyUsage(provider="offline", model="fitcoach-offline-1"),
        at=AT,
    )


def test_each_kind_in_its_shape_is_valid() -> None:
    assert {s.kind for s in EVERY_KIND} == set(SuggestionKind)
    assert suggestions(EVERY_KIND) == EVERY_KIND


@pytest.mark.parametrize(
    ("suggestion", "field"),
    [
        (replace(UPDATE, exercise=None), "suggestions[0].exercise"),
        (replace(UPDATE, replaces=None), "suggestions[0].replaces"),
        (replace(UPDATE, against=None), "suggestions[0].against"),
        (
            replace(UPDATE, exercise=replace(GOBLET, exercise_id="Push_Up")),
            "suggestions[0].exercise.exercise_id",
        ),
        (replace(UPDATE, exercise=replace(GOBLET, sets=0)), "suggestions[0].exercise.sets"),
        (replace(UPDATE, order=("Goblet_Squat",)), "suggestions[0].order"),
        (replace(REORDER, order=()), "suggestions[0].order"),
        (replace(REORDER, order=("Push_Up", "Push_Up")), "suggestions[0].order"),
        (replace(REORDER, order=("Push_Up", " ")), "suggestions[0].order[1]"),
        (replace(REORDER, order=tuple(f"E{n}" for n in range(21))), "suggestions[0].order"),
        (replace(REORDER, against=None), "suggestions[0].against"),
        (replace(REORDER, against=PlanAt(PLAN, 0)), "suggestions[0].against.version"),
        (replace(REORDER, exercise=GOBLET), "suggestions[0].exercise"),
        (replace(REORDER, replaces="Push_Up"), "suggestions[0].replaces"),
    ],
    ids=[
        "update without exercise",
        "update without target",
        "update without plan",
        "update of another exercise",
        "update out of bounds",
        "update with an order",
        "reorder without order",
        "reorder with a duplicate",
        "reorder with a blank id",
        "reorder too long",
        "reorder without plan",
        "reorder against version 0",
        "reorder with an exercise",
        "reorder with a target",
    ],
)
def test_a_misshapen_update_or_reorder_is_refused_by_field(suggestion: Suggestion, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        suggestions((suggestion,))
    assert refused.value.field == field


def test_every_kind_survives_the_codec() -> None:
    event = completed(*EVERY_KIND)
    event_type, version, data = encode(event)
    assert version == 2
    assert decode(event_type, version, data) == event


def test_a_reply_recorded_before_updates_and_reorders_still_decodes() -> None:
    legacy = completed(EVERY_KIND[0], EVERY_KIND[2])
    event_type, _, data = encode(legacy)
    for suggestion in data["suggestions"]:  # the v1 shape: neither an order nor the plan it was made for
        del suggestion["order"], suggestion["against"]
    assert decode(event_type, 1, data) == legacy
