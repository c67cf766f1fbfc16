"""Updates and reorders as a model proposes them, through reply generation on the real PostgreSQL and Redis
(Claude's stand-in on a real socket, the offline coach): what a change leaves out is the plan's, each
suggestion records the plan version it was made against, and what does not fit the plan is dropped with a
note."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from application.coaching.generation import ReplyOutcome
from application.coaching.offline_coach import OfflineCoachModel
from domain.coaching.events import CoachReplyCompleted, SafetyTriggered
from domain.coaching.values import PlanAt, SafetyAction, SafetyCategory, SuggestionKind
from tests.coaching.anthropic_server import Streamed
from tests.coaching.worker_support import Coach

PLAN = ("Goblet_Squat", "Pushups", "Dumbbell_Lunges")


async def reply_to(
    coach: Coach, session: UUID, text: str
) -> tuple[CoachReplyCompleted, list[SafetyTriggered]]:
    await coach.send(session, text)
    assert await coach.generator().attend(session) is ReplyOutcome.COMPLETED
    events = await coach.events(session)
    [reply] = [e for e in events if isinstance(e, CoachReplyCompleted)]
    return reply, [e for e in events if isinstance(e, SafetyTriggered)]


def dropped(triggers: Sequence[SafetyTriggered]) -> list[str]:
    return [
        t.note
        for t in triggers
        if (t.category, t.action) == (SafetyCategory.PLAN_RULES, SafetyAction.DROP_SUGGESTION)
    ]


async def test_an_update_and_a_reorder_from_claude_become_suggestions_against_the_plans_version(
    coach: Coach,
) -> None:
    proposal = {
        "changes": [
            {
                "kind": "update_exercise",
                "replaces": "Pushups",
                "sets": 4,
                "rest_seconds": 60,
                "reason": "volume",
            },
            {"kind": "reorder_exercises", "order": ["Dumbbell_Lunges", "Goblet_Squat", "Pushups"]},
            {"kind": "update_exercise", "replaces": "Barbell_Squat", "sets": 5},
            {"kind": "reorder_exercises", "order": ["Pushups", "Goblet_Squat"]},
            {"kind": "update_exercise", "exercise_id": "Pushups", "replaces": "Goblet_Squat", "sets": 2},
        ],
        "confidence": 0.7,
    }
    coach.stand_in.script.append(Streamed(texts=("Two changes.",), tool_input=proposal))
    user = await coach.user()
    plan_id = await coach.plan(user, "Legs and push", PLAN)
    reply, triggers = await reply_to(coach, await coach.session(user, plan_id=plan_id), "adjust my plan")

    update, reorder = reply.suggestions
    assert update.kind is SuggestionKind.UPDATE_EXERCISE
    assert (update.replaces, update.against) == ("Pushups", PlanAt(plan_id, 1 + len(PLAN)))
    assert update.exercise is not None
    assert (update.exercise.exercise_id, update.exercise.prescription) == ("Pushups", (4, 10, 20.0, 60))
    assert (reorder.kind, reorder.order, reorder.exercise, reorder.replaces) == (
        SuggestionKind.REORDER_EXERCISES,
        ("Dumbbell_Lunges", "Goblet_Squat", "Pushups"),
        None,
        None,
    )
    assert reorder.against == update.against
    notes = dropped(triggers)
    assert len(notes) == 3
    assert "'Barbell_Squat', which is not in the plan" in notes[0]
    assert "did not say what it changes" in notes[1]  # an update naming two exercises
    assert "exactly the plan's exercises" in notes[2]


async def test_without_a_plan_an_update_or_a_reorder_is_dropped(coach: Coach) -> None:
    proposal = {
        "changes": [
            {"kind": "update_exercise", "replaces": "Pushups", "sets": 4},
            {"kind": "reorder_exercises", "order": ["Pushups", "Goblet_Squat"]},
        ],
        "confidence": 0.6,
    }
    coach.stand_in.script.append(Streamed(texts=("Sure.",), tool_input=proposal))
    user = await coach.user()
    reply, triggers = await reply_to(coach, await coach.session(user), "adjust my plan")
    assert reply.suggestions == ()
    assert [note.endswith("without a plan to change") for note in dropped(triggers)] == [True, True]


async def test_the_offline_coach_makes_the_plan_easier_with_updates_the_checks_keep(coach: Coach) -> None:
    user = await coach.user()
    plan_id = await coach.plan(user, "Legs and push", PLAN)
    session = await coach.session(user, plan_id=plan_id)
    await coach.send(session, "this workout is too hard, make it easier")
    assert await coach.generator(links=(OfflineCoachModel(),)).attend(session) is ReplyOutcome.COMPLETED
    [reply] = [e for e in await coach.events(session) if isinstance(e, CoachReplyCompleted)]
    assert reply.usage.provider == "offline"
    assert [(s.kind, s.replaces, s.exercise and s.exercise.sets) for s in reply.suggestions] == [
        (SuggestionKind.UPDATE_EXERCISE, exercise_id, 2) for exercise_id in PLAN
    ]
    assert {s.against for s in reply.suggestions} == {PlanAt(plan_id, 1 + len(PLAN))}
