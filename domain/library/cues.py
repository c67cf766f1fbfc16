"""Short coaching cues per movement pattern, written by us (never the upstream instruction texts).

An exercise gets the cues of its main pattern (`cues_for`). They are deliberately generic: safe for
every exercise of the pattern, a reminder rather than a teaching text.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.library.values import MovementPattern

P = MovementPattern

PATTERN_CUES: dict[MovementPattern, tuple[str, ...]] = {
    P.SQUAT: (
        "Brace your trunk before you descend",
        "Knees track over your toes",
        "Drive up through the whole foot",
    ),
    P.HINGE: (
        "Push your hips back, not down",
        "Keep the spine long and neutral",
        "Finish by squeezing the glutes",
    ),
    P.LUNGE: (
        "Step long enough to keep the front heel down",
        "Lower straight down, torso tall",
        "Push the floor away with the front foot",
    ),
    P.HORIZONTAL_PUSH: (
        "Shoulder blades set back and down",
        "Elbows about 45 degrees from the body",
        "Press in a smooth, controlled line",
    ),
    P.HORIZONTAL_PULL: (
        "Lead with the elbows",
        "Squeeze the shoulder blades together",
        "Keep the trunk still",
    ),
    P.VERTICAL_PUSH: (
        "Ribs down, glutes tight",
        "Press in a straight line over the mid-foot",
        "Finish with the biceps by the ears",
    ),
    P.VERTICAL_PULL: (
        "Start by pulling the shoulders down",
        "Drive the elbows toward the ribs",
        "Control the way back",
    ),
    P.CARRY: (
        "Stand tall, shoulders level",
        "Short, quick, steady steps",
        "Grip hard and breathe behind the brace",
    ),
    P.ROTATION: (
        "Turn from the hips and upper back",
        "Keep the lower back quiet",
        "Control the return as much as the turn",
    ),
    P.CORE_FLEXION: ("Exhale as you curl up", "Move slowly, no momentum", "Keep the neck relaxed"),
    P.CORE_STABILITY: (
        "Squeeze glutes and abs together",
        "Keep a straight line, no sagging",
        "Breathe steadily throughout",
    ),
    P.ISOLATION: (
        "Move only the working joint",
        "Full range, slow on the way back",
        "Choose a weight you can control",
    ),
    P.LOCOMOTION: ("Start easy and build the pace", "Stay tall and relaxed", "Breathe in a steady rhythm"),
    P.JUMP: ("Land softly, knees bent", "Knees stay in line with the toes", "Reset between jumps"),
    P.THROW: (
        "Power comes from the legs and hips",
        "Clear space around you",
        "Release with control and reset",
    ),
    P.OLYMPIC_LIFT: (
        "Keep the bar close to the body",
        "Extend hips and knees fully before pulling under",
        "Practise with a light bar first",
    ),
    P.MOBILITY: ("Ease into the position", "Breathe slowly and relax into it", "Stop before it hurts"),
}


def cues_for(patterns: Sequence[MovementPattern]) -> tuple[str, ...]:
    """The cues of the main (first) pattern; none when there is no pattern."""
    return PATTERN_CUES[patterns[0]] if patterns else ()
