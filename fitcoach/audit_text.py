"""What `fitcoach audit history|state|diff|trace` print for people: aligned tables and labelled lines.

Times are UTC. Texts that came from users are shown quoted (`repr`), so no control character reaches
the terminal; summaries quote theirs already.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

from application.audit.plan_changes import PlanChanges
from application.audit.records import AuditRecord
from application.audit.time_travel import PlanAt, SessionAt, UserAt
from domain.audit.summaries import prescription
from domain.event_codec import to_json
from domain.plans.diff import PlanDiff
from domain.plans.values import PlannedExercise

EVENT_HEADERS = ("POS", "VER", "RECORDED (UTC)", "TYPE", "ACTOR", "USER", "COMMAND", "CORRELATION", "SUMMARY")
TRACE_HEADERS = ("POS", "STREAM", "VER", "RECORDED (UTC)", "TYPE", "ACTOR", "USER", "COMMAND", "SUMMARY")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "") -> str:
    """Columns padded to their widest cell; the last column is left as it is."""
    widths = [max(len(cells[i]) for cells in (headers, *rows)) for i in range(len(headers) - 1)]

    def line(cells: Sequence[str]) -> str:
        padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=False)]
        return (indent + "  ".join([*padded, cells[-1]])).rstrip()

    return "\n".join(line(cells) for cells in (headers, *rows))


def moment(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def optional(value: UUID | str | None) -> str:
    return "-" if value is None else str(value)


def history_text(stream: str, version: int, records: Sequence[AuditRecord]) -> str:
    rows = [
        (
            str(r.position),
            str(r.version),
            moment(r.recorded_at),
            r.type,
            r.actor,
            optional(r.user_id),
            str(r.command_id),
            str(r.correlation_id),
            r.summary,
        )
        for r in records
    ]
    return f"{stream}: {len(records)} of {version} events\n{table(EVENT_HEADERS, rows)}"


def trace_text(correlation_id: UUID, records: Sequence[AuditRecord]) -> str:
    rows = [
        (
            str(r.position),
            r.stream,
            str(r.version),
            moment(r.recorded_at),
            r.type,
            r.actor,
            optional(r.user_id),
            str(r.command_id),
            r.summary,
        )
        for r in records
    ]
    streams = len({r.stream for r in records})
    heading = f"correlation {correlation_id}: {len(records)} events in {streams} streams"
    return f"{heading}\n{table(TRACE_HEADERS, rows)}"


def _as_of(kind: str, raw_id: UUID, last: AuditRecord) -> str:
    return (
        f"{kind} {raw_id} at version {last.version} (position {last.position},"
        f" recorded {moment(last.recorded_at)} UTC, last event {last.type} by {last.actor})"
    )


def _fields(pairs: Sequence[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in pairs) + 1
    return "\n".join(f"{(label + ':').ljust(width)} {value}" for label, value in pairs)


EXERCISE_HEADERS = ("#", "EXERCISE", "NAME", "SETS", "REPS", "WEIGHT KG", "REST S", "TEMPO", "NOTES")


def exercise_rows(exercises: Sequence[PlannedExercise]) -> list[tuple[str, ...]]:
    return [
        (
            str(index),
            e.exercise_id,
            repr(e.name),
            str(e.sets),
            str(e.reps),
            f"{e.weight_kg:g}",
            str(e.rest_seconds),
            e.tempo or "-",
            repr(e.notes) if e.notes else "-",
        )
        for index, e in enumerate(exercises, start=1)
    ]


def plan_text(found: PlanAt) -> str:
    view, plan = found.view, found.plan
    lines = [
        _as_of("workout plan", view.id, found.last),
        _fields(
            [
                ("owner", str(view.user_id)),
                ("name", repr(view.name)),
                ("description", repr(view.description)),
                ("difficulty", view.difficulty_level),
                ("duration", f"{view.duration_minutes} min"),
                ("active", "yes" if view.is_active else "no (archived)"),
                ("created", f"{moment(view.created_at)} by {view.created_by}"),
                ("updated", moment(view.updated_at)),
                (
                    "latest version",
                    optional(None if view.latest_version_number is None else str(view.latest_version_number)),
                ),
            ]
        ),
        f"exercises ({len(plan.exercises)}):",
        table(EXERCISE_HEADERS, exercise_rows(plan.exercises), indent="  ") if plan.exercises else "  none",
    ]
    if found.versions:
        rows = [
            (
                str(v.version_number),
                optional(None if v.parent_version is None else str(v.parent_version)),
                v.changed_by,
                moment(v.created_at),
                str(len(v.exercises)),
                repr(v.change_description),
            )
            for v in found.versions
        ]
        headers = ("NUMBER", "PARENT", "BY", "CREATED (UTC)", "EXERCISES", "DESCRIPTION")
        lines += [f"saved versions ({len(found.versions)}):", table(headers, rows, indent="  ")]
    return "\n".join(lines)


def user_text(raw_id: UUID, found: UserAt) -> str:
    heading = _as_of("user", raw_id, found.last)
    view = found.view
    if found.forgotten_at is not None:
        return f"{heading}\nforgotten (personal data erased) at {moment(found.forgotten_at)} UTC"
    if view is None:
        assert found.abandoned_at is not None
        return f"{heading}\nregistration abandoned at {moment(found.abandoned_at)} UTC"
    preferences = ", ".join(f"{key}={value!r}" for key, value in sorted(view.preferences.items()))
    return "\n".join(
        [
            heading,
            _fields(
                [
                    ("email", repr(view.email)),
                    ("display name", repr(view.display_name)),
                    ("role", view.role),
                    (
                        "date of birth",
                        optional(None if view.date_of_birth is None else view.date_of_birth.isoformat()),
                    ),
                    ("gender", optional(view.gender)),
                    ("height", "-" if view.height_cm is None else f"{view.height_cm:g} cm"),
                    ("weight", "-" if view.weight_kg is None else f"{view.weight_kg:g} kg"),
                    ("fitness level", optional(view.fitness_level)),
                    ("goals", ", ".join(map(repr, view.goals)) or "-"),
                    ("injuries", ", ".join(map(repr, view.injuries)) or "-"),
                    ("equipment", ", ".join(map(repr, view.available_equipment)) or "-"),
                    ("preferences", preferences or "-"),
                    ("sign-ins", ", ".join(view.identity_providers) or "password only"),
                    ("registered", moment(view.created_at)),
                    ("updated", moment(view.updated_at)),
                ]
            ),
        ]
    )


def session_text(found: SessionAt) -> str:
    view = found.view
    lines = [
        _as_of("coaching session", view.id, found.last),
        _fields(
            [
                ("user", str(view.user_id)),
                ("personality", view.personality),
                ("plan", optional(view.plan_id)),
                ("status", view.status),
                ("messages", str(view.message_count)),
                ("waiting for a reply", str(found.waiting_messages)),
                ("started", moment(view.started_at)),
                ("updated", moment(view.updated_at)),
                ("ended", "-" if view.ended_at is None else moment(view.ended_at)),
            ]
        ),
        f"suggestions ({len(found.suggestions)}):",
    ]
    if found.suggestions:
        rows = [
            (
                str(s.suggestion_id),
                s.kind,
                optional(s.exercise_id),
                optional(s.replaces),
                s.status,
                "-" if s.plan_version is None else str(s.plan_version),
            )
            for s in found.suggestions
        ]
        headers = ("SUGGESTION", "KIND", "EXERCISE", "REPLACES", "STATUS", "PLAN VERSION")
        lines.append(table(headers, rows, indent="  "))
    else:
        lines.append("  none")
    return "\n".join(lines)


def diff_text(changes: PlanChanges) -> str:
    authors = ", ".join(
        f"{a.actor} {optional(a.user_id)} ({a.events} event{'s' if a.events != 1 else ''})"
        for a in changes.authors
    )
    lines = [
        f"workout plan {changes.plan_id}: version {changes.from_version} -> {changes.to_version}",
        f"changed by: {authors or 'nobody (the same version)'}",
    ]
    lines += diff_lines(changes.diff)
    if changes.events:
        rows = [
            (str(r.version), moment(r.recorded_at), r.type, r.actor, optional(r.user_id), r.summary)
            for r in changes.events
        ]
        headers = ("VER", "RECORDED (UTC)", "TYPE", "ACTOR", "USER", "SUMMARY")
        lines += ["events:", table(headers, rows, indent="  ")]
    return "\n".join(lines)


def diff_lines(diff: PlanDiff) -> list[str]:
    if diff.is_empty:
        return ["no change"]
    lines = [f"  {c.field}: {to_json(c.before)!r} -> {to_json(c.after)!r}" for c in diff.fields]
    lines += [f"  - {prescription(exercise)}" for exercise in diff.removed]
    lines += [f"  + #{added.index + 1} {prescription(added.exercise)}" for added in diff.added]
    for changed in diff.changed:
        fields = ", ".join(f"{f.field} {to_json(f.before)!r} -> {to_json(f.after)!r}" for f in changed.fields)
        lines.append(f"  ~ {changed.exercise_id}: {fields}")
    if diff.reordered is not None:
        lines.append(f"  reordered: {', '.join(diff.reordered)}")
    for version in diff.versions_added:
        lines.append(
            f"  saved version {version.number} by {version.changed_by.value}: {version.change_description!r}"
        )
    return ["changes:", *lines]
