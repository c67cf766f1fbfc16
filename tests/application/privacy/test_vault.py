"""`PersonalDataVault`: each personal field sealed for its subject, stored without its plain value, opened
back as it was; a ciphertext moved or edited reads as erased (and is logged without the value); after
the subject is forgotten every field reads as its erased value, which the domain codecs take; plain
fields from before sealing pass through; the codecs refuse a field nobody opened."""

from __future__ import annotations

import base64
import json
import logging
import uuid
from dataclasses import replace

import pytest

from adapters.memory.data_keys import InMemoryDataKeys
from adapters.memory.store import InMemoryEventStore
from application.eventstore import NewEvent, RecordedEvent
from application.handler import CommandHandler
from application.privacy.vault import PersonalDataVault
from domain.coaching.decider import COACHING
from domain.errors import MalformedEvent
from domain.plans.decider import WORKOUT_PLANS
from domain.privacy import PERSONAL_FIELDS, holds_plain_personal_data
from domain.sealed import is_sealed
from domain.users.decider import USERS
from domain.users.errors import UserErased
from domain.users.events import ProfileUpdated, UserRegistered
from domain.users.values import Profile
from tests.application.privacy.personal_events import (
    decoded,
    personal_events,
    recorded,
    text_leaves,
    with_data,
)

USER_ID = uuid.UUID("5a1f3c7e-2b4d-4e6f-8a9b-0c1d2e3f4a5b")
EVENTS = personal_events(USER_ID)
PRIVACY_LOG = "fitcoach.privacy"


@pytest.fixture
def vault() -> PersonalDataVault:
    return PersonalDataVault(InMemoryDataKeys())


async def sealed_recorded(vault: PersonalDataVault, *events: NewEvent) -> list[RecordedEvent]:
    sealed = await vault.seal(events, [USER_ID] * len(events))
    return [recorded(event, position=index + 1) for index, event in enumerate(sealed)]


def test_there_is_an_event_here_for_every_type_with_personal_fields() -> None:
    assert sorted(event.type for event in EVENTS) == sorted(PERSONAL_FIELDS)


@pytest.mark.parametrize("event", EVENTS, ids=lambda event: event.type)
async def test_each_personal_field_is_stored_sealed_and_opens_to_its_value(
    vault: PersonalDataVault, event: NewEvent
) -> None:
    [stored] = await sealed_recorded(vault, event)

    personal = {field.name for field in PERSONAL_FIELDS[event.type]}
    for name in personal:
        assert is_sealed(stored.data[name])
        assert stored.data[name]["subject"] == str(USER_ID)
    assert {k: v for k, v in stored.data.items() if k not in personal} == {
        k: v for k, v in event.data.items() if k not in personal
    }
    stored_text = json.dumps(stored.data)
    plain_texts = [leaf for name in personal for leaf in text_leaves(event.data[name]) if len(leaf) >= 4]
    assert plain_texts  # the check below looks for something
    for plain in plain_texts:
        assert plain not in stored_text
    assert holds_plain_personal_data(event.type, event.data)
    assert not holds_plain_personal_data(stored.type, stored.data)

    [opened] = await vault.open([stored])

    assert opened.data == event.data
    assert decoded(opened) == decoded(recorded(event))


async def test_a_ciphertext_moved_to_another_event_or_field_reads_as_erased_and_is_logged_without_it(
    vault: PersonalDataVault, caplog: pytest.LogCaptureFixture
) -> None:
    registered = EVENTS[0]
    other = replace(
        registered, event_id=uuid.uuid4(), data={**registered.data, "email": "someone@example.org"}
    )
    first, second = await sealed_recorded(vault, registered, other)
    moved_to_other_event = with_data(second, email=first.data["email"])
    moved_to_other_field = with_data(first, display_name=first.data["email"])

    with caplog.at_level(logging.WARNING, logger=PRIVACY_LOG):
        opened_other, opened_first = await vault.open([moved_to_other_event, moved_to_other_field])

    assert opened_other.data["email"] == ""
    assert opened_other.data["display_name"] == registered.data["display_name"]
    assert opened_first.data["display_name"] == ""
    assert opened_first.data["email"] == registered.data["email"]
    warnings = [record for record in caplog.records if record.name == PRIVACY_LOG]
    assert [(record.levelno, record.event_id, record.field) for record in warnings] == [  # type: ignore[attr-defined]
        (logging.WARNING, str(second.event_id), "email"),
        (logging.WARNING, str(first.event_id), "display_name"),
    ]
    logged = caplog.text + " ".join(str(vars(record)) for record in warnings)
    assert registered.data["email"] not in logged
    assert registered.data["display_name"] not in logged


