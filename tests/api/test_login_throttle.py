"""Password guessing is throttled per account and address, over a real socket, in the real Redis, and
nobody can lock the owner out (application.login_throttle has the policy).

The server runs the default policy: 60 auth mutations a minute per IP; 5 failed logins per account and
address in 15 minutes; once an account has had 20 failures, one per address.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from application.login_throttle import LoginThrottlePolicy
from tests.adapters.api_ports.redis_server import delete_prefixed
from tests.api.graphql_client import register
from tests.api.rate_limit_support import assert_answered, assert_refused, login, peer
from tests.api.server import REDIS_URL, RunningApi, fresh_database, running_api, test_settings

PASSWORD = "correct horse battery staple"  # what graphql_client.register signs up with
POLICY = LoginThrottlePolicy()
WINDOW = POLICY.window_seconds


@pytest.fixture(scope="module")
async def guarded() -> AsyncIterator[RunningApi]:
    async with fresh_database() as url, running_api(test_settings(url, auth_rate_limit_per_minute=60)) as api:
        try:
            yield api
        finally:
            await delete_prefixed(REDIS_URL, api.api.settings.redis_key_prefix)


async def account(api: RunningApi, name: str) -> str:
    """A registered user's email (registered from an address of its own)."""
    async with peer(api) as own_device:
        user = await register(own_device, name)
        email: str = (await user.data("{ me { email } }"))["me"]["email"]
    return email


def wrong_password(body: dict[str, Any]) -> bool:
    """Whether the password was checked and found wrong (rather than the attempt refused)."""
    if body.get("errors"):
        assert_refused(body, within=WINDOW)
        return False
    assert body["data"]["login"]["userErrors"] == [{"code": "INVALID_CREDENTIALS"}], body
    return True


def signed_in(body: dict[str, Any]) -> bool:
    assert_answered(body)
    return body["data"]["login"]["userErrors"] == [] and bool(body["data"]["login"]["tokens"]["accessToken"])


async def test_sixty_wrong_passwords_from_one_address_do_not_lock_the_owner_out(guarded):
    email = await account(guarded, "Olga")
    async with peer(guarded) as attacker:
        checked = [wrong_password(await login(attacker, email)) for _ in range(60)]

    async with peer(guarded) as own_device:
        assert signed_in(await login(own_device, email, PASSWORD))
    assert checked == [True] * POLICY.failures_per_address + [False] * (60 - POLICY.failures_per_address)


async def test_the_guessing_address_is_refused_on_that_account_even_with_the_right_password(guarded):
    email, its_own = await account(guarded, "Olga"), await account(guarded, "Mallory")
    async with peer(guarded) as attacker:
        for _ in range(POLICY.failures_per_address):
            assert wrong_password(await login(attacker, email))

        assert_refused(await login(attacker, email, PASSWORD), within=WINDOW)
        assert_refused(await login(attacker, f"  {email.upper()} "), within=WINDOW)  # the same account
        assert signed_in(await login(attacker, its_own, PASSWORD))  # other accounts from there are fine


async def test_a_right_password_uses_up_none_of_the_addresss_failures(guarded):
    email = await account(guarded, "Olga")
    async with peer(guarded) as own_device:
        for _ in range(POLICY.failures_per_address - 1):
            assert wrong_password(await login(own_device, email))
        for _ in range(3):
            assert signed_in(await login(own_device, email, PASSWORD))

        assert wrong_password(await login(own_device, email))
        assert_refused(await login(own_device, email, PASSWORD), within=WINDOW)


async def test_guessing_spread_over_many_addresses_gets_one_guess_per_address_once_under_attack(guarded):
    email = await account(guarded, "Olga")
    first_wave = POLICY.account_failure_threshold // POLICY.failures_per_address
    guesses = 0
    for _ in range(first_wave):
        async with peer(guarded) as attacker:
            guesses += sum(
                [wrong_password(await login(attacker, email)) for _ in range(POLICY.failures_per_address + 2)]
            )
    assert guesses == POLICY.account_failure_threshold

    for _ in range(5):  # the account is under attack: each further address gets one guess
        async with peer(guarded) as attacker:
            assert [wrong_password(await login(attacker, email)) for _ in range(3)] == [True, False, False]

    async with peer(guarded) as own_device:  # the owner, from an address with no failures, still gets in
        assert signed_in(await login(own_device, email, PASSWORD))


async def test_concurrent_guesses_from_one_address_cannot_overrun_its_failures(guarded):
    email = await account(guarded, "Olga")
    async with peer(guarded) as attacker:
        answers = await asyncio.gather(*(login(attacker, email) for _ in range(20)))

    assert sum(wrong_password(answer) for answer in answers) == POLICY.failures_per_address
