"""The check an accepted suggestion passes again, against the user's profile and the library as they
are now (the reply may be old): the same check the reply's suggestions passed after the model
(`domain.coaching.suggestion_checks`), read fresh from the event log. A restriction or missing equipment
makes it UNSAFE_SUGGESTION; an exercise gone from the library, or a plan rule it now breaks, makes it
STALE_SUGGESTION."""

from __future__ import annotations

from uuid import UUID

from application.eventstore import EventStore
from domain.coaching.errors import StaleSuggestion, UnsafeSuggestion
from domain.coaching.suggestion_checks import ExerciseFacts, check_suggestions
from domain.coaching.values import SafetyCategory, Suggestion
from domain.library import decode as decode_library
from domain.library import fold as fold_library
from domain.library import library_stream
from domain.library.availability import availability_of
from domain.plans import Plan
from domain.users import User, user_stream
from domain.users import decode as decode_user
from domain.users import fold as fold_user

UNSAFE = frozenset({SafetyCategory.CONTRAINDICATED_EXERCISE, SafetyCategory.UNAVAILABLE_EQUIPMENT})


class SuggestionRecheck:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def check(self, user_id: UUID, suggestion: Suggestion, plan: Plan) -> None:
        """Raises UnsafeSuggestion or StaleSuggestion; returns when the suggestion may be applied."""
        injuries, equipment = await self._profile(user_id)
        availability = availability_of(injuries, equipment)
        library: dict[str, ExerciseFacts] = {}
        if suggestion.exercise is not None:
            facts = await self._facts(suggestion.exercise.exercise_id)
            if facts is not None:
                library[facts.exercise_id] = facts
        checked = check_suggestions([suggestion], library, availability, plan.exercises)
        for trigger in checked.triggers:
            if trigger.category in UNSAFE:
                raise UnsafeSuggestion(suggestion.suggestion_id, trigger.note)
            raise StaleSuggestion(suggestion.suggestion_id, trigger.note)

    async def _profile(self, user_id: UUID) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The user's injuries and equipment as of now."""
        recorded = await self._store.read_stream(user_stream(user_id))
        user = fold_user(decode_user(r.type, r.schema_version, r.data) for r in recorded)
        if not isinstance(user, User):
            return (), ()
        return user.profile.injuries, user.profile.available_equipment

    async def _facts(self, exercise_id: str) -> ExerciseFacts | None:
        recorded = await self._store.read_stream(library_stream(exercise_id))
        state = fold_library(decode_library(r.type, r.schema_version, r.data) for r in recorded)
        if state is None:
            return None
        return ExerciseFacts(
            exercise_id=state.exercise_id,
            name=state.definition.name,
            equipment=state.definition.equipment,
            contraindications=state.definition.contraindications,
            retired=state.retired,
        )
