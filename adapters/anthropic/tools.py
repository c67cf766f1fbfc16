"""The tool Claude calls to propose plan changes: its input schema is generated from these pydantic
models, and its input is validated by them. What passes is still checked by the safety layer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from application.coaching.model import ProposedChange
from domain.coaching.values import SuggestionKind
from domain.plans.validation import MAX_EXERCISE_ID, MAX_EXERCISES, REPS, REST_SECONDS, SETS, WEIGHT_KG

TOOL_NAME = "propose_plan_changes"


ExerciseId = Annotated[str, Field(min_length=1, max_length=MAX_EXERCISE_ID)]


class PlanChange(BaseModel):
    """One change. add_exercise: exercise_id. replace_exercise: exercise_id and replaces. remove_exercise:
    replaces. update_exercise: replaces and the new sets, reps, weight_kg or rest_seconds. reorder_exercises:
    order."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal[
        "add_exercise", "replace_exercise", "remove_exercise", "update_exercise", "reorder_exercises"
    ]
    exercise_id: ExerciseId | None = Field(
        default=None, description="The library id of the exercise to add or put in place."
    )
    replaces: ExerciseId | None = Field(
        default=None, description="The plan exercise id that is replaced, updated or removed."
    )
    sets: int | None = Field(default=None, ge=SETS[0], le=SETS[1])
    reps: int | None = Field(default=None, ge=REPS[0], le=REPS[1])
    weight_kg: float | None = Field(default=None, ge=WEIGHT_KG[0], le=WEIGHT_KG[1])
    rest_seconds: int | None = Field(
        default=None,
        ge=REST_SECONDS[0],
        le=REST_SECONDS[1],
        description="Left out: the plan's value for an update or a replacement, a default for an addition.",
    )
    order: list[ExerciseId] | None = Field(
        default=None,
        max_length=MAX_EXERCISES,
        description="For reorder_exercises: every plan exercise id, once each, in the new order.",
    )
    reason: str = Field(default="", max_length=300, description="Why, in one short sentence for the user.")


class PlanChangeProposal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: list[PlanChange] = Field(default_factory=list, max_length=20)
    confidence: float = Field(
        ge=0.0, le=1.0, description="How sure you are that this answer fits this user (0 to 1)."
    )


TOOL: dict[str, Any] = {
    "name": TOOL_NAME,
    "description": (
        "Call this once at the end of your answer: propose changes to the user's plan (add, replace, remove "
        "or update an exercise, or reorder them; new exercises only from the library list in the context), "
        "or none, and say how confident you are in the answer."
    ),
    "input_schema": PlanChangeProposal.model_json_schema(),
}


def read_proposal(tool_input: object) -> tuple[tuple[ProposedChange, ...], float] | None:
    """The changes and confidence of a tool call, or None when its input does not fit the schema."""
    try:
        proposal = PlanChangeProposal.model_validate(tool_input)
    except ValidationError:
        return None
    changes = tuple(
        ProposedChange(
            kind=SuggestionKind(change.kind),
            exercise_id=change.exercise_id,
            replaces=change.replaces,
            sets=change.sets,
            reps=change.reps,
            weight_kg=change.weight_kg,
            rest_seconds=change.rest_seconds,
            order=tuple(change.order or ()),
            reason=change.reason,
        )
        for change in proposal.changes
    )
    return changes, proposal.confidence
