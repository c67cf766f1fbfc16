"""Throttling password guessing without letting anyone lock the owner out of their account.

Counting every login attempt per account let an attacker lock a user out: 60 wrong passwords from one
address made the owner's right password from another address fail. So the policy counts *failures*, per
account and address (OWASP's Authentication Cheat Sheet: throttle the guesser, not the account):

1. Per (account, address): at most `failures_per_address` failed logins in `window_seconds`. Past that,
   this address's logins on this account are refused (RATE_LIMITED, with the wait until its oldest
   failure leaves the window) before the password is checked, the right password included.
2. Per account, across addresses: once it has had `account_failure_threshold` failures in the window, it
   is under attack, and the limit of rule 1 drops to one failure per address: guessing spread over many
   addresses gets one guess per address per window, instead of `failures_per_address`.
3. A right password from an address with no failure on the account in the window signs in, even while
   the account is under attack: the owner on their own device or network is never refused. Successes
   cost nothing.

The account is the normalised email (trimmed, lower case), hashed, whether or not a user has it, so the
answers tell nothing about which accounts exist. Each attempt reserves its slot in rule 1 before the
password is checked and gives it back if the password was right, so concurrent guesses from one address
cannot overrun the limit. Guessing is then bounded by about `account_failure_threshold` plus one guess per
address per window; the per-IP limit on auth mutations (60 a minute) bounds each address across accounts
as well. Failures are counted in the shared `RateLimiter` (Redis when configured), so every replica sees
them.

Unlike the other limits, this one does not fail open. A replica also keeps its own `local` record of the
attempts it saw, and when the shared limiter cannot count one (Redis down, or a call timed out under the
CPU load of a burst of password checks), that record decides: guessing from one address through one
replica stays within the limit, and the owner can still sign in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from application.auth_errors import AuthError
from application.rate_limits import RateLimiter, rate_limit_key


@dataclass(frozen=True, slots=True)
class LoginThrottlePolicy:
    failures_per_address: int = 5
    account_failure_threshold: int = 20
    window_seconds: int = 900

    def __post_init__(self) -> None:
        if self.failures_per_address < 1 or self.account_failure_threshold < 1 or self.window_seconds < 1:
            raise ValueError("login throttle limits and window must be at least 1")


UNDER_ATTACK_FAILURES_PER_ADDRESS = 1


class LoginThrottled(AuthError):
    """Too many failed logins on this account from this address; `retry_after_seconds` says when to retry."""

    def __init__(self, retry_after_seconds: float) -> None:
        super().__init__(
            "RATE_LIMITED", "too many failed sign-ins on this account from here; try again later"
        )
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    address_key: str
    account_key: str
    hit_id: str | None
    local_hit_id: str | None = None


def account_of(email: str) -> str:
    """The account an email names, as a key: what a user types is trimmed and lower-cased."""
    return hashlib.sha256(email.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]


class LoginThrottle:
    def __init__(
        self,
        limiter: RateLimiter,
        policy: LoginThrottlePolicy | None = None,
        *,
        local: RateLimiter | None = None,
    ) -> None:
        """`limiter` is shared by the replicas; `local`, an in-process limiter, decides when it cannot
        count (leave it out when `limiter` is in-process itself)."""
        self._limiter = limiter
        self._local = local
        self._policy = policy or LoginThrottlePolicy()

    async def admit(self, email: str, address: str) -> LoginAttempt:
        """Reserve the attempt's slot; raises LoginThrottled when this address used its failures."""
        policy = self._policy
        window = policy.window_seconds
        account = account_of(email)
        account_key = rate_limit_key("login-failures-account", account)
        address_key = rate_limit_key("login-failures", f"{account}:{address}")
        failures = max([await limiter.count(account_key, window) for limiter in self._limiters()])
        under_attack = failures >= policy.account_failure_threshold
        limit = UNDER_ATTACK_FAILURES_PER_ADDRESS if under_attack else policy.failures_per_address
        shared = await self._limiter.hit(address_key, limit, window)
        local = None if self._local is None else await self._local.hit(address_key, limit, window)
        decision = shared if shared.counted or local is None else local
        if not decision.allowed:
            if self._local is not None and local is not None and local.hit_id is not None:
                await self._local.forget(address_key, local.hit_id)
            raise LoginThrottled(decision.retry_after_seconds)
        return LoginAttempt(
            address_key,
            account_key,
            hit_id=shared.hit_id if shared.counted else None,
            local_hit_id=None if local is None else local.hit_id,
        )

    async def failed(self, attempt: LoginAttempt) -> None:
        """The password was wrong: the reserved slot stays taken, and the account counts the failure."""
        policy = self._policy
        for limiter in self._limiters():
            await limiter.hit(attempt.account_key, policy.account_failure_threshold, policy.window_seconds)

    async def done(self, attempt: LoginAttempt) -> None:
        """The attempt was no guess (right password, or it could not be checked): give the slot back."""
        if attempt.hit_id is not None:
            await self._limiter.forget(attempt.address_key, attempt.hit_id)
        if self._local is not None and attempt.local_hit_id is not None:
            await self._local.forget(attempt.address_key, attempt.local_hit_id)

    def _limiters(self) -> tuple[RateLimiter, ...]:
        return (self._limiter,) if self._local is None else (self._limiter, self._local)
