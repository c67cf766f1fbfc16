"""How `fitcoach audit verify` prints its report: a table and every drifted row for people, or one JSON
object (`--json`) with every value in full for tools."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from application.audit.row_comparison import DriftKind, RowDrift
from application.audit.verify import ProjectionReport, TableReport, VerifyReport

SHOWN_VALUE_LENGTH = 160
"""Longer values are cut in the text report (a plan version's exercises, say); `--json` has them whole."""
_HEADERS = ("PROJECTION", "CHECKPOINT", "TABLE", "KEY", "LIVE", "REBUILT", "COMPARED", "DRIFTED")
_KINDS = {
    DriftKind.CHANGED: "changed",
    DriftKind.MISSING: "missing from the live read model",
    DriftKind.EXTRA: "only in the live read model (the log does not give it)",
}


def report_text(report: VerifyReport, seconds: float) -> str:
    rate = report.events_replayed / seconds if seconds > 0 else 0.0
    scope = "every row compared" if report.sample is None else f"{report.sample:,} random keys per table"
    lines = [
        f"rebuilt {len(report.projections)} projection(s) from {report.events_replayed:,} events up to their "
        f"live checkpoints in {seconds:.1f} s ({rate:,.0f} events/s); {scope}",
        "",
        _table(report.projections),
    ]
    shapes = [note for projection in report.projections for note in _shape_notes(projection)]
    if shapes:
        lines += ["", "tables whose shape differs (`fitcoach projections rebuild NAME` fixes it):", *shapes]
    drifts = [(p.projection, drift) for p in report.projections for drift in p.drifts]
    if drifts:
        lines += ["", f"drifted rows ({len(drifts):,}):"]
        for projection, drift in drifts:
            lines += _drift_lines(projection, drift)
    lines += ["", _verdict(report)]
    return "\n".join(lines)


def report_json(report: VerifyReport, seconds: float) -> str:
    return json.dumps(
        {
            "drifted": report.drifted,
            "drift_count": report.drift_count,
            "events_replayed": report.events_replayed,
            "sample": report.sample,
            "seconds": round(seconds, 3),
            "projections": [_projection_json(projection) for projection in report.projections],
        },
        ensure_ascii=False,
    )


def _table(projections: Sequence[ProjectionReport]) -> str:
    rows = [
        (
            *(p.projection, str(p.checkpoint), t.table, ", ".join(t.key_columns)),
            *(f"{t.live_rows:,}", f"{t.rebuilt_rows:,}", f"{t.compared_rows:,}", f"{t.drifted_rows:,}"),
        )
        for p in projections
        for t in p.tables
    ]
    widths = [max(len(cells[i]) for cells in (_HEADERS, *rows)) for i in range(len(_HEADERS))]

    def line(cells: Sequence[str]) -> str:
        left = [cell.ljust(width) for cell, width in zip(cells[:4], widths, strict=False)]
        right = [cell.rjust(width) for cell, width in zip(cells[4:], widths[4:], strict=True)]
        return "  ".join([*left, *right]).rstrip()

    return "\n".join(line(cells) for cells in (_HEADERS, *rows))


def _shape_notes(projection: ProjectionReport) -> list[str]:
    notes = []
    for table in projection.tables:
        if table.only_in is not None:
            notes.append(f"  {projection.projection}  {table.table}: only in the {table.only_in} tables")
        if table.live_only_columns:
            notes.append(f"  {table.table}: columns only live: {', '.join(table.live_only_columns)}")
        if table.rebuilt_only_columns:
            notes.append(f"  {table.table}: columns only rebuilt: {', '.join(table.rebuilt_only_columns)}")
    return notes


def _drift_lines(projection: str, drift: RowDrift) -> list[str]:
    key = ", ".join(f"{column}={value}" for column, value in drift.key)
    lines = [f"  {projection}  {drift.table}  {key}  {_KINDS[drift.kind]}"]
    for column in drift.columns:
        if drift.kind is DriftKind.CHANGED:
            live, rebuilt = _shown(column.live), _shown(column.rebuilt)
            lines.append(f"      {column.column}: live {live} | rebuilt {rebuilt}")
        else:
            value = column.rebuilt if drift.kind is DriftKind.MISSING else column.live
            lines.append(f"      {column.column}: {_shown(value)}")
    return lines


def _shown(value: str | None) -> str:
    if value is None:
        return "NULL"
    text = repr(value)
    return text if len(text) <= SHOWN_VALUE_LENGTH else f"{text[: SHOWN_VALUE_LENGTH - 1]}…"


def _verdict(report: VerifyReport) -> str:
    if not report.drifted:
        return "OK: every live read model verified is what the log gives"
    drifted = [p.projection for p in report.projections if p.drifted]
    return f"DRIFT: {report.drift_count:,} row(s) differ from the log in {', '.join(drifted)}"


def _projection_json(projection: ProjectionReport) -> dict[str, Any]:
    return {
        "projection": projection.projection,
        "checkpoint": projection.checkpoint,
        "drifted": projection.drifted,
        "tables": [_table_json(table) for table in projection.tables],
        "drifts": [
            {
                "table": drift.table,
                "key": dict(drift.key),
                "kind": drift.kind.value,
                "columns": [
                    {"column": c.column, "live": c.live, "rebuilt": c.rebuilt} for c in drift.columns
                ],
            }
            for drift in projection.drifts
        ],
    }


def _table_json(table: TableReport) -> dict[str, Any]:
    return {
        "table": table.table,
        "key_columns": list(table.key_columns),
        "live_rows": table.live_rows,
        "rebuilt_rows": table.rebuilt_rows,
        "compared_rows": table.compared_rows,
        "drifted_rows": table.drifted_rows,
        "live_only_columns": list(table.live_only_columns),
        "rebuilt_only_columns": list(table.rebuilt_only_columns),
        "only_in": None if table.only_in is None else table.only_in.value,
    }
