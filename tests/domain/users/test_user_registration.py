"""User registration, external identities and account changes, as given/when/then specifications."""

from __future__ import annotations

import pytest

from domain.errors import ValidationError
from domain.users import AbandonedRegistration, decide
from domain.users.commands import (
    AbandonRegistration,
)
from domain.users.errors import RegistrationClosed, UserAlreadyExists
from domain.users.events import (
    RegistrationAbandoned,
    UserRegistered,
)
from domain.users.values import Role
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


def test_registering_records_the_normalised_email_and_trimmed_name():
    events = decide(register_user(email="  Ada@Example.COM ", display_name="  Ada L. "), None)

    assert events == [
        UserRegistered(
            user_id=USER_ID,
            email="ada@example.com",
            display_name="Ada L.",
            password_hash=HASH,
            role=Role.USER,
            at=WHEN,
        )
    ]
    user = user_after(events)
    assert (user.email, user.profile.display_name, user.role, user.identities) == (
        EMAIL,
        "Ada L.",
        Role.USER,
        (),
    )


@pytest.mark.parametrize(
    "email",
    [
        "",
        "   ",
        "no-at-sign.example.com",
        "two@@example.com",
        "ada@example",
        "ada@.example.com",
        "ada@example..com",
        ".ada@example.com",
        "ada.@example.com",
        "a da@example.com",
        "ada@exa_mple.com",
        "ada@-example.com",
        "adä@example.com",
        "ada@example.c0m",
        "a" * 65 + "@example.com",
        "a@" + "b" * 250 + ".com",
    ],
)
def test_a_malformed_email_is_refused_naming_the_field(email):
    with pytest.raises(ValidationError) as refused:
        decide(register_user(email=email), None)
    assert (refused.value.code, refused.value.field) == ("VALIDATION", "email")


def test_an_email_has_at_most_254_characters():
    def address(first_label: int) -> str:
        return "a" * 64 + "@" + "b" * first_label + "." + "c" * 61 + "." + "d" * 61 + ".ee"

    longest, too_long = address(62), address(63)
    assert (len(longest), len(too_long)) == (254, 255)

    assert decide(register_user(email=longest.upper()), None)[0].email == longest  # type: ignore[union-attr]
    with pytest.raises(ValidationError) as refused:
        decide(register_user(email=too_long), None)
    assert refused.value.field == "email"


@pytest.mark.parametrize(
    "email",
    [
        "o'brien+fit@mail.example.co.uk",
        "x@a-b.io",
        "first.last@sub.example.org",
        "ivan@xn--e1afmkfd.xn--p1ai",
    ],
)
def test_ordinary_addresses_are_accepted(email):
    assert decide(register_user(email=email), None)[0].email == email  # type: ignore[union-attr]


@pytest.mark.parametrize("display_name", ["", "   ", "n" * 81])
def test_the_display_name_is_required_and_at_most_80_characters(display_name):
    with pytest.raises(ValidationError) as refused:
        decide(register_user(display_name=display_name), None)
    assert refused.value.field == "display_name"


def test_an_80_character_display_name_is_accepted():
    assert decide(register_user(display_name="n" * 80), None)[0].display_name == "n" * 80  # type: ignore[union-attr]


@pytest.mark.parametrize("password_hash", ["", "h" * 1025])
def test_a_missing_or_absurd_password_hash_is_refused(password_hash):
    with pytest.raises(ValidationError) as refused:
        decide(register_user(password_hash=password_hash), None)
    assert refused.value.field == "password_hash"


def test_a_naive_timestamp_is_refused():
    with pytest.raises(ValidationError) as refused:
        decide(register_user(at=WHEN.replace(tzinfo=None)), None)
    assert refused.value.field == "at"


def test_a_user_registers_only_once():
    with pytest.raises(UserAlreadyExists) as refused:
        decide(register_user(), given(registered()))
    assert refused.value.code == "USER_ALREADY_EXISTS"


def test_an_abandoned_registration_can_never_happen_later():
    abandoned = given(RegistrationAbandoned(user_id=USER_ID, at=WHEN))
    assert abandoned == AbandonedRegistration(USER_ID, WHEN)

    for command in (register_user(), register_external()):
        with pytest.raises(RegistrationClosed) as refused:
            decide(command, abandoned)
        assert refused.value.code == "REGISTRATION_CLOSED"


def test_abandoning_closes_an_empty_user_once_and_never_a_registered_one():
    abandon = AbandonRegistration(user_id=USER_ID, at=WHEN)

    assert decide(abandon, None) == [RegistrationAbandoned(user_id=USER_ID, at=WHEN)]
    assert decide(abandon, given(RegistrationAbandoned(user_id=USER_ID, at=WHEN))) == []
    with pytest.raises(UserAlreadyExists):
        decide(abandon, given(registered()))
