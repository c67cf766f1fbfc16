"""Writes the shipped library from the upstream free-exercise-db file, keeping only facts.

    python -m adapters.exercise_data.extract SRC [--out PATH]

SRC is the upstream `exercises.json` (public domain, github.com/yuhonas/free-exercise-db). Every entry
keeps only `KEPT_FIELDS`; the instruction texts and image paths are dropped, so nothing written by the
upstream authors beyond names ships. One entry per line, in the upstream order, for readable diffs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

KEPT_FIELDS = (
    "id",
    "name",
    "category",
    "level",
    "force",
    "mechanic",
    "equipment",
    "primaryMuscles",
    "secondaryMuscles",
)
DEFAULT_OUT = Path(__file__).with_name("free_exercise_db.json")
MIN_SENTENCE_WORDS = 4


def facts_only(entries: Sequence[Any]) -> list[dict[str, Any]]:
    """Each entry with only the kept fields (absent ones left out), in the given order."""
    return [
        {field: entry[field] for field in KEPT_FIELDS if field in entry}
        for entry in entries
        if isinstance(entry, dict)
    ]


def sentence_fingerprints(entries: Sequence[Any]) -> list[str]:
    """Fingerprints of the upstream instruction sentences (`fingerprint`), sorted, without the texts: the
    tests check that no shipped text contains one, without the instructions having to ship."""
    found: set[str] = set()
    for entry in entries:
        for instruction in entry.get("instructions") or () if isinstance(entry, dict) else ():
            for sentence in re.split(r"[.!?;]+", str(instruction)):
                words = sentence_words(sentence)
                if len(words) >= MIN_SENTENCE_WORDS:
                    found.add(fingerprint(words))
    return sorted(found)


def sentence_words(text: str) -> tuple[str, ...]:
    return tuple(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def fingerprint(words: Sequence[str]) -> str:
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:16]


def render(entries: Sequence[dict[str, Any]]) -> str:
    lines = ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in entries)
    return f"[\n{lines}\n]\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m adapters.exercise_data.extract", description=__doc__)
    parser.add_argument("source", type=Path, help="the upstream exercises.json")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"where to write (default {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--fingerprints",
        type=Path,
        help="also write the instruction sentences' fingerprints here (for tests)",
    )
    args = parser.parse_args(argv)
    entries = json.loads(args.source.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        print(f"{args.source}: not a JSON list of exercises", file=sys.stderr)
        return 1
    kept = facts_only(entries)
    args.out.write_text(render(kept), encoding="utf-8")
    print(f"wrote {len(kept)} exercises to {args.out}")
    if args.fingerprints is not None:
        prints = sentence_fingerprints(entries)
        args.fingerprints.write_text("".join(f"{line}\n" for line in prints), encoding="ascii")
        print(f"wrote {len(prints)} instruction fingerprints to {args.fingerprints}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
