"""The safety check of a user's message, before the model: the text signals (`signals`), plus the
numeric ones a pattern cannot judge alone: a daily calorie target under `CALORIE_FLOOR`, and a weight
loss faster than `MAX_LOSS_KG_PER_DAY` over a few days (a dehydration cut, not fat loss)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.coaching.safety.signals import SIGNALS
from domain.coaching.safety.text import negated, normalised
from domain.coaching.values import Direction, SafetyAction, SafetyCategory, SafetyTrigger, most_drastic

CALORIE_FLOOR = 1000
"""A daily intake under this is an extreme deficit for any adult, whatever the goal."""
MAX_LOSS_KG_PER_DAY = 0.5
"""Losing faster than this over a week or less is water and muscle, i.e. a dehydration cut."""
MIN_CUT_KG = 2.0
"""Smaller changes are within a day's normal swing of body weight."""

STOPS_THE_MODEL = frozenset(
    {
        SafetyAction.EMERGENCY,
        SafetyAction.CRISIS_RESOURCES,
        SafetyAction.MEDICAL_REFERRAL,
        SafetyAction.REFUSE_WITH_ALTERNATIVE,
    }
)
"""Actions whose reply is ours alone: the model is not asked."""

_CALORIES = re.compile(
    r"\b(\d{2,4}|\d{1,2},\d{3})\s*(k?cals?|calories|kcal)\b"
    r"(?:.{0,25}\b(a|per|each|every) day\b|.{0,25}\bdaily\b|\s*/\s*day\b)"
    r"|\b(eat|eating|ate|diet of|only|just|under|below|less than)\b.{0,15}?"
    r"\b(\d{2,4})\s*(k?cals?|calories|kcal)\b"
)
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
RAPID_CUT = re.compile(
    r"\b(lose|losing|drop|dropping|cut|cutting|shed|shedding)\b.{0,20}?\b(\d+(?:\.\d+)?)\s*(kg|kgs|kilos?|lbs?|pounds)\b"
    r".{0,25}?\b(in|by|within|over)\b.{0,10}?\b(\d+|a|an|one|two|three|four|five|six|seven)\s*(days?|hours?|weeks?)\b"
)
"""An amount of weight to lose and the time to lose it in; `too_fast` judges the pace."""


@dataclass(frozen=True, slots=True)
class InputAssessment:
    triggers: tuple[SafetyTrigger, ...]

    @property
    def action(self) -> SafetyAction | None:
        return most_drastic(trigger.action for trigger in self.triggers)

    @property
    def categories(self) -> frozenset[SafetyCategory]:
        return frozenset(trigger.category for trigger in self.triggers)

    @property
    def stops_the_model(self) -> bool:
        return self.action in STOPS_THE_MODEL


def assess_message(message: str) -> InputAssessment:
    """What in `message` calls for caution; an empty assessment for ordinary gym talk."""
    text = normalised(message)
    found: list[SafetyTrigger] = []
    for signal in SIGNALS:
        match = signal.pattern.search(text)
        if match is None or (signal.negatable and negated(text, match.start())):
            continue
        found.append(SafetyTrigger(signal.category, signal.action, Direction.INPUT, signal.note))
    found.extend(_numeric(text))
    return InputAssessment(_distinct(found))


def _numeric(text: str) -> list[SafetyTrigger]:
    found = []
    for match in _CALORIES.finditer(text):
        amount = int((match.group(1) or match.group(5)).replace(",", ""))
        if 0 < amount < CALORIE_FLOOR:
            found.append(
                SafetyTrigger(
                    SafetyCategory.EATING_DISORDER,
                    SafetyAction.REFUSE_WITH_ALTERNATIVE,
                    Direction.INPUT,
                    f"a daily intake under {CALORIE_FLOOR} kcal",
                )
            )
            break
    for match in RAPID_CUT.finditer(text):
        if too_fast(match):
            found.append(
                SafetyTrigger(
                    SafetyCategory.DANGEROUS_WEIGHT_CUT,
                    SafetyAction.REFUSE_WITH_ALTERNATIVE,
                    Direction.INPUT,
                    "a rapid weight cut",
                )
            )
            break
    return found


def too_fast(match: re.Match[str]) -> bool:
    """Whether a `RAPID_CUT` match is a dehydration cut rather than fat loss."""
    amount, unit, count, span = float(match.group(2)), match.group(3), match.group(5), match.group(6)
    kilograms = amount if unit.startswith("k") else amount * 0.4536
    periods = int(count) if count.isdigit() else _NUMBER_WORDS[count]
    days = periods / 24 if span.startswith("hour") else periods * 7 if span.startswith("week") else periods
    if days <= 0 or days > 7:
        return False
    return kilograms >= MIN_CUT_KG and kilograms / days > MAX_LOSS_KG_PER_DAY


def _distinct(triggers: list[SafetyTrigger]) -> tuple[SafetyTrigger, ...]:
    seen: dict[tuple[SafetyCategory, SafetyAction, str], SafetyTrigger] = {}
    for trigger in triggers:
        seen.setdefault((trigger.category, trigger.action, trigger.note), trigger)
    return tuple(seen.values())
