"""The projections that `/ready` and `/metrics` report on (the served API the operations tests probe is in
conftest.py)."""

from __future__ import annotations

from projections.registry import PROJECTIONS

PROJECTION_NAMES = {projection.name for projection in PROJECTIONS}
