"""One line per event for an auditor's table: what happened, written out for each event type.

A summary names ids, counts and the fields that changed; it never holds a secret (password hashes,
identity subjects) nor personal data (emails, names and profile values of users, the texts of coach
chats): those stay in the event's data, where `redaction` masks the secrets.
"""

from __future__ import annotations

from typing import assert_never

from domain.audit.decoding import DomainEvent
from domain.coaching.events import (
    CoachingEvent,
    CoachingSessionEnded,
    CoachingSessionStarted,
    CoachReplyCompleted,
    CoachReplyFailed,
    CoachReplyLeaseRenewed,
    CoachReplyStarted,
    SafetyTriggered,
    SuggestionAccepted,
    SuggestionRejected,
    UserMessageSent,
)
from domain.library.events import ExerciseDefined, ExerciseRetired, ExerciseRevised, LibraryEvent
from domain.plans.diff import EXERCISE_FIELDS
from domain.plans.events import (
    ExerciseAdded,
    ExerciseRemoved,
    ExercisesReordered,
    ExerciseUpdated,
    PlanEvent,
    WorkoutPlanArchived,
    WorkoutPlanCreated,
    WorkoutPlanRenamed,
    WorkoutPlanReverted,
    WorkoutVersionCreated,
)
from domain.plans.values import PlannedExercise
from domain.users.events import (
    ClaimEvent,
    EmailClaimed,
    ExternalIdentityLinked,
    IdentityClaimed,
    PasswordChanged,
    ProfileUpdated,
    RegistrationAbandoned,
    RoleChanged,
    UserEvent,
    UserForgotten,
    UserRegistered,
)

PLAN_EVENTS = (
    WorkoutPlanCreated,
    WorkoutPlanRenamed,
    ExerciseAdded,
    ExerciseUpdated,
    ExerciseRemoved,
    ExercisesReordered,
    WorkoutVersionCreated,
    WorkoutPlanReverted,
    WorkoutPlanArchived,
)
USER_EVENTS = (
    UserRegistered,
    ExternalIdentityLinked,
    ProfileUpdated,
    PasswordChanged,
    RoleChanged,
    RegistrationAbandoned,
    UserForgotten,
)
CLAIM_EVENTS = (EmailClaimed, IdentityClaimed)
LIBRARY_EVENTS = (ExerciseDefined, ExerciseRevised, ExerciseRetired)


def summary(event: DomainEvent) -> str:
    """One line of printable characters (any other is written as an escape)."""
    if isinstance(event, PLAN_EVENTS):
        text = plan_summary(event)
    elif isinstance(event, USER_EVENTS):
        text = user_summary(event)
    elif isinstance(event, CLAIM_EVENTS):
        text = claim_summary(event)
    elif isinstance(event, LIBRARY_EVENTS):
        text = library_summary(event)
    else:
        text = coaching_summary(event)
    return printable(text)


