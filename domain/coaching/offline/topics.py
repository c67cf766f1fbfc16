"""What a message asks the offline coach about, by reviewed keyword patterns (first match wins for the
workout requests; every knowledge topic that matches is answered)."""

from __future__ import annotations

import enum
import re

from domain.coaching.safety.text import normalised


class Topic(enum.StrEnum):
    WARM_UP = "warm_up"
    SORENESS = "soreness"
    WEEKLY_SETS = "weekly_sets"
    EFFORT = "effort"
    """RPE and RIR."""
    PROGRESSION = "progression"
    MISSED_SESSIONS = "missed_sessions"
    PRE_WORKOUT_MEAL = "pre_workout_meal"
    SUPPLEMENTS = "supplements"
    REST_BETWEEN_SETS = "rest_between_sets"
    SLEEP_AND_RECOVERY = "sleep_and_recovery"


class Request(enum.StrEnum):
    BUILD_WORKOUT = "build_workout"
    SWAP_EXERCISE = "swap_exercise"
    EASIER = "easier"
    """Make the plan (or one exercise of it) easier."""
    HARDER = "harder"


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


_TOPICS: tuple[tuple[Topic, re.Pattern[str]], ...] = (
    (Topic.WARM_UP, _any(r"\bwarm(ing)?[ -]?ups?\b", r"\bwarm up\b")),
    (Topic.SORENESS, _any(r"\bsore(ness)?\b", r"\bdoms\b", r"\bstiff\b", r"\baching muscles\b")),
    (
        Topic.WEEKLY_SETS,
        _any(r"\bhow many sets\b", r"\bsets (per|a|each) week\b", r"\bweekly (sets|volume)\b", r"\bvolume\b"),
    ),
    (
        Topic.EFFORT,
        _any(r"\brpe\b", r"\brir\b", r"\breps in reserve\b", r"\bperceived exertion\b", r"\bto failure\b"),
    ),
    (
        Topic.PROGRESSION,
        _any(
            r"\bprogress\w*\b",
            r"\boverload\b",
            r"\bplateau\w*\b",
            r"\bstall\w*\b",
            r"\bstuck\b",
            r"\b(add|increase|more) weight\b",
        ),
    ),
    (
        Topic.MISSED_SESSIONS,
        _any(
            r"\bmiss(ed)? (a |two |three |some |my )?(sessions?|workouts?|weeks?|days?)\b",
            r"\bskipped\b",
            r"\bafter a break\b",
        ),
    ),
    (
        Topic.PRE_WORKOUT_MEAL,
        _any(
            r"\beat (before|pre)\b",
            r"\bpre[- ]?workout (meal|food|snack)\b",
            r"\bbefore (a |my )?(morning )?(workout|training|session)\b.*\beat\b",
            r"\bfasted\b",
        ),
    ),
    (
        Topic.SUPPLEMENTS,
        _any(
            r"\b(creatine|caffeine|whey|protein powder|beta[- ]?alanine|bcaas?)\b",
            r"\b(fish oil|omega[- ]?3|vitamin d)\b",
            r"\bsupplements?\b",
        ),
    ),
    (
        Topic.REST_BETWEEN_SETS,
        _any(r"\brest (in )?between\b", r"\bhow long (should i )?rest\b", r"\brest periods?\b"),
    ),
    (
        Topic.SLEEP_AND_RECOVERY,
        _any(r"\bsleep\b", r"\brecover(y)?\b", r"\brest days?\b", r"\bovertrain\w*\b"),
    ),
)

_SWAP = _any(r"\b(swap|replace|substitute|switch)\b", r"\balternative (to|for)\b", r"\binstead of\b")
_BUILD = _any(
    r"\b(build|make|create|design|plan|give|write|suggest)\b.{0,30}\b(day|workout|session|routine|program|plan)\b",
    r"\bwhat (can|could|should) i do\b",
    r"\bexercises? for\b",
    r"\bworkout for\b",
    r"\b(full[- ]?body|leg|push|pull|upper[- ]?body|lower[- ]?body|arms?|chest|back|core)"
    r" (day|workout|session|routine)\b",
    r"\b(workout|routine|session) (please|for me|for today|idea)\b",
)

# Asked of the plan: "make it easier", "this is too hard", "make my squats harder", "step it up" (not
# "does it make it harder to ..."). Checked before _BUILD, which "make my leg day harder" also matches.
_IT_IS_TOO = (
    r"\b(it|this|that|plan|workout|routine|session|they|these|those) (is|are|feels?|seems?)"
    r" (way |far |much |a bit |a little )?too"
)
_EASIER = _any(
    r"\bmake\b.{0,40}\b(easier|lighter|less (intense|hard|tough))\b(?! to\b)",
    _IT_IS_TOO + r" (hard|difficult|tough|heavy|intense|much)\b",
    r"\b(tone|dial|scale) (it |this |that |things )?(down|back)\b",
)
_HARDER = _any(
    r"\bmake\b.{0,40}\b(harder|heavier|tougher|more (challenging|intense|difficult))\b(?! to\b)",
    _IT_IS_TOO + r" (easy|light)\b",
    r"\bstep (it |this |things )?up\b",
)


def topics_in(message: str) -> tuple[Topic, ...]:
    text = normalised(message)
    return tuple(topic for topic, pattern in _TOPICS if pattern.search(text))


def request_in(message: str) -> Request | None:
    text = normalised(message)
    if _SWAP.search(text):
        return Request.SWAP_EXERCISE
    if _EASIER.search(text):
        return Request.EASIER
    if _HARDER.search(text):
        return Request.HARDER
    if _BUILD.search(text):
        return Request.BUILD_WORKOUT
    return None
