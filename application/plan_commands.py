"""Workout-plan commands as the API issues them: who may change a plan, and what the write produced.

Ownership is checked by a guard on the same folded state `decide` sees, so there is no window between
the check and the write. Someone else's plan is reported as not found, so ids cannot be probed.
The result is the plan as of the write itself (the state the command was decided on, plus its events),
never read-model data.

An exercise a plan takes (an addition, or a swap to another id) must be in the exercise library and not
retired; its name, when left blank, is the library's. Exercises already in a plan are not checked again,
so plans that hold ids from before the library stay readable and editable; nor is a retried command id,
which gets its first result even if the exercise has left the library since.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from uuid import UUID, uuid4

from application.eventstore import EventStore
from application.exercise_catalogue import CatalogueEntry, ExerciseCatalogue
from application.handler import CommandHandler, CommandMetadata
from application.plan_views import ExerciseView, PlanView, VersionView
from domain.library.errors import RetiredExercise, UnknownExercise
from domain.plans import Plan, decode, fold
from domain.plans.commands import AddExercise, CreateWorkoutPlan, PlanCommand, UpdateExercise
from domain.plans.errors import PlanNotFound
from domain.plans.events import PlanEvent, WorkoutPlanCreated
from domain.plans.streams import plan_stream
from domain.plans.values import PlannedExercise


@dataclass(frozen=True, slots=True)
class Requester:
    user_id: UUID
    is_admin: bool = False


@dataclass(frozen=True, slots=True)
class PlanWritten:
    plan: PlanView
    versions: tuple[VersionView, ...]
    position: int
    """Global position of the write, for read-your-writes on the read models."""
    repeated: bool = field(default=False, compare=False)
    """True when the command id had been handled before: this is its first result, nothing new was written."""


class PlanCommands:
    def __init__(
        self,
        store: EventStore,
        handler: CommandHandler[PlanCommand, Plan, PlanEvent],
        catalogue: ExerciseCatalogue,
    ) -> None:
        self._store = store
        self._handler = handler
        self._catalogue = catalogue

    async def execute(
        self,
        requester: Requester,
        command: PlanCommand,
        *,
        command_id: UUID | None = None,
        expected_version: int | None = None,
        correlation_id: UUID | None = None,
    ) -> PlanWritten:
        """Raises DomainError (PlanNotFound for a plan the requester may not change; UnknownExercise or
        RetiredExercise for an exercise the library does not offer). `correlation_id` ties the write to
        the request it is part of (an accepted coach suggestion); by default the command id."""
        try:
            command = await self._with_library(command)
        except (UnknownExercise, RetiredExercise):
            if command_id is None or not await self._handled(command.plan_id, command_id):
                raise
            # A retry of a write made before the exercise left the library: the handler answers it with
            # its first result, as any other retry.

        def guard(state: Plan | None) -> None:
            if isinstance(command, CreateWorkoutPlan):
                if command.owner_id != requester.user_id and not requester.is_admin:
                    raise PlanNotFound(command.plan_id)
                if state is not None and state.owner_id != command.owner_id:
                    # Someone else's command id (the plan id derives from it): never answer with their plan.
                    raise PlanNotFound(command.plan_id)
                return
            if state is None or (state.owner_id != requester.user_id and not requester.is_admin):
                raise PlanNotFound(command.plan_id)

        command_id = command_id or uuid4()
        metadata = CommandMetadata(
            command_id=command_id, correlation_id=correlation_id or command_id, user_id=requester.user_id
        )
        result = await self._handler.handle(command, metadata, expected_version=expected_version, guard=guard)
        if not result.repeated and isinstance(result.state, Plan):
            plan, position = result.state, result.position
        else:  # a repeat: the plan as that first write left it, not as it is now
            plan, position = await self._plan_at(command.plan_id, result.stream_version)
        view = plan_view_of(plan, result.stream_version, position)
        return PlanWritten(view, versions_of(plan), result.position, repeated=result.repeated)

    async def _with_library(self, command: PlanCommand) -> PlanCommand:
        """The command with blank exercise names filled in from the library; raises for an exercise the
        library does not offer."""
        if isinstance(command, AddExercise):
            exercise = command.exercise
            entry = await self._offered(exercise.exercise_id, "exercise.exercise_id")
            if exercise.name.strip():
                return command
            return replace(command, exercise=replace(exercise, name=entry.name))
        if isinstance(command, UpdateExercise):
            changes = command.changes
            if changes.exercise_id is None or changes.exercise_id == command.exercise_id:
                return command  # the exercise stays: a legacy id is as editable as it was
            entry = await self._offered(changes.exercise_id, "new_exercise_id")
            if changes.name is not None and changes.name.strip():
                return command
            return replace(command, changes=replace(changes, name=entry.name))
        return command

    async def _handled(self, plan_id: UUID, command_id: UUID) -> bool:
        recorded = await self._store.read_stream(plan_stream(plan_id))
        return any(record.metadata.command_id == command_id for record in recorded)

    async def _offered(self, exercise_id: str, field: str) -> CatalogueEntry:
        entry = await self._catalogue.entry(exercise_id)
        if entry is None:
            raise UnknownExercise(exercise_id, field)
        if entry.retired:
            raise RetiredExercise(exercise_id, field)
        return entry

    async def _plan_at(self, plan_id: UUID, version: int) -> tuple[Plan, int]:
        recorded = await self._store.read_stream(plan_stream(plan_id), to_version=version)
        plan = fold(decode(record.type, record.schema_version, record.data) for record in recorded)
        if plan is None:
            raise PlanNotFound(plan_id)
        return plan, recorded[-1].position

    async def owner_of(self, plan_id: UUID) -> UUID | None:
        """The plan's owner from its first event: fresh, whatever the read models' lag."""
        first = await self._store.read_stream(plan_stream(plan_id), limit=1)
        if not first:
            return None
        created = decode(first[0].type, first[0].schema_version, first[0].data)
        return created.owner_id if isinstance(created, WorkoutPlanCreated) else None


def plan_view_of(plan: Plan, version: int, position: int) -> PlanView:
    return PlanView(
        id=plan.plan_id,
        user_id=plan.owner_id,
        name=plan.name,
        description=plan.description,
        difficulty_level=plan.difficulty.value,
        duration_minutes=plan.duration_minutes,
        version=version,
        latest_version_number=plan.latest_version,
        is_active=not plan.archived,
        created_by=plan.created_by.value,
        created_at=plan.created_at,
        updated_at=plan.updated_at,
        last_position=position,
        exercises=tuple(exercise_view_of(exercise) for exercise in plan.exercises),
    )


def versions_of(plan: Plan) -> tuple[VersionView, ...]:
    return tuple(
        VersionView(
            plan_id=plan.plan_id,
            version_number=version.number,
            parent_version=version.parent,
            exercises=tuple(exercise_view_of(exercise) for exercise in version.exercises),
            change_description=version.change_description,
            changed_by=version.changed_by.value,
            created_at=version.created_at,
        )
        for version in plan.versions
    )


def exercise_view_of(exercise: PlannedExercise) -> ExerciseView:
    return ExerciseView(
        exercise_id=exercise.exercise_id,
        name=exercise.name,
        sets=exercise.sets,
        reps=exercise.reps,
        weight_kg=exercise.weight_kg,
        rest_seconds=exercise.rest_seconds,
        tempo=exercise.tempo,
        notes=exercise.notes,
        alternatives=exercise.alternatives,
    )
