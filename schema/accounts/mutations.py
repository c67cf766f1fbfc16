"""Account mutations: sign-up, sign-in, token refresh, sign-out and the profile.

Each auth mutation is rate limited per client IP (and per signed-in user) before any password is hashed.
Password guessing is throttled by failures per account and address (application.login_throttle), never
by attempts per account, which would let anyone lock the owner out.
"""

from __future__ import annotations

import strawberry

from application.login_throttle import LoginThrottled
from application.rate_limits import rate_limit_key
from application.sessions import SignedIn
from application.user_reads import user_view_of
from domain.errors import DomainError
from domain.users.values import IdentityProvider
from schema.accounts.inputs import (
    AuthPayload,
    LoginInput,
    LogoutInput,
    LogoutPayload,
    RefreshTokenInput,
    RegisterInput,
    SignInWithIdTokenInput,
    Tokens,
    UpdateProfileInput,
    UserPayload,
)
from schema.accounts.types import User
from schema.context import Info
from schema.errors import BadUserInput, RateLimited, UserError, user_error_of


async def limit_auth(info: Info) -> None:
    """RateLimited once this IP, or this signed-in user, used its auth mutations for the minute."""
    context = info.context
    limit = context.services.auth_limit
    keys = [rate_limit_key("auth-ip", context.client_ip)]
    if context.viewer is not None:
        keys.append(rate_limit_key("auth-user", str(context.viewer.user_id)))
    for key in keys:
        decision = await context.services.auth_attempts.hit(key, limit.limit, limit.window_seconds)
        if not decision.allowed:
            raise RateLimited(retry_after_seconds=decision.retry_after_seconds)


def _signed_in(signed_in: SignedIn) -> AuthPayload:
    return AuthPayload(
        user=User.of(user_view_of(signed_in.user)), tokens=Tokens.of(signed_in.tokens), user_errors=[]
    )


def _failed(error: DomainError) -> AuthPayload:
    return AuthPayload(user=None, tokens=None, user_errors=[user_error_of(error)])


@strawberry.type
class AccountMutations:
    @strawberry.mutation
    async def register(self, info: Info, input: RegisterInput) -> AuthPayload:
        await limit_auth(info)
        try:
            signed_in = await info.context.services.accounts.register(
                input.email, input.password, input.display_name
            )
        except DomainError as error:
            return _failed(error)
        return _signed_in(signed_in)

    @strawberry.mutation
    async def login(self, info: Info, input: LoginInput) -> AuthPayload:
        await limit_auth(info)
        context = info.context
        try:
            signed_in = await context.services.accounts.login(
                input.email, input.password, address=context.client_ip
            )
        except LoginThrottled as throttled:
            raise RateLimited(retry_after_seconds=throttled.retry_after_seconds) from None
        except DomainError as error:
            return _failed(error)
        return _signed_in(signed_in)

    @strawberry.mutation
    async def refresh_token(self, info: Info, input: RefreshTokenInput) -> AuthPayload:
        await limit_auth(info)
        try:
            signed_in = await info.context.services.accounts.refresh(input.refresh_token)
        except DomainError as error:
            return _failed(error)
        return _signed_in(signed_in)

    @strawberry.mutation
    async def sign_in_with_id_token(self, info: Info, input: SignInWithIdTokenInput) -> AuthPayload:
        await limit_auth(info)
        provider = IdentityProvider(input.provider.value)
        try:
            signed_in = await info.context.services.accounts.sign_in_with_id_token(
                provider, input.id_token, input.nonce
            )
        except DomainError as error:
            return _failed(error)
        return _signed_in(signed_in)

    @strawberry.mutation
    async def logout(self, info: Info, input: LogoutInput | None = None) -> LogoutPayload:
        await limit_auth(info)
        context = info.context
        if input is not None and input.refresh_token is not None:
            ended = await context.services.accounts.logout(input.refresh_token)
        else:
            viewer = context.require_viewer()
            ended = await context.services.accounts.end_session(viewer.user_id, viewer.session_id)
        return LogoutPayload(ended=ended, user_errors=[])

    @strawberry.mutation
    async def update_profile(self, info: Info, input: UpdateProfileInput) -> UserPayload:
        viewer = info.context.require_viewer()
        try:
            changes = input.to_changes()
            updated = await info.context.services.accounts.update_profile(
                viewer.user_id, changes, expected_version=input.expected_version
            )
        except DomainError as error:
            return UserPayload(user=None, user_errors=[user_error_of(error)])
        except BadUserInput as error:
            field = str(error.extensions.get("field") or "input")
            return UserPayload(
                user=None, user_errors=[UserError(field=field, message=str(error), code=error.code)]
            )
        return UserPayload(user=User.of(user_view_of(updated.user, updated.stream_version)), user_errors=[])
