"""Reading the exercise library: `LibraryExerciseView` (one row of `library.exercises`), the
`ExerciseSearch` a client asks for, and the `LibraryReadModel` port the read side answers it from.

The read model is filled by the `library` projection (checkpoint `LIBRARY_PROJECTION`), so it lags the
log by the projection's lag.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.library.contraindications import Contraindication
from domain.library.state import LibraryExercise
from domain.library.values import Category, Equipment, Level, MovementPattern, Muscle

LIBRARY_PROJECTION = "library"


@dataclass(frozen=True, slots=True)
class LibraryExerciseView:
    id: str
    """The exercise id, e.g. "Barbell_Squat" (what plans hold as `exercise_id`)."""
    slug: str
    name: str
    aliases: tuple[str, ...]
    category: str
    force: str | None
    mechanic: str | None
    level: str
    equipment: tuple[str, ...]
    primary_muscles: tuple[str, ...]
    secondary_muscles: tuple[str, ...]
    patterns: tuple[str, ...]
    contraindications: tuple[str, ...]
    cues: tuple[str, ...]
    variations: tuple[str, ...]
    retired: bool
    version: int
    """The library stream's version the row was built from."""
    updated_at: datetime
    last_position: int


def slug_of(exercise_id: str) -> str:
    """The exercise's URL slug: its id in lower case, '_' as '-' ("Barbell_Squat" -> "barbell-squat")."""
    return exercise_id.lower().replace("_", "-")


def library_view_of(exercise: LibraryExercise, version: int, position: int) -> LibraryExerciseView:
    """The view of an exercise's state at stream `version` (global `position`): what the read model's row
    will hold once the projection has caught up."""
    definition = exercise.definition
    return LibraryExerciseView(
        id=definition.exercise_id,
        slug=slug_of(definition.exercise_id),
        name=definition.name,
        aliases=definition.aliases,
        category=definition.category.value,
        force=None if definition.force is None else definition.force.value,
        mechanic=None if definition.mechanic is None else definition.mechanic.value,
        level=definition.level.value,
        equipment=tuple(item.value for item in definition.equipment),
        primary_muscles=tuple(muscle.value for muscle in definition.primary_muscles),
        secondary_muscles=tuple(muscle.value for muscle in definition.secondary_muscles),
        patterns=tuple(pattern.value for pattern in definition.patterns),
        contraindications=tuple(tag.value for tag in definition.contraindications),
        cues=definition.cues,
        variations=definition.variations,
        retired=exercise.retired,
        version=version,
        updated_at=exercise.updated_at,
        last_position=position,
    )


@dataclass(frozen=True, slots=True)
class ExerciseSearch:
    """What to look for. Every filter narrows the result; an empty set or None means "any"."""

    text: str | None = None
    """Full text over name and aliases, plus trigram similarity for typos ("benchpress", "squatt")."""
    muscles: frozenset[Muscle] = frozenset()
    """Exercises whose primary muscles include any of these."""
    equipment: frozenset[Equipment] = frozenset()
    """Exercises that use any of these."""
    level: Level | None = None
    category: Category | None = None
    pattern: MovementPattern | None = None
    exclude: frozenset[Contraindication] = frozenset()
    """Exercises tagged with none of these."""
    available_equipment: frozenset[Equipment] | None = None
    """When set: only exercises whose every piece of equipment is in it (or needs none)."""


@dataclass(frozen=True, slots=True)
class SearchPage:
    exercises: tuple[LibraryExerciseView, ...]
    total: int
    """How many exercises match, over all pages."""
    offset: int
    """How many matches come before this page."""
    generation: int = 0
    """The library's generation the page was read at: the largest `last_position` of its rows, read in
    the same statement (what `LibraryReads` caches the page under)."""

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.exercises) < self.total


class LibraryReadModel(Protocol):
    async def search(self, search: ExerciseSearch, *, limit: int, offset: int) -> SearchPage:
        """Matching exercises that are not retired: ranked by relevance when `search.text` is set (best
        first), else by name; ties by id. Raises plan_reads.ReadModelUnavailable or ReadError."""
        ...

    async def exercises(self, ids: Sequence[str]) -> dict[str, LibraryExerciseView]:
        """The exercises found among `ids`, retired ones included, in one statement whatever their number
        (for dataloaders); unknown ids are absent from the answer."""
        ...

    async def generation(self) -> int:
        """The library's generation now: the largest `last_position` of its rows (0 when empty)."""
        ...
