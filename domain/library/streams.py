"""Stream names of the exercise library: one stream per exercise, `library-<exerciseId>`."""

from __future__ import annotations

LIBRARY_STREAM_PREFIX = "library-"


def library_stream(exercise_id: str) -> str:
    return f"{LIBRARY_STREAM_PREFIX}{exercise_id}"


def exercise_id_of(stream: str) -> str | None:
    """The exercise id of a library stream's name; None for any other stream."""
    if not stream.startswith(LIBRARY_STREAM_PREFIX):
        return None
    return stream[len(LIBRARY_STREAM_PREFIX) :]
