"""The `CoachModel` port: a model that answers one coaching message, streaming its text as it comes.

Adapters: Claude through the `anthropic` SDK (`adapters.anthropic`), and the offline coach. A fallback
chain tries them in order. What a model proposes for the plan (`ProposedChange`) is not trusted: the
safety layer checks every change after the model, and only what passes becomes a `Suggestion`.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from domain.coaching.values import Personality, PlanAt, ReplyUsage, SuggestionKind
from domain.library.availability import Availability
from domain.library.values import ExerciseDefinition, Level
from domain.plans.values import PlannedExercise


class Speaker(enum.StrEnum):
    USER = "user"
    COACH = "coach"


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: Speaker
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachFacts:
    """What the coach knows about the user, as data (the prompt's `context` says the same in words)."""

    level: Level
    availability: Availability
    plan: PlanAt | None
    """The session's plan and the version these facts were read at; None without a plan."""
    planned: tuple[PlannedExercise, ...]
    """The plan's exercises as prescribed, in order; () without a plan."""
    plan_exercises: tuple[ExerciseDefinition, ...]
    """The library's definitions of the plan's exercises (ids the library lacks have none)."""
    candidates: tuple[ExerciseDefinition, ...]
    """Library exercises this user may be offered: their restrictions and equipment already applied."""

    @property
    def plan_exercise_ids(self) -> tuple[str, ...]:
        return tuple(exercise.exercise_id for exercise in self.planned)


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachPrompt:
    personality: Personality
    instructions: str
    """Our standing instructions: the coach's role, voice and rules (the same for every user)."""
    context: str
    """What the coach knows about this user: profile, restrictions, plan, the exercises they can do."""
    history: tuple[Turn, ...]
    """The conversation so far, oldest first (without `message`)."""
    message: str
    max_output_tokens: int
    temperature: float
    """Sampling temperature, 0 to 1, set by the personality (`personalities.TONES`). Models without
    sampling parameters ignore it: the offline coach, and Claude models that take none."""
    facts: CoachFacts


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposedChange:
    """A plan change as a model proposed it, before the checks after the model. A prescription left out
    (None) is the plan's for an update, the replaced exercise's for a replacement, a default for an
    addition (`application.coaching.proposals`)."""

    kind: SuggestionKind
    exercise_id: str | None = None
    """The library exercise to add or to put in place of `replaces`."""
    replaces: str | None = None
    """The plan exercise replaced, updated or removed."""
    sets: int | None = None
    reps: int | None = None
    weight_kg: float | None = None
    rest_seconds: int | None = None
    order: tuple[str, ...] = ()
    """A reordering's plan exercise ids, in the new order."""
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachAnswer:
    text: str
    changes: tuple[ProposedChange, ...]
    confidence: float
    """0 to 1: how sure the model is that the answer fits this user."""
    usage: ReplyUsage
    notes: tuple[str, ...] = ()
    """What the adapter itself set aside (e.g. a malformed tool input), for the reply's safety notes."""


TextSink = Callable[[str], Awaitable[None]]
"""Receives each piece of the reply's text as it is generated."""


class CoachModelFailure(enum.StrEnum):
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate_limited"
    OVERLOADED = "overloaded"
    SERVER_ERROR = "server_error"
    CONNECTION = "connection"
    STREAM_CUT = "stream_cut"
    """The stream ended before the model finished: the text so far is not a reply."""
    REFUSED = "refused"
    """The provider refused the request as it is (bad key, bad request, too long)."""


class CoachModelError(Exception):
    """The model gave no complete answer. Text already passed to the sink is void: the caller discards
    it (and may ask the next model of its fallback chain)."""

    def __init__(self, failure: CoachModelFailure, detail: str = "") -> None:
        super().__init__(f"{failure.value}: {detail}" if detail else failure.value)
        self.failure = failure


class CoachModel(Protocol):
    @property
    def provider(self) -> str:
        """Who answers, as recorded on the reply: "anthropic", "offline", ..."""
        ...

    @property
    def model(self) -> str: ...

    async def answer(self, prompt: CoachPrompt, on_text: TextSink) -> CoachAnswer:
        """Stream the reply's text through `on_text`, then return it whole. Raises CoachModelError."""
        ...
