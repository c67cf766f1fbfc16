"""Value objects of the exercise library: the closed vocabularies of an exercise's facts, and the
definition an entry carries.

The facts (category, level, force, mechanic, equipment, muscles) follow the public-domain
free-exercise-db's vocabulary, spelled as identifiers; movement patterns are ours
(`domain.library.tagging` derives them). Contraindication tags are in `domain.library.contraindications`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from domain.library.contraindications import Contraindication


class Category(enum.StrEnum):
    STRENGTH = "strength"
    STRETCHING = "stretching"
    PLYOMETRICS = "plyometrics"
    POWERLIFTING = "powerlifting"
    OLYMPIC_WEIGHTLIFTING = "olympic_weightlifting"
    STRONGMAN = "strongman"
    CARDIO = "cardio"


class Level(enum.StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    EXPERT = "expert"


class Force(enum.StrEnum):
    PULL = "pull"
    PUSH = "push"
    STATIC = "static"


class Mechanic(enum.StrEnum):
    COMPOUND = "compound"
    ISOLATION = "isolation"


class Equipment(enum.StrEnum):
    NONE = "none"
    """Nothing at all (most stretches)."""
    BODY_ONLY = "body_only"
    BARBELL = "barbell"
    DUMBBELL = "dumbbell"
    KETTLEBELLS = "kettlebells"
    CABLE = "cable"
    MACHINE = "machine"
    BANDS = "bands"
    MEDICINE_BALL = "medicine_ball"
    EXERCISE_BALL = "exercise_ball"
    FOAM_ROLL = "foam_roll"
    EZ_CURL_BAR = "ez_curl_bar"
    OTHER = "other"
    """Something the source does not name (a box, a sled, a tyre, a bench, rings, ...)."""


NO_EQUIPMENT = frozenset({Equipment.NONE, Equipment.BODY_ONLY})
"""Equipment everyone has."""


class Muscle(enum.StrEnum):
    ABDOMINALS = "abdominals"
    ABDUCTORS = "abductors"
    ADDUCTORS = "adductors"
    BICEPS = "biceps"
    CALVES = "calves"
    CHEST = "chest"
    FOREARMS = "forearms"
    GLUTES = "glutes"
    HAMSTRINGS = "hamstrings"
    LATS = "lats"
    LOWER_BACK = "lower_back"
    MIDDLE_BACK = "middle_back"
    NECK = "neck"
    QUADRICEPS = "quadriceps"
    SHOULDERS = "shoulders"
    TRAPS = "traps"
    TRICEPS = "triceps"


class MovementPattern(enum.StrEnum):
    SQUAT = "squat"
    HINGE = "hinge"
    LUNGE = "lunge"
    HORIZONTAL_PUSH = "horizontal_push"
    HORIZONTAL_PULL = "horizontal_pull"
    VERTICAL_PUSH = "vertical_push"
    VERTICAL_PULL = "vertical_pull"
    CARRY = "carry"
    ROTATION = "rotation"
    CORE_FLEXION = "core_flexion"
    """Crunches, sit-ups, leg raises: the trunk or hips flex against load or gravity."""
    CORE_STABILITY = "core_stability"
    """Planks, hollow holds, anti-rotation presses: the trunk resists moving."""
    ISOLATION = "isolation"
    """One joint (curls, extensions, raises, calf raises)."""
    LOCOMOTION = "locomotion"
    """Running, walking, rowing, cycling, crawling, sled pushes."""
    JUMP = "jump"
    THROW = "throw"
    OLYMPIC_LIFT = "olympic_lift"
    """Snatch, clean, jerk and their pulls: fast, full-body, technical."""
    MOBILITY = "mobility"
    """Stretches and soft-tissue work."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseDefinition:
    """Everything the library says about one exercise (`retired` is the aggregate's state, not this)."""

    exercise_id: str
    """Stable and URL-safe, e.g. "Barbell_Squat"; plans refer to it as their `exercise_id`."""
    name: str
    aliases: tuple[str, ...] = ()
    category: Category
    level: Level
    force: Force | None = None
    mechanic: Mechanic | None = None
    equipment: tuple[Equipment, ...]
    """What it needs, all of it; (Equipment.NONE,) when nothing."""
    primary_muscles: tuple[Muscle, ...]
    secondary_muscles: tuple[Muscle, ...] = ()
    patterns: tuple[MovementPattern, ...] = ()
    contraindications: tuple[Contraindication, ...] = ()
    cues: tuple[str, ...] = ()
    """Short coaching cues, written by us."""
    variations: tuple[str, ...] = ()
    """Ids of other library exercises that train the same movement differently."""


DEFINITION_FIELDS = (
    "name",
    "aliases",
    "category",
    "level",
    "force",
    "mechanic",
    "equipment",
    "primary_muscles",
    "secondary_muscles",
    "patterns",
    "contraindications",
    "cues",
    "variations",
)
"""The fields of a definition a revision may change (everything but the id)."""
