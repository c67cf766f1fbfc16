"""The context builder: from a session's conversation, its user's profile (read from their own stream), the
session's plan and the library exercises this user may do, the `CoachPrompt` a model answers, the
restrictions the profile sets (a `SafetyTrigger` that constrains the answer) and the context version the
response cache is keyed by.

Only the session's own user's data enters: the profile of `state.user_id`, and the plan only when that
user owns it. The user's words (profile texts, messages) are data, delimited in `<user_context>`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from application.coaching.candidates import CandidatePool, Candidates, described
from application.coaching.conversation import Conversation
from application.coaching.model import CoachFacts, CoachPrompt
from application.coaching.personalities import TONES, instructions_for
from application.eventstore import EventStore
from application.library_views import LibraryReadModel
from application.plan_reads import PlanReadModel
from application.plan_views import PlanView
from domain.coaching.values import Direction, PlanAt, SafetyAction, SafetyCategory, SafetyTrigger
from domain.library.availability import Availability, availability_of
from domain.library.conditions import restrictions_of
from domain.library.values import Level
from domain.users import User, decode, fold, user_stream
from domain.users.values import FitnessLevel, Profile

MAX_OUTPUT_TOKENS = 1024
_LEVELS = {
    FitnessLevel.BEGINNER: Level.BEGINNER,
    FitnessLevel.INTERMEDIATE: Level.INTERMEDIATE,
    FitnessLevel.ADVANCED: Level.EXPERT,
}
_MAX_NOTE = 300


@dataclass(frozen=True, slots=True)
class PreparedReply:
    prompt: CoachPrompt
    triggers: tuple[SafetyTrigger, ...]
    """What the profile sets before the model: a medical restriction that constrains the answer."""
    context_version: str
    """Changes whenever the profile, the plan, the candidates or the conversation before the message do."""
    user_id: UUID


class CoachContextBuilder:
    def __init__(self, store: EventStore, plans: PlanReadModel, library: LibraryReadModel) -> None:
        self._store = store
        self._plans = plans
        self._candidates = CandidatePool(library)

    async def prepare(self, conversation: Conversation) -> PreparedReply:
        state = conversation.state
        profile, profile_version = await self._profile(state.user_id)
        availability = availability_of(profile.injuries, profile.available_equipment)
        plan = await self._plan(state.plan_id, state.user_id)
        plan_ids = tuple(exercise.exercise_id for exercise in plan.exercises) if plan else ()
        found = await self._candidates.candidates(availability, plan_ids, conversation.message)
        restrictions = _restriction_names(profile.injuries)
        facts = CoachFacts(
            level=_LEVELS.get(profile.fitness_level or FitnessLevel.BEGINNER, Level.BEGINNER),
            availability=availability,
            plan=None if plan is None else PlanAt(plan.id, plan.version),
            planned=() if plan is None else tuple(e.planned() for e in plan.exercises),
            plan_exercises=found.plan_exercises,
            candidates=found.available,
        )
        prompt = CoachPrompt(
            personality=state.personality,
            instructions=instructions_for(state.personality, restrictions),
            context=_context(profile, availability, plan, found),
            history=conversation.history,
            message=conversation.message,
            max_output_tokens=MAX_OUTPUT_TOKENS,
            temperature=TONES[state.personality].temperature,
            facts=facts,
        )
        triggers: tuple[SafetyTrigger, ...] = ()
        if restrictions:
            note = f"profile restrictions: {restrictions}"
            triggers = (
                SafetyTrigger(
                    SafetyCategory.MEDICAL_RESTRICTION,
                    SafetyAction.CONSTRAIN,
                    Direction.INPUT,
                    note if len(note) <= _MAX_NOTE else note[: _MAX_NOTE - 3] + "...",
                ),
            )
        version = _digest(
            str(profile_version),
            f"{plan.id}:{plan.version}" if plan else "-",
            *sorted(c.exercise_id for c in found.available),
            *(f"{turn.speaker}:{turn.text}" for turn in conversation.history),
        )
        return PreparedReply(prompt, triggers, version, state.user_id)

    async def _profile(self, user_id: UUID) -> tuple[Profile, int]:
        recorded = await self._store.read_stream(user_stream(user_id))
        user = fold(decode(record.type, record.schema_version, record.data) for record in recorded)
        if not isinstance(user, User):
            return Profile(display_name="-"), 0
        return user.profile, recorded[-1].stream_version

    async def _plan(self, plan_id: UUID | None, user_id: UUID) -> PlanView | None:
        if plan_id is None:
            return None
        plan = await self._plans.plan(plan_id)
        return plan if plan is not None and plan.user_id == user_id else None


def _restriction_names(injuries: Sequence[str]) -> str:
    """The profile's conditions in our words (vocabulary names); unrecognised ones are counted, not quoted."""
    restrictions = restrictions_of(injuries)
    names = list(dict.fromkeys(name for item in restrictions.recognised for name in item.conditions))
    if restrictions.unrecognised:
        count = len(restrictions.unrecognised)
        names.append(f"{count} condition{'s' if count > 1 else ''} we could not recognise")
    return ", ".join(names)


def _context(profile: Profile, availability: Availability, plan: PlanView | None, found: Candidates) -> str:
    lines = [
        "<user_context>",
        f"Fitness level: {profile.fitness_level or 'not given'}",
        f"Goals: {_data(', '.join(profile.goals)) or 'not given'}",
        f"Injuries and conditions, as the user wrote them: {_data('; '.join(profile.injuries)) or 'none'}",
        f"Equipment: {_data(', '.join(profile.available_equipment)) or 'not given (assume a gym)'}",
    ]
    if availability.exclude:
        excluded = ", ".join(sorted(tag.value.replace("_", " ") for tag in availability.exclude))
        lines.append(f"Ruled out by their conditions: {excluded}")
    if plan is None:
        lines.append("Plan: none in this conversation")
    else:
        lines.append(f"Plan: {_data(plan.name)} (version {plan.version}), exercises in order:")
        lines.extend(
            f"- {e.exercise_id}: {_data(e.name)}, {e.sets} x {e.reps} at {e.weight_kg:g} kg, rest "
            f"{e.rest_seconds} s"
            for e in plan.exercises
        )
    lines.append("Candidate exercises this user may do (id: name; muscles; equipment):")
    lines.extend(f"- {described(definition)}" for definition in found.shown)
    lines.append("</user_context>")
    return "\n".join(lines)


_TAGS = re.compile(r"[<>]")


def _data(text: str) -> str:
    """The user's text with angle brackets removed, so it cannot close the delimiting block."""
    return _TAGS.sub("", text)


def _digest(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:32]
