"""Folding recorded library events into `library.exercises` rows, with the domain's own `decode` and
`evolve`, so a row equals a replay of its stream by construction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from application.eventstore import RecordedEvent
from application.library_text import trigrams
from application.library_views import slug_of
from domain.library import LibraryExercise, decode, evolve
from domain.library.codec import read_definition
from domain.library.streams import exercise_id_of, library_stream
from projections.library.sql import COLUMNS
from projections.projection import EventFailed

_DEFINITION_ARRAYS = (
    "aliases", "equipment", "primary_muscles", "secondary_muscles", "patterns", "contraindications",
    "cues", "variations",
)  # fmt: skip


@dataclass(slots=True)
class ExerciseTrack:
    exercise_id: str
    state: LibraryExercise | None = None
    version: int = 0
    """The stream's version after the last event folded in."""
    position: int = 0
    dirty: bool = False


Tracks = dict[str, ExerciseTrack]
"""Exercise tracks by stream name."""


def library_exercise_id(event: RecordedEvent) -> str | None:
    """The exercise a `library-<id>` stream's event belongs to; None for other streams."""
    return exercise_id_of(event.stream)


def fold(tracks: Tracks, event: RecordedEvent, exercise_id: str) -> None:
    """Fold one event into its track; an event the track already holds changes nothing."""
    track = tracks.get(event.stream)
    if track is None:
        track = tracks[event.stream] = ExerciseTrack(exercise_id)
    if event.stream_version <= track.version:
        return
    try:
        track.state = evolve(track.state, decode(event.type, event.schema_version, event.data))
    except Exception as error:
        raise EventFailed(event) from error
    track.version, track.position, track.dirty = event.stream_version, event.position, True


def slug_suffix(exercise_id: str) -> str:
    """What tells apart two ids sharing a slug: a short hash of the id itself."""
    return hashlib.sha256(exercise_id.encode()).hexdigest()[:8]


def exercise_row(track: ExerciseTrack) -> dict[str, Any] | None:
    """The row of a defined exercise (`COLUMNS` plus `slug_suffix` and `trigrams`); None before its
    definition."""
    state = track.state
    if state is None:
        return None
    definition = state.definition
    row: dict[str, Any] = {
        "id": definition.exercise_id,
        "slug": slug_of(definition.exercise_id),
        "name": definition.name,
        "category": definition.category.value,
        "force": None if definition.force is None else definition.force.value,
        "mechanic": None if definition.mechanic is None else definition.mechanic.value,
        "level": definition.level.value,
        "retired": state.retired,
        "retired_reason": state.retired_reason,
        "defined_at": state.defined_at.isoformat(),
        "updated_at": state.updated_at.isoformat(),
        "version": track.version,
        "last_position": track.position,
        "slug_suffix": slug_suffix(definition.exercise_id),
        "trigrams": sorted(trigrams([definition.name, *definition.aliases])),
    }
    for name in _DEFINITION_ARRAYS:
        row[name] = [str(item) for item in getattr(definition, name)]
    return row


def track_from_row(row: tuple[Any, ...]) -> ExerciseTrack:
    """A track as its stored row (`COLUMNS`) says it stands."""
    stored = dict(zip(COLUMNS, row, strict=True))
    definition = read_definition({**stored, "exercise_id": stored["id"]})
    defined_at: datetime = stored["defined_at"]
    state = LibraryExercise(
        definition,
        defined_at=defined_at,
        updated_at=stored["updated_at"],
        retired=stored["retired"],
        retired_reason=stored["retired_reason"],
    )
    exercise_id = definition.exercise_id
    return ExerciseTrack(exercise_id, state, stored["version"], stored["last_position"])


def stream_of(track: ExerciseTrack) -> str:
    return library_stream(track.exercise_id)
