"""External identities, password and role changes of a User, as given/when/then specifications."""

from __future__ import annotations

import pytest

from domain.errors import ValidationError
from domain.users import decide
from domain.users.commands import (
    ChangePassword,
    ChangeRole,
    LinkExternalIdentity,
    UserCommand,
)
from domain.users.errors import IdentityAlreadyLinked, UserNotFound
from domain.users.events import (
    ExternalIdentityLinked,
    PasswordChanged,
    RegistrationAbandoned,
    RoleChanged,
    UserRegistered,
)
from domain.users.values import ExternalIdentity, IdentityProvider, Role
from tests.domain.users import (
    EMAIL,
    HASH,
    USER_ID,
    WHEN,
    given,
    register_external,
    register_user,
    registered,
    user_after,
)


def test_an_external_user_registers_without_a_password_and_with_the_identity_linked():
    events = decide(register_external(email="Ada@Example.com"), None)

    assert events == [
        UserRegistered(
            user_id=USER_ID, email=EMAIL, display_name="Ada", password_hash=None, role=Role.USER, at=WHEN
        ),
        ExternalIdentityLinked(
            user_id=USER_ID, provider=IdentityProvider.GOOGLE, subject="google-subject-1", at=WHEN
        ),
    ]
    user = user_after(events)
    assert user.password_hash is None
    assert user.identities == (ExternalIdentity(IdentityProvider.GOOGLE, "google-subject-1"),)


@pytest.mark.parametrize("subject", ["", " padded", "s" * 256])
def test_an_external_subject_must_be_a_sane_identifier(subject):
    with pytest.raises(ValidationError) as refused:
        decide(register_external(subject=subject), None)
    assert refused.value.field == "subject"


def test_an_unknown_provider_is_refused():
    with pytest.raises(ValidationError) as refused:
        decide(register_external(provider="github"), None)
    assert refused.value.field == "provider"


def link(
    provider: IdentityProvider = IdentityProvider.APPLE, subject: str = "apple-subject-1"
) -> LinkExternalIdentity:
    return LinkExternalIdentity(user_id=USER_ID, provider=provider, subject=subject, at=WHEN)


def test_a_user_links_one_identity_per_provider():
    user = given(registered())
    linked = decide(link(), user)
    assert linked == [
        ExternalIdentityLinked(
            user_id=USER_ID, provider=IdentityProvider.APPLE, subject="apple-subject-1", at=WHEN
        )
    ]
    after = user_after(linked, user)

    assert decide(link(), after) == [], "linking the same identity again changes nothing"
    with pytest.raises(IdentityAlreadyLinked) as refused:
        decide(link(subject="apple-subject-2"), after)
    assert (refused.value.code, refused.value.field) == ("IDENTITY_ALREADY_LINKED", "provider")


def test_only_a_registered_user_can_change():
    commands: list[UserCommand] = [
        link(),
        ChangePassword(user_id=USER_ID, password_hash=HASH, at=WHEN),
        ChangeRole(user_id=USER_ID, role=Role.ADMIN, at=WHEN),
    ]
    for state in (None, given(RegistrationAbandoned(user_id=USER_ID, at=WHEN))):
        for command in commands:
            with pytest.raises(UserNotFound) as refused:
                decide(command, state)
            assert refused.value.code == "USER_NOT_FOUND"


def test_a_password_change_replaces_the_hash():
    user = given(registered())
    events = decide(ChangePassword(user_id=USER_ID, password_hash="$argon2id$new", at=WHEN), user)

    assert events == [PasswordChanged(user_id=USER_ID, password_hash="$argon2id$new", at=WHEN)]
    assert user_after(events, user).password_hash == "$argon2id$new"
    with pytest.raises(ValidationError):
        decide(ChangePassword(user_id=USER_ID, password_hash="", at=WHEN), user)


def test_a_role_change_is_recorded_once():
    user = given(registered())
    promote = ChangeRole(user_id=USER_ID, role=Role.ADMIN, at=WHEN)

    events = decide(promote, user)
    assert events == [RoleChanged(user_id=USER_ID, role=Role.ADMIN, at=WHEN)]
    assert decide(promote, user_after(events, user)) == []
    with pytest.raises(ValidationError):
        decide(ChangeRole(user_id=USER_ID, role="root", at=WHEN), user)  # type: ignore[arg-type]


def test_secrets_and_personal_data_stay_out_of_reprs():
    command = register_user(email="secret.person@example.com", password_hash="$argon2id$SECRET")
    events = decide(command, None)
    texts = [repr(command), repr(events), repr(user_after(events))]
    assert all("secret.person" not in text and "SECRET" not in text for text in texts)
