"""Passwords, tokens and emails never reach the logs, whatever succeeds or fails."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from domain.errors import DomainError
from domain.users.values import IdentityProvider
from tests.accounts.jwks_server import id_token_claims
from tests.domain.users import unique_email

PASSWORD = "my very secret passphrase"


async def test_no_secret_or_personal_data_is_logged(accounts, signing_keys, caplog, clock):
    caplog.set_level(logging.DEBUG)
    email, external_email = unique_email("private"), unique_email("private.external")
    id_token = signing_keys[0].sign(
        id_token_claims("private-subject", email=external_email, name="Private Name")
    )
    secrets: list[str] = [PASSWORD, email, external_email, id_token, "private-subject", "Private Name"]
    failures: list[DomainError] = []

    signed_up = await accounts.register(email, PASSWORD, "Private Name")
    secrets += [
        signed_up.tokens.access_token,
        signed_up.tokens.refresh_token,
        signed_up.user.password_hash or "-",
    ]
    logged_in = await accounts.login(email, PASSWORD)
    refreshed = await accounts.refresh(logged_in.tokens.refresh_token)
    repeated = await accounts.refresh(logged_in.tokens.refresh_token)  # within the reuse interval
    assert repeated.tokens.refresh_token == refreshed.tokens.refresh_token
    external = await accounts.sign_in_with_id_token(IdentityProvider.GOOGLE, id_token)
    secrets += [
        logged_in.tokens.refresh_token,
        refreshed.tokens.refresh_token,
        refreshed.tokens.access_token,
        external.tokens.refresh_token,
    ]
    clock.advance(timedelta(minutes=1))  # past the reuse interval
    for attempt in (
        accounts.login(email, PASSWORD + "!"),
        accounts.register(email, PASSWORD, "Again"),
        accounts.refresh(logged_in.tokens.refresh_token),  # reuse: revokes, and logs a warning
        accounts.refresh(refreshed.tokens.refresh_token),
        accounts.sign_in_with_id_token(IdentityProvider.GOOGLE, id_token[:-5] + "AAAAA"),
    ):
        with pytest.raises(DomainError) as failed:
            await attempt
        failures.append(failed.value)
    await accounts.logout(external.tokens.refresh_token)

    assert any(record.levelno == logging.WARNING for record in caplog.records), "the reuse was logged"
    logged = caplog.text + " ".join(repr(record.args) for record in caplog.records)
    for secret in secrets:
        assert secret not in logged
    reported = " ".join(f"{error!s} {error!r} {error.message}" for error in failures)
    shown = repr(signed_up) + repr(external) + repr(refreshed.tokens)
    for secret in secrets:
        assert secret not in reported
        assert secret not in shown
