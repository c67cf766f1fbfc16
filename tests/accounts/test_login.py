"""Registration and login with a password: policy, hashing, one error for every kind of failure."""

from __future__ import annotations

import pytest

from adapters.auth.passwords import Argon2PasswordHasher
from application.auth_errors import InvalidCredentials, RefreshTokenRevoked
from application.users import load_user
from domain.errors import ValidationError
from domain.users import User, user_stream
from tests.domain.users import unique_email

PASSWORD = "correct horse battery"


class CountingHasher(Argon2PasswordHasher):
    """Counts the argon2 verifications actually run, including the one against the dummy hash."""

    def __init__(self, **parameters: int) -> None:
        super().__init__(**{"time_cost": 1, "memory_cost_kib": 64, "parallelism": 1, **parameters})
        self.argon2_checks = 0

    async def _verify(self, password_hash: str, password: str) -> bool:
        self.argon2_checks += 1
        return await super()._verify(password_hash, password)


async def test_a_registered_user_logs_in_with_the_normalised_email(accounts, store):
    email = unique_email("login")
    registered = await accounts.register(email, PASSWORD, "Ada")

    signed_in = await accounts.login(f" {email.upper()} ", PASSWORD)

    assert signed_in.user.user_id == registered.user.user_id
    assert signed_in.session.user_id == registered.user.user_id
    assert signed_in.session.session_id != registered.session.session_id, "each login is a new session"
    assert accounts.authenticate(signed_in.tokens.access_token).session == signed_in.session
    stored = await store.read_stream(user_stream(registered.user.user_id))
    assert PASSWORD not in str(stored[0].data)
    assert stored[0].data["password_hash"].startswith("$argon2id$")


@pytest.mark.parametrize(
    "password",
    ["short pwd", "x" * 129, " " * 12, "\t\n" * 6],
    ids=["9 chars", "129 chars", "spaces", "blank"],
)
async def test_the_password_policy_refuses_short_long_and_blank_passwords(accounts, password):
    with pytest.raises(ValidationError) as refused:
        await accounts.register(unique_email(), password, "Ada")
    assert (refused.value.code, refused.value.field) == ("VALIDATION", "password")


@pytest.mark.parametrize("password", ["ten chars!", "y" * 128, "  padded but fine  "])
async def test_the_password_policy_accepts_10_to_128_characters(accounts, password):
    email = unique_email()
    await accounts.register(email, password, "Ada")
    assert (await accounts.login(email, password)).user.email == email


async def test_bad_input_is_refused_before_anything_is_claimed(accounts):
    email = unique_email()
    with pytest.raises(ValidationError) as refused:
        await accounts.register(email, PASSWORD, "  ")
    assert refused.value.field == "display_name"
    assert (await accounts.register(email, PASSWORD, "Ada")).user.email == email


async def test_a_wrong_password_an_unknown_email_and_garbage_all_get_the_same_error_after_the_same_work(
    make_accounts,
):
    hasher = CountingHasher()
    counted = make_accounts(hasher)
    email = unique_email("login")
    await counted.register(email, PASSWORD, "Ada")

    attempts = [
        (email, "wrong password!"),
        (unique_email("nobody"), PASSWORD),
        ("not an email", PASSWORD),
        (email, "p" * 10_000),
    ]
    for attempt_email, attempt_password in attempts:
        before = hasher.argon2_checks
        with pytest.raises(InvalidCredentials) as refused:
            await counted.login(attempt_email, attempt_password)
        assert refused.value.code == "INVALID_CREDENTIALS"
        assert str(refused.value) == "the email or password is wrong"
        assert hasher.argon2_checks == before + 1, "every failure runs exactly one argon2 verification"


async def test_a_hash_made_with_old_parameters_is_upgraded_at_the_next_login(make_accounts, store):
    email = unique_email("rehash")
    old, new = make_accounts(CountingHasher(time_cost=1)), make_accounts(CountingHasher(time_cost=2))
    user_id = (await old.register(email, PASSWORD, "Ada")).user.user_id

    await new.login(email, PASSWORD)

    user = await load_user(store, user_id)
    assert isinstance(user, User)
    assert user.password_hash is not None
    assert "t=2" in user.password_hash
    assert [event.type for event in await store.read_stream(user_stream(user_id))] == [
        "UserRegistered",
        "PasswordChanged",
    ]
    assert (await new.login(email, PASSWORD)).user.user_id == user_id


async def test_changing_the_password_ends_other_sessions(accounts):
    email = unique_email("change")
    first = await accounts.register(email, PASSWORD, "Ada")

    with pytest.raises(InvalidCredentials):
        await accounts.change_password(first.user.user_id, "not the password", "a brand new password")
    changed = await accounts.change_password(first.user.user_id, PASSWORD, "a brand new password")

    with pytest.raises(InvalidCredentials):
        await accounts.login(email, PASSWORD)
    assert (await accounts.login(email, "a brand new password")).user.user_id == first.user.user_id
    with pytest.raises(RefreshTokenRevoked):
        await accounts.refresh(first.tokens.refresh_token)
    assert (await accounts.refresh(changed.tokens.refresh_token)).user.user_id == first.user.user_id
