"""`AuditReads`: the audit read services over one event store, as the GraphQL context and the CLI use them."""

from __future__ import annotations

from dataclasses import dataclass

from application.audit.history import StreamHistories
from application.audit.plan_changes import PlanDiffs
from application.audit.time_travel import TimeTravel
from application.audit.trace import CorrelationIndex, Trace
from application.eventstore import EventStore


@dataclass(frozen=True, slots=True)
class AuditReads:
    histories: StreamHistories
    time_travel: TimeTravel
    plan_diffs: PlanDiffs
    trace: Trace

    @classmethod
    def over(cls, store: EventStore, correlations: CorrelationIndex) -> AuditReads:
        return cls(StreamHistories(store), TimeTravel(store), PlanDiffs(store), Trace(correlations))
