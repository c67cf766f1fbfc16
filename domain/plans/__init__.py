"""The WorkoutPlan aggregate as a decider: `decide(command, state)`, `evolve(state, event)`, `fold(events)`.

Pure Python: no I/O, no clock, no id generation; commands carry their ids and timestamps.
"""

from domain.plans.codec import decode, encode
from domain.plans.decision import decide
from domain.plans.plan import Plan, PlanVersion, evolve, fold

__all__ = ["Plan", "PlanVersion", "decide", "decode", "encode", "evolve", "fold"]
