"""What `fitcoach audit history|state|diff|trace --json` print for tools: one JSON object each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from application.audit.plan_changes import PlanChanges
from application.audit.records import AuditRecord
from application.audit.time_travel import PlanAt, SessionAt, UserAt
from application.plan_views import VersionView
from domain.event_codec import to_json
from domain.plans.diff import PlanDiff


def records_json(records: Sequence[AuditRecord]) -> list[dict[str, Any]]:
    return [record.to_json() for record in records]


def history_json(stream: str, version: int, records: Sequence[AuditRecord]) -> dict[str, Any]:
    return {"stream": stream, "version": version, "events": records_json(records)}


def trace_json(correlation_id: str, records: Sequence[AuditRecord]) -> dict[str, Any]:
    return {"correlation_id": correlation_id, "events": records_json(records)}


def _as_of(last: AuditRecord) -> dict[str, Any]:
    return {
        "stream": last.stream,
        "version": last.version,
        "position": last.position,
        "last_event": last.to_json(),
    }


def version_json(version: VersionView) -> dict[str, Any]:
    return {
        "version_number": version.version_number,
        "parent_version": version.parent_version,
        "change_description": version.change_description,
        "changed_by": version.changed_by,
        "created_at": version.created_at.isoformat(),
        "exercises": [exercise.to_json() for exercise in version.exercises],
    }


def plan_json(found: PlanAt) -> dict[str, Any]:
    versions = [version_json(version) for version in found.versions]
    return {**_as_of(found.last), "plan": found.view.to_json(), "versions": versions}


def user_json(found: UserAt) -> dict[str, Any]:
    view = found.view
    if found.forgotten_at is not None:
        forgotten = found.forgotten_at.isoformat()
        return {**_as_of(found.last), "user": None, "abandoned_at": None, "forgotten_at": forgotten}
    if view is None:
        assert found.abandoned_at is not None
        return {
            **_as_of(found.last),
            "user": None,
            "abandoned_at": found.abandoned_at.isoformat(),
            "forgotten_at": None,
        }
    user = {
        "id": str(view.id),
        "email": view.email,
        "display_name": view.display_name,
        "date_of_birth": None if view.date_of_birth is None else view.date_of_birth.isoformat(),
        "gender": view.gender,
        "height_cm": view.height_cm,
        "weight_kg": view.weight_kg,
        "fitness_level": view.fitness_level,
        "preferences": dict(view.preferences),
        "goals": list(view.goals),
        "injuries": list(view.injuries),
        "available_equipment": list(view.available_equipment),
        "identity_providers": list(view.identity_providers),
        "role": view.role,
        "version": view.version,
        "created_at": view.created_at.isoformat(),
        "updated_at": view.updated_at.isoformat(),
    }
    return {**_as_of(found.last), "user": user, "abandoned_at": None, "forgotten_at": None}


def session_json(found: SessionAt) -> dict[str, Any]:
    view = found.view
    session = {
        "id": str(view.id),
        "user_id": str(view.user_id),
        "personality": view.personality,
        "plan_id": None if view.plan_id is None else str(view.plan_id),
        "status": view.status,
        "message_count": view.message_count,
        "waiting_messages": found.waiting_messages,
        "started_at": view.started_at.isoformat(),
        "updated_at": view.updated_at.isoformat(),
        "ended_at": None if view.ended_at is None else view.ended_at.isoformat(),
        "version": view.version,
    }
    suggestions = [
        {
            "suggestion_id": str(s.suggestion_id),
            "kind": s.kind,
            "exercise_id": s.exercise_id,
            "replaces": s.replaces,
            "status": s.status,
            "plan_version": s.plan_version,
        }
        for s in found.suggestions
    ]
    return {**_as_of(found.last), "session": session, "suggestions": suggestions}


def diff_json(changes: PlanChanges) -> dict[str, Any]:
    authors = [
        {"actor": a.actor, "user_id": None if a.user_id is None else str(a.user_id), "events": a.events}
        for a in changes.authors
    ]
    return {
        "plan_id": str(changes.plan_id),
        "from_version": changes.from_version,
        "to_version": changes.to_version,
        "changed_by": authors,
        "diff": plan_diff_json(changes.diff),
        "events": records_json(changes.events),
    }


def plan_diff_json(diff: PlanDiff) -> dict[str, Any]:
    return {
        "fields": [
            {"field": c.field, "before": to_json(c.before), "after": to_json(c.after)} for c in diff.fields
        ],
        "removed": [to_json(exercise) for exercise in diff.removed],
        "added": [{"index": a.index, "exercise": to_json(a.exercise)} for a in diff.added],
        "changed": [
            {
                "exercise_id": c.exercise_id,
                "fields": [
                    {"field": f.field, "before": to_json(f.before), "after": to_json(f.after)}
                    for f in c.fields
                ],
            }
            for c in diff.changed
        ],
        "reordered": None if diff.reordered is None else list(diff.reordered),
        "versions_added": [to_json(version) for version in diff.versions_added],
    }
