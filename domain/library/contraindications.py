"""The contraindication vocabulary: what an exercise demands of the body that some conditions forbid.

One closed list, used by the library's tags (`domain.library.tagging`), by the restrictions derived from
what users write about their injuries and conditions (`domain.library.conditions`), and by the coach's
safety checks. A tag names a demand of the exercise, never a diagnosis: "this loads deep knee flexion",
not "bad for meniscus tears". Which conditions map to which tags is decided in one place, the
conditions vocabulary.
"""

from __future__ import annotations

import enum


class Contraindication(enum.StrEnum):
    DEEP_KNEE_FLEXION_LOADED = "deep_knee_flexion_loaded"
    """The knee bends past about 90 degrees under external load or the full body weight (squats, lunges,
    leg press, pistols)."""
    JUMPING = "jumping"
    """Both feet leave the ground and land again: impact through ankles, knees, hips and spine."""
    PIVOTING = "pivoting"
    """Turning or cutting on a planted foot: twisting load on knee and ankle."""
    RUNNING = "running"
    """Running, sprinting, skipping: repeated single-leg impact."""
    SINGLE_LEG_BALANCE_LOADED = "single_leg_balance_loaded"
    """Standing on one leg while carrying load or moving (split squats, step-ups, single-leg deadlifts)."""
    SPINAL_FLEXION_LOADED = "spinal_flexion_loaded"
    """The spine rounds forward under load (sit-ups, crunches with weight, Jefferson curls)."""
    SPINAL_EXTENSION_LOADED = "spinal_extension_loaded"
    """The spine arches back under load (hyperextensions, supermans with weight, overhead arching)."""
    SPINAL_COMPRESSION_HEAVY = "spinal_compression_heavy"
    """Heavy axial load through the spine (back squats, deadlifts, overhead presses standing, carries of
    heavy loads, good mornings)."""
    OVERHEAD_PRESSING = "overhead_pressing"
    """The arms press or hold load above the head."""
    UPRIGHT_ROW = "upright_row"
    """The elbows lift above the shoulders with the arms turned in: the classic impingement position."""
    BEHIND_THE_NECK = "behind_the_neck"
    """A bar pressed or pulled behind the head: the shoulder in extreme external rotation under load."""
    SHOULDER_EXTREME_EXTENSION = "shoulder_extreme_extension"
    """The arms driven far behind the body under load (dips, bench dips, deep flyes, skin-the-cat)."""
    SUPINE_PROLONGED = "supine_prolonged"
    """Lying on the back for a set's length (bench presses, floor presses, bridges, crunches)."""
    PRONE_LYING = "prone_lying"
    """Lying face down on the belly (prone leg curls on some machines, supermans, cobra)."""
    INVERSION = "inversion"
    """The head below the heart (handstands, decline presses, headstands)."""
    KNEELING = "kneeling"
    """Weight on the knees (kneeling cable crunches, ab-wheel rollouts from the knees)."""
    FALL_RISK = "fall_risk"
    """Balance or footing could fail with load or speed (box jumps, unstable surfaces, step-ups on a
    high box, Olympic lifts, exercise-ball work)."""
    CONTACT_RISK = "contact_risk"
    """Something may hit the body: a thrown or slammed ball, a partner, a swinging implement."""
    MAXIMAL_EFFORT = "maximal_effort"
    """Efforts at or near one's maximum (one-rep maxima, Olympic lifts, strongman events)."""
    HIGH_INTENSITY_INTERVALS = "high_intensity_intervals"
    """Repeated bouts that drive the heart rate near its maximum (sprints, burpees, sled pushes)."""
    HEAVY_ISOMETRIC_VALSALVA = "heavy_isometric_valsalva"
    """Holding breath against a heavy or static load: a spike in blood pressure (heavy lifts, wall
    sits, long planks)."""
    HEAVY_GRIP = "heavy_grip"
    """The hands hold a heavy load (deadlifts, carries, hangs, heavy rows)."""
    WRIST_EXTENSION_LOADED = "wrist_extension_loaded"
    """The wrist bent back under load (front-rack positions, push-ups, reverse wrist curls)."""
    WRIST_FLEXION_LOADED = "wrist_flexion_loaded"
    """The wrist curled under load (wrist curls, heavy curls with a flexed wrist)."""
    NECK_LOADED = "neck_loaded"
    """The neck moves or holds against load (neck harness work, wrestler's bridges)."""


def contraindication_named(value: str) -> Contraindication | None:
    """The tag spelled `value` (e.g. "jumping"), or None when the vocabulary has no such tag."""
    try:
        return Contraindication(value)
    except ValueError:
        return None
