"""Time travel and plan diffs over the log, for random command histories of a plan: the state at version N
is the fold of the stream's first N events, and the diff from N to M applied to state N is state M."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import given as for_all
from hypothesis import strategies as st

from adapters.memory.store import InMemoryEventStore
from application.audit.plan_changes import PlanDiffs
from application.audit.streams import PointInTime
from application.audit.time_travel import TimeTravel
from application.handler import CommandHandler
from application.plan_commands import plan_view_of
from domain.errors import DomainError
from domain.plans import Plan, decode, fold
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.diff import apply_diff
from tests.application.snapshots.snapshot_support import STREAM, meta
from tests.domain.plans import ARCHIVE_AT, PLAN_ID, STEPS, draw_command


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@for_all(st.data())
async def test_the_state_at_a_version_is_the_fold_of_its_first_events_and_diffs_apply(data):
    store = InMemoryEventStore()
    handler = CommandHandler(store, WORKOUT_PLANS)
    state: Plan | None = None
    archive_at = data.draw(ARCHIVE_AT, label="archive_at")
    for step in range(data.draw(STEPS, label="steps")):
        try:
            result = await handler.handle(draw_command(data, state, step, archive_at), meta(f"{step}"))
        except DomainError:
            continue
        assert isinstance(result.state, Plan)
        state = result.state
    recorded = await store.read_stream(STREAM)
    if not recorded:
        return
    travel, diffs = TimeTravel(store), PlanDiffs(store)
    n = data.draw(st.integers(1, len(recorded)), label="n")
    m = data.draw(st.integers(n, len(recorded)), label="m")

    at_n = await travel.plan_at(PLAN_ID, PointInTime(version=n))
    folded = fold(decode(e.type, e.schema_version, e.data) for e in recorded[:n])
    assert folded is not None
    assert at_n.plan == folded
    assert at_n.view == plan_view_of(folded, n, recorded[n - 1].position)
    assert at_n.last.version == n

    at_m = await travel.plan_at(PLAN_ID, PointInTime(version=m))
    changes = await diffs.changes(PLAN_ID, n, m)
    assert (changes.before, changes.after) == (at_n.plan, at_m.plan)
    assert apply_diff(at_n.plan, changes.diff) == at_m.plan
    assert [record.version for record in changes.events] == list(range(n + 1, m + 1))
    assert sum(author.events for author in changes.authors) == m - n
