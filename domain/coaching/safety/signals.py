"""What in a user's message calls for caution: one reviewed table of signals, each a category, the action
it calls for, a short note of ours (recorded, never the user's words) and the pattern that finds it.

Patterns run on `text.normalised` messages. They are written to be specific, so that gym talk ("kill leg
day", "destroy my chest", "I'm dying to try deadlifts", sore muscles, being out of breath after a set,
creatine or caffeine) does not match; `tests/domain/coaching/test_safety_checker.py` holds the phrasings
on both sides. A signal preceded by a negation ("no chest pain") does not fire unless it is marked
`negatable=False`. Numeric signals (calorie floors, the speed of a weight cut) are in `checker`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.coaching.values import SafetyAction, SafetyCategory

EMERGENCY = SafetyAction.EMERGENCY
REFERRAL = SafetyAction.MEDICAL_REFERRAL
CRISIS = SafetyAction.CRISIS_RESOURCES
REFUSE = SafetyAction.REFUSE_WITH_ALTERNATIVE


@dataclass(frozen=True, slots=True)
class Signal:
    category: SafetyCategory
    action: SafetyAction
    note: str
    pattern: re.Pattern[str]
    negatable: bool = True


def _signal(
    category: SafetyCategory, action: SafetyAction, note: str, *patterns: str, negatable: bool = True
) -> Signal:
    """A signal that fires when any of `patterns` matches."""
    return Signal(category, action, note, re.compile("|".join(f"(?:{p})" for p in patterns)), negatable)


_CHEST_SYMPTOM = r"(pain|pains|pressure|tightness|heaviness|squeezing|crushing|discomfort)"
_FAINT = (
    r"(faint\w*|dizz\w*|light ?headed|pass(ed|ing)? out|black(ed|ing)? out|collaps\w*|near(ly)? faint\w*)"
)
_HEART = (
    r"(palpitations?|heart (is |was |kept )?(racing|pounding|fluttering|skipping|skips)|"
    r"irregular heart ?beat)"
)
STEROID_NAMES = (
    r"(roids?|steroid cycle|test(osterone)? (cycle|enanthate|cypionate|prop|propionate)|"
    r"tren(bolone)?|"
    r"dianabol|d-?bol|anavar|oxandrolone|winstrol|winny|stanozolol|deca(-| )?durabolin|nandrolone|"
    r"equipoise|masteron|primobolan|superdrol|turinabol|halotestin)"
)
"""Anabolic steroids by name and nickname (a pattern, shared with the check of the reply)."""
SARMS = (
    r"(sarms?|ostarine|mk-?2866|ligandrol|lgd-?4033|rad-?140|testolone|cardarine|gw-?501516|andarine|"
    r"yk-?11|mk-?677|ibutamoren)"
)
"""SARMs and their kin by name and code."""

SIGNALS: tuple[Signal, ...] = (
    # Cardiac red flags: chest pain or pressure (at rest or on exertion) may be a heart attack.
    _signal(SafetyCategory.CARDIAC, EMERGENCY, "chest pain or pressure", rf"\bchest {_CHEST_SYMPTOM}\b"),
    _signal(
        SafetyCategory.CARDIAC,
        EMERGENCY,
        "chest pain or pressure",
        rf"\b{_CHEST_SYMPTOM} in (my|the) chest\b",
    ),
    # Pain spreading to the arm, jaw or neck is the classic picture of cardiac ischaemia.
    _signal(
        SafetyCategory.CARDIAC,
        EMERGENCY,
        "pain spreading to the arm, jaw or neck",
        r"\bpain (is |was )?(spreading|radiating|going|moving|shooting) (down|into|to|up)"
        r" (my |the )?(left )?(arm|jaw|neck)\b",
    ),
    # Palpitations together with (near-)fainting can be a dangerous arrhythmia.
    _signal(
        SafetyCategory.CARDIAC,
        EMERGENCY,
        "palpitations with near-fainting",
        rf"\b{_HEART}\b.{{0,60}}\b{_FAINT}",
    ),
    _signal(
        SafetyCategory.CARDIAC,
        EMERGENCY,
        "palpitations with near-fainting",
        rf"\b{_FAINT}.{{0,60}}\b{_HEART}\b",
    ),
    # Fainting during exercise needs a clinician before the next session, whatever the cause.
    _signal(
        SafetyCategory.CARDIAC,
        REFERRAL,
        "fainting during exercise",
        r"\b(fainted|passed out|blacked out|collapsed)\b.{0,40}\b(during|while|when|mid|after|on)\b",
    ),
    # Breathlessness at rest is not the normal breathlessness of a hard set.
    _signal(
        SafetyCategory.CARDIAC,
        REFERRAL,
        "breathless at rest",
        r"\b(short(ness)? of breath|breathless|can't (catch my )?breath\w*|struggl\w+ to breathe)\b"
        r".{0,30}\b(at rest|resting|lying down|sitting still|doing nothing)\b",
    ),
    # Neurological red flags: signs of a stroke or a bleed.
    _signal(
        SafetyCategory.NEUROLOGICAL,
        EMERGENCY,
        "one-sided numbness or weakness",
        r"\b(numb(ness)?|tingl\w+|weak(ness)?|can't feel)\b.{0,30}"
        r"\b(one side|(left|right) side of my (face|body))\b",
    ),
    _signal(
        SafetyCategory.NEUROLOGICAL,
        EMERGENCY,
        "one-sided numbness or weakness",
        r"\b(one|left|right) side of my (face|body)\b.{0,30}\b(numb\w*|weak\w*|droop\w*|tingl\w+)",
    ),
    _signal(
        SafetyCategory.NEUROLOGICAL,
        EMERGENCY,
        "facial droop",
        r"\b(face|mouth|smile) (is |was |started )?droop\w*",
    ),
    _signal(
        SafetyCategory.NEUROLOGICAL,
        EMERGENCY,
        "slurred speech",
        r"\b(slurr(ed|ing)|garbled) (speech|my words|words)\b|\bspeech (is|was|became|got) slurred\b",
    ),
    _signal(
        SafetyCategory.NEUROLOGICAL,
        EMERGENCY,
        "sudden severe headache",
        r"\b(sudden|thunderclap|explosive|worst)( severe| bad| massive)? headache\b",
        r"\bworst headache (of my life|ever)\b",
    ),
    _signal(
        SafetyCategory.NEUROLOGICAL,
        EMERGENCY,
        "sudden loss of vision or speech",
        r"\bsudden(ly)? (lost|loss of|losing|can't) (my )?(vision|sight|speak|talk)\b",
    ),
    # Self-harm: never a training answer; crisis resources instead. Not negatable: "not sure I don't
    # want to kill myself" must still be answered with care.
    _signal(
        SafetyCategory.SELF_HARM,
        CRISIS,
        "self-harm or suicidal thoughts",
        r"\b(kill|hurt|harm|punish) (myself|my self)\b",
        # Not an accident: "cut myself shaving", "cut myself on a tin".
        r"\bcut(ting)? myself\b(?! (shaving|cooking|while|(by )?accident\w*|on (a|an|the|some|my)\b))",
        r"\bsuicid\w*",
        r"\bself[- ]?harm\w*",
        r"\bend(ing)? (my life|it all)\b",
        r"\b(want|wanted|wanna) to die\b",
        r"\bwish i (was|were) (dead|gone)\b",
        r"\bbetter off dead\b",
        r"\bno (reason|point) (to live|in living)\b",
        r"\bdon't want to (live|be alive|exist|be here any ?more)\b",
        r"\btake my (own )?life\b",
        negatable=False,
    ),
    # Eating-disorder signals: purging, starving, compensating; answered with support and a referral.
    _signal(
        SafetyCategory.EATING_DISORDER,
        REFERRAL,
        "purging or starving",
        r"\b(make|made|making) myself (throw up|vomit|sick)\b",
        r"\bpurg(e|ed|es|ing)\b",
        r"\bstarv(e|ed|ing) myself\b",
        r"\b(laxatives?|diet pills?)\b.{0,20}\b(lose|losing|weight|after eating)\b",
        r"\b(stop(ped)?|quit) eating (completely|altogether|entirely|for days)\b",
        r"\bafraid (of|to) eat\w*\b",
        r"\b(throw|threw|throwing) up after (i )?(eat|eating|meals?|dinner|lunch)\b",
        negatable=False,
    ),
    # Drug dosing: anabolic steroids, SARMs, clenbuterol, DNP, growth hormone, insulin for physique.
    _signal(
        SafetyCategory.DRUG_DOSING,
        REFUSE,
        "anabolic steroids",
        rf"\b(anabolic|{STEROID_NAMES})\b",
        # Not the medical ones: a steroid injection for a joint, an inhaler, a cream.
        r"\bsteroids?\b(?! (injection|shot|inhaler|cream|tablets|for (my )?(asthma|eczema|arthritis))\b)",
    ),
    _signal(SafetyCategory.DRUG_DOSING, REFUSE, "SARMs", rf"\b{SARMS}\b"),
    _signal(
        SafetyCategory.DRUG_DOSING,
        REFUSE,
        "clenbuterol, DNP or growth hormone",
        r"\b(clen(buterol)?|dnp|dinitrophenol|hgh|ephedrine|eca stack)\b",
        r"\b(inject\w*|dose|dosing|cycle|cycling|taking|take|run|running) (synthetic )?growth hormone\b",
    ),
    _signal(
        SafetyCategory.DRUG_DOSING,
        REFUSE,
        "insulin for physique",
        r"\binsulin\b.{0,40}\b(dose|dosing|iu|cycle|pin|bulk\w*|gains|bodybuild\w*|muscle|how much)\b|"
        r"\b(dose|dosing|bulk\w*|gains|bodybuild\w*|how much)\b.{0,40}\binsulin\b",
    ),
    # Dangerous weight cuts: dehydration tools and tricks.
    _signal(
        SafetyCategory.DANGEROUS_WEIGHT_CUT,
        REFUSE,
        "diuretics or dehydration",
        r"\b(diuretics?|water pills?|lasix|furosemide)\b",
        r"\b(sauna|sweat|plastic|rubber|trash bag) suits?\b",
        r"\b(stop|stopped|stopping|quit|cut out|no) drinking (any )?water\b",
        r"\bdehydrat\w+ (myself|to make|to cut|to lose)\b",
        r"\bspit(ting)? to make weight\b",
        r"\bwater ?(cut|loading to cut)\b",
        r"\bsauna\b.{0,30}\b(make weight|cut weight|weigh-?in)\b",
    ),
    # Sharp or shooting pain, pops and snaps during an exercise: stop that exercise, see a clinician.
    _signal(
        SafetyCategory.ACUTE_PAIN,
        REFERRAL,
        "sharp or shooting pain",
        r"\b(sharp|shooting|stabbing|searing|knife-like|electric) pains?\b|"
        r"\bpain (shoots|shooting|shot|radiates|radiating) (down|into|through)\b",
    ),
    _signal(
        SafetyCategory.ACUTE_PAIN,
        REFERRAL,
        "a pop or snap with pain",
        r"\b(felt|heard) (a|something) (pop|snap|tear|rip)\b|\bsomething (popped|snapped|tore|ripped)\b",
    ),
    _signal(
        SafetyCategory.ACUTE_PAIN,
        REFERRAL,
        "pins and needles in a limb",
        r"\b(pins and needles|numbness|tingling) (down|in|into) my (arm|leg|hand|foot|fingers|toes)\b",
    ),
)
"""Every text signal, reviewed; order does not matter."""
