"""What exercise search matches texts on: words, trigrams and the full-text query, computed in Python.

The embedded PostgreSQL (pgserver) ships without `pg_trgm`, so the trigrams are ours: the projection
stores each exercise's in a `text[]` column (GIN-indexed), the search computes the query's the same way
and scores the overlap in SQL. They follow pg_trgm's shape: each word lower-cased, padded with two
spaces before and one after, cut in threes. To the words' trigrams are added those of the whole text
with its spaces removed, so "benchpress" meets "Bench Press" and "shoulder pres" meets "Shoulder Press".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[a-z0-9]+")
MAX_QUERY_WORDS = 12
"""Words of a search text beyond these are ignored (a search box, not a document)."""


def words(text: str) -> list[str]:
    """The lower-case ASCII words of `text`, accents dropped: "Pull-up (Wide)" → ["pull", "up", "wide"]."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _WORD.findall(folded)


def _word_trigrams(word: str) -> Iterable[str]:
    padded = f"  {word} "
    return (padded[index : index + 3] for index in range(len(padded) - 2))


def trigrams(texts: Iterable[str]) -> frozenset[str]:
    """The trigrams of every word of `texts` and of each text with its spaces removed."""
    found: set[str] = set()
    for text in texts:
        text_words = words(text)
        for word in text_words:
            found.update(_word_trigrams(word))
        if len(text_words) > 1:
            found.update(_word_trigrams("".join(text_words)))
    return frozenset(found)


def query_words(text: str) -> list[str]:
    """The words a search text is matched on (at most `MAX_QUERY_WORDS`)."""
    return words(text)[:MAX_QUERY_WORDS]


def prefix_tsquery(query: list[str]) -> str:
    """A `to_tsquery` text matching documents holding every word, each as a prefix: "shoulder:* & pres:*".

    Safe to hand PostgreSQL as it is: words are `[a-z0-9]+`, so no operator can be smuggled in."""
    return " & ".join(f"{word}:*" for word in query)
