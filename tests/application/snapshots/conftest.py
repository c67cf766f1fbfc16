"""Fixtures of the command-path snapshot tests: a store that records the ranges it is asked to read, and
in-memory snapshots."""

from __future__ import annotations

import pytest

from adapters.memory.snapshots import InMemorySnapshots
from tests.application.snapshots.snapshot_support import ReadRecordingStore


@pytest.fixture
def store() -> ReadRecordingStore:
    return ReadRecordingStore()


@pytest.fixture
def snapshots() -> InMemorySnapshots:
    return InMemorySnapshots()
