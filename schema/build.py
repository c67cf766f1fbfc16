"""The schema: its root types and the extensions that protect it, configured by `SchemaConfig` (which
the shell makes from the settings)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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

from schema.accounts.mutations import AccountMutations
from schema.accounts.types import User
from schema.admin import AdminMutations
from schema.coaching.mutations import CoachingMutations
from schema.coaching.subscriptions import CoachingSubscription
from schema.coaching.types import CoachingSession, CoachMessage
from schema.error_codes import ErrorCodes
from schema.library.mutations import LibraryMutations
from schema.library.types import LibraryExercise
from schema.mutation_limits import MutationRateLimit
from schema.pacing import paced_execution
from schema.plans.mutations import PlanMutations
from schema.plans.subscriptions import PlanSubscription
from schema.plans.types import WorkoutPlan
from schema.queries import Query
from schema.query_cost import QueryCostLimit
from schema.query_depth import max_depth_rule
from schema.scalars import SCALAR_MAP

DOCUMENT_CACHE_SIZE = 512


@dataclass(frozen=True, slots=True)
class SchemaConfig:
    """The limits every operation is held to, and whether the schema may be introspected."""

    max_query_depth: int
    max_aliases: int
    max_tokens: int
    max_query_cost: int
    execution_slice_seconds: float
    """How long an operation runs before its lists wait their turn on the event loop (`pacing`)."""
    introspection: bool
    """Introspection and field suggestions ("did you mean ...?") allowed."""


@strawberry.type
class Mutation(PlanMutations, AccountMutations, AdminMutations, LibraryMutations, CoachingMutations):
    pass


@strawberry.type
class Subscription(PlanSubscription, CoachingSubscription):
    pass


class FitcoachSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Strawberry logs every error at ERROR, a client's typo included; `ErrorCodes` logs the
        unexpected ones (with the request id), so nothing is logged here."""


NODES: list[type] = [WorkoutPlan, User, LibraryExercise, CoachingSession, CoachMessage]
"""The types behind the `Node` interface, listed so that the schema has them whichever fields name them."""


def export_sdl() -> str:
    """The schema as SDL, as kept in `schema.graphql` (a test fails when the two differ): the types and
    fields, which no limit or extension changes."""
    schema = FitcoachSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODES,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
    )
    return schema.as_str() + "\n"


def build_schema(config: SchemaConfig) -> strawberry.Schema:
    # The depth and alias rules are made once per schema: `ValidationCache` keys on the rule classes, and
    # every MaxAliasesLimiter makes new ones, so built per request it never hit.
    limits = [
        max_depth_rule(config.max_query_depth),
        *MaxAliasesLimiter(max_alias_count=config.max_aliases).validation_rules,
    ]
    # Factories, not instances: an extension holds per-request state.
    extensions: list[Callable[[], SchemaExtension]] = [
        ErrorCodes,
        MutationRateLimit,
        lambda: MaxTokensLimiter(max_token_count=config.max_tokens),
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: AddValidationRules(limits),
        lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: QueryCostLimit(config.max_query_cost),  # after validation: it costs valid documents
    ]
    if not config.introspection:
        extensions.append(DisableIntrospection)
    return FitcoachSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODES,
        extensions=extensions,
        execution_context_class=paced_execution(config.execution_slice_seconds),
        config=StrawberryConfig(disable_field_suggestions=not config.introspection, scalar_map=SCALAR_MAP),
    )
