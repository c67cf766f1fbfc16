"""The offline coach's answers to the common questions: short, evidence-based basics, written by us.

They are general guidance for healthy adults, never medical advice; the safety layer has already
answered anything that needs a clinician before these are reached.
"""

from __future__ import annotations

from domain.coaching.offline.topics import Topic
from domain.coaching.safety.text import normalised

ANSWERS: dict[Topic, str] = {
    Topic.WARM_UP: (
        "Warm up for 5 to 10 minutes: a few minutes of easy cardio to raise your temperature, then "
        "dynamic moves for the joints you'll use (leg swings, hip circles, arm circles), then 2 to 4 "
        "lighter ramp-up sets of your first lift, e.g. the bar, 50%, 70% and 85% of your working weight "
        "with fewer reps each time. Save long static stretches for after the session."
    ),
    Topic.SORENESS: (
        "Muscle soreness that peaks one to three days after training (DOMS) is normal, especially after "
        "new exercises or more volume, and it fades as you adapt. Light movement, walking, sleep and enough "
        "protein help more than anything else; you can train a sore muscle lightly. Soreness is not a "
        "measure of a good workout. Sharp pain, swelling, or pain that is getting worse after three days "
        "is different: have it checked."
    ),
    Topic.WEEKLY_SETS: (
        "For muscle growth, about 10 to 20 hard sets per muscle group per week works for most people; "
        "beginners grow well on the lower end. Split them over two or more sessions a week per muscle. "
        "Start near 10, and add sets only while you keep recovering and progressing."
    ),
    Topic.EFFORT: (
        "RPE rates a set's effort from 1 to 10; RIR counts the reps you had left in reserve. RPE 8 is "
        "about 2 reps in reserve, RPE 10 is failure. Most working sets belong at RPE 7 to 9 (1 to 3 reps "
        "in reserve): close enough to failure to build strength and muscle, far enough to keep good form "
        "and recover. Save failure for the last set of safer exercises (machines, curls), not heavy squats."
    ),
    Topic.PROGRESSION: (
        "Progress one thing at a time: first reps within a range (say 8 to 12), then, once you reach the "
        "top of the range on every set at RPE 8 or below, add the smallest weight step (1 to 2.5 kg for "
        "upper body, 2.5 to 5 kg for lower body) and start again at the bottom. If you stall for two or "
        "three weeks, check sleep and food first, then take a lighter week or change the rep range."
    ),
    Topic.MISSED_SESSIONS: (
        "Missing sessions happens. Don't try to squeeze the missed work into the next days: just pick up "
        "the plan where you are. After a week or two off, start your first session back at about 80 to "
        "90% of your last working weights and build up over a week or two."
    ),
    Topic.PRE_WORKOUT_MEAL: (
        "Eat a normal meal with carbohydrate and some protein 2 to 3 hours before training (rice and "
        "chicken, oats and yoghurt), or a small, easy snack 30 to 60 minutes before (a banana, toast, a "
        "yoghurt). Keep fat and fibre low right before a session if your stomach is sensitive. Training "
        "fasted is fine for short sessions if you feel good doing it."
    ),
    Topic.REST_BETWEEN_SETS: (
        "Rest 2 to 3 minutes between sets of heavy compound lifts (squats, presses, rows) and 1 to 2 "
        "minutes for smaller exercises. Longer rests let you lift more with good form, which usually "
        "builds more strength and muscle than rushing."
    ),
    Topic.SLEEP_AND_RECOVERY: (
        "Recovery is where training turns into progress: aim for 7 to 9 hours of sleep, enough protein "
        "(about 1.6 g per kg of body weight a day), and at least one or two days a week without hard "
        "training. Performance that keeps dropping, poor sleep and a high resting heart rate are signs to "
        "take a lighter week."
    ),
}

SUPPLEMENT_FACTS: dict[str, str] = {
    "creatine": (
        "Creatine monohydrate is the best-studied supplement for strength and muscle: 3 to 5 g a day, "
        "any time of day, no loading phase needed. A small weight gain from water in the muscle is normal."
    ),
    "caffeine": (
        "Caffeine improves performance at about 3 mg per kg of body weight 30 to 60 minutes before "
        "training; more adds side effects rather than benefit. Avoid it within 6 to 8 hours of sleep."
    ),
    "protein": (
        "Protein powder is just convenient food: useful if you struggle to reach about 1.6 g of protein "
        "per kg of body weight a day from meals, unnecessary if you don't."
    ),
    "beta-alanine": (
        "Beta-alanine (3 to 6 g a day) can help efforts of 1 to 4 minutes; "
        "the tingling it causes is harmless."
    ),
    "bcaa": "BCAAs add nothing when you already eat enough protein.",
    "omega": "Fish oil has modest evidence for general health and little for performance.",
    "vitamin d": "Vitamin D only helps if you are low in it: a blood test tells you.",
}

_SUPPLEMENT_WORDS = {
    "creatine": ("creatine",),
    "caffeine": ("caffeine", "coffee"),
    "protein": ("whey", "protein powder", "protein shake"),
    "beta-alanine": ("beta-alanine", "beta alanine", "betaalanine"),
    "bcaa": ("bcaa",),
    "omega": ("fish oil", "omega"),
    "vitamin d": ("vitamin d",),
}

SUPPLEMENTS_IN_GENERAL = (
    "Most supplements do little. The ones with solid evidence for training are creatine monohydrate, "
    "caffeine and, as a convenience, protein powder. Food, sleep and consistent training matter far more."
)


def answer_on(topic: Topic, message: str) -> str:
    """Our answer on `topic`; for supplements, the facts on the ones `message` names."""
    if topic is not Topic.SUPPLEMENTS:
        return ANSWERS[topic]
    text = normalised(message)
    named = [
        SUPPLEMENT_FACTS[key] for key, words in _SUPPLEMENT_WORDS.items() if any(w in text for w in words)
    ]
    return " ".join(named) if named else SUPPLEMENTS_IN_GENERAL
