"""The Plan snapshot codec: a snapshot plus the events after it folds to what the whole stream folds to,
so no decision can change; anything the codec cannot read exactly is None, never an error."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import given as for_all
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.plans import Plan, fold
from domain.plans.events import PlanEvent
from domain.plans.snapshot import PLAN_SNAPSHOTS, SCHEMA_VERSION, decode_plan, encode_plan
from tests.domain.plans import (
    ARCHIVE_AT,
    STEPS,
    added,
    created,
    decide_or_error,
    draw_command,
    exercise,
    versioned,
)


def stored(plan: Plan | None) -> dict[str, Any]:
    """The snapshot as it comes back from storage: through JSON text."""
    assert plan is not None
    loaded: dict[str, Any] = json.loads(json.dumps(encode_plan(plan), allow_nan=False))
    return loaded


def restored(plan: Plan | None) -> Plan | None:
    return decode_plan(SCHEMA_VERSION, stored(plan))


def draw_history(data: st.DataObject) -> list[PlanEvent]:
    state: Plan | None = None
    history: list[PlanEvent] = []
    archive_at = data.draw(ARCHIVE_AT, label="archive_at")
    for step in range(data.draw(STEPS, label="steps")):
        events = decide_or_error(draw_command(data, state, step, archive_at), state)
        if not isinstance(events, DomainError):
            history.extend(events)
            state = fold(events, state)
    return history


SAMPLE = fold(
    [
        created(),
        added("Barbell_Squat"),
        added("Plank"),
        versioned(1, "Barbell_Squat", "Plank"),
        versioned(2, "Barbell_Squat"),
        added(exercise("Lunge", alternatives=("Split_Squat",), notes="deep", tempo=None, weight_kg=0.0)),
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@for_all(st.data())
def test_a_snapshot_plus_the_tail_is_the_full_fold_and_decides_the_same(data):
    history = draw_history(data)
    split = data.draw(st.integers(0, len(history)), label="snapshot after")
    head = fold(history[:split])
    from_snapshot = None if head is None else restored(head)

    assert from_snapshot == head
    assert fold(history[split:], from_snapshot) == fold(history)
    command = draw_command(data, head, len(history), None)
    with_snapshot, without = decide_or_error(command, from_snapshot), decide_or_error(command, head)
    if isinstance(without, DomainError):
        assert isinstance(with_snapshot, DomainError)
        assert with_snapshot.code == without.code
    else:
        assert with_snapshot == without


def test_each_distinct_exercise_is_stored_once():
    snapshot = stored(SAMPLE)

    assert len(snapshot["pool"]) == 3
    assert snapshot["exercises"] == [0, 1, 2]
    assert [version[2] for version in snapshot["versions"]] == [[0, 1], [0]]
    assert restored(SAMPLE) == SAMPLE


def test_the_codec_value_is_the_module_functions():
    assert (PLAN_SNAPSHOTS.state_type, PLAN_SNAPSHOTS.schema_version) == ("WorkoutPlan", SCHEMA_VERSION)
    assert SAMPLE is not None
    assert PLAN_SNAPSHOTS.decode(SCHEMA_VERSION, PLAN_SNAPSHOTS.encode(SAMPLE)) == SAMPLE


@pytest.mark.parametrize("schema_version", [0, SCHEMA_VERSION + 1, -1])
def test_another_schema_version_is_not_read(schema_version):
    assert decode_plan(schema_version, stored(SAMPLE)) is None


def corrupt(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    snapshot = copy.deepcopy(stored(SAMPLE))
    target: Any = snapshot
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return snapshot


DELETE = object()
MALFORMED = {
    "missing name": (("name",), DELETE),
    "missing pool": (("pool",), DELETE),
    "plan id not a uuid": (("plan_id",), "plan-1"),
    "unknown difficulty": (("difficulty",), "heroic"),
    "duration as text": (("duration_minutes",), "60"),
    "archived as a number": (("archived",), 0),
    "naive time": (("updated_at",), "2025-03-03T07:30:00"),
    "sets as a bool": (("pool", 0, 2), True),
    "weight as text": (("pool", 0, 4), "100"),
    "short exercise row": (("pool", 0), ["Barbell_Squat", "Squat"]),
    "exercise index out of range": (("exercises", 0), 7),
    "negative index": (("exercises", 0), -1),
    "version index out of range": (("versions", 0, 2, 0), 9),
    "unknown actor": (("versions", 0, 4), "robot"),
    "alternatives not a list": (("pool", 0, 8), "Front_Squat"),
    "pool not a list": (("pool",), {"0": []}),
}


@pytest.mark.parametrize(("path", "value"), list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_malformed_snapshot_is_not_read(path, value):
    assert decode_plan(SCHEMA_VERSION, corrupt(path, value)) is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@for_all(st.dictionaries(st.sampled_from(sorted(stored(SAMPLE))), JSON), JSON)
def test_arbitrary_json_never_raises(overrides, anything):
    decoded = decode_plan(SCHEMA_VERSION, {**stored(SAMPLE), **overrides})
    assert decoded is None or isinstance(decoded, Plan)
    assert decode_plan(SCHEMA_VERSION, anything) is None