def printable(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def plan_summary(event: PlanEvent) -> str:
    match event:
        case WorkoutPlanCreated():
            return (
                f"created {event.name!r} ({event.difficulty.value}, {event.duration_minutes} min)"
                f" for user {event.owner_id}"
            )
        case WorkoutPlanRenamed():
            return f"renamed to {event.name!r}"
        case ExerciseAdded():
            return f"added {prescription(event.exercise)}"
        case ExerciseUpdated():
            exercise = event.exercise
            changes = ", ".join(
                f"{name}={EXERCISE_FIELDS[name](exercise)!r}"
                for name in event.changed_fields
                if name in EXERCISE_FIELDS
            )
            return f"updated {exercise.exercise_id}: {changes or 'no field'}"
        case ExerciseRemoved():
            return f"removed {event.exercise_id}"
        case ExercisesReordered():
            return f"reordered to {', '.join(event.exercise_ids)}"
        case WorkoutVersionCreated():
            parent = "" if event.parent_version is None else f" after {event.parent_version}"
            return (
                f"saved version {event.version_number}{parent} with {len(event.exercises)} exercises:"
                f" {event.change_description!r}"
            )
        case WorkoutPlanReverted():
            return f"reverted to version {event.to_version} ({len(event.exercises)} exercises)"
        case WorkoutPlanArchived():
            return "archived"
        case _:
            assert_never(event)


def prescription(exercise: PlannedExercise) -> str:
    return (
        f"{exercise.exercise_id} ({exercise.sets}x{exercise.reps} @ {exercise.weight_kg:g} kg,"
        f" rest {exercise.rest_seconds} s)"
    )


def user_summary(event: UserEvent) -> str:
    match event:
        case UserRegistered():
            sign_in = "with a password" if event.password_hash is not None else "without a password"
            return f"registered as {event.role.value}, {sign_in}"
        case ExternalIdentityLinked():
            return f"linked a {event.provider.value} sign-in"
        case ProfileUpdated():
            return f"profile changed: {', '.join(event.changed_fields) or 'no field'}"
        case PasswordChanged():
            return "password changed"
        case RoleChanged():
            return f"role set to {event.role.value}"
        case RegistrationAbandoned():
            return "registration abandoned"
        case UserForgotten():
            return "forgotten: personal data erased"
        case _:
            assert_never(event)


def claim_summary(event: ClaimEvent) -> str:
    match event:
        case EmailClaimed():
            return f"email claimed by user {event.user_id}"
        case IdentityClaimed():
            return f"sign-in identity claimed by user {event.user_id}"
        case _:
            assert_never(event)


def coaching_summary(event: CoachingEvent) -> str:
    match event:
        case CoachingSessionStarted():
            plan = "no plan" if event.plan_id is None else f"plan {event.plan_id}"
            return f"session started by user {event.user_id} with the {event.personality.value} coach, {plan}"
        case UserMessageSent():
            return f"message {event.message_id} sent ({len(event.text)} characters)"
        case CoachReplyStarted():
            return (
                f"reply {event.reply_id} to message {event.message_id} claimed by {event.provider}/"
                f"{event.model}, attempt {event.attempt}, lease until {event.lease_until.isoformat()}"
            )
        case CoachReplyLeaseRenewed():
            return (
                f"reply {event.reply_id} lease renewed until {event.lease_until.isoformat()},"
                f" attempt {event.attempt}"
            )
        case SafetyTriggered():
            return (
                f"safety on {event.direction.value}: {event.category.value} -> {event.action.value}"
                f" (reply {event.reply_id})"
            )
        case CoachReplyCompleted():
            safety = "" if event.safety_action is None else f", safety {event.safety_action.value}"
            return (
                f"reply {event.reply_id} completed by {event.usage.provider}/{event.usage.model}"
                f" ({len(event.text)} characters, {len(event.suggestions)} suggestions{safety},"
                f" {event.usage.input_tokens}+{event.usage.output_tokens} tokens)"
            )
        case CoachReplyFailed():
            return f"reply {event.reply_id} to message {event.message_id} failed: {event.cause}"
        case SuggestionAccepted():
            return (
                f"suggestion {event.suggestion_id} accepted into plan {event.plan_id}"
                f" version {event.plan_version}"
            )
        case SuggestionRejected():
            return f"suggestion {event.suggestion_id} rejected"
        case CoachingSessionEnded():
            return "session ended"
        case _:
            assert_never(event)


def library_summary(event: LibraryEvent) -> str:
    match event:
        case ExerciseDefined():
            exercise = event.exercise
            return (
                f"defined {exercise.exercise_id} {exercise.name!r}"
                f" ({exercise.category.value}, {exercise.level.value})"
            )
        case ExerciseRevised():
            return f"revised {event.exercise.exercise_id}: {', '.join(event.changed_fields) or 'no field'}"
        case ExerciseRetired():
            return f"retired {event.exercise_id}: {event.reason!r}"
        case _:
            assert_never(event)
