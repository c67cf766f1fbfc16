"""From injuries as users write them to restrictions (`domain.library.conditions`)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from domain.library.conditions import restrictions_of
from domain.library.contraindications import Contraindication as C


@dataclass(frozen=True)
class Case:
    injury: str
    conditions: frozenset[str]
    """Conditions that must be among those recognised."""
    restricted: frozenset[C]
    allowed: frozenset[C]
    """Tags that must stay allowed: the mapping does not over-reach to unrelated body parts."""


def case(injury: str, conditions: set[str], restricted: set[C], allowed: set[C]) -> Case:
    return Case(injury, frozenset(conditions), frozenset(restricted), frozenset(allowed))


KNEE_TAGS = {C.DEEP_KNEE_FLEXION_LOADED, C.JUMPING, C.PIVOTING, C.KNEELING}
SHOULDER_TAGS = {C.OVERHEAD_PRESSING, C.UPRIGHT_ROW, C.BEHIND_THE_NECK}
WRIST_TAGS = {C.WRIST_EXTENSION_LOADED, C.WRIST_FLEXION_LOADED}
CARDIAC_TAGS = {C.MAXIMAL_EFFORT, C.HEAVY_ISOMETRIC_VALSALVA, C.HIGH_INTENSITY_INTERVALS}

CASES = [
    # The issue's examples.
    case(
        "knee (meniscus surgery 6 weeks ago)",
        {"meniscus tear", "surgery (recent or undated)"},
        {C.DEEP_KNEE_FLEXION_LOADED, C.PIVOTING, C.KNEELING, C.MAXIMAL_EFFORT},
        SHOULDER_TAGS | WRIST_TAGS,
    ),
    case(
        "lumbar disc herniation",
        {"lumbar disc herniation or bulge"},
        {C.SPINAL_FLEXION_LOADED, C.SPINAL_COMPRESSION_HEAVY, C.HEAVY_ISOMETRIC_VALSALVA},
        SHOULDER_TAGS | WRIST_TAGS | {C.KNEELING},
    ),
    case(
        "shoulder impingement",
        {"shoulder impingement"},
        SHOULDER_TAGS,
        KNEE_TAGS | {C.SPINAL_FLEXION_LOADED, C.RUNNING},
    ),
    case(
        "pregnant, third trimester",
        {"pregnancy", "pregnancy, third trimester"},
        {
            C.SUPINE_PROLONGED,
            C.FALL_RISK,
            C.JUMPING,
            C.MAXIMAL_EFFORT,
            C.HEAVY_ISOMETRIC_VALSALVA,
            C.CONTACT_RISK,
        },
        WRIST_TAGS | {C.UPRIGHT_ROW},
    ),
    case(
        "heart attack 3 months ago",
        {"heart attack"},
        CARDIAC_TAGS | {C.SPINAL_COMPRESSION_HEAVY},
        WRIST_TAGS | {C.DEEP_KNEE_FLEXION_LOADED, C.KNEELING, C.UPRIGHT_ROW},
    ),
    case(
        "sprained ankle",
        {"ankle sprain"},
        {C.JUMPING, C.RUNNING, C.PIVOTING, C.SINGLE_LEG_BALANCE_LOADED},
        SHOULDER_TAGS | WRIST_TAGS | {C.SPINAL_COMPRESSION_HEAVY},
    ),
    case(
        "tennis elbow",
        {"tennis elbow"},
        {C.HEAVY_GRIP, C.WRIST_EXTENSION_LOADED},
        KNEE_TAGS | {C.RUNNING, C.OVERHEAD_PRESSING},
    ),
    # Misspellings.
    case("torn menicus", {"meniscus tear"}, {C.DEEP_KNEE_FLEXION_LOADED}, SHOULDER_TAGS),
    case("lumbar disk", {"lumbar disc herniation or bulge"}, {C.SPINAL_FLEXION_LOADED}, SHOULDER_TAGS),
    case("impingment", {"shoulder impingement"}, SHOULDER_TAGS, KNEE_TAGS),
    case("Pregnent", {"pregnancy"}, {C.SUPINE_PROLONGED, C.CONTACT_RISK}, WRIST_TAGS),
    case("tenis elbow", {"tennis elbow"}, {C.HEAVY_GRIP}, KNEE_TAGS),
    case("rotator cuf tear", {"rotator cuff tear or tendinopathy"}, SHOULDER_TAGS, KNEE_TAGS),
    case("rotater cuff", {"rotator cuff tear or tendinopathy"}, SHOULDER_TAGS, KNEE_TAGS),
    case("plantar fascitis", {"plantar fasciitis"}, {C.RUNNING, C.JUMPING}, SHOULDER_TAGS),
    case(
        "spondilolisthesis L5",
        {"spondylolisthesis or spondylolysis"},
        {C.SPINAL_EXTENSION_LOADED},
        WRIST_TAGS,
    ),
    case("osteoperosis", {"osteoporosis or osteopenia"}, {C.SPINAL_FLEXION_LOADED, C.FALL_RISK}, WRIST_TAGS),
    case("achillies tendonitis", {"Achilles tendinopathy"}, {C.RUNNING, C.JUMPING}, SHOULDER_TAGS),
    case("carpel tunnel", {"carpal tunnel syndrome"}, WRIST_TAGS | {C.HEAVY_GRIP}, KNEE_TAGS),
    case("sciatca", {"sciatica"}, {C.SPINAL_FLEXION_LOADED}, SHOULDER_TAGS),
    case("arrythmia", {"arrhythmia"}, CARDIAC_TAGS, KNEE_TAGS),
    case("glacoma", {"glaucoma"}, {C.INVERSION, C.HEAVY_ISOMETRIC_VALSALVA}, KNEE_TAGS),
    # Synonyms, lay terms, other orders and forms.
    case("arthritis in my left knee", {"knee arthritis"}, KNEE_TAGS, SHOULDER_TAGS),
    case("Golfer\u2019s Elbow", {"golfer's elbow"}, {C.HEAVY_GRIP, C.WRIST_FLEXION_LOADED}, KNEE_TAGS),
    case("slipped disc", {"lumbar disc herniation or bulge"}, {C.SPINAL_COMPRESSION_HEAVY}, SHOULDER_TAGS),
    case("bad back", {"back pain (unspecified)"}, {C.SPINAL_COMPRESSION_HEAVY}, SHOULDER_TAGS),
    case("runner's knee", {"patellofemoral pain"}, {C.DEEP_KNEE_FLEXION_LOADED, C.KNEELING}, SHOULDER_TAGS),
    case("torn ACL, reconstructed 2023", {"ACL injury or reconstruction"}, {C.PIVOTING}, SHOULDER_TAGS),
    case("dislocated my shoulder", {"shoulder dislocation or instability"}, {C.BEHIND_THE_NECK}, KNEE_TAGS),
    case("adhesive capsulitis", {"frozen shoulder"}, SHOULDER_TAGS, KNEE_TAGS),
    case("SLAP tear", {"shoulder labral tear"}, {C.OVERHEAD_PRESSING}, KNEE_TAGS),
    case("AC joint separation", {"AC joint injury"}, {C.SHOULDER_EXTREME_EXTENSION}, KNEE_TAGS),
    case(
        "herniated disc in my neck", {"cervical disc herniation or radiculopathy"}, {C.NECK_LOADED}, KNEE_TAGS
    ),
    case("total hip replacement", {"hip replacement"}, {C.DEEP_KNEE_FLEXION_LOADED, C.FALL_RISK}, WRIST_TAGS),
    case("hip labral tear", {"hip labral tear"}, {C.PIVOTING}, WRIST_TAGS),
    case("rolled my ankle", {"ankle sprain"}, {C.SINGLE_LEG_BALANCE_LOADED}, SHOULDER_TAGS),
    case("ruptured achilles", {"Achilles rupture"}, {C.JUMPING, C.FALL_RISK}, SHOULDER_TAGS),
    case("broken wrist", {"wrist fracture"}, WRIST_TAGS | {C.HEAVY_GRIP}, KNEE_TAGS),
    case("32 weeks pregnant", {"pregnancy"}, {C.SUPINE_PROLONGED, C.MAXIMAL_EFFORT}, WRIST_TAGS),
    case("1st trimester", {"pregnancy, first trimester"}, {C.CONTACT_RISK}, {C.SUPINE_PROLONGED}),
    case("had a baby in March", {"postpartum"}, {C.JUMPING, C.HEAVY_ISOMETRIC_VALSALVA}, WRIST_TAGS),
    case("C-section", {"caesarean section"}, {C.SPINAL_FLEXION_LOADED, C.PRONE_LYING}, WRIST_TAGS),
    case("diastasis recti", {"diastasis recti"}, {C.SPINAL_FLEXION_LOADED}, KNEE_TAGS),
    case(
        "MI in 2024, two stents", {"heart attack", "coronary stent or angioplasty"}, CARDIAC_TAGS, KNEE_TAGS
    ),
    case("triple bypass", {"heart bypass surgery"}, CARDIAC_TAGS | {C.OVERHEAD_PRESSING}, KNEE_TAGS),
    case("AFib", {"arrhythmia"}, CARDIAC_TAGS, KNEE_TAGS),
    case(
        "high blood pressure", {"high blood pressure"}, {C.HEAVY_ISOMETRIC_VALSALVA, C.INVERSION}, KNEE_TAGS
    ),
    case("congestive heart failure", {"heart failure"}, CARDIAC_TAGS, KNEE_TAGS),
    case("inguinal hernia repair", {"inguinal hernia"}, {C.HEAVY_ISOMETRIC_VALSALVA}, WRIST_TAGS),
    case("hiatus hernia", {"hiatal hernia"}, {C.INVERSION}, WRIST_TAGS),
    case(
        "belly button hernia", {"umbilical or abdominal wall hernia"}, {C.SPINAL_FLEXION_LOADED}, WRIST_TAGS
    ),
    case("detached retina", {"retinal detachment"}, {C.INVERSION, C.JUMPING}, WRIST_TAGS),
    case("type 2 diabetes with retinopathy", {"diabetic retinopathy"}, {C.INVERSION}, WRIST_TAGS),
    case("BPPV vertigo", {"vertigo or balance disorder"}, {C.FALL_RISK, C.INVERSION}, WRIST_TAGS),
    case("epileptic", {"epilepsy"}, {C.FALL_RISK}, WRIST_TAGS),
    case("concussion last month", {"concussion"}, {C.CONTACT_RISK, C.JUMPING}, WRIST_TAGS),
    case("exercise-induced asthma", {"asthma"}, {C.HIGH_INTENSITY_INTERVALS}, KNEE_TAGS),
    case("operation 2 weeks ago", {"surgery (recent or undated)"}, {C.MAXIMAL_EFFORT}, WRIST_TAGS),
    case("cervical spondylosis", {"spondylosis or facet joint arthritis"}, {C.NECK_LOADED}, WRIST_TAGS),
    case("ankylosing spondylitis", {"ankylosing spondylitis"}, {C.FALL_RISK}, WRIST_TAGS),
    case("hip impingement", {"hip impingement (FAI)"}, {C.DEEP_KNEE_FLEXION_LOADED}, {C.OVERHEAD_PRESSING}),
    case("gastric bypass", {"abdominal surgery"}, {C.SPINAL_FLEXION_LOADED}, {C.OVERHEAD_PRESSING}),
]


@pytest.mark.parametrize("example", CASES, ids=[example.injury for example in CASES])
def test_injuries_are_recognised_and_restrict_what_they_strain(example: Case) -> None:
    restrictions = restrictions_of([example.injury])

    assert restrictions.unrecognised == ()
    (recognised,) = restrictions.recognised
    assert recognised.injury == example.injury
    assert example.conditions <= set(recognised.conditions)
    assert example.restricted <= restrictions.tags
    assert not example.allowed & restrictions.tags


@pytest.mark.parametrize(
    ("injury", "not_recognised_as"),
    [
        ("hip impingement", "shoulder impingement"),
        ("gastric bypass", "heart bypass surgery"),
        ("herniated disc in my neck", "lumbar disc herniation or bulge"),
        ("first trimester", "pregnancy, third trimester"),
        ("herniated disc", "hernia (type unspecified)"),
        ("strained calf", "ankle sprain"),
        ("cervical spondylosis", "spondylolisthesis or spondylolysis"),
    ],
)
def test_near_phrases_do_not_trigger_the_wrong_condition(injury: str, not_recognised_as: str) -> None:
    (recognised,) = restrictions_of([injury]).recognised
    assert not_recognised_as not in recognised.conditions


@pytest.mark.parametrize(
    "injury",
    [
        "my cat",
        "sad",
        "tired",
        "I love running",
        "want to lose weight",
        "beginner",
        "stronger arms",
        "heartburn",
    ],
)
def test_text_that_names_no_condition_stays_unrecognised(injury: str) -> None:
    restrictions = restrictions_of([injury])

    assert restrictions.unrecognised == (injury,)
    assert restrictions.recognised == ()
    assert restrictions.tags == frozenset()


@pytest.mark.parametrize("nothing", ["", "  ", "-", "none", "None.", "N/A", "no injuries", "nothing", "nil"])
def test_words_for_nothing_restrict_nothing_and_are_not_unrecognised(nothing: str) -> None:
    assert restrictions_of([nothing, "none"]) == restrictions_of([])
    assert restrictions_of([]).tags == frozenset()


def test_several_injuries_union_their_tags_and_keep_the_unrecognised_ones() -> None:
    restrictions = restrictions_of(["tennis elbow", "my cat", "sprained ankle", "n/a"])

    assert (
        restrictions.tags == restrictions_of(["tennis elbow"]).tags | restrictions_of(["sprained ankle"]).tags
    )
    assert [item.injury for item in restrictions.recognised] == ["tennis elbow", "sprained ankle"]
    assert restrictions.unrecognised == ("my cat",)
