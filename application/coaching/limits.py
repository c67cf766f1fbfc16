"""Rate limits of the coach, per user, in the `TokenBuckets` port (Redis when configured).

- Every coaching command counts against the specification's AI policy: a bucket of
  `FITCOACH_COACH_RATE_LIMIT_PER_SECOND` tokens (10), refilled at that rate each second.
- A chat message also counts against a per-minute bucket of `FITCOACH_COACH_MESSAGES_PER_MINUTE` (20):
  each message starts a model call, so this is the limit that bounds the cost a user can cause; 20 a
  minute is faster than anyone types and still lets an offline client send its small queue at once.

A refusal raises `CoachRateLimited` with how long until a token is back; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.rate_limits import TokenBucket, TokenBuckets, rate_limit_key


class CoachRateLimited(Exception):
    def __init__(self, message: str, retry_after_seconds: float) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True, slots=True)
class CoachLimitPolicy:
    requests_per_second: int = 10
    messages_per_minute: int = 20

    @property
    def requests(self) -> TokenBucket:
        return TokenBucket(self.requests_per_second, self.requests_per_second * 60)

    @property
    def messages(self) -> TokenBucket:
        return TokenBucket(self.messages_per_minute, self.messages_per_minute)


class CoachLimits:
    def __init__(self, buckets: TokenBuckets, policy: CoachLimitPolicy) -> None:
        self._buckets = buckets
        self._policy = policy

    async def request(self, user_id: UUID) -> None:
        """Charge one coaching command; raises CoachRateLimited when the user's bucket is empty."""
        await self._take(
            rate_limit_key("coach-user", str(user_id)),
            self._policy.requests,
            f"too many coach requests: at most {self._policy.requests_per_second} a second",
        )

    async def message(self, user_id: UUID) -> None:
        """Charge one chat message (on top of `request`)."""
        await self._take(
            rate_limit_key("coach-messages-user", str(user_id)),
            self._policy.messages,
            f"too many messages to the coach: at most {self._policy.messages_per_minute} a minute",
        )

    async def _take(self, key: str, bucket: TokenBucket, message: str) -> None:
        decision = await self._buckets.take(key, 1, bucket)
        if not decision.allowed:
            raise CoachRateLimited(message, round(decision.retry_after_seconds, 3))
