"""`fitcoach users forget USER_ID`: GDPR erasure by the operator (admins use the `forgetUser` mutation)."""

from __future__ import annotations

import argparse
import json
import sys
from uuid import UUID

from application.privacy.erasure import Forgotten
from domain.actor import Actor
from fitcoach.settings import Settings


class InvalidUserId(Exception):
    code = "BAD_USER_INPUT"


def add_users_group(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = commands.add_parser("users", help="operate on user accounts")
    actions = users.add_subparsers(dest="users_command", required=True)
    forget = actions.add_parser(
        "forget",
        help="forget a user (GDPR erasure): delete their data key and record UserForgotten; cannot be undone",
    )
    forget.add_argument("user_id", help="the user's id (a UUID)")
    forget.add_argument("--json", action="store_true", help="print what was done as one JSON object")


async def run_users(settings: Settings, args: argparse.Namespace) -> int:
    from fitcoach.wiring.erasure import user_erasure_from

    try:
        user_id = UUID(args.user_id)
    except ValueError as error:
        raise InvalidUserId(f"{args.user_id!r} is not a user id (a UUID)") from error
    async with user_erasure_from(settings) as erasure:
        done = await erasure.forget(user_id, actor=Actor.SYSTEM)
    print(json.dumps(_json(done)) if args.json else _text(done))
    if done.already_forgotten:
        print(
            "fitcoach: the user had been forgotten before; this run finished what was left", file=sys.stderr
        )
    return 0


def _json(done: Forgotten) -> dict[str, object]:
    return {
        "user_id": str(done.user_id),
        "key_deleted": done.key_deleted,
        "already_forgotten": done.already_forgotten,
        "position": done.position,
        "sessions_revoked": done.sessions_revoked,
        "coaching_sessions_ended": done.coaching_sessions_ended,
        "chat_feeds_deleted": done.chat_feeds_deleted,
    }


def _text(done: Forgotten) -> str:
    key = "data key deleted" if done.key_deleted else "data key already gone"
    return (
        f"forgot user {done.user_id}: {key}, UserForgotten at position {done.position:,}, "
        f"{done.sessions_revoked} refresh tokens revoked, {done.coaching_sessions_ended} coaching sessions "
        f"ended, {done.chat_feeds_deleted} chat feeds deleted"
    )
