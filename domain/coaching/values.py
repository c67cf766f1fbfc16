"""Value objects of a coaching session: the coach's personality, what the safety layer found, the plan
changes a reply suggests, and what a reply cost."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from domain.plans.values import PlannedExercise


class Personality(enum.StrEnum):
    """The coach's voice. Safety replies keep a calm voice whatever is chosen (`domain.coaching.safety`)."""

    MOTIVATOR = "motivator"
    DRILL_SERGEANT = "drill_sergeant"
    SCIENTIST = "scientist"
    CALM = "calm"


class Direction(enum.StrEnum):
    """Where the safety layer looked: the user's message (before the model) or the reply (after it)."""

    INPUT = "input"
    OUTPUT = "output"


class SafetyCategory(enum.StrEnum):
    CARDIAC = "cardiac"
    NEUROLOGICAL = "neurological"
    SELF_HARM = "self_harm"
    EATING_DISORDER = "eating_disorder"
    DRUG_DOSING = "drug_dosing"
    DANGEROUS_WEIGHT_CUT = "dangerous_weight_cut"
    ACUTE_PAIN = "acute_pain"
    MEDICAL_RESTRICTION = "medical_restriction"
    """A condition in the profile (post-surgery, pregnancy, cardiac history) that constrains the answer."""
    CONTRAINDICATED_EXERCISE = "contraindicated_exercise"
    """A suggested exercise carries a tag the user's restrictions exclude (after the model)."""
    UNAVAILABLE_EQUIPMENT = "unavailable_equipment"
    """A suggested exercise needs equipment the user does not have (after the model)."""
    PLAN_RULES = "plan_rules"
    """A suggestion breaks the plan's rules: too many exercises, a duplicate, a bound (after the model)."""


class SafetyAction(enum.StrEnum):
    """What the safety layer did, from the most to the least drastic."""

    EMERGENCY = "emergency"
    """Stop; call the emergency services. No training content."""
    CRISIS_RESOURCES = "crisis_resources"
    """A supportive reply with crisis lines. No training content."""
    MEDICAL_REFERRAL = "medical_referral"
    """Stop that activity; see a clinician."""
    REFUSE_WITH_ALTERNATIVE = "refuse_with_alternative"
    """No dosing or protocol; a safe alternative instead."""
    CONSTRAIN = "constrain"
    """Answer, with restrictions passed to the model and enforced on its output."""
    DROP_SUGGESTION = "drop_suggestion"
    """A suggestion failed the checks after the model and was not shown."""


_DRASTIC_FIRST = tuple(SafetyAction)


def most_drastic(actions: Iterable[SafetyAction]) -> SafetyAction | None:
    """The most drastic of `actions` (members are declared most drastic first); None for none."""
    return min(actions, key=_DRASTIC_FIRST.index, default=None)


@dataclass(frozen=True, slots=True)
class SafetyTrigger:
    category: SafetyCategory
    action: SafetyAction
    direction: Direction
    note: str = ""
    """What was found, in a few words of ours (never the user's text)."""


class SuggestionKind(enum.StrEnum):
    ADD_EXERCISE = "add_exercise"
    REPLACE_EXERCISE = "replace_exercise"
    REMOVE_EXERCISE = "remove_exercise"
    UPDATE_EXERCISE = "update_exercise"
    """New sets, reps, weight or rest for an exercise of the plan."""
    REORDER_EXERCISES = "reorder_exercises"
    """A new order of the plan's exercises."""


@dataclass(frozen=True, slots=True)
class PlanAt:
    """A plan as a suggestion saw it: its id and stream version (`PlanView.version`)."""

    plan_id: UUID
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    """A plan change a reply proposes; the user accepts it (it becomes plan events) or rejects it.

    What each kind holds (`domain.coaching.validation` enforces it):

    | kind    | exercise                         | replaces              | order         |
    |---------|----------------------------------|-----------------------|---------------|
    | add     | what to add                      | -                     | -             |
    | replace | what to put in place of replaces | the exercise replaced | -             |
    | remove  | -                                | the exercise removed  | -             |
    | update  | the exercise as it is to become  | the exercise updated  | -             |
    | reorder | -                                | -                     | the new order |

    An update's exercise has the id of `replaces`; accepting it changes only sets, reps, weight and rest.
    """

    suggestion_id: UUID
    kind: SuggestionKind
    exercise: PlannedExercise | None = None
    replaces: str | None = None
    """The plan exercise id a replacement, update or removal is about."""
    order: tuple[str, ...] = ()
    """A reordering's plan exercise ids, in the new order."""
    against: PlanAt | None = None
    """The plan and version the suggestion was made against; None when the reply had no plan (and for
    suggestions recorded before it was kept). Updates and reorders always have one: accepting them checks
    that what they change is still as it was."""
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplyUsage:
    provider: str
    """Who answered: "anthropic", "offline", "safety", ..."""
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: int = 0
