"""The projections this application runs, listed explicitly. Adding a read model: write its module,
add it here, and `fitcoach migrate` creates its tables. Nothing registers itself."""

from __future__ import annotations

from projections.coaching.projection import CoachingProjection
from projections.library.projection import LibraryProjection
from projections.projection import Projection
from projections.users.projection import UsersProjection
from projections.workout.projection import WorkoutPlansProjection

PROJECTIONS: tuple[Projection, ...] = (
    WorkoutPlansProjection(),
    UsersProjection(),
    CoachingProjection(),
    LibraryProjection(),
)


READS_PERSONAL_DATA = frozenset({"users", "coaching"})
"""The projections whose rows hold personal fields (`domain.privacy`): they read the log with those fields
opened. The others read it as written and never ask for a data key."""


class UnknownProjection(LookupError):
    code = "UNKNOWN_PROJECTION"

    def __init__(self, name: str) -> None:
        known = ", ".join(projection.name for projection in PROJECTIONS)
        super().__init__(f"no projection named {name!r} (known: {known})")
        self.name = name


def projection_named(name: str) -> Projection:
    for projection in PROJECTIONS:
        if projection.name == name:
            return projection
    raise UnknownProjection(name)
