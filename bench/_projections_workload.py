"""The projection benchmark's workload: many workout plans living their lives side by side.

Every plan runs a script of commands through the real decider (`decide` on the folded state, then
`evolve`), so every event is valid under the domain rules by construction. Plans start at random moments
over a few months and issue commands at random gaps; `interleaved` merges all plans by time, so the log
mixes plans the way live traffic would. The mix per plan: created, a handful of exercises added, many
updates, some reorders and remove + re-add, a version every so often, a few reverts, a rename now and
then, and rarely an archive at the end. Seeded, so a run is repeatable.
"""

from __future__ import annotations

import heapq
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from application.eventstore import EventMetadata, NewEvent
from application.integrity.chain import chain_events
from bench._projections_catalogue import (
    CATALOGUE,
    CHANGE_DESCRIPTIONS,
    DESCRIPTIONS,
    PLAN_NAMES,
    progressed,
    random_exercise,
)
from domain.actor import Actor
from domain.plans import Plan, decide, encode, evolve, validation
from domain.plans.commands import (
    AddExercise,
    ArchiveWorkoutPlan,
    CreatePlanVersion,
    CreateWorkoutPlan,
    PlanCommand,
    RemoveExercise,
    RenameWorkoutPlan,
    ReorderExercises,
    RevertPlanToVersion,
    UpdateExercise,
)
from domain.plans.streams import plan_stream
from domain.plans.values import Difficulty

HISTORY_START = datetime(2025, 1, 6, tzinfo=UTC).timestamp()
HISTORY_SECONDS = 120 * 86_400
ARCHIVED_SHARE = 0.03
MAX_LIVE_EXERCISES = min(validation.MAX_EXERCISES, len(CATALOGUE))
# Relative weights of the commands a plan issues once it has its first exercises.
STEADY_MIX = {"update": 68, "version": 8, "reorder": 5, "remove": 4, "add": 5, "revert": 1, "rename": 1}


@dataclass(frozen=True, slots=True)
class Append:
    """One command's events, as the command handler would append them."""

    at: float
    stream: str
    events: list[NewEvent]


@dataclass(frozen=True, slots=True)
class PlanTimeline:
    plan_id: uuid.UUID
    owner_id: uuid.UUID
    events: int
    start: float
    end: float
    archive: bool


def random_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def timelines(events: int, plans: int, rng: random.Random) -> list[PlanTimeline]:
    """Each plan's share of `events` (uneven, at least 2 each, summing exactly) and its active period."""
    if plans < 1 or events < 2 * plans:
        raise ValueError("need at least one plan and two events per plan")
    weights = [rng.lognormvariate(0.0, 0.5) for _ in range(plans)]
    spare = events - 2 * plans
    counts = [2 + int(spare * weight / sum(weights)) for weight in weights]
    for index in rng.sample(range(plans), events - sum(counts)):
        counts[index] += 1
    result = []
    for count in counts:
        start = HISTORY_START + rng.random() * HISTORY_SECONDS * 0.8
        end = start + HISTORY_SECONDS * (0.05 + rng.random() * 0.15)
        archive = count >= 3 and rng.random() < ARCHIVED_SHARE
        result.append(PlanTimeline(random_uuid(rng), random_uuid(rng), count, start, end, archive))
    return result


