"""Spec helpers for WorkoutPlan tests: event and command builders, and Hypothesis command generators.

Tests read as: given these events, when this command, then these events (or this error). The helpers live in
`builders`, `strategies` and `random_commands`; every public name is re-exported here.
"""

from __future__ import annotations

from tests.domain.plans.builders import OWNER_ID as OWNER_ID
from tests.domain.plans.builders import PLAN_ID as PLAN_ID
from tests.domain.plans.builders import T0 as T0
from tests.domain.plans.builders import WHEN as WHEN
from tests.domain.plans.builders import add_exercise as add_exercise
from tests.domain.plans.builders import added as added
from tests.domain.plans.builders import archive as archive
from tests.domain.plans.builders import archived as archived
from tests.domain.plans.builders import at as at
from tests.domain.plans.builders import create_plan as create_plan
from tests.domain.plans.builders import create_version as create_version
from tests.domain.plans.builders import created as created
from tests.domain.plans.builders import exercise as exercise
from tests.domain.plans.builders import given as given
from tests.domain.plans.builders import remove_exercise as remove_exercise
from tests.domain.plans.builders import rename as rename
from tests.domain.plans.builders import reorder as reorder
from tests.domain.plans.builders import revert as revert
from tests.domain.plans.builders import update_exercise as update_exercise
from tests.domain.plans.builders import versioned as versioned
from tests.domain.plans.random_commands import ARCHIVE_AT as ARCHIVE_AT
from tests.domain.plans.random_commands import KINDS as KINDS
from tests.domain.plans.random_commands import STEPS as STEPS
from tests.domain.plans.random_commands import assert_invariants as assert_invariants
from tests.domain.plans.random_commands import decide_or_error as decide_or_error
from tests.domain.plans.random_commands import draw_command as draw_command
from tests.domain.plans.strategies import ACTORS as ACTORS
from tests.domain.plans.strategies import ALTERNATIVES as ALTERNATIVES
from tests.domain.plans.strategies import BAD_CHANGES as BAD_CHANGES
from tests.domain.plans.strategies import BAD_DESCRIPTIONS as BAD_DESCRIPTIONS
from tests.domain.plans.strategies import BAD_FIELDS as BAD_FIELDS
from tests.domain.plans.strategies import BAD_NAMES as BAD_NAMES
from tests.domain.plans.strategies import CHANGES as CHANGES
from tests.domain.plans.strategies import DESCRIPTIONS as DESCRIPTIONS
from tests.domain.plans.strategies import EXERCISE_IDS as EXERCISE_IDS
from tests.domain.plans.strategies import EXERCISE_POOL as EXERCISE_POOL
from tests.domain.plans.strategies import NAMES as NAMES
from tests.domain.plans.strategies import NOTES as NOTES
from tests.domain.plans.strategies import TEMPOS as TEMPOS
from tests.domain.plans.strategies import VALID_EXERCISES as VALID_EXERCISES
from tests.domain.plans.strategies import WEIGHTS as WEIGHTS
from tests.domain.plans.strategies import invalid_exercises as invalid_exercises
from tests.domain.plans.strategies import mostly_valid as mostly_valid
