"""`OfflineCoachModel`: the coach without a key, and the last link of every fallback chain.

It answers from the user's facts (level, restrictions, equipment, plan) and the library: our answers to
the common questions (`domain.coaching.offline.knowledge`), workouts and swaps built from the exercises
this user may do (`domain.coaching.offline.workouts`), and the plan made easier or harder
(`domain.coaching.offline.adjustments`). It says plainly when a question is beyond it. Its text is
streamed word by word like a model's. It has no sampling: it ignores the prompt's temperature, and the
personality sets only its opening words.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from uuid import uuid4

from application.coaching.model import CoachAnswer, CoachFacts, CoachPrompt, ProposedChange, TextSink
from domain.coaching.offline.adjustments import adjustments
from domain.coaching.offline.knowledge import answer_on
from domain.coaching.offline.topics import Request, request_in, topics_in
from domain.coaching.offline.workouts import WORKOUT_SIZE, build_workout, mentioned, swap_for
from domain.coaching.safety.text import normalised
from domain.coaching.values import Personality, ReplyUsage, Suggestion
from domain.library.conditions import restrictions_named_in
from domain.library.values import NO_EQUIPMENT, ExerciseDefinition

OFFLINE_MODEL = "fitcoach-offline-1"

_OPENERS: dict[Personality, str] = {
    Personality.MOTIVATOR: "Happy to help! ",
    Personality.DRILL_SERGEANT: "Listen up. ",
    Personality.SCIENTIST: "Here is what the evidence says. ",
    Personality.CALM: "",
}
BEYOND_ME = (
    "That is beyond what I can answer offline. I can help with warm-ups, soreness, sets per week, RPE and "
    "RIR, progression, missed sessions, what to eat before training and the common supplements, and I can "
    'build or adjust workouts from the exercise library: try "build me a leg day" or "swap squats for '
    'something easier on my knees".'
)
_AT_HOME = re.compile(r"\b(at home|no equipment|without equipment|bodyweight|body weight|hotel)\b")
_SHOWN_TAGS = 4


class OfflineCoachModel:
    @property
    def provider(self) -> str:
        return "offline"

    @property
    def model(self) -> str:
        return OFFLINE_MODEL

    async def answer(self, prompt: CoachPrompt, on_text: TextSink) -> CoachAnswer:
        started = time.perf_counter()
        text, suggestions, confidence = compose(prompt)
        for piece in re.findall(r"\S+\s*", text):
            await on_text(piece)
        return CoachAnswer(
            text=text,
            changes=tuple(_proposed(suggestion) for suggestion in suggestions),
            confidence=confidence,
            usage=ReplyUsage(
                provider=self.provider,
                model=self.model,
                latency_ms=round((time.perf_counter() - started) * 1000),
            ),
        )


def compose(prompt: CoachPrompt) -> tuple[str, tuple[Suggestion, ...], float]:
    """The reply's text, its plan suggestions and how confident it is."""
    facts, message = prompt.facts, prompt.message
    opener = _OPENERS[prompt.personality]
    request = request_in(message)
    if request is Request.SWAP_EXERCISE:
        text, suggestions = _swap(message, facts)
        return opener + text, suggestions, 0.7
    if request is Request.BUILD_WORKOUT:
        text, suggestions = _workout(message, facts)
        return opener + text, suggestions, 0.7
    if request is Request.EASIER or request is Request.HARDER:
        text, suggestions = _adjust(message, facts, request)
        return opener + text, suggestions, 0.6
    topics = topics_in(message)
    if topics:
        return opener + "\n\n".join(answer_on(topic, message) for topic in topics), (), 0.8
    return BEYOND_ME, (), 0.2


def _workout(message: str, facts: CoachFacts) -> tuple[str, tuple[Suggestion, ...]]:
    candidates = _candidates(message, facts)
    workout = build_workout(
        message,
        candidates,
        facts.level,
        [uuid4() for _ in range(WORKOUT_SIZE)],
        already_planned=facts.plan_exercise_ids,
    )
    if not workout.suggestions:
        return (
            "I could not find library exercises for that with your equipment and restrictions. "
            "Tell me what equipment you have, or ask for another muscle group." + _caveats(facts),
            (),
        )
    lines = [f"- {_line(suggestion)}" for suggestion in workout.suggestions]
    text = "Here is a workout from exercises you can do:\n" + "\n".join(lines)
    return text + "\nAccept the ones you want and I'll add them to your plan." + _caveats(
        facts
    ), workout.suggestions


