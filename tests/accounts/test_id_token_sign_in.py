"""Sign-in with Google/Apple ID tokens, verified against a JWKS served on a real local socket."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from application.accounts import Accounts
from application.auth_errors import (
    IdentityProviderNotConfigured,
    IdentityTaken,
    IdTokenRejected,
    InvalidCredentials,
)
from application.sessions import SignedIn
from application.users import load_user
from domain.errors import ValidationError
from domain.users import User, identity_claim_stream
from domain.users.errors import EmailTaken
from domain.users.values import ExternalIdentity, IdentityProvider
from tests.accounts.jwks_server import SigningKey, id_token_claims
from tests.domain.users import unique_email

GOOGLE = IdentityProvider.GOOGLE


def new_subject() -> str:
    return f"sub-{time.time_ns()}"


async def sign_in(accounts: Accounts, key: SigningKey, **claims: Any) -> SignedIn:
    return await accounts.sign_in_with_id_token(GOOGLE, key.sign(id_token_claims(**claims)))


@pytest.mark.parametrize("key_index", [0, 1], ids=["RS256", "ES256"])
async def test_a_first_sign_in_registers_the_user_and_later_ones_find_them(
    accounts, store, signing_keys, key_index
):
    key, subject, email = signing_keys[key_index], new_subject(), unique_email("google")

    first = await sign_in(accounts, key, subject=subject, email=email.upper(), name="  Ada Lovelace ")
    again = await sign_in(accounts, key, subject=subject, email=email)

    assert again.user.user_id == first.user.user_id
    assert again.session.session_id != first.session.session_id
    user = await load_user(store, first.user.user_id)
    assert isinstance(user, User)
    assert (user.email, user.profile.display_name, user.password_hash) == (email, "Ada Lovelace", None)
    assert user.identities == (ExternalIdentity(GOOGLE, subject),)
    assert accounts.authenticate(again.tokens.access_token).session.user_id == user.user_id
    assert (await accounts.refresh(again.tokens.refresh_token)).user.user_id == user.user_id
    assert len(await store.read_stream(identity_claim_stream(GOOGLE, subject))) == 1


async def test_a_token_without_a_name_gets_the_email_local_part_as_display_name(accounts, signing_keys):
    email = unique_email("nameless")
    signed_in = await sign_in(accounts, signing_keys[0], subject=new_subject(), email=email, name=None)
    assert signed_in.user.profile.display_name == email.partition("@")[0]


@pytest.mark.parametrize("name", ["Ada \u202eecalevol", "Ada\x85", "\ufdd0"])
async def test_a_token_name_that_no_display_name_may_hold_gives_way_to_the_email_local_part(
    accounts, signing_keys, name
):
    email = unique_email("spoofed")
    signed_in = await sign_in(accounts, signing_keys[0], subject=new_subject(), email=email, name=name)
    assert signed_in.user.profile.display_name == email.partition("@")[0]


def forged_rsa_key(kid: str) -> SigningKey:
    impostor = SigningKey.rsa()
    impostor.kid = kid
    return impostor


@pytest.mark.parametrize(
    ("code", "make_token"),
    [
        ("ID_TOKEN_WRONG_AUDIENCE", lambda keys: keys[0].sign(id_token_claims(aud="someone-elses-app"))),
        ("ID_TOKEN_WRONG_ISSUER", lambda keys: keys[1].sign(id_token_claims(iss="https://evil.example.com"))),
        (
            "ID_TOKEN_EXPIRED",
            lambda keys: keys[0].sign(
                id_token_claims(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)
            ),
        ),
        ("ID_TOKEN_BAD_SIGNATURE", lambda keys: forged_rsa_key(keys[0].kid).sign(id_token_claims())),
        ("ID_TOKEN_BAD_SIGNATURE", lambda keys: keys[1].sign(id_token_claims())[:-6] + "AAAAAA"),
        ("ID_TOKEN_UNKNOWN_KEY", lambda keys: SigningKey.ec().sign(id_token_claims())),
        (
            "ID_TOKEN_INVALID",
            lambda keys: jwt.encode(id_token_claims(), "k" * 32, "HS256", {"kid": keys[0].kid}),
        ),
        ("ID_TOKEN_INVALID", lambda keys: jwt.encode(id_token_claims(), "", "none", {"kid": keys[0].kid})),
        ("ID_TOKEN_INVALID", lambda keys: keys[0].sign(id_token_claims(), kid=keys[1].kid)),
        ("ID_TOKEN_INVALID", lambda keys: keys[0].sign(id_token_claims(sub=None))),
        ("ID_TOKEN_INVALID", lambda keys: keys[0].sign(id_token_claims(iat=None))),
        ("ID_TOKEN_INVALID", lambda keys: "not.a.jwt"),
        ("ID_TOKEN_INVALID", lambda keys: ""),
    ],
    ids=[
        "wrong audience",
        "wrong issuer",
        "expired",
        "signed by another key with the same kid",
        "tampered signature",
        "unknown kid",
        "HS256 with a guessed secret",
        "alg none",
        "RSA token naming the EC key",
        "no subject",
        "no issue time",
        "garbage",
        "empty",
    ],
)
async def test_a_bad_id_token_is_rejected_with_a_clear_code(accounts, store, signing_keys, code, make_token):
    with pytest.raises(IdTokenRejected) as rejected:
        await accounts.sign_in_with_id_token(GOOGLE, make_token(signing_keys))
    assert rejected.value.code == code


@pytest.mark.parametrize("email_verified", [False, "false", None, "yes", 1])
async def test_an_email_not_stated_verified_does_not_create_an_account(
    accounts, signing_keys, email_verified
):
    with pytest.raises(IdTokenRejected) as rejected:
        await sign_in(accounts, signing_keys[0], subject=new_subject(), email_verified=email_verified)
    assert rejected.value.code == "ID_TOKEN_EMAIL_UNVERIFIED"


async def test_apple_style_text_flags_are_accepted(accounts, signing_keys):
    for flag in ("true", "TRUE"):
        signed_in = await sign_in(
            accounts, signing_keys[1], subject=new_subject(), email=unique_email(), email_verified=flag
        )
        assert signed_in.user.password_hash is None


async def test_a_token_without_an_email_cannot_create_an_account(accounts, signing_keys):
    with pytest.raises(IdTokenRejected) as rejected:
        await sign_in(accounts, signing_keys[0], subject=new_subject(), email=None)
    assert rejected.value.code == "ID_TOKEN_NO_EMAIL"


async def test_a_malformed_email_in_the_token_is_a_validation_error(accounts, signing_keys):
    with pytest.raises(ValidationError) as refused:
        await sign_in(accounts, signing_keys[0], subject=new_subject(), email="not an email")
    assert refused.value.field == "email"


async def test_an_email_of_a_password_account_is_not_taken_over_but_can_be_linked(accounts, signing_keys):
    email, subject = unique_email("both"), new_subject()
    owner = await accounts.register(email, "long enough password", "Owner")

    with pytest.raises(EmailTaken):
        await sign_in(accounts, signing_keys[0], subject=subject, email=email)

    linked = await accounts.link_identity(
        owner.user.user_id, GOOGLE, signing_keys[0].sign(id_token_claims(subject))
    )
    assert linked.identities == (ExternalIdentity(GOOGLE, subject),)
    signed_in = await sign_in(accounts, signing_keys[1], subject=subject, email=email)
    assert signed_in.user.user_id == owner.user.user_id


async def test_a_failed_first_sign_in_frees_the_identity_for_a_later_one(accounts, signing_keys):
    taken, subject = unique_email("taken"), new_subject()
    await accounts.register(taken, "long enough password", "Owner")
    with pytest.raises(EmailTaken):
        await sign_in(accounts, signing_keys[0], subject=subject, email=taken)

    fresh = unique_email("fresh")
    signed_in = await sign_in(accounts, signing_keys[0], subject=subject, email=fresh)
    assert signed_in.user.email == fresh


async def test_an_identity_links_to_one_user_only(accounts, signing_keys):
    subject = new_subject()
    first = await sign_in(accounts, signing_keys[0], subject=subject, email=unique_email())
    other = await accounts.register(unique_email(), "long enough password", "Other")

    with pytest.raises(IdentityTaken) as refused:
        await accounts.link_identity(
            other.user.user_id, GOOGLE, signing_keys[0].sign(id_token_claims(subject))
        )
    assert refused.value.code == "IDENTITY_TAKEN"
    assert (await sign_in(accounts, signing_keys[0], subject=subject)).user.user_id == first.user.user_id


async def test_an_external_only_user_cannot_log_in_with_a_password(accounts, signing_keys):
    email = unique_email("external")
    await sign_in(accounts, signing_keys[0], subject=new_subject(), email=email)
    with pytest.raises(InvalidCredentials):
        await accounts.login(email, "long enough password")


async def test_a_provider_without_client_ids_is_not_configured(accounts, signing_keys):
    with pytest.raises(IdentityProviderNotConfigured) as refused:
        await accounts.sign_in_with_id_token(IdentityProvider.APPLE, signing_keys[0].sign(id_token_claims()))
    assert refused.value.code == "IDENTITY_PROVIDER_NOT_CONFIGURED"
