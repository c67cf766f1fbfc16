"""Contraindication rules, reviewed by hand (see docs/library.md, "Tags").

Every rule whose condition holds adds its tags; rules run in order and a rule may look at the patterns
(`When.patterns`) and at the tags earlier rules gave (`When.tagged`). A tag names what the exercise
demands of the body (`domain.library.contraindications`), never a diagnosis. Exercises the rules get
wrong go in `tag_overrides`.
"""

from __future__ import annotations

from domain.library.contraindications import Contraindication
from domain.library.matching import ContraindicationRule, When
from domain.library.values import Category, Equipment, Force, MovementPattern, Muscle

T = Contraindication
P = MovementPattern
C = Category
E = Equipment
STRETCHING = frozenset({C.STRETCHING})
FREE_WEIGHT_BARS = frozenset({E.BARBELL, E.EZ_CURL_BAR})
LOADING_EQUIPMENT = frozenset(E) - {E.NONE, E.BODY_ONLY, E.BANDS}
"""Equipment that can load a lift heavily (bands and the body alone cannot)."""

CONTRAINDICATION_RULES: tuple[ContraindicationRule, ...] = (
    # --- knees and legs
    ContraindicationRule(
        When(patterns=frozenset({P.SQUAT, P.LUNGE}), name_none=("kneeling squat",)),
        (T.DEEP_KNEE_FLEXION_LOADED,),
        "squats, leg presses and lunges bend the knee deeply under the body's weight or more",
    ),
    ContraindicationRule(
        When(name_any=("squat", "squats"), patterns=frozenset({P.JUMP}), name_none=("kneeling",)),
        (T.DEEP_KNEE_FLEXION_LOADED,),
        "a jump squat drops into a squat before each jump",
    ),
    ContraindicationRule(
        When(patterns=frozenset({P.LUNGE}), not_categories=STRETCHING),
        (T.SINGLE_LEG_BALANCE_LOADED,),
        "lunges, split squats and step-ups stand on one leg while moving",
    ),
    ContraindicationRule(
        When(
            name_any=("one leg", "single leg", "one legged", "pistol"),
            patterns=frozenset({P.SQUAT, P.HINGE, P.LUNGE, P.JUMP}),
            name_none=("bridge", "seated"),
        ),
        (T.SINGLE_LEG_BALANCE_LOADED,),
        "single-leg squats, deadlifts and hops",
    ),
    ContraindicationRule(When(patterns=frozenset({P.JUMP})), (T.JUMPING,), "jumps land on the feet"),
    ContraindicationRule(
        When(name_any=("rope jumping", "jumping jack", "star jump", "split jerk")),
        (T.JUMPING,),
        "jumping named otherwise (a split jerk jumps the feet apart)",
    ),
    ContraindicationRule(
        When(
            name_any=(
                "lateral",
                "side to side",
                "carioca",
                "cone",
                "diagonal",
                "skating",
                "side hop",
                "shuffle",
                "crossover",
            ),
            patterns=frozenset({P.JUMP, P.LOCOMOTION}),
        ),
        (T.PIVOTING,),
        "sideways and diagonal jumps and runs cut on a planted foot",
    ),
    ContraindicationRule(When(name_any=("180",)), (T.PIVOTING,), "landmine 180s turn on the feet"),
    ContraindicationRule(
        When(
            name_any=(
                "sprint",
                "run",
                "running",
                "jog",
                "jogging",
                "skip",
                "skipping",
                "butt kick",
                "prowler",
                "acceleration",
                "start technique",
                "claw",
            ),
            not_categories=STRETCHING,
        ),
        (T.RUNNING,),
        "running, sprinting and skipping",
    ),
    # --- spine
    ContraindicationRule(
        When(
            name_any=(
                "crunch",
                "sit up",
                "situp",
                "jackknife",
                "v up",
                "toe touchers",
                "butt ups",
                "heel touchers",
                "elbow to knee",
                "gorilla",
                "side bend",
                "bottoms up",
            ),
            primary=frozenset({Muscle.ABDOMINALS}),
        ),
        (T.SPINAL_FLEXION_LOADED,),
        "crunches, sit-ups and side bends round the spine against the trunk's weight or more",
    ),
    ContraindicationRule(
        When(name_any=("hyperextension", "hyperextensions", "back extension", "superman", "good morning")),
        (T.SPINAL_EXTENSION_LOADED,),
        "back extensions and good mornings arch or hold the spine against load",
    ),
    ContraindicationRule(
        When(patterns=frozenset({P.SQUAT, P.LUNGE}), equipment=frozenset({E.BARBELL})),
        (T.SPINAL_COMPRESSION_HEAVY,),
        "a barbell across the back or front loads the spine axially",
    ),
    ContraindicationRule(
        When(patterns=frozenset({P.SQUAT, P.LUNGE}), name_any=("smith",)),
        (T.SPINAL_COMPRESSION_HEAVY,),
        "a Smith-machine bar sits on the back like a barbell",
    ),
    ContraindicationRule(
        When(
            name_any=(
                "deadlift",
                "deadlifts",
                "good morning",
                "rack pull",
                "rack pulls",
                "tire flip",
                "stiff leg",
            ),
            equipment=LOADING_EQUIPMENT,
        ),
        (T.SPINAL_COMPRESSION_HEAVY, T.HEAVY_GRIP),
        "deadlifts and good mornings load the spine; deadlifts and tire flips load the grip",
    ),
    ContraindicationRule(
        When(patterns=frozenset({P.OLYMPIC_LIFT}), equipment=frozenset({E.BARBELL})),
        (T.SPINAL_COMPRESSION_HEAVY,),
        "Olympic lifts move heavy bars fast",
    ),
    ContraindicationRule(
        When(
            patterns=frozenset({P.VERTICAL_PUSH}),
            equipment=FREE_WEIGHT_BARS,
            name_none=("dip", "dips", "landmine", "linear jammer"),
        ),
        (T.SPINAL_COMPRESSION_HEAVY,),
        "a barbell pressed overhead standing loads the spine",
    ),
    ContraindicationRule(
        When(categories=frozenset({C.STRONGMAN})),
        (T.SPINAL_COMPRESSION_HEAVY, T.MAXIMAL_EFFORT),
        "strongman events: heavy odd objects, moved near one's limit",
    ),
    ContraindicationRule(When(patterns=frozenset({P.CARRY})), (T.SPINAL_COMPRESSION_HEAVY,), "heavy carries"),
    # --- shoulders
    ContraindicationRule(
        When(patterns=frozenset({P.VERTICAL_PUSH}), name_none=("dip", "dips")),
        (T.OVERHEAD_PRESSING,),
        "presses overhead",
    ),
    ContraindicationRule(
        When(
            name_any=(
                "overhead",
                "over head",
                "above head",
                "snatch",
                "get up",
                "windmill",
                "handstand",
                "sled overhead",
            ),
            name_none=("throw", "slam", "cable curl", "deadlift", "pull", "shrug"),
            not_categories=STRETCHING,
        ),
        (T.OVERHEAD_PRESSING,),
        "load held or moved above the head (overhead squats, snatches, overhead extensions, get-ups)",
    ),
    ContraindicationRule(
        When(name_any=("upright", "sumo high pull", "row to neck")),
        (T.UPRIGHT_ROW,),
        "upright rows and high pulls lift the elbows above the shoulders",
    ),
    ContraindicationRule(
        When(name_any=("behind the neck", "behind neck", "bradford", "rear pull up")),
        (T.BEHIND_THE_NECK,),
        "bars pressed or pulled behind the head",
    ),
    ContraindicationRule(
        When(name_any=("dip", "dips", "muscle up"), name_none=("jerk dip", "dip squat")),
        (T.SHOULDER_EXTREME_EXTENSION,),
        "dips take the arms far behind the body under the body's weight",
    ),
    ContraindicationRule(
        When(
            name_any=("fly", "flye", "flyes"),
            primary=frozenset({Muscle.CHEST}),
            equipment=frozenset({E.DUMBBELL, E.CABLE}),
        ),
        (T.SHOULDER_EXTREME_EXTENSION,),
        "deep chest flyes stretch the shoulder open under load",
    ),
    # --- lying positions
    ContraindicationRule(
        When(
            name_any=(
                "bench press",
                "floor press",
                "board press",
                "pin press",
                "jm press",
                "neck press",
                "lying",
                "supine",
                "bridge",
                "hip thrust",
                "crunch",
                "crunches",
                "sit up",
                "flat bench",
                "skull",
                "skullcrusher",
                "pullover",
                "dead bug",
                "flutter kick",
                "on your back",
                "leg lift",
                "dumbbell flyes",
                "bench flye",
                "tate press",
            ),
            name_none=(
                "incline",
                "decline",
                "hanging",
                "face down",
                "prone",
                "side",
                "oblique",
                "standing",
                "seated",
                "kneeling",
                "machine bench",
                "crunch machine",
                "lying leg curl",
                "lying t bar",
                "lying rear delt",
                "lying one arm lateral",
                "lying one arm rear",
                "lying cambered",
                "london",
                "exercise ball",
                "bosu",
                "cable crunch",
                "rope crunch",
            ),
        ),
        (T.SUPINE_PROLONGED,),
        "lying on the back for the set: bench and floor presses, bridges, crunches, lying extensions",
    ),
    ContraindicationRule(
        When(
            name_any=(
                "prone",
                "face down",
                "superman",
                "locust",
                "lying leg curl",
                "lying t bar",
                "lying rear delt",
                "lying cambered",
            )
        ),
        (T.PRONE_LYING,),
        "lying face down",
    ),
    ContraindicationRule(When(name_any=("decline", "handstand")), (T.INVERSION,), "the head below the heart"),
    ContraindicationRule(
        When(name_any=("kneeling", "on knees", "all fours", "ab roller", "rollout", "childs pose")),
        (T.KNEELING,),
        "weight on the knees",
    ),
    # --- risk and effort
    ContraindicationRule(
        When(
            name_any=("box jump", "depth jump", "box skip", "hurdle", "high box", "bench jump", "box shuffle")
        ),
        (T.FALL_RISK,),
        "jumps onto, off or over obstacles",
    ),
    ContraindicationRule(
        When(patterns=frozenset({P.OLYMPIC_LIFT}), equipment=frozenset({E.BARBELL})),
        (T.FALL_RISK, T.MAXIMAL_EFFORT, T.HEAVY_GRIP),
        "barbell Olympic lifts: fast, technical, near one's limit, gripped hard",
    ),
    ContraindicationRule(
        When(
            name_any=(
                "step up",
                "bosu",
                "balance board",
                "suspended",
                "kipping",
                "muscle up",
                "rope climb",
                "handstand",
                "get up",
                "stability ball",
                "on an exercise ball",
                "skating",
            )
        ),
        (T.FALL_RISK,),
        "unstable footing or body positions that can fail",
    ),
    ContraindicationRule(
        When(equipment=frozenset({E.EXERCISE_BALL}), not_categories=STRETCHING),
        (T.FALL_RISK,),
        "exercise-ball work can roll away",
    ),
    ContraindicationRule(
        When(name_any=("sledgehammer", "heavy bag", "partner", "tire flip"), not_categories=STRETCHING),
        (T.CONTACT_RISK,),
        "an implement or object that can strike the body",
    ),
    ContraindicationRule(When(patterns=frozenset({P.THROW})), (T.CONTACT_RISK,), "a thrown or slammed ball"),
    ContraindicationRule(
        When(categories=frozenset({C.POWERLIFTING}), equipment=frozenset({E.BARBELL})),
        (T.MAXIMAL_EFFORT,),
        "powerlifting barbell lifts are trained toward one-rep maxima",
    ),
    ContraindicationRule(
        When(
            name_any=(
                "sprint",
                "sprints",
                "burpee",
                "sled",
                "prowler",
                "battling ropes",
                "mountain climber",
                "jumping jack",
                "power stairs",
                "sledgehammer",
                "tire flip",
                "star jump",
                "tuck jump",
                "fast skipping",
            )
        ),
        (T.HIGH_INTENSITY_INTERVALS,),
        "bouts that drive the heart rate near its maximum",
    ),
    ContraindicationRule(
        When(forces=frozenset({Force.STATIC}), not_categories=STRETCHING, name_none=("smr",)),
        (T.HEAVY_ISOMETRIC_VALSALVA,),
        "static holds (planks, wall sits, isometrics) invite holding the breath",
    ),
    ContraindicationRule(
        When(tagged=frozenset({T.SPINAL_COMPRESSION_HEAVY, T.MAXIMAL_EFFORT})),
        (T.HEAVY_ISOMETRIC_VALSALVA,),
        "heavy axial lifts and maximal efforts are braced with a held breath",
    ),
    ContraindicationRule(
        When(
            name_any=("leg press", "bench press", "hip thrust"),
            name_none=("calf",),
            equipment=frozenset({E.BARBELL, E.MACHINE}),
        ),
        (T.HEAVY_ISOMETRIC_VALSALVA,),
        "heavy barbell and machine presses are braced with a held breath",
    ),
    # --- hands and wrists
    ContraindicationRule(
        When(
            name_any=(
                "farmer",
                "carry",
                "suitcase",
                "hanging",
                "hang",
                "pull up",
                "pullup",
                "pullups",
                "chin",
                "muscle up",
                "rope climb",
                "shrug",
                "shrugs",
                "plate pinch",
                "wrist roller",
                "hand squeeze",
                "atlas",
                "keg",
                "sandbag",
                "swing",
                "swings",
            ),
            name_none=(
                "chin to chest",
                "to chin",
                "band assisted",
                "hang clean",
                "hang snatch",
                "hang power",
            ),
            not_categories=STRETCHING,
        ),
        (T.HEAVY_GRIP,),
        "the hands hold a heavy load or the body's weight",
    ),
    ContraindicationRule(
        When(patterns=frozenset({P.HORIZONTAL_PULL}), equipment=frozenset({E.BARBELL})),
        (T.HEAVY_GRIP,),
        "heavy barbell rows",
    ),
    ContraindicationRule(
        When(
            name_any=(
                "push up",
                "pushup",
                "pushups",
                "front squat",
                "front barbell squat",
                "clean",
                "jerk",
                "handstand",
                "crawl",
                "mountain climber",
                "burpee",
                "body up",
                "inchworm",
                "wipers",
                "palms down",
                "reverse wrist",
                "wrist roller",
            ),
            name_none=("deadlift", "pull", "shrug", "clean grip"),
            not_categories=STRETCHING,
        ),
        (T.WRIST_EXTENSION_LOADED,),
        "palms flat under the body, a front-rack catch, or a palms-down wrist curl",
    ),
    ContraindicationRule(
        When(patterns=frozenset({P.VERTICAL_PUSH}), equipment=FREE_WEIGHT_BARS, name_none=("dip", "dips")),
        (T.WRIST_EXTENSION_LOADED,),
        "a barbell overhead rests on bent-back wrists",
    ),
    ContraindicationRule(
        When(name_any=("wrist curl", "finger curls", "wrist roller"), name_none=("palms down",)),
        (T.WRIST_FLEXION_LOADED,),
        "wrist curls palms up and wrist rollers curl the wrist under load",
    ),
    # --- neck
    ContraindicationRule(
        When(primary=frozenset({Muscle.NECK}), not_categories=STRETCHING),
        (T.NECK_LOADED,),
        "neck work against resistance",
    ),
)
