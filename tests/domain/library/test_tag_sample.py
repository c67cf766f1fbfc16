"""The tags of well-known exercises of the shipped library: what each MUST and MUST NOT have.

The ids are the free-exercise-db's. The data has no wall sit (nor any static squat hold); the bodyweight
squat stands in for it. It has no burpee either; sprints are covered by the prowler sprint and the
treadmill run.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from adapters.exercise_data import shipped_library
from domain.library.contraindications import Contraindication
from domain.library.tag_overrides import TAG_OVERRIDES
from domain.library.tagging import ExerciseFacts, tags_of
from domain.library.values import (
    Category,
    Equipment,
    ExerciseDefinition,
    Force,
    Mechanic,
    MovementPattern,
    Muscle,
)

T = Contraindication
P = MovementPattern


@dataclass(frozen=True)
class Expected:
    pattern: MovementPattern
    must: frozenset[Contraindication]
    must_not: frozenset[Contraindication]


def expect(pattern: MovementPattern, must: tuple[T, ...] = (), must_not: tuple[T, ...] = ()) -> Expected:
    return Expected(pattern, frozenset(must), frozenset(must_not))


SAMPLE: dict[str, Expected] = {
    "Barbell_Squat": expect(
        P.SQUAT,
        (T.DEEP_KNEE_FLEXION_LOADED, T.SPINAL_COMPRESSION_HEAVY),
        (T.JUMPING, T.RUNNING, T.OVERHEAD_PRESSING, T.SUPINE_PROLONGED),
    ),
    "Barbell_Deadlift": expect(
        P.HINGE,
        (T.SPINAL_COMPRESSION_HEAVY, T.HEAVY_GRIP, T.HEAVY_ISOMETRIC_VALSALVA),
        (T.DEEP_KNEE_FLEXION_LOADED, T.JUMPING, T.OVERHEAD_PRESSING),
    ),
    "Good_Morning": expect(
        P.HINGE,
        (T.SPINAL_COMPRESSION_HEAVY, T.SPINAL_EXTENSION_LOADED),
        (T.DEEP_KNEE_FLEXION_LOADED, T.JUMPING),
    ),
    "Front_Box_Jump": expect(
        P.JUMP, (T.JUMPING, T.FALL_RISK), (T.SPINAL_COMPRESSION_HEAVY, T.OVERHEAD_PRESSING, T.HEAVY_GRIP)
    ),
    "Standing_Military_Press": expect(
        P.VERTICAL_PUSH,
        (T.OVERHEAD_PRESSING, T.SPINAL_COMPRESSION_HEAVY),
        (T.BEHIND_THE_NECK, T.UPRIGHT_ROW, T.DEEP_KNEE_FLEXION_LOADED, T.SUPINE_PROLONGED),
    ),
    "Upright_Barbell_Row": expect(
        P.VERTICAL_PULL, (T.UPRIGHT_ROW,), (T.OVERHEAD_PRESSING, T.BEHIND_THE_NECK)
    ),
    "Standing_Barbell_Press_Behind_Neck": expect(
        P.VERTICAL_PUSH, (T.BEHIND_THE_NECK, T.OVERHEAD_PRESSING), (T.UPRIGHT_ROW,)
    ),
    "Barbell_Bench_Press_-_Medium_Grip": expect(
        P.HORIZONTAL_PUSH,
        (T.SUPINE_PROLONGED,),
        (T.OVERHEAD_PRESSING, T.SPINAL_COMPRESSION_HEAVY, T.DEEP_KNEE_FLEXION_LOADED, T.JUMPING),
    ),
    "Leg_Press": expect(
        P.SQUAT,
        (T.DEEP_KNEE_FLEXION_LOADED,),
        (T.SPINAL_COMPRESSION_HEAVY, T.JUMPING, T.SINGLE_LEG_BALANCE_LOADED, T.OVERHEAD_PRESSING),
    ),
    "Bodyweight_Squat": expect(  # the closest to a wall sit in the data
        P.SQUAT, (T.DEEP_KNEE_FLEXION_LOADED,), (T.SPINAL_COMPRESSION_HEAVY, T.HEAVY_GRIP, T.JUMPING)
    ),
    "Farmers_Walk": expect(
        P.CARRY, (T.HEAVY_GRIP, T.SPINAL_COMPRESSION_HEAVY), (T.JUMPING, T.RUNNING, T.OVERHEAD_PRESSING)
    ),
    "Palms-Up_Barbell_Wrist_Curl_Over_A_Bench": expect(
        P.ISOLATION, (T.WRIST_FLEXION_LOADED,), (T.WRIST_EXTENSION_LOADED, T.SPINAL_COMPRESSION_HEAVY)
    ),
    "Palms-Down_Wrist_Curl_Over_A_Bench": expect(
        P.ISOLATION, (T.WRIST_EXTENSION_LOADED,), (T.WRIST_FLEXION_LOADED,)
    ),
    "Plank": expect(
        P.CORE_STABILITY, (T.HEAVY_ISOMETRIC_VALSALVA,), (T.SPINAL_FLEXION_LOADED, T.JUMPING, T.HEAVY_GRIP)
    ),
    "Barbell_Glute_Bridge": expect(
        P.HINGE, (T.SUPINE_PROLONGED,), (T.DEEP_KNEE_FLEXION_LOADED, T.SPINAL_COMPRESSION_HEAVY, T.JUMPING)
    ),
    "Butt_Lift_Bridge": expect(P.HINGE, (T.SUPINE_PROLONGED,), (T.DEEP_KNEE_FLEXION_LOADED, T.HEAVY_GRIP)),
    "Seated_Cable_Rows": expect(
        P.HORIZONTAL_PULL,
        (),
        (T.SPINAL_COMPRESSION_HEAVY, T.OVERHEAD_PRESSING, T.SUPINE_PROLONGED, T.UPRIGHT_ROW, T.JUMPING),
    ),
    "Pullups": expect(P.VERTICAL_PULL, (T.HEAVY_GRIP,), (T.OVERHEAD_PRESSING, T.BEHIND_THE_NECK, T.JUMPING)),
    "Barbell_Lunge": expect(
        P.LUNGE,
        (T.DEEP_KNEE_FLEXION_LOADED, T.SINGLE_LEG_BALANCE_LOADED, T.SPINAL_COMPRESSION_HEAVY),
        (T.JUMPING, T.RUNNING),
    ),
    "Dumbbell_Lunges": expect(
        P.LUNGE, (T.DEEP_KNEE_FLEXION_LOADED, T.SINGLE_LEG_BALANCE_LOADED), (T.JUMPING, T.SUPINE_PROLONGED)
    ),
    "Prowler_Sprint": expect(P.LOCOMOTION, (T.RUNNING, T.HIGH_INTENSITY_INTERVALS), (T.JUMPING,)),
    "Running_Treadmill": expect(P.LOCOMOTION, (T.RUNNING,), (T.JUMPING, T.HEAVY_GRIP)),
    "Wind_Sprints": expect(  # an override: the name says sprint, the exercise is a hanging knee raise
        P.CORE_FLEXION, (T.HEAVY_GRIP,), (T.RUNNING, T.HIGH_INTENSITY_INTERVALS)
    ),
    "Crunches": expect(
        P.CORE_FLEXION, (T.SPINAL_FLEXION_LOADED, T.SUPINE_PROLONGED), (T.SPINAL_COMPRESSION_HEAVY, T.JUMPING)
    ),
    "Sit-Up": expect(P.CORE_FLEXION, (T.SPINAL_FLEXION_LOADED,), (T.SPINAL_COMPRESSION_HEAVY,)),
    "One-Arm_Kettlebell_Swings": expect(
        P.HINGE, (T.HEAVY_GRIP,), (T.DEEP_KNEE_FLEXION_LOADED, T.JUMPING, T.OVERHEAD_PRESSING)
    ),
    "Dips_-_Triceps_Version": expect(
        P.VERTICAL_PUSH, (T.SHOULDER_EXTREME_EXTENSION,), (T.OVERHEAD_PRESSING, T.SUPINE_PROLONGED)
    ),
    "Snatch": expect(
        P.OLYMPIC_LIFT, (T.OVERHEAD_PRESSING, T.MAXIMAL_EFFORT, T.FALL_RISK), (T.SUPINE_PROLONGED,)
    ),
    "Lateral_Cone_Hops": expect(P.JUMP, (T.JUMPING, T.PIVOTING), (T.SPINAL_COMPRESSION_HEAVY,)),
    "Medicine_Ball_Chest_Pass": expect(P.THROW, (T.CONTACT_RISK,), (T.SPINAL_COMPRESSION_HEAVY,)),
    "Pushups": expect(
        P.HORIZONTAL_PUSH, (T.WRIST_EXTENSION_LOADED,), (T.SUPINE_PROLONGED, T.OVERHEAD_PRESSING)
    ),
    "Decline_Barbell_Bench_Press": expect(P.HORIZONTAL_PUSH, (T.INVERSION,), (T.OVERHEAD_PRESSING,)),
    "Isometric_Neck_Exercise_-_Sides": expect(P.ISOLATION, (T.NECK_LOADED,), (T.SPINAL_COMPRESSION_HEAVY,)),
    "Hamstring_Stretch": expect(
        P.MOBILITY, (), (T.HEAVY_ISOMETRIC_VALSALVA, T.DEEP_KNEE_FLEXION_LOADED, T.SPINAL_FLEXION_LOADED)
    ),
}


@pytest.fixture(scope="module")
def shipped() -> dict[str, ExerciseDefinition]:
    return {definition.exercise_id: definition for definition in shipped_library().definitions}


@pytest.mark.parametrize("exercise_id", sorted(SAMPLE))
def test_a_well_known_exercise_has_the_tags_it_must_and_none_it_must_not(
    shipped: dict[str, ExerciseDefinition], exercise_id: str
) -> None:
    expected = SAMPLE[exercise_id]
    definition = shipped[exercise_id]
    tags = set(definition.contraindications)
    assert definition.patterns[0] == expected.pattern
    assert expected.must <= tags, f"missing {sorted(expected.must - tags)}"
    assert not expected.must_not & tags, f"must not have {sorted(expected.must_not & tags)}"


def test_every_shipped_exercise_has_a_movement_pattern_and_the_cues_of_it(
    shipped: dict[str, ExerciseDefinition],
) -> None:
    assert len(shipped) == 873
    without = [exercise_id for exercise_id, definition in shipped.items() if not definition.patterns]
    assert without == []
    assert all(definition.cues for definition in shipped.values())


def test_every_override_names_a_shipped_exercise_and_changes_its_tags(
    shipped: dict[str, ExerciseDefinition],
) -> None:
    assert TAG_OVERRIDES
    assert sorted(set(TAG_OVERRIDES) - set(shipped)) == []
    for exercise_id, override in TAG_OVERRIDES.items():
        definition = shipped[exercise_id]
        assert override.reason.strip()
        assert set(override.add_patterns) <= set(definition.patterns)
        assert not set(override.remove_patterns) & set(definition.patterns)
        assert set(override.add) <= set(definition.contraindications)
        assert not set(override.remove) & set(definition.contraindications)


def test_variations_share_the_main_pattern_and_primary_muscles_and_exist(
    shipped: dict[str, ExerciseDefinition],
) -> None:
    with_variations = [definition for definition in shipped.values() if definition.variations]
    assert len(with_variations) > len(shipped) // 2
    for definition in with_variations:
        for variation_id in definition.variations:
            variation = shipped[variation_id]
            assert variation.patterns[0] == definition.patterns[0]
            assert variation.primary_muscles == definition.primary_muscles
    assert "Goblet_Squat" in shipped["Barbell_Squat"].variations


def test_tags_come_from_the_facts_alone() -> None:
    facts = ExerciseFacts(
        exercise_id="Made_Up_Jump_Squat",
        name="Made-Up Jump Squat",
        category=Category.PLYOMETRICS,
        force=Force.PUSH,
        mechanic=Mechanic.COMPOUND,
        equipment=(Equipment.BODY_ONLY,),
        primary_muscles=(Muscle.QUADRICEPS,),
    )
    tags = tags_of(facts)
    assert tags.patterns == (P.JUMP,)
    assert set(tags.contraindications) == {T.JUMPING, T.DEEP_KNEE_FLEXION_LOADED}
    assert tags_of(facts) == tags


def test_an_exercise_no_rule_knows_still_gets_a_pattern() -> None:
    facts = ExerciseFacts(
        exercise_id="Mystery",
        name="Mystery Movement",
        category=Category.STRENGTH,
        force=None,
        mechanic=None,
        equipment=(Equipment.OTHER,),
        primary_muscles=(Muscle.NECK,),
    )
    assert tags_of(facts).patterns == (P.ISOLATION,)
