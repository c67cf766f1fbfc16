"""The coach's response cache (`ai:response:{hash}`, 600 s, through the `Cache` port): an answer is reused
for the same user asking the same message of the same personality in the same context version (profile,
plan, candidates and the conversation before it unchanged). What is kept is the model's answer before
the checks after the model: those run again on every use, and each use gets new suggestion ids.

The answer is sealed with the user's data key (`application.privacy.vault`): Redis never holds a reply in
the clear, and once the user is forgotten a cached answer no longer opens (a miss) until it expires."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from application.cache import Cache, CacheKey, CacheKind
from application.coaching.model import CoachAnswer, ProposedChange
from application.privacy.vault import PersonalDataVault
from domain.coaching.values import Personality, ReplyUsage, SuggestionKind
from domain.users.errors import UserErased

CACHED_PROVIDER = "cache"
"""The provider a reply answered from the cache records (no tokens spent)."""
_VERSION = 1


def response_key(user_id: UUID, message: str, personality: Personality, context_version: str) -> CacheKey:
    digest = hashlib.sha256(
        "\x00".join((str(user_id), personality.value, context_version, message)).encode()
    ).hexdigest()
    return CacheKey(CacheKind.AI_RESPONSE, (digest,))


class CoachResponseCache:
    def __init__(self, cache: Cache, vault: PersonalDataVault) -> None:
        self._cache = cache
        self._vault = vault

    async def get(self, key: CacheKey) -> CoachAnswer | None:
        cached = await self._cache.get(key)
        if cached is None:
            return None
        value = await self._vault.open_value(cached.value, key.name)
        if value is None:
            return None  # its user was forgotten, or another release's layout: a miss
        try:
            return _answer_of(value)
        except (KeyError, TypeError, ValueError):
            return None

    async def put(self, key: CacheKey, user_id: UUID, answer: CoachAnswer) -> None:
        try:
            sealed = await self._vault.seal_value(user_id, _json_of(answer), key.name)
        except UserErased:
            return  # forgotten while the model answered: nothing of theirs is kept
        await self._cache.put(key, sealed, _VERSION)


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
