"""The WorkoutPlan aggregate as the command path runs it: its `Decider` bundle."""

from __future__ import annotations

from domain.decider import Decider
from domain.plans.codec import decode, encode
from domain.plans.commands import PlanCommand
from domain.plans.decision import decide
from domain.plans.events import PlanEvent
from domain.plans.plan import Plan, evolve
from domain.plans.snapshot import PLAN_SNAPSHOTS
from domain.plans.streams import plan_stream

WORKOUT_PLANS: Decider[PlanCommand, Plan, PlanEvent] = Decider(
    decide=decide,
    evolve=evolve,
    stream_name=lambda command: plan_stream(command.plan_id),
    encode=encode,
    decode=decode,
    snapshot=PLAN_SNAPSHOTS,
)
