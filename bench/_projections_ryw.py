"""Read-your-writes under steady load: commands on an open-loop schedule, each timed until the read model
shows it.

Commands are due on a fixed schedule (`rate` per second) whether or not earlier ones finished, each in
its own task, through the real `CommandHandler` on `PostgresEventStore`. For each: due -> started (event
loop lateness) -> handler returned (the append committed) -> the projection's checkpoint notification
covers the command's position. The delay counts from the moment the command was due, so a saturated
process cannot hide its queueing (no coordinated omission). A command never seen counts as infinite.
"""

from __future__ import annotations

import asyncio
import math
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from application.handler import CommandHandler, CommandMetadata
from bench._projections_catalogue import CHANGE_DESCRIPTIONS, progressed, random_exercise
from bench._projections_watch import CheckpointWatch
from bench._projections_workload import MAX_LIVE_EXERCISES
from domain.actor import Actor
from domain.plans import Plan, evolve
from domain.plans.commands import AddExercise, CreatePlanVersion, PlanCommand, UpdateExercise
from domain.plans.events import PlanEvent

VISIBLE_TIMEOUT_SECONDS = 60.0


@dataclass(slots=True)
class Timing:
    scheduled: float
    started: float
    committed: float
    visible: float | None
    position: int


@dataclass
class RywResult:
    timings: list[Timing] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def unseen(self) -> int:
        return sum(1 for timing in self.timings if timing.visible is None)

    def delays_ms(self) -> list[float]:
        """Due -> visible: the read-your-writes delay."""
        return [_ms(t.scheduled, t.visible) for t in self.timings]

    def lateness_ms(self) -> list[float]:
        return [_ms(t.scheduled, t.started) for t in self.timings]

    def command_ms(self) -> list[float]:
        return [_ms(t.started, t.committed) for t in self.timings]

    def commit_to_visible_ms(self) -> list[float]:
        return [max(_ms(t.committed, t.visible), 0.0) for t in self.timings]

    @property
    def achieved_rate(self) -> float:
        """Commands committed per second, from the first one due to the last commit."""
        if not self.timings:
            return 0.0
        window = max(t.committed for t in self.timings) - min(t.scheduled for t in self.timings)
        return len(self.timings) / window if window > 0 else 0.0


def _ms(earlier: float, later: float | None) -> float:
    return math.inf if later is None else (later - earlier) * 1000


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


class CommandPicker:
    """Realistic commands on live plans: mostly exercise updates, some versions and additions."""

    def __init__(self, plans: list[Plan], rng: random.Random) -> None:
        self._plans = {plan.plan_id: plan for plan in plans if not plan.archived and plan.exercises}
        self._order = list(self._plans)
        rng.shuffle(self._order)
        self._next = 0
        self._in_flight: set[UUID] = set()
        self._rng = rng

    def next_command(self) -> PlanCommand:
        """A command on the least recently used plan with no command in flight, decided on its latest state
        (so every command changes something and no two commands race for one plan)."""
        for _ in range(len(self._order)):
            plan_id = self._order[self._next % len(self._order)]
            self._next += 1
            if plan_id not in self._in_flight:
                break
        else:
            raise RuntimeError("every plan has a command in flight: use more plans or a lower rate")
        self._in_flight.add(plan_id)
        plan = self._plans[plan_id]
        rng, at = self._rng, datetime.now(UTC)
        actor = Actor.AI_COACH if rng.random() < 0.6 else Actor.USER
        roll = rng.random()
        if roll < 0.05 and len(plan.exercises) < MAX_LIVE_EXERCISES:
            exercise = random_exercise(rng, set(plan.exercise_ids))
            return AddExercise(plan_id=plan.plan_id, exercise=exercise, actor=actor, at=at)
        if roll < 0.15:
            description = rng.choice(CHANGE_DESCRIPTIONS)
            return CreatePlanVersion(plan_id=plan.plan_id, change_description=description, actor=actor, at=at)
        current = rng.choice(plan.exercises)
        changes = progressed(rng, current)
        return UpdateExercise(
            plan_id=plan.plan_id, exercise_id=current.exercise_id, changes=changes, actor=actor, at=at
        )

    def record(self, plan_id: UUID, events: tuple[PlanEvent, ...]) -> None:
        """The command on `plan_id` ended with `events` (none if it failed)."""
        self._in_flight.discard(plan_id)
        for event in events:
            state = evolve(self._plans.get(event.plan_id), event)
            if state is not None:
                self._plans[event.plan_id] = state


async def drive(
    handler: CommandHandler[PlanCommand, Plan, PlanEvent],
    watch: CheckpointWatch,
    picker: CommandPicker,
    *,
    rate: float,
    seconds: float,
) -> RywResult:
    result = RywResult()
    count = round(rate * seconds)
    first = time.perf_counter() + 0.05
    tasks = []
    for index in range(count):
        scheduled = first + index / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        command = picker.next_command()
        # Fresh ids: a repeated command id would be answered from the log (idempotency), not re-run.
        metadata = CommandMetadata(command_id=uuid.uuid4(), correlation_id=uuid.uuid4())
        tasks.append(
            asyncio.create_task(_timed(handler, watch, picker, command, metadata, scheduled, result))
        )
    await asyncio.gather(*tasks)
    return result


async def _timed(
    handler: CommandHandler[PlanCommand, Plan, PlanEvent],
    watch: CheckpointWatch,
    picker: CommandPicker,
    command: PlanCommand,
    metadata: CommandMetadata,
    scheduled: float,
    result: RywResult,
) -> None:
    started = time.perf_counter()
    try:
        outcome = await handler.handle(command, metadata)
    except Exception as error:  # reported in the output; a benchmark should not stop on one failure
        picker.record(command.plan_id, ())
        result.failures.append(f"{type(error).__name__}: {error}")
        return
    committed = time.perf_counter()
    picker.record(command.plan_id, outcome.events)
    if not outcome.events:
        result.failures.append(f"{type(command).__name__} changed nothing")
        return
    visible = await watch.visible_at(outcome.position, VISIBLE_TIMEOUT_SECONDS)
    result.timings.append(Timing(scheduled, started, committed, visible, outcome.position))
