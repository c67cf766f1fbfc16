"""Accepting a coach's suggestion: its change is applied to the session's plan through `PlanCommands`
(actor AI_COACH, ending with a saved version that names the suggestion), then `SuggestionAccepted`
records the plan version it produced.

Nothing is written unless the suggestion still suits the user's profile and the library as they are now
(`SuggestionRecheck`), what an update or a reordering changes is as it was when the suggestion was made
(`check_unchanged`, against the plan at the suggestion's version, folded from the plan's history) and
every step applies to the plan as it is now (`check_applies`); a suggestion whose change is refused
stays open, and the refusal is the answer (`UNSAFE_SUGGESTION`, `STALE_SUGGESTION`, `PLAN_ARCHIVED`, or
a `CONFLICT` for a stale `expected_version`). The steps' command ids derive from the accept's command
id, so sending the accept again (after a timeout, or a crash between two steps) finishes the work once:
the steps already written answer with their first results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4, uuid5

from application.coaching.commands import CoachingCommands, SessionWritten, session_view
from application.coaching.limits import CoachLimits
from application.coaching.suggestion_recheck import SuggestionRecheck
from application.eventstore import EventStore, RecordedEvent
from application.plan_commands import PlanWritten, Requester
from domain.coaching import CoachingSession, coaching_stream
from domain.coaching import decode as decode_coaching
from domain.coaching import fold as fold_session
from domain.coaching.commands import AcceptSuggestion
from domain.coaching.errors import (
    CoachingSessionNotFound,
    SessionWithoutPlan,
    SuggestionAlreadyDecided,
    UnknownSuggestion,
)
from domain.coaching.plan_changes import check_applies, check_unchanged, plan_changes
from domain.coaching.values import PlanAt
from domain.errors import ConcurrencyConflict
from domain.plans import Plan
from domain.plans import decode as decode_plan
from domain.plans import fold as fold_plan
from domain.plans.errors import PlanNotFound
from domain.plans.streams import plan_stream


@dataclass(frozen=True, slots=True)
class SuggestionApplied:
    plan: PlanWritten
    """The plan as the accepted change left it (its latest version names the suggestion)."""
    session: SessionWritten


class SuggestionAcceptance:
    def __init__(self, store: EventStore, coaching: CoachingCommands, limits: CoachLimits) -> None:
        self._store = store
        self._coaching = coaching
        self._limits = limits
        self._recheck = SuggestionRecheck(store)

    async def accept(
        self,
        requester: Requester,
        session_id: UUID,
        suggestion_id: UUID,
        *,
        expected_version: int | None,
        command_id: UUID | None,
        at: datetime,
    ) -> SuggestionApplied:
        """Raises DomainError; `expected_version` is the plan's version the user saw (PlanView.version)."""
        await self._limits.request(requester.user_id)
        command_id = command_id or uuid4()
        session = await self._session(requester, session_id)
        suggestion = session.suggestion(suggestion_id)
        if suggestion is None:
            raise UnknownSuggestion(suggestion_id)
        if session.plan_id is None:
            raise SessionWithoutPlan(session_id)
        records = await self._store.read_stream(plan_stream(session.plan_id))
        step_ids = [uuid5(command_id, f"plan-step-{index}") for index in range(2)]
        before = _before_steps(records, set(step_ids))
        started = len(before) < len(records)
        plan = fold_plan(decode_plan(r.type, r.schema_version, r.data) for r in before)
        if plan is None or plan.owner_id != requester.user_id:
            raise PlanNotFound(session.plan_id)
        if session.decision_on(suggestion_id) is not None and not started:
            raise SuggestionAlreadyDecided(suggestion_id)
        steps = plan_changes(suggestion, plan, at)
        if not started:
            if expected_version is not None and expected_version != len(records):
                raise ConcurrencyConflict(len(records))
            await self._recheck.check(requester.user_id, suggestion, plan)
            check_unchanged(suggestion, _plan_at(before, suggestion.against), plan)
            check_applies(suggestion, plan, steps)
        written: PlanWritten | None = None
        plans = self._coaching.plans
        for index, step in enumerate(steps):
            written = await plans.execute(
                requester,
                step,
                command_id=step_ids[index],
                # The first step is written on the plan the check saw, or not at all.
                expected_version=len(records) if index == 0 and not started else None,
                correlation_id=command_id,  # the plan's and the session's events trace back to this accept
            )
        assert written is not None  # plan_changes always ends with the saved version
        version = written.plan.latest_version_number
        assert version is not None
        accepted = AcceptSuggestion(
            session_id=session_id,
            suggestion_id=suggestion_id,
            plan_id=plan.plan_id,
            plan_version=version,
            at=at,
        )
        result = await self._coaching.handle(
            requester, accepted, uuid5(command_id, "accept"), correlation_id=command_id
        )
        return SuggestionApplied(
            written, SessionWritten(session_view(result), result.position, result.repeated)
        )

    async def _session(self, requester: Requester, session_id: UUID) -> CoachingSession:
        records = await self._store.read_stream(coaching_stream(session_id))
        session = fold_session(decode_coaching(r.type, r.schema_version, r.data) for r in records)
        if session is None or session.user_id != requester.user_id:
            raise CoachingSessionNotFound(session_id)
        return session


def _plan_at(records: list[RecordedEvent], against: PlanAt | None) -> Plan | None:
    """The plan at the version a suggestion was made against; None without one, or past the history."""
    if against is None or against.version > len(records):
        return None
    return fold_plan(decode_plan(r.type, r.schema_version, r.data) for r in records[: against.version])


def _before_steps(records: list[RecordedEvent], step_ids: set[UUID]) -> list[RecordedEvent]:
    """The plan's events before the first one this accept wrote (all of them on a first try)."""
    for index, record in enumerate(records):
        if record.metadata.command_id in step_ids:
            return records[:index]
    return records
