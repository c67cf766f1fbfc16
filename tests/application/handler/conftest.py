"""Fixtures of the command-handler tests: a store that can interleave concurrent writes, and a handler
on it."""

from __future__ import annotations

import pytest

from application.handler import CommandHandler
from domain.plans import Plan
from domain.plans.commands import PlanCommand
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.events import PlanEvent
from tests.application.handler.handler_support import InterleavingStore


@pytest.fixture
def store() -> InterleavingStore:
    return InterleavingStore()


@pytest.fixture
def handler(store: InterleavingStore) -> CommandHandler[PlanCommand, Plan, PlanEvent]:
    return CommandHandler(store, WORKOUT_PLANS)