@pytest.mark.parametrize("edit", ["flipped byte", "cut short", "not base64", "no ct"])
async def test_an_edited_ciphertext_reads_as_erased(
    vault: PersonalDataVault, caplog: pytest.LogCaptureFixture, edit: str
) -> None:
    [stored] = await sealed_recorded(vault, EVENTS[0])
    envelope = dict(stored.data["email"])
    blob = bytearray(base64.b64decode(envelope["ct"]))
    if edit == "flipped byte":
        blob[-1] ^= 0x01
        envelope["ct"] = base64.b64encode(blob).decode()
    elif edit == "cut short":
        envelope["ct"] = base64.b64encode(blob[:10]).decode()
    elif edit == "not base64":
        envelope["ct"] = "%%%"
    else:
        del envelope["ct"]

    with caplog.at_level(logging.WARNING, logger=PRIVACY_LOG):
        [opened] = await vault.open([with_data(stored, email=envelope)])

    assert opened.data["email"] == ""
    assert opened.data["display_name"] == EVENTS[0].data["display_name"]
    assert [record.event_id for record in caplog.records] == [str(stored.event_id)]  # type: ignore[attr-defined]


async def test_after_forget_every_sealed_field_reads_as_erased_and_still_decodes(
    vault: PersonalDataVault, caplog: pytest.LogCaptureFixture
) -> None:
    stored = await sealed_recorded(vault, *EVENTS)
    assert await vault.keys.forget(USER_ID)

    with caplog.at_level(logging.WARNING, logger=PRIVACY_LOG):
        opened = await vault.open(stored)

    for event, before in zip(opened, EVENTS, strict=True):
        personal = PERSONAL_FIELDS[event.type]
        for field in personal:
            assert event.data[field.name] == field.erased
        assert event.data == {**before.data, **{field.name: field.erased for field in personal}}
        assert not holds_plain_personal_data(event.type, event.data)
        decoded(event)  # the users and coaching codecs take every erased value
    registered, _, profile, *_ = (decoded(event) for event in opened)
    assert isinstance(registered, UserRegistered)
    assert (registered.email, registered.display_name, registered.password_hash) == ("", "", None)
    assert isinstance(profile, ProfileUpdated)
    assert profile.profile == Profile(display_name="")
    assert caplog.records == []  # erasure is not tampering
    with pytest.raises(UserErased):
        await vault.seal([EVENTS[0]], [USER_ID])


async def test_plain_values_from_before_sealing_pass_through_untouched(vault: PersonalDataVault) -> None:
    plain = [recorded(event, position=index + 1) for index, event in enumerate(EVENTS)]
    [sealed_first] = await sealed_recorded(vault, EVENTS[0])
    half_sealed = with_data(sealed_first, display_name="Plain Name From Before")

    opened = await vault.open([*plain, half_sealed])

    assert [event.data for event in opened[:-1]] == [event.data for event in EVENTS]
    assert opened[-1].data == {**EVENTS[0].data, "display_name": "Plain Name From Before"}


async def test_an_event_without_a_subject_is_not_sealed(vault: PersonalDataVault) -> None:
    assert await vault.seal(EVENTS, [None] * len(EVENTS)) == EVENTS


@pytest.mark.parametrize("index", [0, 2, 4, 6], ids=lambda index: EVENTS[index].type)
async def test_the_codec_refuses_a_sealed_field_nobody_opened(vault: PersonalDataVault, index: int) -> None:
    [stored] = await sealed_recorded(vault, EVENTS[index])

    with pytest.raises(MalformedEvent) as refused:
        decoded(stored)

    assert refused.value.code == "MALFORMED_EVENT"


def test_a_handler_for_an_aggregate_with_personal_data_needs_a_vault() -> None:
    store = InMemoryEventStore()
    with pytest.raises(ValueError, match="vault"):
        CommandHandler(store, USERS)
    with pytest.raises(ValueError, match="vault"):
        CommandHandler(store, COACHING)
    CommandHandler(store, WORKOUT_PLANS)  # plans hold no personal data
