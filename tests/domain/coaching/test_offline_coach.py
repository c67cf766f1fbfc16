"""The offline coach's pure parts: topics, our answers, workouts and swaps from library exercises."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.coaching.offline.knowledge import answer_on
from domain.coaching.offline.topics import Request, Topic, request_in, topics_in
from domain.coaching.offline.workouts import build_workout, mentioned, muscles_asked, swap_for
from domain.library.values import (
    Category,
    Equipment,
    ExerciseDefinition,
    Level,
    Mechanic,
    MovementPattern,
    Muscle,
)

M, P = Muscle, MovementPattern


def exercise(
    exercise_id: str,
    muscle: Muscle,
    pattern: MovementPattern,
    *,
    mechanic: Mechanic = Mechanic.COMPOUND,
    level: Level = Level.BEGINNER,
    equipment: Equipment = Equipment.BODY_ONLY,
) -> ExerciseDefinition:
    return ExerciseDefinition(
        exercise_id=exercise_id,
        name=exercise_id.replace("_", " "),
        category=Category.STRENGTH,
        level=level,
        mechanic=mechanic,
        equipment=(equipment,),
        primary_muscles=(muscle,),
        patterns=(pattern,),
    )


LIBRARY = (
    exercise("Goblet_Squat", M.QUADRICEPS, P.SQUAT, equipment=Equipment.DUMBBELL),
    exercise("Bodyweight_Squat", M.QUADRICEPS, P.SQUAT),
    exercise("Leg_Extension", M.QUADRICEPS, P.ISOLATION, mechanic=Mechanic.ISOLATION),
    exercise("Romanian_Deadlift", M.HAMSTRINGS, P.HINGE, level=Level.INTERMEDIATE),
    exercise("Glute_Bridge", M.GLUTES, P.HINGE),
    exercise("Reverse_Lunge", M.GLUTES, P.LUNGE),
    exercise("Standing_Calf_Raise", M.CALVES, P.ISOLATION, mechanic=Mechanic.ISOLATION),
    exercise("Bent_Over_Barbell_Row", M.MIDDLE_BACK, P.HORIZONTAL_PULL, equipment=Equipment.BARBELL),
    exercise("Inverted_Row", M.MIDDLE_BACK, P.HORIZONTAL_PULL),
    exercise("Band_Pull_Apart", M.MIDDLE_BACK, P.HORIZONTAL_PULL, equipment=Equipment.BANDS),
    exercise("Pushups", M.CHEST, P.HORIZONTAL_PUSH),
)


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        ("how do I warm up for heavy squats?", Topic.WARM_UP),
        ("my legs are so sore two days after squats", Topic.SORENESS),
        ("how many sets per week for chest?", Topic.WEEKLY_SETS),
        ("what does RPE 8 mean?", Topic.EFFORT),
        ("I'm stuck on bench, how do I progress?", Topic.PROGRESSION),
        ("I missed two sessions last week, what now?", Topic.MISSED_SESSIONS),
        ("what should I eat before a morning workout", Topic.PRE_WORKOUT_MEAL),
        ("is creatine worth taking?", Topic.SUPPLEMENTS),
        ("how long should I rest between sets", Topic.REST_BETWEEN_SETS),
        ("how much sleep do I need to recover", Topic.SLEEP_AND_RECOVERY),
    ],
)
def test_common_questions_find_their_topic(message: str, topic: Topic) -> None:
    assert topic in topics_in(message)


def test_requests_for_workouts_and_swaps_are_told_apart() -> None:
    assert request_in("build me a leg day") is Request.BUILD_WORKOUT
    assert request_in("what can I do for upper body with shoulder impingement") is Request.BUILD_WORKOUT
    assert request_in("swap barbell rows for something I can do at home") is Request.SWAP_EXERCISE
    assert request_in("full body workout please") is Request.BUILD_WORKOUT
    assert request_in("what is the meaning of life") is None


def test_supplement_answers_speak_of_the_ones_named() -> None:
    answer = answer_on(Topic.SUPPLEMENTS, "creatine or caffeine?")
    assert "Creatine monohydrate" in answer
    assert "Caffeine" in answer
    assert "BCAA" not in answer


def test_a_leg_day_takes_compound_lifts_first_one_per_muscle_and_patterns_that_differ() -> None:
    workout = build_workout("build me a leg day", LIBRARY, Level.BEGINNER, [uuid4() for _ in range(5)])
    assert workout.muscles[:4] == (M.QUADRICEPS, M.HAMSTRINGS, M.GLUTES, M.CALVES)
    ids = [s.exercise.exercise_id for s in workout.suggestions if s.exercise]
    assert ids[:4] == ["Goblet_Squat", "Romanian_Deadlift", "Reverse_Lunge", "Standing_Calf_Raise"]
    assert len(ids) == len(set(ids)) == 5
    assert all(s.exercise and (s.exercise.sets, s.exercise.reps) == (3, 10) for s in workout.suggestions)


def test_exercises_already_in_the_plan_are_not_suggested_again() -> None:
    workout = build_workout(
        "leg day", LIBRARY, Level.BEGINNER, [uuid4() for _ in range(5)], already_planned=["Goblet_Squat"]
    )
    assert "Goblet_Squat" not in [s.exercise.exercise_id for s in workout.suggestions if s.exercise]


def test_no_region_named_means_the_full_body() -> None:
    assert M.CHEST in muscles_asked("give me a workout")
    assert M.QUADRICEPS in muscles_asked("give me a workout")


def test_a_swap_finds_the_exercise_named_and_its_closest_alternative() -> None:
    target = mentioned("swap barbell rows for something I can do at home", LIBRARY)
    assert target is not None
    assert target.exercise_id == "Bent_Over_Barbell_Row"
    at_home = [c for c in LIBRARY if c.equipment == (Equipment.BODY_ONLY,)]
    swap = swap_for(target, at_home, Level.BEGINNER, uuid4())
    assert swap is not None
    assert swap.replaces == "Bent_Over_Barbell_Row"
    assert swap.exercise is not None
    assert swap.exercise.exercise_id == "Inverted_Row"


def test_no_swap_when_nothing_trains_the_same_muscles() -> None:
    target = LIBRARY[-1]  # push-ups: nothing else trains the chest here
    assert swap_for(target, LIBRARY, Level.BEGINNER, uuid4()) is None
    assert mentioned("swap my yoga flow", LIBRARY) is None
