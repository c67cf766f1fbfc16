"""What changed in a workout plan between two of its stream versions, and who changed it: the domain's
diff of the two folded states (`domain.plans.diff`) and the events written in between, by author."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from application.audit.errors import NotAnAggregate
from application.audit.records import AuditRecord, audit_record
from application.audit.streams import checked_range, existing_stream
from application.eventstore import EventStore
from application.plan_commands import versions_of
from application.plan_views import VersionView
from domain.plans import Plan, decode, evolve
from domain.plans.diff import PlanDiff, diff_plans
from domain.plans.streams import plan_stream


@dataclass(frozen=True, slots=True)
class Author:
    actor: str
    """user, ai_coach or system."""
    user_id: UUID | None
    events: int
    """How many of the events in between are theirs."""


@dataclass(frozen=True, slots=True)
class PlanChanges:
    plan_id: UUID
    from_version: int
    to_version: int
    before: Plan
    after: Plan
    diff: PlanDiff
    events: tuple[AuditRecord, ...]
    """The events after `from_version` up to `to_version`, oldest first."""

    @property
    def saved_versions(self) -> tuple[VersionView, ...]:
        """The versions saved in between, as the read model shows them."""
        return versions_of(replace(self.after, versions=self.diff.versions_added))

    @property
    def authors(self) -> tuple[Author, ...]:
        """Who wrote the events in between, in the order they first did."""
        counts: dict[tuple[str, UUID | None], int] = {}
        for record in self.events:
            key = (record.actor, record.user_id)
            counts[key] = counts.get(key, 0) + 1
        return tuple(Author(actor, user_id, events) for (actor, user_id), events in counts.items())


class PlanDiffs:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def changes(self, plan_id: UUID, from_version: int, to_version: int) -> PlanChanges:
        """Raises StreamNotFound, VersionOutOfRange, InvalidVersionRange or NotAnAggregate."""
        stream = plan_stream(plan_id)
        first, last = checked_range(await existing_stream(self._store, stream), from_version, to_version)
        events = await self._store.read_stream(stream, to_version=last)
        state: Plan | None = None
        before: Plan | None = None
        for event in events:
            state = evolve(state, decode(event.type, event.schema_version, event.data))
            if event.stream_version == first:
                before = state
        if before is None or state is None:
            raise NotAnAggregate(stream)
        return PlanChanges(
            plan_id=plan_id,
            from_version=first,
            to_version=last,
            before=before,
            after=state,
            diff=diff_plans(before, state),
            events=tuple(audit_record(event) for event in events[first:]),
        )
