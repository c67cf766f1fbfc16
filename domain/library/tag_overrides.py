"""Hand-kept corrections of the tagging rules, one line of reason each (see docs/library.md, "Tags").

Keyed by the exercise id. An override adds or removes patterns and contraindication tags after the
rules have run; `add_patterns` go first, so they become the main pattern. A test checks every id here
exists in the shipped library, so a renamed upstream id cannot leave an override silently unused.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.library.contraindications import Contraindication
from domain.library.values import MovementPattern

T = Contraindication
P = MovementPattern


@dataclass(frozen=True, slots=True, kw_only=True)
class TagOverride:
    reason: str
    add_patterns: tuple[MovementPattern, ...] = ()
    remove_patterns: tuple[MovementPattern, ...] = ()
    add: tuple[Contraindication, ...] = ()
    remove: tuple[Contraindication, ...] = ()


TAG_OVERRIDES: dict[str, TagOverride] = {
    "Wind_Sprints": TagOverride(
        reason="despite its name a hanging knee raise: no running, a heavy grip",
        add_patterns=(P.CORE_FLEXION,),
        remove_patterns=(P.LOCOMOTION,),
        add=(T.HEAVY_GRIP,),
        remove=(T.RUNNING, T.HIGH_INTENSITY_INTERVALS),
    ),
    "Lunge_Sprint": TagOverride(
        reason="a split squat under a Smith-machine bar, not a sprint",
        add=(T.SPINAL_COMPRESSION_HEAVY,),
        remove=(T.RUNNING, T.HIGH_INTENSITY_INTERVALS),
    ),
    "Battling_Ropes": TagOverride(
        reason="rope waves in front of the body: conditioning, no press overhead",
        add_patterns=(P.LOCOMOTION,),
        remove_patterns=(P.VERTICAL_PUSH,),
        remove=(T.OVERHEAD_PRESSING,),
    ),
    "Hip_Flexion_with_Band": TagOverride(
        reason="a standing knee lift against a band: one joint, no squat",
        add_patterns=(P.ISOLATION,),
        remove_patterns=(P.SQUAT,),
        remove=(T.DEEP_KNEE_FLEXION_LOADED,),
    ),
    "Isometric_Chest_Squeezes": TagOverride(
        reason="palms pressed together: an isometric hold, nothing is thrown",
        add_patterns=(P.ISOLATION,),
        remove_patterns=(P.THROW,),
        remove=(T.CONTACT_RISK,),
    ),
    "Gorilla_Chin_Crunch": TagOverride(
        reason="done hanging from a bar, not lying down",
        remove=(T.SUPINE_PROLONGED,),
    ),
    "Jerk_Dip_Squat": TagOverride(
        reason="the jerk's shallow dip: part of an Olympic lift, not a deep squat",
        add_patterns=(P.OLYMPIC_LIFT,),
        remove=(T.DEEP_KNEE_FLEXION_LOADED,),
    ),
    "Crunch_-_Legs_On_Exercise_Ball": TagOverride(
        reason="lying on the back with the legs on the ball (the rule skips ball exercises)",
        add=(T.SUPINE_PROLONGED,),
    ),
    "Kneeling_Squat": TagOverride(
        reason="a hip extension from the knees under a back-loaded bar: no deep knee flexion",
        add_patterns=(P.HINGE,),
        remove_patterns=(P.SQUAT,),
        add=(T.SPINAL_COMPRESSION_HEAVY,),
    ),
    "Smith_Machine_Leg_Press": TagOverride(
        reason="lying under a Smith bar pressed by the feet: the spine is not loaded axially",
        remove=(T.SPINAL_COMPRESSION_HEAVY,),
        add=(T.SUPINE_PROLONGED,),
    ),
    "Smith_Machine_Bench_Press": TagOverride(
        reason="lying on a flat bench like any bench press (the rule skips seated machine presses)",
        add=(T.SUPINE_PROLONGED,),
    ),
}
