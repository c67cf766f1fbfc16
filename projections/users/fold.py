"""Folding recorded user events into `auth.users` rows, with the domain's own `decode` and `evolve`.

A `UserTrack` holds one user's state as the domain folds it, so a row equals a replay of the stream by
construction. Two things a `User` holds never reach the row: the password hash (a secret) and the
subjects of linked identities (only which providers are linked is kept). A track loaded back from a row
therefore has no hash and empty subjects; `evolve` never looks at either to decide what an event does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import orjson

from application.eventstore import RecordedEvent
from domain.users import User, UserState, decode, evolve
from domain.users.streams import USER_STREAM_PREFIX, user_stream
from domain.users.values import ExternalIdentity, FitnessLevel, Gender, IdentityProvider, Profile, Role
from projections.projection import EventFailed

UserRow = tuple[
    UUID, str, str, date | None, str | None, float | None, float | None, str | None,
    str, str, str, str, str, str, int, datetime, datetime, int,
]  # fmt: skip
"""id, email, display_name, date_of_birth, gender, height_cm, weight_kg, fitness_level, then as JSON
preferences, goals, injuries, available_equipment, identity_providers, then role, version, created_at,
updated_at, last_position."""


@dataclass(slots=True)
class UserTrack:
    user_id: UUID
    state: UserState | None = None
    version: int = 0
    """The user stream's version after the last event folded in."""
    position: int = 0
    dirty: bool = False


Tracks = dict[str, UserTrack]
"""User tracks by stream name."""


def user_stream_id(event: RecordedEvent) -> UUID | None:
    """The user a `user-<id>` stream's event belongs to; None for other streams (claims included)."""
    stream = event.stream
    if not stream.startswith(USER_STREAM_PREFIX):
        return None
    try:
        user_id = UUID(stream[len(USER_STREAM_PREFIX) :])
    except ValueError as error:
        raise EventFailed(event) from error
    if user_stream(user_id) != stream:
        raise EventFailed(event) from ValueError("a user stream is named by the user's canonical id")
    return user_id


def fold(tracks: Tracks, event: RecordedEvent, user_id: UUID) -> None:
    """Fold one user-stream event into its track; an event the track already holds changes nothing."""
    track = tracks.get(event.stream)
    if track is None:
        track = tracks[event.stream] = UserTrack(user_id)
    if event.stream_version <= track.version:
        return
    try:
        track.state = evolve(track.state, decode(event.type, event.schema_version, event.data))
    except Exception as error:
        raise EventFailed(event) from error
    track.version, track.position, track.dirty = event.stream_version, event.position, True


def user_row(track: UserTrack) -> UserRow | None:
    """The row of a registered user; None for a stream with no user (abandoned, or not registered)."""
    user = track.state
    if not isinstance(user, User):
        return None
    p = user.profile
    return (
        *(user.user_id, user.email, p.display_name, p.date_of_birth, _value(p.gender)),
        *(p.height_cm, p.weight_kg, _value(p.fitness_level), _json(dict(p.preferences))),
        *(_json(p.goals), _json(p.injuries), _json(p.available_equipment)),
        _json([identity.provider.value for identity in user.identities]),
        *(user.role.value, track.version, user.registered_at, user.updated_at, track.position),
    )


def track_from_row(row: Sequence[Any]) -> UserTrack:
    """A track back from its stored row (columns in `UserRow` order, JSON columns decoded)."""
    (user_id, email, display_name, born, gender, height, weight, level, preferences) = row[:9]
    (goals, injuries, equipment, providers, role, version, created_at, updated_at, position) = row[9:]
    profile = Profile(
        display_name=display_name,
        date_of_birth=born,
        gender=None if gender is None else Gender(gender),
        height_cm=height,
        weight_kg=weight,
        fitness_level=None if level is None else FitnessLevel(level),
        preferences=tuple(sorted(preferences.items())),
        goals=tuple(goals),
        injuries=tuple(injuries),
        available_equipment=tuple(equipment),
    )
    user = User(
        user_id=user_id,
        email=email,
        password_hash=None,
        role=Role(role),
        profile=profile,
        identities=tuple(ExternalIdentity(IdentityProvider(name), "") for name in providers),
        registered_at=created_at,
        updated_at=updated_at,
    )
    return UserTrack(user_id, user, version, position)


def _value(member: Gender | FitnessLevel | None) -> str | None:
    return None if member is None else member.value


def _json(value: object) -> str:
    return orjson.dumps(value).decode()