class PlanScript:
    """One plan's commands, decided on its folded state, until it has exactly its share of events."""

    def __init__(self, timeline: PlanTimeline, rng: random.Random) -> None:
        self.timeline = timeline
        self.state: Plan | None = None
        self.written = 0
        self.at = timeline.start
        self._rng = rng
        self._gap = (timeline.end - timeline.start) / timeline.events
        self._first_exercises = rng.randint(4, 10)
        self._head_hash: str | None = None

    @property
    def done(self) -> bool:
        return self.written >= self.timeline.events

    def next_append(self) -> Append:
        """Decide the next command; the events it produced, evolved into the state, ready to append."""
        self.at += self._rng.expovariate(1.0 / self._gap)
        moment = datetime.fromtimestamp(self.at, UTC)
        while True:
            command = self._next_command(moment)
            events = decide(command, self.state)
            if events and self.written + len(events) <= self.timeline.events:
                break
        for event in events:
            self.state = evolve(self.state, event)
        self.written += len(events)
        stream = plan_stream(self.timeline.plan_id)
        metadata = EventMetadata(
            actor=str(command.actor),
            command_id=random_uuid(self._rng),
            correlation_id=random_uuid(self._rng),
            user_id=self.timeline.owner_id,
        )
        new_events = []
        for index, event in enumerate(events):
            event_type, schema_version, data = encode(event)
            event_id = uuid.uuid5(metadata.command_id, f"{stream}:{index}")  # as the command handler does
            new_events.append(NewEvent(event_id, event_type, schema_version, data, metadata))
        chained = chain_events(self._head_hash, new_events)  # as the command handler does
        self._head_hash = chained[-1].metadata.chain_hash
        return Append(self.at, stream, chained)

    def _next_command(self, at: datetime) -> PlanCommand:
        rng, plan_id, state = self._rng, self.timeline.plan_id, self.state
        actor = Actor.AI_COACH if rng.random() < 0.6 else Actor.USER
        if state is None:
            return CreateWorkoutPlan(
                plan_id=plan_id,
                owner_id=self.timeline.owner_id,
                name=f"{rng.choice(PLAN_NAMES)} #{rng.randint(1, 99)}",
                description=rng.choice(DESCRIPTIONS),
                difficulty=rng.choice(list(Difficulty)),
                duration_minutes=rng.choice((30, 45, 60, 75, 90)),
                actor=actor,
                at=at,
            )
        remaining = self.timeline.events - self.written
        if remaining == 1 and self.timeline.archive:
            return ArchiveWorkoutPlan(plan_id=plan_id, actor=actor, at=at)
        live = state.exercise_ids
        kind = self._kind()
        if not live or (kind == "add" and len(live) < MAX_LIVE_EXERCISES):
            return AddExercise(plan_id=plan_id, exercise=random_exercise(rng, set(live)), actor=actor, at=at)
        if kind == "version" or (kind == "revert" and (remaining < 2 or not state.versions)):
            return CreatePlanVersion(
                plan_id=plan_id, change_description=rng.choice(CHANGE_DESCRIPTIONS), actor=actor, at=at
            )
        if kind == "revert":
            target = rng.choice(state.versions).number
            return RevertPlanToVersion(plan_id=plan_id, version_number=target, actor=actor, at=at)
        if kind == "reorder" and len(live) > 1:
            order = list(live)
            rng.shuffle(order)
            return ReorderExercises(plan_id=plan_id, exercise_ids=tuple(order), actor=actor, at=at)
        if kind == "remove" and len(live) > 1:
            return RemoveExercise(plan_id=plan_id, exercise_id=rng.choice(live), actor=actor, at=at)
        if kind == "rename":
            name = f"{rng.choice(PLAN_NAMES)} #{rng.randint(1, 99)}"
            return RenameWorkoutPlan(plan_id=plan_id, name=name, actor=actor, at=at)
        current = rng.choice(state.exercises)
        changes = progressed(rng, current)
        return UpdateExercise(
            plan_id=plan_id, exercise_id=current.exercise_id, changes=changes, actor=actor, at=at
        )

    def _kind(self) -> str:
        if self.state is not None and len(self.state.exercises) < self._first_exercises:
            return "add"
        return self._rng.choices(list(STEADY_MIX), list(STEADY_MIX.values()))[0]


def scripts_for(plan_timelines: list[PlanTimeline], rng: random.Random) -> list[PlanScript]:
    return [PlanScript(timeline, random.Random(rng.getrandbits(64))) for timeline in plan_timelines]


def interleaved(scripts: list[PlanScript]) -> Iterator[Append]:
    """Every plan's appends, merged by time: the order a live system would have written them in."""
    due = [(script.timeline.start, index) for index, script in enumerate(scripts)]
    heapq.heapify(due)
    while due:
        _, index = heapq.heappop(due)
        script = scripts[index]
        yield script.next_append()
        if not script.done:
            heapq.heappush(due, (script.at, index))
