"""The equipment vocabulary: what users write under "available equipment", and the library equipment it
provides.

One table, `EQUIPMENT_KINDS`, matched like the conditions vocabulary (`domain.library.phrase_matching`).
An item may name several things ("dumbbells and a bench"): it is split at commas and at "and", "with",
"plus", "or", and a phrase inside a longer matching one is dropped ("machine" inside "cable machine").
`Equipment.OTHER` is the library's "anything the source does not name" (boxes, sleds, bars to hang from,
benches, rings); saying any of those makes the exercises that need OTHER available.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.library.values import NO_EQUIPMENT, Equipment

EVERYTHING = frozenset(Equipment)


@dataclass(frozen=True, slots=True)
class EquipmentKind:
    name: str
    phrases: tuple[str, ...]
    provides: frozenset[Equipment]


SEPARATOR_WORDS = frozenset({"and", "with", "plus", "or"})
"""Words that separate two pieces of equipment in one item."""


EQUIPMENT_KINDS: tuple[EquipmentKind, ...] = (
    EquipmentKind(
        # Saying "nothing" is an answer: only what needs no equipment (a mat adds nothing the library
        # distinguishes).
        name="no equipment",
        phrases=(
            "nothing",
            "none",
            "no equipment",
            "bodyweight",
            "body weight",
            "body only",
            "just my body",
            "calisthenics",
            "n a",
            "na",
            "mat",
            "yoga mat",
            "floor",
        ),
        provides=NO_EQUIPMENT,
    ),
    EquipmentKind(
        name="dumbbells",
        phrases=(
            "dumbbell",
            "dumbell",
            "dumbel",
            "dumb bell",
            "db",
            "hand weight",
            "weight",
        ),
        provides=frozenset({Equipment.DUMBBELL}),
    ),
    EquipmentKind(
        # A rack and plates are only named when there is a barbell to load.
        name="barbell",
        phrases=(
            "barbell",
            "barbel",
            "bar bell",
            "olympic bar",
            "squat rack",
            "power rack",
            "rack",
            "weight plate",
            "plate",
        ),
        provides=frozenset({Equipment.BARBELL}),
    ),
    EquipmentKind(
        name="free weights",
        phrases=("free weight",),
        provides=frozenset({Equipment.DUMBBELL, Equipment.BARBELL, Equipment.EZ_CURL_BAR}),
    ),
    EquipmentKind(
        name="kettlebells",
        phrases=("kettlebell", "kettle bell", "kettlebel", "kb"),
        provides=frozenset({Equipment.KETTLEBELLS}),
    ),
    EquipmentKind(
        name="cable machine",
        phrases=(
            "cable",
            "cable machine",
            "cable station",
            "cable crossover",
            "functional trainer",
            "pulley",
            "lat pulldown",
        ),
        provides=frozenset({Equipment.CABLE}),
    ),
    EquipmentKind(
        # The library's "machine" covers weight-stack and lever machines and cardio machines.
        name="machines",
        phrases=(
            "machine",
            "weight machine",
            "smith machine",
            "leg press",
            "treadmill",
            "exercise bike",
            "stationary bike",
            "spin bike",
            "rowing machine",
            "rower",
            "elliptical",
            "cross trainer",
            "stair climber",
        ),
        provides=frozenset({Equipment.MACHINE}),
    ),
    EquipmentKind(
        name="resistance bands",
        phrases=(
            "band",
            "resistance band",
            "loop band",
            "mini band",
            "theraband",
            "resistance tube",
            "elastic",
        ),
        provides=frozenset({Equipment.BANDS}),
    ),
    EquipmentKind(
        name="medicine ball",
        phrases=("medicine ball", "med ball", "medball", "slam ball", "wall ball"),
        provides=frozenset({Equipment.MEDICINE_BALL}),
    ),
    EquipmentKind(
        name="exercise ball",
        phrases=(
            "swiss ball",
            "exercise ball",
            "stability ball",
            "physio ball",
            "yoga ball",
            "gym ball",
            "fitness ball",
            "balance ball",
        ),
        provides=frozenset({Equipment.EXERCISE_BALL}),
    ),
    EquipmentKind(
        name="foam roller",
        phrases=("foam roller", "foam roll", "foam", "roller"),
        provides=frozenset({Equipment.FOAM_ROLL}),
    ),
    EquipmentKind(
        name="EZ curl bar",
        phrases=("ez bar", "ez curl bar", "ezbar", "ez curl", "curl bar", "easy bar"),
        provides=frozenset({Equipment.EZ_CURL_BAR}),
    ),
    EquipmentKind(
        # Things the library files under OTHER: something to hang from, sit or step on, push or drag.
        name="other equipment",
        phrases=(
            "pull up bar",
            "pullup bar",
            "chin up bar",
            "chinup bar",
            "doorway bar",
            "bench",
            "weight bench",
            "box",
            "plyo box",
            "step",
            "ring",
            "gymnastic ring",
            "trx",
            "suspension trainer",
            "sled",
            "prowler",
            "jump rope",
            "skipping rope",
            "dip station",
            "dip bar",
            "parallel bar",
            "sandbag",
            "tyre",
            "tire",
            "battle rope",
            "landmine",
            "ab wheel",
            "ab roller",
        ),
        provides=frozenset({Equipment.OTHER}),
    ),
    EquipmentKind(
        # A typical home or garage gym: a barbell with a rack, dumbbells, a bench.
        name="home gym",
        phrases=("home gym", "garage gym", "basement gym"),
        provides=frozenset({Equipment.BARBELL, Equipment.DUMBBELL, Equipment.OTHER}),
    ),
    EquipmentKind(
        # A commercial gym has everything the library names.
        name="full gym",
        phrases=(
            "gym",
            "full gym",
            "commercial gym",
            "gym membership",
            "fitness center",
            "fitness centre",
            "health club",
            "everything",
            "all equipment",
            "fully equipped",
        ),
        provides=EVERYTHING,
    ),
)
"""Every kind of equipment the mapping recognises."""
