"""The coach's response cache (`ai:response:{hash}`, 600 s, through the `Cache` port): an answer is reused
for the same user asking the same message of the same personality in the same context version (profile,
plan, candidates and the conversation before it unchanged). What is kept is the model's answer before
the checks after the model: those run again on every use, and each use gets new suggestion ids."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from application.cache import Cache, CacheKey, CacheKind
from application.coaching.model import CoachAnswer, ProposedChange
from domain.coaching.values import Personality, ReplyUsage, SuggestionKind

CACHED_PROVIDER = "cache"
"""The provider a reply answered from the cache records (no tokens spent)."""
_VERSION = 1


def response_key(user_id: UUID, message: str, personality: Personality, context_version: str) -> CacheKey:
    digest = hashlib.sha256(
        "\x00".join((str(user_id), personality.value, context_version, message)).encode()
    ).hexdigest()
    return CacheKey(CacheKind.AI_RESPONSE, (digest,))


class CoachResponseCache:
    def __init__(self, cache: Cache) -> None:
        self._cache = cache

    async def get(self, key: CacheKey) -> CoachAnswer | None:
        cached = await self._cache.get(key)
        if cached is None:
            return None
        try:
            return _answer_of(cached.value)
        except (KeyError, TypeError, ValueError):
            return None  # another release's layout: a miss

    async def put(self, key: CacheKey, answer: CoachAnswer) -> None:
        await self._cache.put(key, _json_of(answer), _VERSION)


def _json_of(answer: CoachAnswer) -> dict[str, Any]:
    return {
        "text": answer.text,
        "confidence": answer.confidence,
        "model": answer.usage.model,
        "notes": list(answer.notes),
        "changes": [
            {
                "kind": change.kind.value,
                "exercise_id": change.exercise_id,
                "replaces": change.replaces,
                "sets": change.sets,
                "reps": change.reps,
                "weight_kg": change.weight_kg,
                "rest_seconds": change.rest_seconds,
                "reason": change.reason,
            }
            for change in answer.changes
        ],
    }


def _answer_of(value: dict[str, Any]) -> CoachAnswer:
    return CoachAnswer(
        text=str(value["text"]),
        confidence=float(value["confidence"]),
        usage=ReplyUsage(provider=CACHED_PROVIDER, model=str(value["model"])),
        notes=tuple(str(note) for note in value["notes"]),
        changes=tuple(
            ProposedChange(
                kind=SuggestionKind(change["kind"]),
                exercise_id=change["exercise_id"],
                replaces=change["replaces"],
                sets=int(change["sets"]),
                reps=int(change["reps"]),
                weight_kg=float(change["weight_kg"]),
                rest_seconds=int(change["rest_seconds"]),
                reason=str(change["reason"]),
            )
            for change in value["changes"]
        ),
    )