def _swap(message: str, facts: CoachFacts) -> tuple[str, tuple[Suggestion, ...]]:
    target = mentioned(message, facts.plan_exercises)
    if target is None:
        names = ", ".join(exercise.name for exercise in facts.plan_exercises) or "none from the library yet"
        return f"Which exercise of your plan should I swap? Your plan has: {names}.", ()
    swap = swap_for(
        target, _candidates(message, facts), facts.level, uuid4(), already_planned=facts.plan_exercise_ids
    )
    if swap is None or swap.exercise is None:
        return (
            f"I could not find an alternative to {target.name} that fits your equipment and restrictions."
            + _caveats(facts),
            (),
        )
    text = f"Instead of {target.name}, try {_line(swap)}. Accept it and I'll swap it in your plan."
    return text + _caveats(facts), (swap,)


def _adjust(message: str, facts: CoachFacts, request: Request) -> tuple[str, tuple[Suggestion, ...]]:
    """Every exercise of the plan a step easier or harder, or only the one the message names."""
    if not facts.planned:
        return (
            "This conversation has no plan to adjust. Start one about a plan, or ask me to build a workout.",
            (),
        )
    named = mentioned(message, facts.plan_exercises)
    exercises = [e for e in facts.planned if named is None or e.exercise_id == named.exercise_id]
    suggestions = adjustments(exercises, request, [uuid4() for _ in exercises])
    way = "easier" if request is Request.EASIER else "harder"
    if not suggestions:
        return f"Your plan is already at the {way} end of what I adjust offline.", ()
    lines = "\n".join(f"- {_line(suggestion)}" for suggestion in suggestions)
    advice = (
        "Keep the weights you use; if it still feels too hard, tell me what hurts or which exercise."
        if request is Request.EASIER
        else "Add weight only when every set ends with two reps in reserve."
    )
    text = f"To make it {way}:\n{lines}\nAccept the ones you want. {advice}"
    return text, suggestions


def _candidates(message: str, facts: CoachFacts) -> Sequence[ExerciseDefinition]:
    """The candidates, less what a condition the message itself names restricts ("... with shoulder
    impingement"), and only those needing no equipment when the message says "at home" and the profile
    lists no equipment of its own."""
    named = restrictions_named_in(message)
    candidates = [c for c in facts.candidates if named.isdisjoint(c.contraindications)]
    if _AT_HOME.search(normalised(message)) and facts.availability.available_equipment is None:
        return [c for c in candidates if set(c.equipment) <= NO_EQUIPMENT]
    return candidates


def _line(suggestion: Suggestion) -> str:
    exercise = suggestion.exercise
    assert exercise is not None
    return (
        f"{exercise.name}: {exercise.sets} x {exercise.reps}, rest {exercise.rest_seconds} s "
        f"({suggestion.reason})"
    )


def _caveats(facts: CoachFacts) -> str:
    notes = []
    excluded = sorted(tag.value.replace("_", " ") for tag in facts.availability.exclude)
    if excluded:
        shown = ", ".join(excluded[:_SHOWN_TAGS]) + (" and more" if len(excluded) > _SHOWN_TAGS else "")
        notes.append(f"Because of what your profile says about injuries, I left out anything with {shown}.")
    unrecognised = facts.availability.unrecognised_conditions
    if unrecognised:
        listed = "; ".join(unrecognised)
        notes.append(
            f'I did not recognise "{listed}" in your injuries, so I stayed cautious: tell me more, or '
            "check with a clinician what to avoid."
        )
    return "\n\n" + " ".join(notes) if notes else ""


def _proposed(suggestion: Suggestion) -> ProposedChange:
    exercise = suggestion.exercise
    return ProposedChange(
        kind=suggestion.kind,
        exercise_id=None if exercise is None else exercise.exercise_id,
        replaces=suggestion.replaces,
        sets=None if exercise is None else exercise.sets,
        reps=None if exercise is None else exercise.reps,
        weight_kg=None if exercise is None else exercise.weight_kg,
        rest_seconds=None if exercise is None else exercise.rest_seconds,
        order=suggestion.order,
        reason=suggestion.reason,
    )
