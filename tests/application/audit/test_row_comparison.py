"""The row comparison of `audit verify`, pure: two key-ordered row streams merged, each key's drift."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest

from application.audit.row_comparison import (
    ColumnDrift,
    DriftKind,
    Row,
    RowDrift,
    RowsOutOfOrder,
    drift_of,
    merge_by_key,
)

COLUMNS = ("name", "sets")


async def stream(rows: Sequence[Row]) -> AsyncIterator[Row]:
    for row in rows:
        yield row


async def merged(live: Sequence[Row], rebuilt: Sequence[Row]) -> list[tuple[object, ...]]:
    return [entry async for entry in merge_by_key(stream(live), stream(rebuilt))]


async def test_every_key_of_either_side_comes_once_in_order_with_both_sides_values():
    live = [((1, 1), ("Squat", "5")), ((1, 2), ("Row", "3")), ((3, 1), ("Press", "4"))]
    rebuilt = [((1, 1), ("Squat", "5")), ((2, 1), ("Curl", "2")), ((3, 1), ("Press", "5"))]
    assert await merged(live, rebuilt) == [
        ((1, 1), ("Squat", "5"), ("Squat", "5")),
        ((1, 2), ("Row", "3"), None),
        ((2, 1), None, ("Curl", "2")),
        ((3, 1), ("Press", "4"), ("Press", "5")),
    ]
    assert await merged([], rebuilt[:1]) == [((1, 1), None, ("Squat", "5"))]
    assert await merged(live[:1], []) == [((1, 1), ("Squat", "5"), None)]
    assert await merged([], []) == []


@pytest.mark.parametrize("side", ["live", "rebuilt"])
async def test_a_stream_out_of_key_order_or_repeating_a_key_is_refused(side):
    for bad in ([((2,), ("b", "1")), ((1,), ("a", "1"))], [((1,), ("a", "1")), ((1,), ("a", "1"))]):
        good: list[Row] = [((1,), ("a", "1"))]
        with pytest.raises(RowsOutOfOrder):
            await (merged(bad, good) if side == "live" else merged(good, bad))


def test_a_row_alike_on_both_sides_has_no_drift():
    assert drift_of("t", ("id",), COLUMNS, (7,), ("Squat", None), ("Squat", None)) is None


def test_a_changed_row_names_only_the_columns_that_differ_null_included():
    drift = drift_of("workout.plans", ("plan_id", "n"), COLUMNS, ("p1", 2), ("Squat", None), ("Squat", "5"))
    assert drift == RowDrift(
        "workout.plans", (("plan_id", "p1"), ("n", "2")), DriftKind.CHANGED, (ColumnDrift("sets", None, "5"),)
    )


def test_a_row_on_one_side_is_missing_or_extra_with_all_its_values():
    assert drift_of("t", ("id",), COLUMNS, (1,), None, ("Squat", "5")) == RowDrift(
        "t",
        (("id", "1"),),
        DriftKind.MISSING,
        (ColumnDrift("name", None, "Squat"), ColumnDrift("sets", None, "5")),
    )
    assert drift_of("t", ("id",), COLUMNS, (1,), ("Squat", "5"), None) == RowDrift(
        "t",
        (("id", "1"),),
        DriftKind.EXTRA,
        (ColumnDrift("name", "Squat", None), ColumnDrift("sets", "5", None)),
    )
    with pytest.raises(ValueError, match="at least one side"):
        drift_of("t", ("id",), COLUMNS, (1,), None, None)


def test_values_stay_out_of_a_drifts_repr():
    drift = drift_of("auth.users", ("id",), ("email",), (1,), ("ada@example.com",), ("eve@example.com",))
    assert "example.com" not in repr(drift)
