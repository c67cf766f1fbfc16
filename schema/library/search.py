"""The library's queries: `exercises` (a Relay connection over a search), `exercise(id)`, and the viewer's
restrictions behind `availableTo`. Thin: arguments become an `ExerciseSearch`, `LibraryReads` answers.

Every resolver here marks the context as having read the library (`Context.read_library`): the
per-user response cache is not told of library changes, so it must not keep such a result.
"""

from __future__ import annotations

from dataclasses import replace

import strawberry

from application.library_views import ExerciseSearch, LibraryExerciseView, SearchPage
from domain.library.availability import Availability, availability_of
from domain.library.contraindications import Contraindication, contraindication_named
from domain.library.values import Category, Equipment, Level, MovementPattern, Muscle
from schema.context import Info
from schema.errors import BadUserInput, NotFound
from schema.ids import parse_library_exercise_id
from schema.library.types import LibraryExercise
from schema.pages import PageInfo, page_size, parse_search_cursor, search_cursor

MAX_SEARCH_LENGTH = 200
MAX_FILTER_VALUES = 50


@strawberry.type
class LibraryExerciseEdge:
    cursor: str
    node: LibraryExercise


@strawberry.type(
    description="What `availableTo` applied for the viewer. Show the unrecognised items: the "
    "search could not take them into account as the user meant."
)
class LibraryRestrictions:
    excluded: list[str] = strawberry.field(
        description="Contraindication tags left out because of the viewer's injuries."
    )
    unrecognised_conditions: list[str] = strawberry.field(
        description="Injuries as the viewer wrote them that were not recognised (a cautious set of tags "
        "is excluded for them instead)."
    )
    unrecognised_equipment: list[str] = strawberry.field(
        description="Equipment as the viewer wrote it that was not recognised (not counted as available)."
    )


@strawberry.type
class LibraryExerciseConnection:
    edges: list[LibraryExerciseEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many exercises match, over all pages.")
    restrictions: LibraryRestrictions | None = strawberry.field(
        description="Set when `availableTo` is true: what the viewer's profile excluded and what of it "
        "was not understood."
    )

    @classmethod
    def of(cls, page: SearchPage, restrictions: LibraryRestrictions | None) -> LibraryExerciseConnection:
        edges = [
            LibraryExerciseEdge(cursor=search_cursor(page.offset + index), node=LibraryExercise.of(view))
            for index, view in enumerate(page.exercises)
        ]
        page_info = PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return cls(edges=edges, page_info=page_info, total_count=page.total, restrictions=restrictions)


def excluded_tags(values: list[str] | None) -> frozenset[Contraindication]:
    """The tags named; BadUserInput (naming the unknown ones) for a string the vocabulary lacks."""
    if not values:
        return frozenset()
    if len(values) > MAX_FILTER_VALUES:
        raise BadUserInput(f"name at most {MAX_FILTER_VALUES} tags", field="excludeContraindications")
    tags = {value: contraindication_named(value) for value in values}
    unknown = sorted(value for value, tag in tags.items() if tag is None)
    if unknown:
        raise BadUserInput(
            f"unknown contraindication tags: {', '.join(unknown)}",
            field="excludeContraindications",
            unknown=unknown,
        )
    return frozenset(tag for tag in tags.values() if tag is not None)


def search_text(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) > MAX_SEARCH_LENGTH:
        raise BadUserInput(f"search must be at most {MAX_SEARCH_LENGTH} characters", field="search")
    return value.strip() or None


async def viewer_availability(info: Info) -> tuple[Availability, LibraryRestrictions]:
    """What the signed-in viewer's profile allows (`availableTo: true`): their injuries mapped to
    restriction tags and their equipment to the library's, with what could not be understood."""
    viewer = info.context.require_viewer()
    profile = await info.context.loaders.users.load(viewer.user_id)
    injuries = profile.injuries if profile is not None else ()
    equipment = profile.available_equipment if profile is not None else ()
    availability = availability_of(injuries, equipment)
    restrictions = LibraryRestrictions(
        excluded=sorted(tag.value for tag in availability.exclude),
        unrecognised_conditions=list(availability.unrecognised_conditions),
        unrecognised_equipment=list(availability.unrecognised_equipment),
    )
    return availability, restrictions


async def search_exercises(
    info: Info,
    *,
    search: str | None,
    muscles: list[Muscle] | None,
    equipment: list[Equipment] | None,
    level: Level | None,
    category: Category | None,
    pattern: MovementPattern | None,
    exclude_contraindications: list[str] | None,
    available_to: bool | None,
    first: int | None,
    after: str | None,
) -> LibraryExerciseConnection:
    info.context.require_viewer()
    limit = page_size(first)
    offset = parse_search_cursor(after) if after is not None else 0
    wanted = ExerciseSearch(
        text=search_text(search),
        muscles=frozenset(muscles or ()),
        equipment=frozenset(equipment or ()),
        level=level,
        category=category,
        pattern=pattern,
        exclude=excluded_tags(exclude_contraindications),
    )
    restrictions = None
    if available_to:
        availability, restrictions = await viewer_availability(info)
        wanted = replace(
            wanted,
            exclude=wanted.exclude | availability.exclude,
            available_equipment=availability.available_equipment,
        )
    info.context.read_library = True
    page = await info.context.services.library_reads.search(wanted, limit=limit, offset=offset)
    return LibraryExerciseConnection.of(page, restrictions)


async def library_exercise(info: Info, id: strawberry.ID) -> LibraryExercise:
    """A library exercise by its global id, retired or not; NotFound when the library has no such id."""
    info.context.require_viewer()
    exercise_id = parse_library_exercise_id(id)
    view = await load_library_exercise(info, exercise_id)
    if view is None:
        raise NotFound("no library exercise with that id")
    return LibraryExercise.of(view)


async def load_library_exercise(info: Info, exercise_id: str) -> LibraryExerciseView | None:
    info.context.read_library = True
    view: LibraryExerciseView | None = await info.context.loaders.library_exercises.load(exercise_id)
    return view
