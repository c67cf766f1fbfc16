"""The schema: its root types and the extensions that protect it, configured from the settings."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql.error import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from fitcoach.settings import Settings
from schema.accounts.mutations import AccountMutations
from schema.accounts.types import User
from schema.admin import AdminMutations
from schema.error_codes import ErrorCodes
from schema.mutation_limits import MutationRateLimit
from schema.pacing import paced_execution
from schema.plans.mutations import PlanMutations
from schema.plans.subscriptions import Subscription
from schema.plans.types import WorkoutPlan
from schema.queries import Query
from schema.query_cost import QueryCostLimit
from schema.query_depth import max_depth_rule

DOCUMENT_CACHE_SIZE = 512


@strawberry.type
class Mutation(PlanMutations, AccountMutations, AdminMutations):
    pass


class FitcoachSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Strawberry logs every error at ERROR, a client's typo included; `ErrorCodes` logs the
        unexpected ones (with the request id), so nothing is logged here."""


def export_sdl() -> str:
    """The schema as SDL, as kept in `schema.graphql` (a test fails when the two differ)."""
    return build_schema(Settings(introspection=True)).as_str() + "\n"


def build_schema(settings: Settings) -> strawberry.Schema:
    # The depth and alias rules are made once per schema: `ValidationCache` keys on the rule classes, and
    # every MaxAliasesLimiter makes new ones, so built per request it never hit.
    limits = [
        max_depth_rule(settings.max_query_depth),
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    # Factories, not instances: an extension holds per-request state.
    extensions: list[Callable[[], SchemaExtension]] = [
        ErrorCodes,
        MutationRateLimit,
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: AddValidationRules(limits),
        lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: QueryCostLimit(settings.max_query_cost),  # after validation: it costs valid documents
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    return FitcoachSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[WorkoutPlan, User],
        extensions=extensions,
        execution_context_class=paced_execution(settings.execution_slice_ms / 1000),
        config=StrawberryConfig(disable_field_suggestions=not settings.introspection),
    )
