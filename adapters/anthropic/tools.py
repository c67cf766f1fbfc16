"""The tool Claude calls to propose plan changes: its input schema is generated from these pydantic
models, and its input is validated by them. What passes is still checked by the safety layer."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from application.coaching.model import ProposedChange
from domain.coaching.values import SuggestionKind

TOOL_NAME = "propose_plan_changes"


class PlanChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["add_exercise", "replace_exercise", "remove_exercise"]
    exercise_id: str | None = Field(
        default=None, max_length=100, description="The library id of the exercise to add or put in place."
    )
    replaces: str | None = Field(
        default=None, max_length=100, description="The plan exercise id that is replaced or removed."
    )
    sets: int = Field(default=3, ge=1, le=20)
    reps: int = Field(default=10, ge=1, le=100)
    weight_kg: float = Field(default=0.0, ge=0.0, le=1000.0)
    rest_seconds: int = Field(default=90, ge=0, le=900)
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
        "Call this once at the end of your answer: propose changes to the user's plan (only exercises from "
        "the library list in the context), or none, and say how confident you are in the answer."
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
            reason=change.reason,
        )
        for change in proposal.changes
    )
    return changes, proposal.confidence
