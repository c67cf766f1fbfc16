"""The exercise library as a decider: one aggregate per exercise, stream `library-<exerciseId>`.

Pure like the other aggregates. Its facts follow the free-exercise-db's vocabulary (`values`); movement
patterns and contraindication tags are ours (`tagging`, `contraindications`), as is the mapping from
what users write about their conditions to restrictions (`conditions`).
"""

from domain.library.codec import decode, encode
from domain.library.decision import decide
from domain.library.state import LibraryExercise, evolve, fold
from domain.library.streams import LIBRARY_STREAM_PREFIX, library_stream

__all__ = [
    "LIBRARY_STREAM_PREFIX",
    "LibraryExercise",
    "decide",
    "decode",
    "encode",
    "evolve",
    "fold",
    "library_stream",
]
