"""Tolerant recognition of vocabulary phrases in what users type (injuries, equipment).

Text and phrases go through the same normalisation: accents dropped, case folded, apostrophes removed
("golfer's" -> "golfers"), every other non-alphanumeric character (hyphens, brackets, slashes) a space,
and each word singularised by a few suffix rules ("injuries" -> "injury", "knees" -> "knee"). Because both
sides are normalised alike, the rules only have to be consistent, not linguistically right.

A phrase matches a piece of text when every one of its words occurs in it, in any order ("arthritis in
my left knee" matches "knee arthritis"); stop words such as "a", "of", "my" in a phrase need not occur.
A word of the text matches a word of a phrase when they are equal or, for a word the vocabulary does not
know, when it is a small misspelling of a long phrase word: same first letter and an edit distance of at
most 1 (phrase words of 6+ letters) or 2 (10+ letters). Words the vocabulary knows are never "corrected"
into other known words ("strain" stays "strain"). Common misspellings of short words are listed as
phrases instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_APOSTROPHES = re.compile("['`\u2019\u00b4]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_CLAUSE_BREAK = re.compile(r"[,;.\n&+]")
_KEEP_FINAL_S = ("ss", "us", "is", "os")
STOP_WORDS = frozenset(
    {"a", "an", "the", "of", "in", "on", "my", "to", "at", "for", "from", "with", "and", "or"}
)
"""Words a phrase may contain for readability but that never have to occur ("had a baby")."""

ONE_TYPO_FROM = 6
"""A phrase word this long tolerates one typo (insertion, deletion, substitution or swap)."""
TWO_TYPOS_FROM = 10
"""A phrase word this long tolerates two."""

_SAYS_NOTHING = (
    "",
    "no",
    "none",
    "nope",
    "nil",
    "nothing",
    "na",
    "n a",
    "not applicable",
    "no injury",
    "no injuries",
    "none known",
    "no known injuries",
    "no condition",
    "no conditions",
    "no issues",
    "no problems",
    "none so far",
    "healthy",
    "all good",
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _APOSTROPHES.sub("", without_accents.casefold())


def singular(word: str) -> str:
    """`word` without a plural ending, by rules that only need to agree with themselves."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(_KEEP_FINAL_S):
        return word[:-1]
    return word


def words(text: str) -> tuple[str, ...]:
    """The normalised, singular words of `text`, in order."""
    return tuple(singular(word) for word in _NOT_WORD.split(_fold(text)) if word)


def normalise(text: str) -> str:
    """`text` as the matcher sees it: its normalised words joined by single spaces."""
    return " ".join(words(text))


def clauses(text: str, separator_words: frozenset[str] = frozenset()) -> tuple[tuple[str, ...], ...]:
    """The words of `text` in clauses: split at , ; . & + line breaks, and at any of `separator_words`
    ("dumbbells and a bench" -> ("dumbbell",), ("a", "bench") when "and" separates)."""
    found: list[tuple[str, ...]] = []
    for piece in _CLAUSE_BREAK.split(_fold(text)):
        clause: list[str] = []
        for word in words(piece):
            if word in separator_words:
                found.append(tuple(clause))
                clause = []
            else:
                clause.append(word)
        found.append(tuple(clause))
    return tuple(clause for clause in found if clause)


_NOTHING = frozenset(normalise(text) for text in _SAYS_NOTHING)


def says_nothing(text: str) -> bool:
    """True for entries that mean "nothing to report": "", "-", "none", "N/A", "no injuries", ..."""
    return normalise(text) in _NOTHING


def edit_distance(first: str, second: str, limit: int) -> int:
    """The optimal-string-alignment distance (Levenshtein plus swaps of neighbours), or `limit + 1` as
    soon as it must exceed `limit`."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous_row: list[int] = []
    row = list(range(len(second) + 1))
    for i, first_char in enumerate(first, start=1):
        before_previous, previous_row = previous_row, row
        row = [i] + [0] * len(second)
        for j, second_char in enumerate(second, start=1):
            cost = 0 if first_char == second_char else 1
            row[j] = min(previous_row[j] + 1, row[j - 1] + 1, previous_row[j - 1] + cost)
            swapped = i > 1 and j > 1 and first_char == second[j - 2] and first[i - 2] == second_char
            if swapped:
                row[j] = min(row[j], before_previous[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
    return row[-1]


def typos_tolerated(phrase_word: str) -> int:
    if len(phrase_word) >= TWO_TYPOS_FROM:
        return 2
    if len(phrase_word) >= ONE_TYPO_FROM:
        return 1
    return 0


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    key: str
    """What the phrase stands for (a vocabulary entry's name)."""
    phrase: str
    positions: frozenset[int]
    """Where in the clause its words were found."""


@dataclass(frozen=True, slots=True)
class _Phrase:
    order: int
    key: str
    text: str
    words: frozenset[str]


class PhraseMatcher:
    """Finds the phrases of a vocabulary in a clause of words."""

    def __init__(self, phrases: Iterable[tuple[str, str]]) -> None:
        """`phrases`: (key, phrase) pairs; a key may have many phrases."""
        self._phrases = tuple(
            _Phrase(order, key, phrase, frozenset(words(phrase)) - STOP_WORDS)
            for order, (key, phrase) in enumerate(phrases)
        )
        empty = [phrase.text for phrase in self._phrases if not phrase.words]
        if empty:
            raise ValueError(f"phrases without words: {empty}")
        phrases_with: dict[str, list[_Phrase]] = {}
        for phrase in self._phrases:
            for word in phrase.words:
                phrases_with.setdefault(word, []).append(phrase)
        self._phrases_with = phrases_with
        self._known_words = frozenset(phrases_with)
        tolerant: dict[str, list[str]] = {}
        for word in sorted(self._known_words):
            if typos_tolerated(word):
                tolerant.setdefault(word[0], []).append(word)
        self._tolerant_by_initial = tolerant

    @property
    def known_words(self) -> frozenset[str]:
        return self._known_words

    def phrase_words_matched_by(self, text_word: str) -> tuple[str, ...]:
        """The phrase words `text_word` stands for: itself if known, else the long phrase words it is a
        small misspelling of."""
        if text_word in self._known_words:
            return (text_word,)
        return tuple(
            phrase_word
            for phrase_word in self._tolerant_by_initial.get(text_word[:1], ())
            if edit_distance(text_word, phrase_word, typos_tolerated(phrase_word))
            <= typos_tolerated(phrase_word)
        )

    def matches(self, clause: Sequence[str]) -> tuple[PhraseMatch, ...]:
        """Every phrase all of whose words occur in `clause`, in vocabulary order."""
        positions: dict[str, set[int]] = {}
        for index, word in enumerate(clause):
            for phrase_word in self.phrase_words_matched_by(word):
                positions.setdefault(phrase_word, set()).add(index)
        candidates = {phrase.order: phrase for word in positions for phrase in self._phrases_with[word]}
        return tuple(
            PhraseMatch(
                phrase.key,
                phrase.text,
                frozenset(index for word in phrase.words for index in positions[word]),
            )
            for _, phrase in sorted(candidates.items())
            if phrase.words <= positions.keys()
        )


def without_contained(matches: Sequence[PhraseMatch]) -> tuple[PhraseMatch, ...]:
    """`matches` without those whose words all lie inside a longer match ("machine" inside "cable
    machine"), for vocabularies where the longer phrase means something else, not something more."""
    return tuple(
        match for match in matches if not any(match.positions < other.positions for other in matches)
    )
