"""The safety check of the coach's reply, after the model: text we must not show, whatever the user asked.

A reply is checked sentence by sentence for what the signals before the model refuse or escalate:
- drug dosing: a performance drug with an amount (mg, mcg, IU, ml), or named in a cycle, stack or
  protocol, or recommended (run, take, inject, ...), or where to buy it;
- a dangerous weight cut: diuretics, sweat suits or a sauna to make weight, water loading or cutting,
  spitting, or a loss of weight faster than `checker.too_fast` allows;
- an extreme deficit (a daily intake under `CALORIE_FLOOR`), or purging and starving;
- a red flag (chest pain, palpitations, fainting, stroke signs, sharp pain, a pop) dismissed as normal or
  to be pushed through;
- urging self-harm.
Each finding is a `SafetyTrigger` with direction OUTPUT and an action that stops the model: the reply is
replaced by our own (`replies.safety_reply`).

Ordinary coaching must pass: warnings ("avoid diuretics", "steroids carry serious risks"), refusals, safe
supplements (creatine, caffeine), deficits below maintenance, soreness and breathlessness after a hard
set. So a mention of a drug or a cutting method is not a finding when its sentence negates or warns
against it; an amount of a drug always is. The offline coach's answers and our own safety replies are
checked in `tests/domain/coaching/test_reply_check.py`, with a table of bad replies on the other side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.coaching.safety.checker import CALORIE_FLOOR, RAPID_CUT, too_fast
from domain.coaching.safety.signals import SARMS, STEROID_NAMES, Signal
from domain.coaching.safety.text import normalised
from domain.coaching.values import Direction, SafetyAction, SafetyCategory, SafetyTrigger

_DRUG = (
    rf"(?:anabolic (steroids?|agents?)|anabolics|{STEROID_NAMES}|{SARMS}|"
    r"clen(buterol)?|dnp|dinitrophenol|hgh|growth hormone|ephedrine|eca stack|"
    r"testosterone( (enanthate|cypionate|propionate|undecanoate))?|"
    r"steroids?\b(?! (injection|shot|inhaler|cream|tablets)))\b"
)
_AMOUNT = r"\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|ug|iu|ml|cc|units?)\b"
_NEGATION = re.compile(
    r"\b(no|not|never|don't|dont|do not|can't|cannot|can not|won't|will not|wouldn't|shouldn't|"
    r"should not|avoid|avoiding|without|instead of|rather than|stay away|steer clear|against|stop|"
    r"quit|refuse)\b"
)
_WARNING = re.compile(
    r"\b(dangerous|danger|risky|risks?|unsafe|harmful|deadly|fatal|kill(s|ed)?|bad idea|not worth|"
    r"illegal|banned|damage|injur(y|ies)|myth)\b"
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def _rule(
    category: SafetyCategory, action: SafetyAction, note: str, *patterns: str, excusable: bool = True
) -> Signal:
    """A rule that fires when any of `patterns` matches. An `excusable` one does not in a sentence that warns
    against it, or negates it before the match (before its `act` group, when the pattern has one: "chest
    pain? don't push through it")."""
    return Signal(category, action, note, re.compile("|".join(f"(?:{p})" for p in patterns)), excusable)


DRUG, CUT, EATING = (
    SafetyCategory.DRUG_DOSING,
    SafetyCategory.DANGEROUS_WEIGHT_CUT,
    SafetyCategory.EATING_DISORDER,
)
REFUSE, REFERRAL = SafetyAction.REFUSE_WITH_ALTERNATIVE, SafetyAction.MEDICAL_REFERRAL
RED_FLAG_NOTE = "a red flag dismissed in the reply"
_RED_FLAGS = (
    (
        SafetyCategory.CARDIAC,
        SafetyAction.EMERGENCY,
        r"(chest (pain|pressure|tightness)|pain in (your|the) chest|fainting|fainted|feel(ing)? faint|"
        r"pass(ing)? out|black(ing)? out)",
    ),
    (
        SafetyCategory.NEUROLOGICAL,
        SafetyAction.EMERGENCY,
        r"(slurred speech|speech (is|gets|becomes) slurred|(one|left|right) side of (your|the) (face|body)|"
        r"(arm|face|leg) (goes|going|went) numb|(sudden|severe|worst) headache|face droop\w*)",
    ),
    (
        SafetyCategory.ACUTE_PAIN,
        SafetyAction.MEDICAL_REFERRAL,
        r"((sharp|shooting|stabbing|searing) pain|pins and needles|(a|the) (pop|snap)\b|"
        r"something (popped|snapped))",
    ),
)
_DISMISSED = (
    r"(?P<act>push(ing)? through|power through|train(ing)? through|work(ing)? through|"
    r"keep (going|lifting|training|running|pushing)|carry on|ignore (it|them|that)|"
    r"(is|are|it's|that's) (normal|fine|nothing|common|expected)|nothing to worry|no need to (stop|worry)|"
    r"means (it's|you're) working)"
)
_RULES: tuple[Signal, ...] = (
    _rule(
        DRUG,
        REFUSE,
        "drug dosing in the reply",
        rf"\b{_DRUG}[^.!?\n]{{0,60}}?\b{_AMOUNT}",
        rf"\b{_AMOUNT}[^.!?\n]{{0,30}}?\b{_DRUG}",
        rf"\binsulin\b[^.!?\n]{{0,60}}?\b{_AMOUNT}|\b{_AMOUNT}[^.!?\n]{{0,30}}?\binsulin\b",
        excusable=False,
    ),
    _rule(
        DRUG,
        REFUSE,
        "a drug protocol in the reply",
        rf"\b{_DRUG}[^.!?\n]{{0,40}}?\b(cycles?|stack(ed|ing)?|protocol|weeks? on|pct|post[- ]cycle|"
        r"blast|cruise|dosage|doses?|dosing)\b",
        r"\b(cycles?|stack|stacking|run|running|pin|pinning|inject\w*|dose|dosing|start(ing)? on|hop on|"
        r"take|taking|try|trying|use|using|add|adding|buy|order|source)\b (a |an |some |with |of )?"
        rf"(cycle of |course of |low dose of )?{_DRUG}",
        r"\binsulin\b[^.!?\n]{0,60}\b(bulk\w*|gains|bodybuild\w*|muscle growth)\b",
    ),
    _rule(
        CUT,
        REFUSE,
        "a dangerous weight cut in the reply",
        r"\b(take|taking|use|using|try|trying|wear|wearing|put on|sit in|add)\b[^.!?\n]{0,25}?"
        r"\b(diuretics?|water pills?|lasix|furosemide|dandelion root|sauna suits?|sweat suits?|"
        r"plastic suits?|rubber suits?|trash bags?)\b",
        r"\b(diuretics?|water pills?|lasix|furosemide|sauna|sweat suits?)\b[^.!?\n]{0,40}?"
        r"\b(make weight|weigh-?ins?|sweat off|cut weight|"
        r"drop (the )?(last )?(\d+ ?)?(kg|kilos?|pounds|lbs))\b",
        r"\bwater (load(ing)?|cut(ting)?|manipulation)\b",
        r"\b(stop|cut|cutting|restrict|restricting|eliminate|drop) (out )?(all |your )?(drinking )?"
        r"(water|fluids?)\b(?! weight| retention)",
        r"\bspit(ting)?\b[^.!?\n]{0,30}\b(weight|weigh-?in|cup|bottle)\b",
        r"\bdehydrat\w+ (yourself|to make|to cut|to lose)\b",
    ),
    _rule(
        EATING,
        REFERRAL,
        "purging or starving in the reply",
        r"\bmake yourself (throw up|vomit|sick)\b",
        r"\b(purge|purging) (after|what you|your (meals?|food))\b",
        r"\b(starve|starving) yourself\b",
        r"\b(take|taking|use|using|try) (\w+ )?laxatives?\b",
        r"\b(stop|quit) eating (completely|altogether|entirely|for (a few |several |\d+ )?days)\b",
        r"\b(fast|fasting|eat nothing) for (\d+|two|three|four|five|several) days\b(?! a week| per week)",
    ),
    *(
        _rule(category, action, RED_FLAG_NOTE, rf"\b{symptom}[^.!?\n]{{0,50}}?\b{_DISMISSED}")
        for category, action, symptom in _RED_FLAGS
    ),
    *(
        _rule(category, action, RED_FLAG_NOTE, rf"\b{_DISMISSED}[^.!?\n]{{0,50}}?\b{symptom}")
        for category, action, symptom in _RED_FLAGS
    ),
    _rule(
        SafetyCategory.SELF_HARM,
        SafetyAction.CRISIS_RESOURCES,
        "self-harm urged in the reply",
        r"\byou (should|could|might as well|deserve to|need to) "
        r"(hurt|harm|kill|punish|starve|cut) yourself\b",
        r"\bgo (hurt|harm|kill) yourself\b",
    ),
)
_KCAL = r"\s*(?:k?cals?|calories|kcal)\b"
_NUMBER = r"\d{2,4}|\d,\d{3}"
_INTAKE = re.compile(
    rf"\b(?P<per_day>{_NUMBER}){_KCAL}(?=.{{0,12}}?(\b(a|per|each|every) day\b|\bdaily\b|/\s*day\b))"
    rf"|\b(daily (intake|calories|target|total)|intake of|target of)\b"
    rf".{{0,25}}?\b(?P<target>{_NUMBER}){_KCAL}"
)
_NOT_AN_INTAKE = re.compile(
    r"\b(deficit|surplus|maintenance|burn\w*|extra|fewer|less than you|more than you)\b"
)


@dataclass(frozen=True, slots=True)
class ReplyAssessment:
    triggers: tuple[SafetyTrigger, ...]


def assess_reply(reply: str) -> ReplyAssessment:
    """What in the reply's text we must not show; an empty assessment for ordinary coaching."""
    found: dict[tuple[SafetyCategory, SafetyAction], SafetyTrigger] = {}
    for sentence in _SENTENCE.split(normalised(reply)):
        for category, action, note in _findings(sentence):
            found.setdefault((category, action), SafetyTrigger(category, action, Direction.OUTPUT, note))
    return ReplyAssessment(tuple(found.values()))


def _findings(sentence: str) -> list[tuple[SafetyCategory, SafetyAction, str]]:
    warned = _WARNING.search(sentence) is not None
    findings = []
    for rule in _RULES:
        match = rule.pattern.search(sentence)
        if match is None or (rule.negatable and (warned or _negated(sentence, match))):
            continue
        findings.append((rule.category, rule.action, rule.note))
    if _extreme_intake(sentence):
        findings.append((EATING, REFUSE, f"a daily intake under {CALORIE_FLOOR} kcal in the reply"))
    for match in RAPID_CUT.finditer(sentence):
        if too_fast(match) and not (warned or _negated(sentence, match)):
            findings.append((CUT, REFUSE, "a rapid weight cut in the reply"))
            break
    return findings


def _negated(sentence: str, match: re.Match[str]) -> bool:
    acting = match.start("act") if "act" in match.re.groupindex and match.group("act") else match.start()
    return _NEGATION.search(sentence, 0, acting) is not None


def _extreme_intake(sentence: str) -> bool:
    """An intake under the floor given as a day's target: "eat 800 calories a day", not "a 500 kcal a day
    deficit" nor "a 200 calorie snack before training each day"."""
    if _NOT_AN_INTAKE.search(sentence):
        return False
    for match in _INTAKE.finditer(sentence):
        amount = int((match["per_day"] or match["target"]).replace(",", ""))
        if 0 < amount < CALORIE_FLOOR:
            return True
    return False
