"""The offline coach over the shipped library: workouts and swaps that respect the user's restrictions
and equipment, our answers to common questions, and a plain "beyond me" otherwise."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import pytest

from adapters.exercise_data import shipped_library
from application.coaching.model import CoachAnswer, CoachFacts, CoachPrompt
from application.coaching.offline_coach import BEYOND_ME, OfflineCoachModel
from domain.coaching.offline.workouts import STAPLES
from domain.coaching.values import Personality, PlanAt, SuggestionKind
from domain.library.availability import availability_of, is_available
from domain.library.contraindications import Contraindication
from domain.library.values import NO_EQUIPMENT, ExerciseDefinition, Level, MovementPattern
from domain.plans.values import PlannedExercise

PLAN = UUID("9a9a9a9a-0000-4000-8000-000000000003")
LIBRARY = {definition.exercise_id: definition for definition in shipped_library().definitions}


def facts(
    injuries: Sequence[str] = (), equipment: Sequence[str] = (), plan: Sequence[str] = ()
) -> CoachFacts:
    availability = availability_of(injuries, equipment)
    return CoachFacts(
        level=Level.BEGINNER,
        availability=availability,
        plan=PlanAt(PLAN, 7) if plan else None,
        planned=tuple(
            PlannedExercise(exercise_id, exercise_id, sets=3, reps=10, weight_kg=20.0, rest_seconds=90)
            for exercise_id in plan
        ),
        plan_exercises=tuple(LIBRARY[exercise_id] for exercise_id in plan if exercise_id in LIBRARY),
        candidates=tuple(
            d for d in LIBRARY.values() if is_available(d.equipment, d.contraindications, availability)
        ),
    )


async def ask(
    message: str, known: CoachFacts, personality: Personality = Personality.CALM
) -> tuple[CoachAnswer, str]:
    pieces: list[str] = []

    async def sink(text: str) -> None:
        pieces.append(text)

    prompt = CoachPrompt(
        personality=personality,
        instructions="",
        context="",
        history=(),
        message=message,
        max_output_tokens=800,
        temperature=0.5,
        facts=known,
    )
    answer = await OfflineCoachModel().answer(prompt, sink)
    return answer, "".join(pieces)


def suggested(answer: CoachAnswer) -> list[ExerciseDefinition]:
    return [LIBRARY[change.exercise_id] for change in answer.changes if change.exercise_id]


async def test_a_leg_day_for_a_recent_meniscus_surgery_with_dumbbells_avoids_loaded_deep_knee_bends() -> None:
    known = facts(["knee (meniscus surgery 6 weeks ago)"], ["dumbbells"])
    answer, streamed = await ask("build me a leg day", known)
    assert streamed == answer.text
    chosen = suggested(answer)
    assert len(chosen) >= 3
    for exercise in chosen:
        assert Contraindication.DEEP_KNEE_FLEXION_LOADED not in exercise.contraindications
        assert is_available(exercise.equipment, exercise.contraindications, known.availability)
    assert "left out" in answer.text
    assert answer.usage.provider == "offline"


async def test_a_swap_at_home_replaces_the_plans_barbell_row_with_something_needing_no_equipment() -> None:
    answer, _ = await ask(
        "swap barbell rows for something I can do at home", facts(plan=["Bent_Over_Barbell_Row"])
    )
    (change,) = answer.changes
    assert change.kind is SuggestionKind.REPLACE_EXERCISE
    assert change.replaces == "Bent_Over_Barbell_Row"
    assert change.exercise_id is not None
    assert set(LIBRARY[change.exercise_id].equipment) <= NO_EQUIPMENT


async def test_a_condition_named_in_the_message_restricts_like_one_in_the_profile() -> None:
    answer, _ = await ask("what can I do for upper body with shoulder impingement", facts())
    chosen = suggested(answer)
    assert chosen
    for exercise in chosen:
        assert Contraindication.OVERHEAD_PRESSING not in exercise.contraindications
        assert Contraindication.UPRIGHT_ROW not in exercise.contraindications
        assert Contraindication.SHOULDER_EXTREME_EXTENSION not in exercise.contraindications


async def test_workouts_are_programmed_from_fitting_patterns_and_well_known_exercises() -> None:
    answer, _ = await ask("build me a leg day", facts([], ["full gym"]))
    chosen = suggested(answer)
    assert len(chosen) == 5
    assert chosen[0].patterns[0] in {MovementPattern.SQUAT, MovementPattern.LUNGE}
    assert all(MovementPattern.OLYMPIC_LIFT not in exercise.patterns for exercise in chosen)
    assert sum(exercise.exercise_id in STAPLES for exercise in chosen) >= 4


async def test_an_unrecognised_injury_is_said_so_in_the_reply() -> None:
    answer, _ = await ask("build me a leg day", facts(["wonky thing from rugby"]))
    assert "did not recognise" in answer.text


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("how many sets per week for chest?", "10 to 20 hard sets"),
        ("is creatine worth it?", "Creatine monohydrate"),
        ("what does RPE 8 mean?", "reps in reserve"),
    ],
)
async def test_common_questions_get_our_answers(message: str, expected: str) -> None:
    answer, _ = await ask(message, facts())
    assert expected in answer.text
    assert answer.changes == ()


async def test_it_says_plainly_when_a_question_is_beyond_it() -> None:
    answer, _ = await ask("what do you think about the stock market?", facts(), Personality.DRILL_SERGEANT)
    assert answer.text == BEYOND_ME
    assert answer.confidence < 0.5


async def test_the_personality_sets_the_tone_of_ordinary_answers() -> None:
    answer, _ = await ask("how do I warm up?", facts(), Personality.DRILL_SERGEANT)
    assert answer.text.startswith("Listen up.")


async def test_make_it_easier_proposes_one_set_fewer_for_each_exercise_of_the_plan() -> None:
    answer, streamed = await ask(
        "this workout is too hard, make it easier", facts(plan=["Goblet_Squat", "Pushups"])
    )
    assert streamed == answer.text
    assert [(c.kind, c.replaces, c.sets, c.reps, c.weight_kg) for c in answer.changes] == [
        (SuggestionKind.UPDATE_EXERCISE, "Goblet_Squat", 2, 10, 20.0),
        (SuggestionKind.UPDATE_EXERCISE, "Pushups", 2, 10, 20.0),
    ]


async def test_make_one_exercise_harder_proposes_a_set_more_for_that_one_only() -> None:
    answer, _ = await ask("make my goblet squats harder", facts(plan=["Goblet_Squat", "Pushups"]))
    assert [(c.kind, c.replaces, c.sets) for c in answer.changes] == [
        (SuggestionKind.UPDATE_EXERCISE, "Goblet_Squat", 4)
    ]


async def test_without_a_plan_there_is_nothing_to_make_easier() -> None:
    answer, _ = await ask("make it easier please", facts())
    assert answer.changes == ()
    assert "no plan" in answer.text
