"""The replies we write when the safety layer answers instead of the model.

Each (action, category) has one text of ours. A personality's voice is added only where tone is harmless
(refusing drugs or a dangerous cut); emergencies, crises, referrals and eating-disorder signals are
always answered calmly: a drill sergeant never barks at a crisis. When an emergency or a crisis is
among the triggers, the reply holds nothing else (no training content).
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.coaching.values import Personality, SafetyAction, SafetyCategory, SafetyTrigger

_EMERGENCY_NUMBERS = "911 in the US and Canada, 112 in the EU, 999 in the UK, 000 in Australia"

_TEXTS: dict[tuple[SafetyAction, SafetyCategory], str] = {
    (SafetyAction.EMERGENCY, SafetyCategory.CARDIAC): (
        "Please stop exercising now. Chest pain or pressure, pain spreading to your arm, jaw or neck, or a "
        "racing heart with faintness can be signs of a heart problem. Call your local emergency number "
        f"({_EMERGENCY_NUMBERS}) now, or have someone call for you, and don't drive yourself. Training can "
        "wait until a doctor has checked you."
    ),
    (SafetyAction.EMERGENCY, SafetyCategory.NEUROLOGICAL): (
        f"Please call your local emergency number now ({_EMERGENCY_NUMBERS}). Numbness or weakness on one "
        "side, a drooping face, slurred speech, sudden loss of vision or a sudden, severe headache can be "
        "signs of a stroke or a bleed in the brain, and every minute counts. Note the time the symptoms "
        "began and don't exercise."
    ),
    (SafetyAction.CRISIS_RESOURCES, SafetyCategory.SELF_HARM): (
        "I'm really glad you told me, and I'm sorry you're going through this. You deserve support from a "
        "person right now. If you might act on these thoughts, please call your local emergency number. "
        "You can also reach a crisis line at any hour: in the US call or text 988, in the UK and Ireland "
        "call Samaritans on 116 123, and findahelpline.com lists free, confidential lines in other "
        "countries. If you can, tell someone you trust how you are feeling. Training can wait; you matter "
        "more."
    ),
    (SafetyAction.MEDICAL_REFERRAL, SafetyCategory.ACUTE_PAIN): (
        "Please stop that exercise for today. Sharp or shooting pain, a pop or a snap, or pins and needles "
        "down a limb are different from ordinary muscle soreness, and training through them can turn a "
        "small injury into a big one. Have a doctor or physiotherapist look at it before you load it again; "
        "until then, choose only movements that don't bring the pain back at all."
    ),
    (SafetyAction.MEDICAL_REFERRAL, SafetyCategory.CARDIAC): (
        "Please pause training and see a doctor before your next session: fainting during exercise, or "
        "being short of breath at rest, needs a medical check first. If it happens again with chest pain, "
        "or you feel very unwell, call your local emergency number."
    ),
    (SafetyAction.MEDICAL_REFERRAL, SafetyCategory.EATING_DISORDER): (
        "Thank you for telling me; that takes courage. What you describe can harm your heart, bones and gut, "
        "and you deserve real support rather than a diet plan. Please talk to a doctor, or reach an "
        "eating-disorder helpline (in the US the ANAD helpline, 1-888-375-7767; in the UK Beat, "
        "0808 801 0677). I won't give calorie targets or weight-loss advice for now, and I'm glad to help "
        "with gentle, enjoyable movement whenever you like."
    ),
    (SafetyAction.REFUSE_WITH_ALTERNATIVE, SafetyCategory.DRUG_DOSING): (
        "I can't help with doses, cycles or sources of anabolic steroids, SARMs, clenbuterol, DNP, growth "
        "hormone or insulin: they carry serious risks to the heart, liver and hormones, and DNP has killed "
        "people at small doses. What I can do is help you get the most out of training without them: "
        "progressive overload, about 1.6 g of protein per kg of body weight a day, enough sleep, and time. "
        "If you are thinking about hormones for a medical reason, a doctor can test and advise you."
    ),
    (SafetyAction.REFUSE_WITH_ALTERNATIVE, SafetyCategory.DANGEROUS_WEIGHT_CUT): (
        "I won't help with diuretics, sauna suits, cutting water or losing weight that fast: acute "
        "dehydration can cause kidney injury, heat illness and heart-rhythm problems, and it leaves you "
        "weaker on the day. The safer way to make weight is to plan ahead: lose about 0.5 to 1% of your body "
        "weight a week, and compete in a class you can reach without dehydrating. Tell me your timeline and "
        "I'll help you plan it."
    ),
    (SafetyAction.REFUSE_WITH_ALTERNATIVE, SafetyCategory.EATING_DISORDER): (
        "I can't help you eat under 1,000 kcal a day: intakes that low cost muscle, energy and health, and "
        "aren't safe without medical supervision. A sustainable deficit is about 300 to 500 kcal below what "
        "you burn. Tell me your height, weight and activity and I'll help you set a realistic target; and if "
        "food or weight is weighing on you, a doctor can really help."
    ),
}

_VOICE: dict[Personality, str] = {
    Personality.MOTIVATOR: "I hear you, and I want you to reach your goal safely. ",
    Personality.DRILL_SERGEANT: "Negative, recruit. ",
    Personality.SCIENTIST: "Short answer: the evidence says no. ",
    Personality.CALM: "",
}
_VOICED = frozenset({SafetyCategory.DRUG_DOSING, SafetyCategory.DANGEROUS_WEIGHT_CUT})
_ALONE = frozenset({SafetyAction.EMERGENCY, SafetyAction.CRISIS_RESOURCES})
_ORDER = tuple(SafetyAction)


def safety_reply(triggers: Iterable[SafetyTrigger], personality: Personality) -> str | None:
    """Our reply to the triggers whose action stops the model, most drastic first; None when none does."""
    written = sorted(
        {(t.action, t.category) for t in triggers if (t.action, t.category) in _TEXTS},
        key=lambda key: (_ORDER.index(key[0]), key[1].value),
    )
    if any(action in _ALONE for action, _ in written):
        written = [(action, category) for action, category in written if action in _ALONE]
    if not written:
        return None
    paragraphs = []
    for action, category in written:
        voice = _VOICE[personality] if category in _VOICED else ""
        paragraphs.append(voice + _TEXTS[(action, category)])
    return "\n\n".join(paragraphs)


def has_reply(action: SafetyAction, category: SafetyCategory) -> bool:
    return (action, category) in _TEXTS
