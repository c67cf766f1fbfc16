"""The free-exercise-db's spellings of its facts, mapped explicitly to our value types."""

from __future__ import annotations

from domain.library.values import Category, Equipment, Force, Level, Mechanic, Muscle

CATEGORIES: dict[str, Category] = {
    "strength": Category.STRENGTH,
    "stretching": Category.STRETCHING,
    "plyometrics": Category.PLYOMETRICS,
    "powerlifting": Category.POWERLIFTING,
    "olympic weightlifting": Category.OLYMPIC_WEIGHTLIFTING,
    "strongman": Category.STRONGMAN,
    "cardio": Category.CARDIO,
}
LEVELS: dict[str, Level] = {
    "beginner": Level.BEGINNER,
    "intermediate": Level.INTERMEDIATE,
    "expert": Level.EXPERT,
}
FORCES: dict[str, Force] = {"pull": Force.PULL, "push": Force.PUSH, "static": Force.STATIC}
MECHANICS: dict[str, Mechanic] = {"compound": Mechanic.COMPOUND, "isolation": Mechanic.ISOLATION}
EQUIPMENT: dict[str, Equipment] = {
    "body only": Equipment.BODY_ONLY,
    "barbell": Equipment.BARBELL,
    "dumbbell": Equipment.DUMBBELL,
    "kettlebells": Equipment.KETTLEBELLS,
    "cable": Equipment.CABLE,
    "machine": Equipment.MACHINE,
    "bands": Equipment.BANDS,
    "medicine ball": Equipment.MEDICINE_BALL,
    "exercise ball": Equipment.EXERCISE_BALL,
    "foam roll": Equipment.FOAM_ROLL,
    "e-z curl bar": Equipment.EZ_CURL_BAR,
    "other": Equipment.OTHER,
}
"""A null equipment means none at all (`Equipment.NONE`)."""
MUSCLES: dict[str, Muscle] = {
    "abdominals": Muscle.ABDOMINALS,
    "abductors": Muscle.ABDUCTORS,
    "adductors": Muscle.ADDUCTORS,
    "biceps": Muscle.BICEPS,
    "calves": Muscle.CALVES,
    "chest": Muscle.CHEST,
    "forearms": Muscle.FOREARMS,
    "glutes": Muscle.GLUTES,
    "hamstrings": Muscle.HAMSTRINGS,
    "lats": Muscle.LATS,
    "lower back": Muscle.LOWER_BACK,
    "middle back": Muscle.MIDDLE_BACK,
    "neck": Muscle.NECK,
    "quadriceps": Muscle.QUADRICEPS,
    "shoulders": Muscle.SHOULDERS,
    "traps": Muscle.TRAPS,
    "triceps": Muscle.TRICEPS,
}
