"""The library exercises a coach may offer one user: every exercise their restrictions and equipment allow
(read through the `LibraryReadModel` port, page by page up to `MAX_CANDIDATES`), and the few of them a
prompt lists (`MAX_SHOWN`, those the message speaks of first).

Reading and converting up to a thousand rows costs tens of milliseconds of CPU, paid before the model is
asked: `CandidatePool` keeps each restriction profile's list in process under the library's generation
(one cache read per reply), so a change to the library is seen by the next reply. It keeps with it what
ranking them for a message needs (their names' order, each one's words), so a reply pays only for
matching its message's words, not for taking a thousand names apart again. Replies that ask for a list
being built wait for that build rather than start their own (a burst of messages after a library change
would otherwise read the library once per reply, all at once)."""

from __future__ import annotations

import asyncio
import enum
import heapq
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from application.library_views import ExerciseSearch, LibraryExerciseView, LibraryReadModel
from application.plan_reads import MAX_PAGE_SIZE
from domain.library.availability import Availability
from domain.library.contraindications import Contraindication
from domain.library.values import (
    Category,
    Equipment,
    ExerciseDefinition,
    Force,
    Level,
    Mechanic,
    MovementPattern,
    Muscle,
)

MAX_CANDIDATES = 1000
MAX_SHOWN = 40
POOLED_PROFILES = 64
"""Restriction profiles (exclusions and equipment) whose lists a `CandidatePool` keeps, least recently
used first out."""
_WORD = re.compile(r"[a-z]{3,}")
E = TypeVar("E", bound=enum.Enum)


@dataclass(frozen=True, slots=True)
class Candidates:
    available: tuple[ExerciseDefinition, ...]
    plan_exercises: tuple[ExerciseDefinition, ...]
    """The library's definitions of the plan's exercises, in plan order (unknown ids left out)."""
    shown: tuple[ExerciseDefinition, ...]
    """At most `MAX_SHOWN` of `available`, for the prompt's text."""


class CandidatePool:
    def __init__(self, library: LibraryReadModel, *, profiles: int = POOLED_PROFILES) -> None:
        self._library = library
        self._profiles = profiles
        self._kept: OrderedDict[tuple[int, ExerciseSearch], _Ranking] = OrderedDict()
        self._building: dict[tuple[int, ExerciseSearch], asyncio.Task[_Ranking]] = {}

    async def candidates(
        self, availability: Availability, plan_ids: Sequence[str], message: str
    ) -> Candidates:
        ranking = await self._available(availability)
        in_plan = await self._library.exercises(list(plan_ids)) if plan_ids else {}
        plan_exercises = tuple(definition_of(in_plan[i]) for i in plan_ids if i in in_plan)
        return Candidates(ranking.available, plan_exercises, ranking.shown(message))

    async def _available(self, availability: Availability) -> _Ranking:
        search = ExerciseSearch(
            exclude=availability.exclude, available_equipment=availability.available_equipment
        )
        key = (await self._library.generation(), search)
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
            return kept
        building = self._building.get(key)
        if building is None:
            building = asyncio.create_task(self._build(key), name="coach candidates")
            self._building[key] = building
            building.add_done_callback(lambda task: self._built(key, task))
        # Shielded: a reply cancelled while it waits leaves the build to the others waiting for it.
        return await asyncio.shield(building)

    def _built(self, key: tuple[int, ExerciseSearch], task: asyncio.Task[_Ranking]) -> None:
        del self._building[key]
        if not task.cancelled():
            task.exception()  # retrieved here too: every reply waiting for it may have been cancelled

    async def _build(self, key: tuple[int, ExerciseSearch]) -> _Ranking:
        _generation, search = key
        views: list[LibraryExerciseView] = []
        while len(views) < MAX_CANDIDATES:
            page = await self._library.search(search, limit=MAX_PAGE_SIZE, offset=len(views))
            views.extend(page.exercises)
            if not page.has_next or not page.exercises:
                break
        ranking = _Ranking.of(tuple(definition_of(view) for view in views))
        self._kept[key] = ranking
        while len(self._kept) > self._profiles:
            self._kept.popitem(last=False)
        return ranking


@dataclass(frozen=True, slots=True)
class _Ranking:
    """One restriction profile's candidates, ready to be ranked for a message."""

    available: tuple[ExerciseDefinition, ...]
    by_name: tuple[ExerciseDefinition, ...]
    """`available` by name (ties in their order there)."""
    words: tuple[frozenset[str], ...]
    """The words of each of `by_name`: its name's, its primary muscles' and its patterns'."""

    @classmethod
    def of(cls, available: tuple[ExerciseDefinition, ...]) -> _Ranking:
        by_name = tuple(sorted(available, key=lambda definition: definition.name))
        return cls(available, by_name, tuple(_words(definition) for definition in by_name))

    def shown(self, message: str) -> tuple[ExerciseDefinition, ...]:
        """Those whose name, muscles or patterns the message mentions first (most words in common
        first), then the rest by name; `MAX_SHOWN` at most."""
        said = frozenset(_WORD.findall(message.lower()))
        matching = [
            (-common, index) for index, words in enumerate(self.words) if (common := len(words & said))
        ]
        first = [index for _, index in heapq.nsmallest(MAX_SHOWN, matching)]
        taken = set(first)
        rest = (index for index in range(len(self.by_name)) if index not in taken)
        chosen = first + [index for index, _ in zip(rest, range(MAX_SHOWN - len(first)), strict=False)]
        return tuple(self.by_name[index] for index in chosen)


def _words(definition: ExerciseDefinition) -> frozenset[str]:
    words = set(_WORD.findall(definition.name.lower()))
    words |= {part for muscle in definition.primary_muscles for part in muscle.value.split("_")}
    words |= {part for pattern in definition.patterns for part in pattern.value.split("_")}
    return frozenset(words)


def definition_of(view: LibraryExerciseView) -> ExerciseDefinition:
    """The read model's row as the library's definition (values this code does not know are left out)."""
    return ExerciseDefinition(
        exercise_id=view.id,
        name=view.name,
        aliases=view.aliases,
        category=_member(Category, view.category) or Category.STRENGTH,
        level=_member(Level, view.level) or Level.BEGINNER,
        force=_member(Force, view.force),
        mechanic=_member(Mechanic, view.mechanic),
        equipment=members(Equipment, view.equipment) or (Equipment.OTHER,),
        primary_muscles=members(Muscle, view.primary_muscles),
        secondary_muscles=members(Muscle, view.secondary_muscles),
        patterns=members(MovementPattern, view.patterns),
        contraindications=members(Contraindication, view.contraindications),
        cues=view.cues,
        variations=view.variations,
    )


def described(definition: ExerciseDefinition) -> str:
    muscles = ", ".join(muscle.value for muscle in definition.primary_muscles) or "-"
    equipment = ", ".join(item.value for item in definition.equipment)
    return f"{definition.exercise_id}: {definition.name}; {muscles}; {equipment}"


def _member(kind: type[E], value: str | None) -> E | None:
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        return None


def members(kind: type[E], values: Sequence[str]) -> tuple[E, ...]:
    return tuple(member for value in values if (member := _member(kind, value)) is not None)
