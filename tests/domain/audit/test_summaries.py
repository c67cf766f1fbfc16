"""Every event type of every aggregate has its own one-line summary; none shows a secret or personal data,
and the data an auditor sees has its secrets masked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import get_args
from uuid import UUID

import pytest
from hypothesis import given as for_all
from hypothesis import settings
from hypothesis import strategies as st

from domain.audit.decoding import DomainEvent, decode_event
from domain.audit.redaction import REDACTED, redacted
from domain.audit.summaries import CLAIM_EVENTS, LIBRARY_EVENTS, PLAN_EVENTS, USER_EVENTS, summary
from domain.coaching import encode as encode_coaching
from domain.coaching.codec import COACHING_EVENT_TYPES
from domain.coaching.events import UserMessageSent
from domain.errors import MalformedEvent, UnknownEventType
from domain.library.codec import LIBRARY_EVENT_TYPES
from domain.plans import encode as encode_plan
from domain.plans.codec import PLAN_EVENT_TYPES
from domain.users import encode
from domain.users.codec import CLAIM_EVENT_TYPES, USER_EVENT_TYPES
from domain.users.events import ExternalIdentityLinked, PasswordChanged, ProfileUpdated, UserRegistered
from domain.users.values import IdentityProvider, Profile, Role
from tests.domain.plans import added, created

USER_ID = UUID("5d3c2b1a-0f9e-4d8c-b7a6-958473625140")
AT = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
SECRET_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0c2FsdA$c2VjcmV0aGFzaHZhbHVl"
EMAIL = "ada.lovelace@example.org"
SUBJECT = "google-subject-000111222333"


def test_every_event_type_of_every_codec_has_a_summary():
    summarised = {cls.type for cls in (*PLAN_EVENTS, *USER_EVENTS, *CLAIM_EVENTS, *LIBRARY_EVENTS)}
    coded = {*PLAN_EVENT_TYPES, *USER_EVENT_TYPES, *CLAIM_EVENT_TYPES, *LIBRARY_EVENT_TYPES}
    assert summarised == coded  # coaching events are what remains: `summary` sends them to its own match
    assert not set(COACHING_EVENT_TYPES) & coded


EVENT_CLASSES = get_args(DomainEvent)


def test_the_classes_drawn_below_are_every_event_type():
    assert sorted(c.type for c in EVENT_CLASSES) == sorted(
        [
            *PLAN_EVENT_TYPES,
            *USER_EVENT_TYPES,
            *CLAIM_EVENT_TYPES,
            *LIBRARY_EVENT_TYPES,
            *COACHING_EVENT_TYPES,
        ]
    )


@pytest.mark.parametrize("event_class", EVENT_CLASSES, ids=lambda c: c.__name__)
@settings(max_examples=10, deadline=None)
@for_all(data=st.data())
def test_a_summary_is_one_line_for_any_event_of_any_type(event_class, data):
    event = data.draw(st.from_type(event_class))
    text = summary(event)
    assert text
    assert text.isprintable()


def test_summaries_of_user_events_show_neither_secrets_nor_personal_data():
    registered = UserRegistered(
        user_id=USER_ID,
        email=EMAIL,
        display_name="Ada Lovelace",
        password_hash=SECRET_HASH,
        role=Role.USER,
        at=AT,
    )
    profile = Profile(
        display_name="Ada L.", date_of_birth=date(1815, 12, 10), weight_kg=61.5, injuries=("left knee",)
    )
    events: list[DomainEvent] = [
        registered,
        PasswordChanged(user_id=USER_ID, password_hash=SECRET_HASH, at=AT),
        ExternalIdentityLinked(user_id=USER_ID, provider=IdentityProvider.GOOGLE, subject=SUBJECT, at=AT),
        ProfileUpdated(user_id=USER_ID, profile=profile, changed_fields=("display_name", "injuries"), at=AT),
    ]
    texts = [summary(event) for event in events]
    assert texts == [
        "registered as user, with a password",
        "password changed",
        "linked a google sign-in",
        "profile changed: display_name, injuries",
    ]
    for text in texts:
        for private in (SECRET_HASH, EMAIL, "Ada", SUBJECT, "knee", "61.5", "1815"):
            assert private not in text


def test_a_chat_message_is_summarised_by_its_length_never_its_text():
    message = UserMessageSent(
        session_id=USER_ID,
        message_id=USER_ID,
        reply_id=None,
        text="my chest hurts when I squat",
        client_message_id=None,
        at=AT,
    )
    assert summary(message) == f"message {USER_ID} sent (27 characters)"
    event_type, version, data = encode_coaching(message)
    assert summary(decode_event(f"coaching-{USER_ID}", event_type, version, data)) == summary(message)


def test_secrets_in_stored_data_are_masked_and_everything_else_is_kept():
    for event in (
        UserRegistered(
            user_id=USER_ID, email=EMAIL, display_name="Ada", password_hash=SECRET_HASH, role=Role.USER, at=AT
        ),
        PasswordChanged(user_id=USER_ID, password_hash=SECRET_HASH, at=AT),
        ExternalIdentityLinked(user_id=USER_ID, provider=IdentityProvider.APPLE, subject=SUBJECT, at=AT),
    ):
        event_type, _, data = encode(event)
        shown = redacted(event_type, data)
        assert SECRET_HASH not in str(shown)
        assert SUBJECT not in str(shown)
        assert REDACTED in shown.values()
        assert {key: value for key, value in shown.items() if value != REDACTED} == {
            key: value for key, value in data.items() if key in shown and shown[key] != REDACTED
        }
        assert shown.keys() == data.keys()
    without_password = UserRegistered(
        user_id=USER_ID, email=EMAIL, display_name="Ada", password_hash=None, role=Role.USER, at=AT
    )
    event_type, _, data = encode(without_password)
    assert redacted(event_type, data)["password_hash"] is None
    plan_data = {"plan_id": "x", "name": "Leg day"}
    assert redacted("WorkoutPlanCreated", plan_data) is plan_data


def test_events_are_decoded_by_the_codec_of_their_stream_with_upcasting():
    event = added("Barbell_Squat")
    event_type, version, data = encode_plan(event)
    flat = {key: value for key, value in data.items() if key != "exercise"} | {
        key: data["exercise"][key]
        for key in ("exercise_id", "name", "sets", "reps", "weight_kg", "rest_seconds")
    }
    assert version == 2
    stored_v1 = decode_event("workout-x", event_type, 1, flat)
    assert stored_v1 == replace(
        event, exercise=replace(event.exercise, tempo=None, notes="", alternatives=())
    )
    created_type, created_version, created_data = encode_plan(created())
    with pytest.raises(UnknownEventType):
        decode_event("elsewhere-1", created_type, created_version, created_data)
    with pytest.raises(UnknownEventType):
        decode_event("user-1", created_type, created_version, created_data)
    with pytest.raises(MalformedEvent):
        decode_event("workout-1", created_type, created_version, {"name": "no id"})
