"""Exercise libraries in the free-exercise-db format: the shipped one (`shipped_library`, package data
built by `extract` from the public-domain upstream file, facts only) and any file of that format
(`read_library`), parsed into a `LibrarySource` with our tags, cues and variations (`parse_library`)."""

from adapters.exercise_data.parse import parse_library, read_library, shipped_library

__all__ = ["parse_library", "read_library", "shipped_library"]
