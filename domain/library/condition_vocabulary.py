"""The conditions vocabulary: what users write about injuries and conditions, and what it restricts.

One table, `CONDITIONS`. Each entry names a condition, lists the phrases that recognise it (synonyms,
lay terms, common misspellings; matched by `domain.library.phrase_matching`: all words of a phrase, in any
order, with small typos tolerated in long words) and the contraindication tags it restricts, with the
reason in a comment. Entries restrict demands of exercises, never prescribe: no advice text lives here.

When several entries match one injury, all their tags apply (the union is the cautious reading): "knee
replacement" matches the unspecified knee entry and the replacement entry. `WHEN_UNSURE` is what an
injury nothing recognises restricts (`domain.library.availability`). How to add an entry: docs/conditions.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.library.contraindications import Contraindication as C


@dataclass(frozen=True, slots=True)
class Condition:
    name: str
    phrases: tuple[str, ...]
    restricts: frozenset[C]
    unless: tuple[str, ...] = ()
    """Words that, when the injury also says them, mean another entry's reading applies instead ("hip"
    makes "impingement" the hip's, not the shoulder's)."""


WHEN_UNSURE = frozenset(
    {
        C.MAXIMAL_EFFORT,
        C.HEAVY_ISOMETRIC_VALSALVA,
        C.SPINAL_COMPRESSION_HEAVY,
        C.JUMPING,
        C.HIGH_INTENSITY_INTERVALS,
        C.FALL_RISK,
        C.CONTACT_RISK,
        C.INVERSION,
    }
)
"""Restricted when an injury is not recognised: the demands whose harm is sudden and severe for many
conditions at once (peak loads and blood-pressure spikes for the heart, eyes and spine; impact; falls and
knocks for anything healing; head-down positions for eyes and blood pressure). Joint-specific tags are
not guessed: the caller shows the unrecognised text so the user can rephrase it."""


CONDITIONS: tuple[Condition, ...] = (
    # ---------------------------------------------------------------- knee
    Condition(
        # An unspecified knee complaint: avoid what strains almost every knee condition alike.
        name="knee problem (unspecified)",
        phrases=("knee", "kne", "knnee"),
        restricts=frozenset({C.DEEP_KNEE_FLEXION_LOADED, C.JUMPING, C.PIVOTING}),
    ),
    Condition(
        # Loaded deep flexion and twisting compress and shear the meniscus; kneeling is full flexion.
        name="meniscus tear",
        phrases=("meniscus", "menicus", "menisus", "miniscus", "meniscal", "menisci", "knee cartilage"),
        restricts=frozenset({C.DEEP_KNEE_FLEXION_LOADED, C.PIVOTING, C.JUMPING, C.RUNNING, C.KNEELING}),
    ),
    Condition(
        # Cutting, landing and single-leg control load the ACL (or its graft) the most.
        name="ACL injury or reconstruction",
        phrases=("acl", "anterior cruciate", "cruciate ligament"),
        restricts=frozenset({C.PIVOTING, C.JUMPING, C.RUNNING, C.SINGLE_LEG_BALANCE_LOADED}),
    ),
    Condition(
        # Deep loaded flexion and kneeling push the shin backwards, the PCL's job to resist.
        name="PCL injury",
        phrases=("pcl", "posterior cruciate"),
        restricts=frozenset({C.DEEP_KNEE_FLEXION_LOADED, C.KNEELING, C.JUMPING, C.PIVOTING}),
    ),
    Condition(
        # Collateral ligaments resist sideways and twisting load: pivots, landings, single-leg work.
        name="MCL or LCL sprain",
        phrases=("mcl", "lcl", "medial collateral", "lateral collateral", "collateral ligament"),
        restricts=frozenset({C.PIVOTING, C.JUMPING, C.RUNNING, C.SINGLE_LEG_BALANCE_LOADED}),
    ),
    Condition(
        # Kneecap pressure rises with knee flexion under load, impact and direct pressure (kneeling).
        name="patellofemoral pain",
        phrases=(
            "patellofemoral",
            "patello femoral",
            "pfps",
            "runners knee",
            "chondromalacia",
            "kneecap",
            "knee cap",
            "patella",
        ),
        restricts=frozenset({C.DEEP_KNEE_FLEXION_LOADED, C.JUMPING, C.RUNNING, C.KNEELING}),
    ),
    Condition(
        # The patellar tendon is loaded hardest by landings and deep loaded squats.
        name="patellar tendinopathy",
        phrases=("patellar tendon", "patellar tendinitis", "patellar tendonitis", "jumpers knee"),
        restricts=frozenset({C.JUMPING, C.DEEP_KNEE_FLEXION_LOADED, C.RUNNING}),
    ),
    Condition(
        # Growth-plate irritation under the kneecap: impact, deep loaded flexion and kneeling hurt.
        name="Osgood-Schlatter",
        phrases=("osgood", "schlatter"),
        restricts=frozenset({C.JUMPING, C.DEEP_KNEE_FLEXION_LOADED, C.KNEELING}),
    ),
    Condition(
        # Implants limit deep flexion; impact and twisting wear them; kneeling on the scar is avoided.
        name="knee replacement",
        phrases=(
            "knee replacement",
            "replaced knee",
            "tkr",
            "tka",
            "total knee",
            "knee arthroplasty",
            "new knee",
        ),
        restricts=frozenset(
            {
                C.DEEP_KNEE_FLEXION_LOADED,
                C.JUMPING,
                C.RUNNING,
                C.PIVOTING,
                C.KNEELING,
                C.CONTACT_RISK,
            }
        ),
    ),
    Condition(
        # Worn joint surfaces: impact, deep loaded flexion and kneeling pressure aggravate them.
        name="knee arthritis",
        phrases=("knee arthritis", "knee osteoarthritis", "arthritic knee", "knee oa"),
        restricts=frozenset({C.DEEP_KNEE_FLEXION_LOADED, C.JUMPING, C.RUNNING, C.KNEELING}),
    ),
    Condition(
        # The iliotibial band is irritated by repeated knee bending under impact.
        name="IT band syndrome",
        phrases=("it band", "itb", "iliotibial"),
        restricts=frozenset({C.RUNNING, C.JUMPING}),
    ),
    # ---------------------------------------------------------------- lower back
    Condition(
        # An unspecified back complaint: heavy axial load, loaded rounding and maximal efforts.
        name="back pain (unspecified)",
        phrases=("back", "backache", "lumbago", "lumbar"),
        restricts=frozenset({C.SPINAL_COMPRESSION_HEAVY, C.SPINAL_FLEXION_LOADED, C.MAXIMAL_EFFORT}),
    ),
    Condition(
        # Loaded flexion pushes disc material backwards; axial load and breath-holding raise disc pressure.
        name="lumbar disc herniation or bulge",
        phrases=(
            "lumbar disc",
            "lumbar disk",
            "herniated disc",
            "herniated disk",
            "disc herniation",
            "disk herniation",
            "slipped disc",
            "slipped disk",
            "bulging disc",
            "bulging disk",
            "disc bulge",
            "disk bulge",
            "prolapsed disc",
            "disc prolapse",
            "degenerative disc",
            "ddd",
            "l4",
            "l5",
            "s1",
        ),
        restricts=frozenset(
            {
                C.SPINAL_FLEXION_LOADED,
                C.SPINAL_COMPRESSION_HEAVY,
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.JUMPING,
            }
        ),
        unless=("neck", "cervical"),
    ),
    Condition(
        # An irritated sciatic nerve: loaded flexion, axial load and impact provoke it.
        name="sciatica",
        phrases=("sciatica", "sciatic", "siatica", "lumbar radiculopathy"),
        restricts=frozenset(
            {C.SPINAL_FLEXION_LOADED, C.SPINAL_COMPRESSION_HEAVY, C.JUMPING, C.MAXIMAL_EFFORT}
        ),
    ),
    Condition(
        # A stress fracture or slip of a vertebra: extension under load stresses exactly that spot.
        name="spondylolisthesis or spondylolysis",
        phrases=(
            "spondylolisthesis",
            "spondylolysis",
            "spondylothesis",
            "spondy",
            "pars fracture",
            "pars defect",
            "slipped vertebra",
        ),
        restricts=frozenset(
            {C.SPINAL_EXTENSION_LOADED, C.SPINAL_COMPRESSION_HEAVY, C.JUMPING, C.MAXIMAL_EFFORT}
        ),
    ),
    Condition(
        # Worn spinal joints (facets): heavy axial load and loaded arching press them together.
        name="spondylosis or facet joint arthritis",
        phrases=("spondylosis", "spinal arthritis", "facet joint", "facet arthropathy"),
        restricts=frozenset({C.SPINAL_COMPRESSION_HEAVY, C.SPINAL_EXTENSION_LOADED, C.MAXIMAL_EFFORT}),
    ),
    Condition(
        # A stiffening, sometimes fused spine breaks easily in falls and knocks; loaded rounding and
        # heavy axial load strain it.
        name="ankylosing spondylitis",
        phrases=("ankylosing", "spondylitis", "bechterew"),
        restricts=frozenset(
            {
                C.SPINAL_FLEXION_LOADED,
                C.SPINAL_COMPRESSION_HEAVY,
                C.FALL_RISK,
                C.CONTACT_RISK,
                C.MAXIMAL_EFFORT,
            }
        ),
    ),
    Condition(
        # A narrowed spinal canal narrows further when the spine extends or is compressed.
        name="spinal stenosis",
        phrases=("stenosis", "narrowing of the spine"),
        restricts=frozenset({C.SPINAL_EXTENSION_LOADED, C.SPINAL_COMPRESSION_HEAVY, C.MAXIMAL_EFFORT}),
    ),
    Condition(
        # The sacroiliac joint is sheared by single-leg loading, landings and heavy axial load.
        name="sacroiliac joint pain",
        phrases=("si joint", "sacroiliac", "sij"),
        restricts=frozenset({C.SINGLE_LEG_BALANCE_LOADED, C.JUMPING, C.SPINAL_COMPRESSION_HEAVY}),
    ),
    Condition(
        # A curved spine takes heavy axial load unevenly.
        name="scoliosis",
        phrases=("scoliosis", "scoliossis", "curved spine"),
        restricts=frozenset({C.SPINAL_COMPRESSION_HEAVY, C.MAXIMAL_EFFORT}),
    ),
    # ---------------------------------------------------------------- neck
    Condition(
        # An unspecified neck complaint: direct neck loading, bars behind the neck, head-down positions.
        name="neck pain (unspecified)",
        phrases=("neck", "whiplash", "cervical", "torticollis"),
        restricts=frozenset({C.NECK_LOADED, C.BEHIND_THE_NECK, C.INVERSION}),
    ),
    Condition(
        # A cervical disc or pinched nerve: also axial load (bar on the back, headstands) and overhead
        # holds compress the neck; breath-holding raises disc pressure.
        name="cervical disc herniation or radiculopathy",
        phrases=(
            "cervical disc",
            "cervical disk",
            "neck disc",
            "neck disk",
            "cervical radiculopathy",
            "pinched nerve neck",
            "c4",
            "c5",
            "c6",
            "c7",
        ),
        restricts=frozenset(
            {
                C.NECK_LOADED,
                C.BEHIND_THE_NECK,
                C.INVERSION,
                C.SPINAL_COMPRESSION_HEAVY,
                C.OVERHEAD_PRESSING,
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
            }
        ),
    ),
    # ---------------------------------------------------------------- shoulder
    Condition(
        # An unspecified shoulder complaint: the positions that narrow the space under the acromion.
        name="shoulder problem (unspecified)",
        phrases=("shoulder", "sholder", "shouder", "rotator"),
        restricts=frozenset({C.OVERHEAD_PRESSING, C.UPRIGHT_ROW, C.BEHIND_THE_NECK}),
    ),
    Condition(
        # Arm raised overhead or turned in at shoulder height pinches the tendons under the acromion; dips
        # drive the head of the humerus forward and up into the same space.
        # ("impingement" alone is read as the shoulder's, the common use; the hip's is its own entry.)
        name="shoulder impingement",
        phrases=("impingement", "impingment", "impingemnt", "subacromial", "swimmers shoulder"),
        restricts=frozenset(
            {C.OVERHEAD_PRESSING, C.UPRIGHT_ROW, C.BEHIND_THE_NECK, C.SHOULDER_EXTREME_EXTENSION}
        ),
        unless=("hip", "cam", "pincer", "femoroacetabular"),
    ),
    Condition(
        # A torn or irritated cuff cannot stabilise the arm overhead, behind the body or at maximum.
        name="rotator cuff tear or tendinopathy",
        phrases=(
            "rotator cuff",
            "rotator cuf",
            "rotater cuff",
            "rotor cuff",
            "supraspinatus",
            "infraspinatus",
        ),
        restricts=frozenset(
            {
                C.OVERHEAD_PRESSING,
                C.UPRIGHT_ROW,
                C.BEHIND_THE_NECK,
                C.SHOULDER_EXTREME_EXTENSION,
                C.MAXIMAL_EFFORT,
            }
        ),
    ),
    Condition(
        # The arm raised and turned out (behind the neck) or driven back is how shoulders dislocate;
        # knocks and maximal loads can too.
        name="shoulder dislocation or instability",
        phrases=(
            "dislocated shoulder",
            "shoulder dislocation",
            "shoulder instability",
            "unstable shoulder",
            "shoulder subluxation",
            "bankart",
        ),
        restricts=frozenset(
            {
                C.BEHIND_THE_NECK,
                C.SHOULDER_EXTREME_EXTENSION,
                C.OVERHEAD_PRESSING,
                C.CONTACT_RISK,
                C.MAXIMAL_EFFORT,
            }
        ),
    ),
    Condition(
        # A stiff capsule: end-range positions (overhead, behind the neck or back) are forced.
        name="frozen shoulder",
        phrases=("frozen shoulder", "adhesive capsulitis", "frozen sholder"),
        restricts=frozenset(
            {
                C.OVERHEAD_PRESSING,
                C.BEHIND_THE_NECK,
                C.SHOULDER_EXTREME_EXTENSION,
                C.UPRIGHT_ROW,
            }
        ),
    ),
    Condition(
        # The labrum is loaded at end range overhead and behind the body, and by maximal pulls.
        name="shoulder labral tear",
        phrases=("slap tear", "slap lesion", "shoulder labrum", "shoulder labral", "glenoid labrum"),
        restricts=frozenset(
            {
                C.OVERHEAD_PRESSING,
                C.BEHIND_THE_NECK,
                C.SHOULDER_EXTREME_EXTENSION,
                C.MAXIMAL_EFFORT,
            }
        ),
    ),
    Condition(
        # A labral tear without a joint named: restrict what the shoulder's and the hip's both would.
        name="labral tear (joint unspecified)",
        phrases=("labral", "labrum"),
        restricts=frozenset(
            {
                C.OVERHEAD_PRESSING,
                C.BEHIND_THE_NECK,
                C.SHOULDER_EXTREME_EXTENSION,
                C.MAXIMAL_EFFORT,
                C.DEEP_KNEE_FLEXION_LOADED,
                C.PIVOTING,
                C.JUMPING,
            }
        ),
    ),
    Condition(
        # Dips and deep extension lever the AC joint apart; overhead pressing compresses it.
        name="AC joint injury",
        phrases=(
            "ac joint",
            "acromioclavicular",
            "acj",
            "separated shoulder",
            "shoulder separation",
        ),
        restricts=frozenset({C.SHOULDER_EXTREME_EXTENSION, C.OVERHEAD_PRESSING, C.BEHIND_THE_NECK}),
    ),
    Condition(
        # A healing collarbone: no load overhead or behind the body, no knocks, no maximal efforts.
        name="collarbone fracture",
        phrases=("collarbone", "collar bone", "clavicle"),
        restricts=frozenset(
            {
                C.OVERHEAD_PRESSING,
                C.SHOULDER_EXTREME_EXTENSION,
                C.CONTACT_RISK,
                C.MAXIMAL_EFFORT,
                C.FALL_RISK,
            }
        ),
    ),
    Condition(
        # An implant limits end-range positions and must not be knocked or maximally loaded.
        name="shoulder replacement",
        phrases=("shoulder replacement", "reverse shoulder", "shoulder arthroplasty"),
        restricts=frozenset(
            {
                C.OVERHEAD_PRESSING,
                C.BEHIND_THE_NECK,
                C.SHOULDER_EXTREME_EXTENSION,
                C.UPRIGHT_ROW,
                C.MAXIMAL_EFFORT,
                C.CONTACT_RISK,
            }
        ),
    ),
    Condition(
        # The biceps tendon is loaded by heavy grip, deep shoulder extension and maximal pulls.
        name="biceps tendon injury",
        phrases=("bicep",),
        restricts=frozenset({C.HEAVY_GRIP, C.SHOULDER_EXTREME_EXTENSION, C.MAXIMAL_EFFORT}),
    ),
    Condition(
        # A pectoral tear happens at the bottom of heavy presses and dips: stretch under maximal load.
        name="pectoral tear",
        phrases=("pec tear", "torn pec", "pectoral", "pec major"),
        restricts=frozenset({C.MAXIMAL_EFFORT, C.SHOULDER_EXTREME_EXTENSION}),
    ),
    # ---------------------------------------------------------------- elbow
    Condition(
        # An unspecified elbow complaint: heavy gripping loads the tendons at the elbow.
        name="elbow problem (unspecified)",
        phrases=("elbow", "elbo", "elbw"),
        restricts=frozenset({C.HEAVY_GRIP}),
    ),
    Condition(
        # The wrist extensors start at the outer elbow: gripping and wrist extension against load.
        name="tennis elbow",
        phrases=(
            "tennis elbow",
            "tenis elbow",
            "lateral epicondylitis",
            "lateral epicondylalgia",
            "lateral elbow",
        ),
        restricts=frozenset({C.HEAVY_GRIP, C.WRIST_EXTENSION_LOADED}),
    ),
    Condition(
        # The wrist flexors start at the inner elbow: gripping and wrist curls against load.
        name="golfer's elbow",
        phrases=("golfers elbow", "golfes elbow", "medial epicondylitis", "medial elbow"),
        restricts=frozenset({C.HEAVY_GRIP, C.WRIST_FLEXION_LOADED}),
    ),
    # ---------------------------------------------------------------- wrist and hand
    Condition(
        # An unspecified wrist complaint: loaded bending either way.
        name="wrist problem (unspecified)",
        phrases=("wrist", "wirst", "wrsit"),
        restricts=frozenset({C.WRIST_EXTENSION_LOADED, C.WRIST_FLEXION_LOADED}),
    ),
    Condition(
        # Loaded wrist bending and hard gripping raise the pressure in the carpal tunnel.
        name="carpal tunnel syndrome",
        phrases=("carpal tunnel", "carpel tunnel", "carpal tunel", "cts"),
        restricts=frozenset({C.WRIST_FLEXION_LOADED, C.WRIST_EXTENSION_LOADED, C.HEAVY_GRIP}),
    ),
    Condition(
        # Sprained wrist ligaments: loaded bending and hard gripping stretch them.
        name="wrist sprain",
        phrases=("sprained wrist", "wrist sprain", "twisted wrist", "tfcc", "triangular fibrocartilage"),
        restricts=frozenset({C.WRIST_EXTENSION_LOADED, C.WRIST_FLEXION_LOADED, C.HEAVY_GRIP}),
    ),
    Condition(
        # A healing wrist bone: no load through it, and no falls onto an outstretched hand.
        name="wrist fracture",
        phrases=(
            "broken wrist",
            "wrist fracture",
            "fractured wrist",
            "scaphoid",
            "distal radius",
            "colles",
        ),
        restricts=frozenset(
            {
                C.WRIST_EXTENSION_LOADED,
                C.WRIST_FLEXION_LOADED,
                C.HEAVY_GRIP,
                C.FALL_RISK,
            }
        ),
    ),
    Condition(
        # Hand, finger or thumb injuries: heavy gripping and weight on the hand.
        name="hand or finger injury",
        phrases=("hand", "finger", "thumb", "de quervain", "dequervain"),
        restricts=frozenset({C.HEAVY_GRIP, C.WRIST_EXTENSION_LOADED}),
    ),
    # ---------------------------------------------------------------- hip and thigh
    Condition(
        # An unspecified hip complaint: impact and single-leg loading.
        name="hip problem (unspecified)",
        phrases=("hip",),
        restricts=frozenset({C.JUMPING, C.RUNNING, C.SINGLE_LEG_BALANCE_LOADED}),
    ),
    Condition(
        # Hip precautions: no deep flexion under load, no twisting on the leg, no impact, no falls.
        name="hip replacement",
        phrases=(
            "hip replacement",
            "replaced hip",
            "thr",
            "tha",
            "total hip",
            "hip arthroplasty",
            "new hip",
            "hip resurfacing",
        ),
        restricts=frozenset(
            {
                C.DEEP_KNEE_FLEXION_LOADED,
                C.JUMPING,
                C.RUNNING,
                C.PIVOTING,
                C.SINGLE_LEG_BALANCE_LOADED,
                C.FALL_RISK,
                C.CONTACT_RISK,
            }
        ),
    ),
    Condition(
        # The hip labrum is pinched in deep flexion and twisted by pivots; impact aggravates it.
        name="hip labral tear",
        phrases=("hip labrum", "hip labral", "acetabular labrum"),
        restricts=frozenset({C.DEEP_KNEE_FLEXION_LOADED, C.PIVOTING, C.JUMPING, C.RUNNING}),
    ),
    Condition(
        # Bone shapes that collide in deep hip flexion and rotation.
        name="hip impingement (FAI)",
        phrases=("hip impingement", "fai", "femoroacetabular", "cam impingement", "pincer impingement"),
        restricts=frozenset({C.DEEP_KNEE_FLEXION_LOADED, C.PIVOTING}),
    ),
    Condition(
        # Worn hip surfaces: impact, pivoting and deep loaded flexion aggravate them.
        name="hip arthritis",
        phrases=("hip arthritis", "hip osteoarthritis", "arthritic hip", "hip oa"),
        restricts=frozenset({C.JUMPING, C.RUNNING, C.PIVOTING, C.DEEP_KNEE_FLEXION_LOADED}),
    ),
    Condition(
        # Pain on the outside of the hip: standing on that leg under load and impact compress it.
        name="hip bursitis or gluteal tendinopathy",
        phrases=("trochanteric", "hip bursitis", "gluteal tendinopathy", "gluteus medius tendon"),
        restricts=frozenset({C.SINGLE_LEG_BALANCE_LOADED, C.RUNNING, C.JUMPING}),
    ),
    Condition(
        # Adductors are strained by cutting, sprinting and landings.
        name="groin strain",
        phrases=("groin", "adductor strain"),
        restricts=frozenset({C.PIVOTING, C.RUNNING, C.JUMPING}),
    ),
    Condition(
        # Hamstrings tear in sprints and explosive or maximal efforts.
        name="hamstring strain",
        phrases=("hamstring", "hammy"),
        restricts=frozenset({C.RUNNING, C.HIGH_INTENSITY_INTERVALS, C.JUMPING, C.MAXIMAL_EFFORT}),
    ),
    # ---------------------------------------------------------------- lower leg, ankle, foot
    Condition(
        # Calf strains happen pushing off: running and jumping.
        name="calf strain",
        phrases=("calf strain", "strained calf", "pulled calf", "torn calf", "calf tear", "calf injury"),
        restricts=frozenset({C.RUNNING, C.JUMPING}),
    ),
    Condition(
        # Repeated impact on the shin bone.
        name="shin splints or stress fracture",
        phrases=("shin", "mtss", "medial tibial stress", "stress fracture"),
        restricts=frozenset({C.RUNNING, C.JUMPING}),
    ),
    Condition(
        # A healing leg bone: no impact, no twisting on it, no standing on it alone, no falls.
        name="leg fracture",
        phrases=("broken leg", "leg fracture", "fractured leg", "tibia", "fibula", "femur"),
        restricts=frozenset(
            {
                C.JUMPING,
                C.RUNNING,
                C.PIVOTING,
                C.SINGLE_LEG_BALANCE_LOADED,
                C.FALL_RISK,
            }
        ),
    ),
    Condition(
        # An unspecified ankle complaint: impact and twisting on a planted foot.
        name="ankle problem (unspecified)",
        phrases=("ankle", "ankel", "ancle"),
        restricts=frozenset({C.JUMPING, C.RUNNING, C.PIVOTING}),
    ),
    Condition(
        # Sprained ankle ligaments give way on landings, pivots, single-leg balance and uneven footing.
        name="ankle sprain",
        phrases=(
            "sprained ankle",
            "ankle sprain",
            "rolled ankle",
            "twisted ankle",
            "ankle ligament",
            "ankle instability",
        ),
        restricts=frozenset(
            {
                C.JUMPING,
                C.RUNNING,
                C.PIVOTING,
                C.SINGLE_LEG_BALANCE_LOADED,
                C.FALL_RISK,
            }
        ),
    ),
    Condition(
        # The Achilles tendon takes the highest loads in running and landings.
        name="Achilles tendinopathy",
        phrases=("achilles", "achillies", "achiles"),
        restricts=frozenset({C.JUMPING, C.RUNNING}),
    ),
    Condition(
        # A ruptured or repaired Achilles: no impact, no push-off under load, no deep stretch under
        # load (deep squats), no single-leg work or falls.
        name="Achilles rupture",
        phrases=(
            "achilles rupture",
            "ruptured achilles",
            "torn achilles",
            "achilles tear",
            "achilles repair",
        ),
        restricts=frozenset(
            {
                C.JUMPING,
                C.RUNNING,
                C.PIVOTING,
                C.HIGH_INTENSITY_INTERVALS,
                C.SINGLE_LEG_BALANCE_LOADED,
                C.FALL_RISK,
                C.DEEP_KNEE_FLEXION_LOADED,
            }
        ),
    ),
    Condition(
        # The plantar fascia is loaded by impact on the heel and forefoot.
        name="plantar fasciitis",
        phrases=(
            "plantar fasciitis",
            "plantar fascitis",
            "plantar faciitis",
            "plantar fascia",
            "heel pain",
            "heel spur",
        ),
        restricts=frozenset({C.JUMPING, C.RUNNING}),
    ),
    Condition(
        # An unspecified foot or toe complaint, including a broken foot: impact.
        name="foot problem (unspecified)",
        phrases=("foot", "feet", "toe", "metatarsal", "bunion", "morton neuroma"),
        restricts=frozenset({C.JUMPING, C.RUNNING}),
    ),
    # ---------------------------------------------------------------- bones, joints in general
    Condition(
        # A broken bone, site not named (or an arm, leg, spine...): no impact, falls, knocks or maximal loads
        # while it heals.
        name="fracture (site unspecified)",
        phrases=("fracture", "fractured", "broken", "broke", "cracked"),
        restricts=frozenset({C.JUMPING, C.RUNNING, C.FALL_RISK, C.CONTACT_RISK, C.MAXIMAL_EFFORT}),
        # A named site's own entry says what to restrict; this one would add impact for a broken wrist.
        unless=(
            "wrist",
            "scaphoid",
            "hand",
            "finger",
            "thumb",
            "collarbone",
            "clavicle",
            "rib",
            "foot",
            "toe",
            "metatarsal",
        ),
    ),
    Condition(
        # A healing rib: loaded rounding, lying on the belly, knocks and breath-holding all pull on it.
        name="rib injury",
        phrases=("rib",),
        restricts=frozenset(
            {
                C.SPINAL_FLEXION_LOADED,
                C.PRONE_LYING,
                C.CONTACT_RISK,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.MAXIMAL_EFFORT,
            }
        ),
    ),
    Condition(
        # Arthritis without a joint named: impact is what aggravates worn joints most broadly.
        name="arthritis (joint unspecified)",
        phrases=("arthritis", "osteoarthritis", "arthritic", "arthritus", "arthiritis"),
        restricts=frozenset({C.JUMPING, C.RUNNING}),
    ),
    Condition(
        # Gout flares in the feet and knees: impact on them.
        name="gout",
        phrases=("gout", "gouty"),
        restricts=frozenset({C.JUMPING, C.RUNNING}),
    ),
    Condition(
        # Inflamed small joints of the hands and wrists: gripping and loaded wrist bending.
        name="rheumatoid arthritis",
        phrases=("rheumatoid",),
        restricts=frozenset(
            {
                C.HEAVY_GRIP,
                C.WRIST_EXTENSION_LOADED,
                C.WRIST_FLEXION_LOADED,
                C.JUMPING,
                C.MAXIMAL_EFFORT,
            }
        ),
    ),
    Condition(
        # Fragile vertebrae fracture under loaded rounding and heavy axial load; falls and knocks break
        # bones.
        name="osteoporosis or osteopenia",
        phrases=(
            "osteoporosis",
            "osteoperosis",
            "osteoporotic",
            "osteopenia",
            "brittle bones",
            "low bone density",
        ),
        restricts=frozenset(
            {
                C.SPINAL_FLEXION_LOADED,
                C.SPINAL_COMPRESSION_HEAVY,
                C.FALL_RISK,
                C.CONTACT_RISK,
                C.MAXIMAL_EFFORT,
                C.JUMPING,
            }
        ),
    ),
    Condition(
        # Lax joints dislocate at end range and under knocks or maximal loads.
        name="joint hypermobility",
        phrases=("hypermobility", "hypermobile", "ehlers danlos", "eds"),
        restricts=frozenset(
            {
                C.SHOULDER_EXTREME_EXTENSION,
                C.BEHIND_THE_NECK,
                C.CONTACT_RISK,
                C.MAXIMAL_EFFORT,
            }
        ),
    ),
    # ---------------------------------------------------------------- pregnancy and after
    Condition(
        # Trimester not said: knocks, falls, maximal and breath-held efforts, head-down, and lying on
        # the back or belly for long (the usual caution from the second trimester on).
        name="pregnancy",
        phrases=(
            "pregnant",
            "pregnancy",
            "pregnent",
            "pregant",
            "pregnat",
            "expecting a baby",
            "prenatal",
            "antenatal",
        ),
        restricts=frozenset(
            {
                C.CONTACT_RISK,
                C.FALL_RISK,
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.INVERSION,
                C.SUPINE_PROLONGED,
                C.PRONE_LYING,
            }
        ),
    ),
    Condition(
        # Early pregnancy: knocks, falls, maximal and breath-held efforts, head-down positions.
        name="pregnancy, first trimester",
        phrases=("first trimester", "1st trimester", "trimester 1", "trimester one", "early pregnancy"),
        restricts=frozenset(
            {
                C.CONTACT_RISK,
                C.FALL_RISK,
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.INVERSION,
            }
        ),
    ),
    Condition(
        # The growing uterus: lying on the back or belly, and loaded crunching over the stretched abdomen.
        name="pregnancy, second trimester",
        phrases=("second trimester", "2nd trimester", "trimester 2", "trimester two"),
        restricts=frozenset(
            {
                C.CONTACT_RISK,
                C.FALL_RISK,
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.INVERSION,
                C.SUPINE_PROLONGED,
                C.PRONE_LYING,
                C.SPINAL_FLEXION_LOADED,
            }
        ),
    ),
    Condition(
        # Late pregnancy adds impact, sprints, heavy spinal load and single-leg balance: lax ligaments,
        # a shifted centre of mass and a loaded pelvic floor.
        name="pregnancy, third trimester",
        phrases=(
            "third trimester",
            "3rd trimester",
            "trimester 3",
            "trimester three",
            "late pregnancy",
            "last trimester",
        ),
        restricts=frozenset(
            {
                C.SUPINE_PROLONGED,
                C.PRONE_LYING,
                C.FALL_RISK,
                C.JUMPING,
                C.RUNNING,
                C.PIVOTING,
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.INVERSION,
                C.CONTACT_RISK,
                C.HIGH_INTENSITY_INTERVALS,
                C.SPINAL_COMPRESSION_HEAVY,
                C.SINGLE_LEG_BALANCE_LOADED,
                C.SPINAL_FLEXION_LOADED,
            }
        ),
    ),
    Condition(
        # After birth the pelvic floor and abdominal wall recover: impact, heavy axial load, loaded
        # crunching and breath-held maximal efforts load them.
        name="postpartum",
        phrases=("postpartum", "post partum", "postnatal", "post natal", "gave birth", "had a baby"),
        restricts=frozenset(
            {
                C.JUMPING,
                C.RUNNING,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.MAXIMAL_EFFORT,
                C.SPINAL_COMPRESSION_HEAVY,
                C.SPINAL_FLEXION_LOADED,
            }
        ),
    ),
    Condition(
        # A caesarean is abdominal surgery on top of a birth: the scar also rules out lying on the belly.
        name="caesarean section",
        phrases=("c section", "caesarean", "cesarean", "csection", "caesarian", "cesarian"),
        restricts=frozenset(
            {
                C.JUMPING,
                C.RUNNING,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.MAXIMAL_EFFORT,
                C.SPINAL_COMPRESSION_HEAVY,
                C.SPINAL_FLEXION_LOADED,
                C.PRONE_LYING,
            }
        ),
    ),
    Condition(
        # Separated abdominal muscles bulge under loaded crunching and breath-held maximal efforts.
        name="diastasis recti",
        phrases=(
            "diastasis",
            "ab separation",
            "abdominal separation",
            "split abs",
        ),
        restricts=frozenset({C.SPINAL_FLEXION_LOADED, C.HEAVY_ISOMETRIC_VALSALVA, C.MAXIMAL_EFFORT}),
    ),
    Condition(
        # A weak or prolapsed pelvic floor is pushed down by impact and intra-abdominal pressure.
        name="pelvic floor dysfunction",
        phrases=(
            "pelvic floor",
            "pelvic organ prolapse",
            "uterine prolapse",
            "bladder prolapse",
            "incontinence",
        ),
        restricts=frozenset(
            {
                C.JUMPING,
                C.RUNNING,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.MAXIMAL_EFFORT,
                C.SPINAL_COMPRESSION_HEAVY,
            }
        ),
    ),
    # ---------------------------------------------------------------- heart and circulation
    Condition(
        # After a heart attack: no maximal or breath-held efforts, no near-maximal heart rates, no heavy
        # axial loads (they come with breath-holding), no head-down positions.
        name="heart attack",
        phrases=(
            "heart attack",
            "heart atack",
            "hart attack",
            "myocardial infarction",
            "infarct",
            "mi",
            "stemi",
            "nstemi",
            "cardiac arrest",
        ),
        restricts=frozenset(
            {
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.HIGH_INTENSITY_INTERVALS,
                C.SPINAL_COMPRESSION_HEAVY,
                C.INVERSION,
            }
        ),
    ),
    Condition(
        # A stent: the heart-attack restrictions, and knocks while on anti-platelet drugs.
        name="coronary stent or angioplasty",
        phrases=("stent", "angioplasty", "pci"),
        restricts=frozenset(
            {
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.HIGH_INTENSITY_INTERVALS,
                C.SPINAL_COMPRESSION_HEAVY,
                C.CONTACT_RISK,
            }
        ),
    ),
    Condition(
        # Bypass surgery splits the breastbone: sternal precautions add pushing, pulling and hanging
        # loads on the arms to the cardiac restrictions.
        name="heart bypass surgery",
        phrases=(
            "heart bypass",
            "coronary bypass",
            "bypass surgery",
            "triple bypass",
            "double bypass",
            "quadruple bypass",
            "cabg",
            "open heart",
            "sternotomy",
        ),
        restricts=frozenset(
            {
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.HIGH_INTENSITY_INTERVALS,
                C.SPINAL_COMPRESSION_HEAVY,
                C.OVERHEAD_PRESSING,
                C.SHOULDER_EXTREME_EXTENSION,
                C.HEAVY_GRIP,
                C.CONTACT_RISK,
            }
        ),
        unless=("gastric",),
    ),
    Condition(
        # A weak pump: no maximal or breath-held efforts, no near-maximal heart rates, no head-down
        # positions, no heavy axial loads.
        name="heart failure",
        phrases=(
            "heart failure",
            "chf",
            "cardiomyopathy",
            "weak heart",
            "low ejection fraction",
        ),
        restricts=frozenset(
            {
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.HIGH_INTENSITY_INTERVALS,
                C.SPINAL_COMPRESSION_HEAVY,
                C.INVERSION,
            }
        ),
    ),
    Condition(
        # Rhythm problems are provoked by near-maximal heart rates and breath-holding; devices and
        # blood thinners add knocks.
        name="arrhythmia",
        phrases=(
            "arrhythmia",
            "arrythmia",
            "arrhytmia",
            "afib",
            "a fib",
            "atrial fibrillation",
            "irregular heartbeat",
            "irregular heart beat",
            "palpitation",
            "pacemaker",
            "defibrillator",
            "icd",
            "tachycardia",
            "svt",
            "long qt",
        ),
        restricts=frozenset(
            {
                C.MAXIMAL_EFFORT,
                C.HIGH_INTENSITY_INTERVALS,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.CONTACT_RISK,
            }
        ),
    ),
    Condition(
        # Whether it is controlled is not known from the text: maximal and breath-held efforts and
        # head-down positions spike blood pressure.
        name="high blood pressure",
        phrases=("high blood pressure", "hypertension", "hypertensive", "high bp", "htn"),
        restricts=frozenset({C.MAXIMAL_EFFORT, C.HEAVY_ISOMETRIC_VALSALVA, C.INVERSION}),
    ),
    Condition(
        # Said to be uncontrolled: add near-maximal heart rates and heavy axial loads.
        name="uncontrolled high blood pressure",
        phrases=(
            "uncontrolled hypertension",
            "uncontrolled blood pressure",
            "very high blood pressure",
            "uncontrolled bp",
        ),
        restricts=frozenset(
            {
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.INVERSION,
                C.HIGH_INTENSITY_INTERVALS,
                C.SPINAL_COMPRESSION_HEAVY,
            }
        ),
    ),
    Condition(
        # Any other heart condition (angina, valve disease, unspecified): the common cardiac restrictions.
        name="heart condition (unspecified)",
        phrases=("heart", "cardiac", "coronary", "angina", "cardiovascular"),
        restricts=frozenset(
            {
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.HIGH_INTENSITY_INTERVALS,
                C.INVERSION,
            }
        ),
    ),
    Condition(
        # A weakened artery wall: any blood-pressure spike or knock is the danger.
        name="aneurysm or aortic disease",
        phrases=("aneurysm", "aneurism", "aortic", "marfan"),
        restricts=frozenset(
            {
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.HIGH_INTENSITY_INTERVALS,
                C.SPINAL_COMPRESSION_HEAVY,
                C.INVERSION,
                C.CONTACT_RISK,
            }
        ),
    ),
    Condition(
        # After a stroke: blood-pressure spikes, head-down positions, and falls from impaired balance.
        name="stroke",
        phrases=("stroke", "tia", "transient ischemic attack"),
        restricts=frozenset(
            {
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.HIGH_INTENSITY_INTERVALS,
                C.INVERSION,
                C.FALL_RISK,
            }
        ),
    ),
    Condition(
        # Blood thinners or a clotting disorder: knocks and falls cause bleeding.
        name="bleeding risk (blood thinners)",
        phrases=(
            "blood thinner",
            "anticoagulant",
            "warfarin",
            "eliquis",
            "xarelto",
            "haemophilia",
            "hemophilia",
        ),
        restricts=frozenset({C.CONTACT_RISK, C.FALL_RISK}),
    ),
    Condition(
        # A clot (and the blood thinners that treat it): knocks, falls, and maximal efforts until cleared.
        name="blood clot (DVT or embolism)",
        phrases=("dvt", "blood clot", "pulmonary embolism", "thrombosis"),
        restricts=frozenset({C.CONTACT_RISK, C.FALL_RISK, C.MAXIMAL_EFFORT, C.HIGH_INTENSITY_INTERVALS}),
    ),
    Condition(
        # Fainting on standing up or after effort: falls, and head-down positions followed by rising.
        name="low blood pressure or fainting",
        phrases=("low blood pressure", "hypotension", "fainting", "faint", "syncope", "pots"),
        restricts=frozenset({C.FALL_RISK, C.INVERSION}),
    ),
    # ---------------------------------------------------------------- hernias and abdominal surgery
    Condition(
        # Any hernia is pushed out by intra-abdominal pressure: breath-holding, maximal and heavy axial
        # loads, loaded crunching.
        name="hernia (type unspecified)",
        phrases=("hernia",),
        restricts=frozenset(
            {
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.MAXIMAL_EFFORT,
                C.SPINAL_COMPRESSION_HEAVY,
                C.SPINAL_FLEXION_LOADED,
            }
        ),
    ),
    Condition(
        # The groin canal gives way under intra-abdominal pressure.
        name="inguinal hernia",
        phrases=("inguinal", "groin hernia"),
        restricts=frozenset(
            {
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.MAXIMAL_EFFORT,
                C.SPINAL_COMPRESSION_HEAVY,
                C.SPINAL_FLEXION_LOADED,
            }
        ),
    ),
    Condition(
        # The abdominal wall at the navel or a scar gives way; lying on it presses on it.
        name="umbilical or abdominal wall hernia",
        phrases=(
            "umbilical",
            "belly button hernia",
            "incisional hernia",
            "ventral hernia",
            "epigastric hernia",
        ),
        restricts=frozenset(
            {
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.MAXIMAL_EFFORT,
                C.SPINAL_COMPRESSION_HEAVY,
                C.SPINAL_FLEXION_LOADED,
                C.PRONE_LYING,
            }
        ),
    ),
    Condition(
        # Stomach through the diaphragm: head-down positions and abdominal pressure push it up (reflux).
        name="hiatal hernia",
        phrases=("hiatal", "hiatus"),
        restricts=frozenset(
            {
                C.INVERSION,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.SPINAL_FLEXION_LOADED,
                C.MAXIMAL_EFFORT,
            }
        ),
    ),
    Condition(
        # A healing abdominal wall: loaded crunching, breath-holding, maximal and axial loads, lying on it.
        name="abdominal surgery",
        phrases=(
            "abdominal surgery",
            "appendectomy",
            "appendix",
            "gallbladder",
            "laparoscopy",
            "laparoscopic",
            "hysterectomy",
            "gastric bypass",
            "gastric sleeve",
            "bowel surgery",
        ),
        restricts=frozenset(
            {
                C.SPINAL_FLEXION_LOADED,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.MAXIMAL_EFFORT,
                C.SPINAL_COMPRESSION_HEAVY,
                C.PRONE_LYING,
            }
        ),
    ),
    Condition(
        # Any recent (or undated) operation: nothing maximal or breath-held, no impact, knocks or falls
        # while tissue heals. The site, if named, adds its own entry.
        name="surgery (recent or undated)",
        phrases=(
            "surgery",
            "surgury",
            "surgical",
            "operation",
            "operated",
            "post op",
            "postop",
            "arthroscopy",
            "arthroscopic",
            "keyhole",
            "reconstruction",
            "repair",
        ),
        restricts=frozenset(
            {
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.JUMPING,
                C.HIGH_INTENSITY_INTERVALS,
                C.CONTACT_RISK,
                C.FALL_RISK,
            }
        ),
    ),
    # ---------------------------------------------------------------- eyes
    Condition(
        # Raised eye pressure rises further head-down and with breath-held or maximal efforts.
        name="glaucoma",
        phrases=("glaucoma", "glaucome", "glacoma", "high eye pressure", "ocular hypertension"),
        restricts=frozenset({C.INVERSION, C.HEAVY_ISOMETRIC_VALSALVA, C.MAXIMAL_EFFORT}),
    ),
    Condition(
        # A detached or repaired retina: pressure spikes, jolts (impact) and knocks to the head.
        name="retinal detachment",
        phrases=("retina", "retinal"),
        restricts=frozenset(
            {
                C.INVERSION,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.MAXIMAL_EFFORT,
                C.JUMPING,
                C.CONTACT_RISK,
                C.HIGH_INTENSITY_INTERVALS,
            }
        ),
    ),
    Condition(
        # Fragile new retinal vessels bleed with pressure spikes, jolts and head-down positions.
        name="diabetic retinopathy",
        phrases=("retinopathy", "retinopaty"),
        restricts=frozenset(
            {
                C.INVERSION,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.MAXIMAL_EFFORT,
                C.JUMPING,
                C.HIGH_INTENSITY_INTERVALS,
                C.CONTACT_RISK,
            }
        ),
    ),
    Condition(
        # Diabetes without complications named: retinopathy is common and often unknown, so the
        # pressure-spiking efforts are restricted.
        name="diabetes",
        phrases=("diabetes", "diabetic", "diabetis", "t1d", "t2d", "insulin"),
        restricts=frozenset({C.HEAVY_ISOMETRIC_VALSALVA, C.MAXIMAL_EFFORT}),
    ),
    Condition(
        # Numb feet do not feel landings or footing: impact, single-leg balance and falls.
        name="peripheral neuropathy",
        phrases=("neuropathy", "numb feet", "diabetic foot", "numbness in feet"),
        restricts=frozenset({C.JUMPING, C.RUNNING, C.SINGLE_LEG_BALANCE_LOADED, C.FALL_RISK}),
    ),
    # ---------------------------------------------------------------- nervous system, balance, lungs
    Condition(
        # Balance may fail: falls, single-leg work, head-down positions (which also provoke vertigo).
        name="vertigo or balance disorder",
        phrases=(
            "vertigo",
            "dizziness",
            "dizzy",
            "bppv",
            "balance",
            "meniere",
            "labyrinthitis",
            "vestibular",
        ),
        restricts=frozenset({C.FALL_RISK, C.INVERSION, C.SINGLE_LEG_BALANCE_LOADED, C.JUMPING}),
    ),
    Condition(
        # A seizure during a lift: falls, a load held overhead, being upside down.
        name="epilepsy",
        phrases=("epilepsy", "epileptic", "epilepsie", "seizure"),
        restricts=frozenset({C.FALL_RISK, C.OVERHEAD_PRESSING, C.INVERSION}),
    ),
    Condition(
        # A healing brain: another knock or fall, jolts, pressure spikes and head-down positions.
        name="concussion",
        phrases=(
            "concussion",
            "concussed",
            "concusion",
            "head injury",
            "tbi",
            "traumatic brain injury",
        ),
        restricts=frozenset(
            {
                C.CONTACT_RISK,
                C.FALL_RISK,
                C.JUMPING,
                C.INVERSION,
                C.MAXIMAL_EFFORT,
                C.HIGH_INTENSITY_INTERVALS,
                C.HEAVY_ISOMETRIC_VALSALVA,
                C.NECK_LOADED,
            }
        ),
    ),
    Condition(
        # Exercise-induced bronchoconstriction is triggered by sustained near-maximal breathing.
        name="asthma",
        phrases=(
            "asthma",
            "asthmatic",
            "asma",
            "astma",
            "exercise induced bronchoconstriction",
            "eib",
        ),
        restricts=frozenset({C.HIGH_INTENSITY_INTERVALS, C.RUNNING}),
    ),
    Condition(
        # Limited lungs: near-maximal breathing demands and breath-held maximal efforts.
        name="COPD or chronic lung disease",
        phrases=("copd", "emphysema", "chronic bronchitis", "lung disease", "pulmonary fibrosis"),
        restricts=frozenset(
            {
                C.HIGH_INTENSITY_INTERVALS,
                C.RUNNING,
                C.MAXIMAL_EFFORT,
                C.HEAVY_ISOMETRIC_VALSALVA,
            }
        ),
    ),
)
"""Every condition the mapping recognises, in body order."""
