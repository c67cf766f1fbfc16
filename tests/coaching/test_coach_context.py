"""The context builder on the real PostgreSQL: only the session's own user's profile and plan enter the
prompt (two users side by side), their restrictions are in our instructions and rule candidates out, and
the context version moves when the profile, the plan or the conversation does, and only then."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from adapters.postgres.library_read_model import PostgresLibraryReadModel
from application.coaching.context import CoachContextBuilder, PreparedReply
from application.coaching.conversation import read_conversation
from application.library_views import ExerciseSearch, SearchPage
from domain.coaching.values import Direction, SafetyAction, SafetyCategory
from domain.library.contraindications import Contraindication
from domain.users.commands import ProfileChanges
from tests.coaching.worker_support import Coach


async def prepared(coach: Coach, session: UUID) -> PreparedReply:
    conversation = await read_conversation(coach.store, session)
    assert conversation is not None
    return await CoachContextBuilder(coach.store, coach.plans, coach.library).prepare(conversation)


async def test_only_the_sessions_own_user_and_plan_enter_the_prompt(coach: Coach) -> None:
    alice = await coach.user(injuries=["pregnant, second trimester"], equipment=["dumbbells"])
    bob = await coach.user(injuries=["herniated disc at L5"])
    alices_plan = await coach.plan(alice, "Alice strength", ["Dumbbell_Bench_Press"])
    bobs_plan = await coach.plan(bob, "Bob squats", ["Barbell_Squat"])
    session = await coach.session(alice, plan_id=alices_plan)
    await coach.send(session, "what should I train today?")
    reply = await prepared(coach, session)
    context, instructions = reply.prompt.context, reply.prompt.instructions
    assert "pregnant, second trimester" in context
    assert "Alice strength" in context
    assert "- Dumbbell_Bench_Press: Dumbbell Bench Press, 3 x 10 at 20 kg" in context
    assert "herniated" not in context + instructions
    assert "Bob squats" not in context
    assert reply.prompt.facts.plan_exercise_ids == ("Dumbbell_Bench_Press",)
    assert "pregnancy" in instructions
    [trigger] = reply.triggers
    assert (trigger.category, trigger.action, trigger.direction) == (
        SafetyCategory.MEDICAL_RESTRICTION,
        SafetyAction.CONSTRAIN,
        Direction.INPUT,
    )
    assert "pregnancy" in trigger.note
    assert "pregnant" not in trigger.note  # our words, not the user's
    excluded = reply.prompt.facts.availability.exclude
    assert Contraindication.SUPINE_PROLONGED in excluded
    assert all(excluded.isdisjoint(c.contraindications) for c in reply.prompt.facts.candidates)
    assert len(reply.prompt.facts.candidates) > 50

    named_elsewhere = await coach.session(alice, plan_id=bobs_plan)  # someone else's plan never enters
    await coach.send(named_elsewhere, "what should I train today?")
    other = await prepared(coach, named_elsewhere)
    assert "Bob squats" not in other.prompt.context
    assert other.prompt.facts.plan_exercise_ids == ()


async def test_the_context_version_moves_with_the_profile_the_plan_and_the_conversation(coach: Coach) -> None:
    user = await coach.user(equipment=["dumbbells"])
    plan = await coach.plan(user, "Week one", ["Dumbbell_Bench_Press"])
    first = await coach.session(user, plan_id=plan)
    second = await coach.session(user, plan_id=plan)
    await coach.send(first, "how many sets?")
    await coach.send(second, "something else entirely")
    version = (await prepared(coach, first)).context_version
    assert (await prepared(coach, second)).context_version == version  # same profile, plan, no history
    await coach.update_profile(user, ProfileChanges(goals=("run a 10k",)))
    after_profile = (await prepared(coach, first)).context_version
    assert after_profile != version
    other_plan = await coach.plan(user, "Week two", ["Pushups"])
    third = await coach.session(user, plan_id=other_plan)
    await coach.send(third, "how many sets?")
    assert (await prepared(coach, third)).context_version not in (version, after_profile)


async def test_a_builder_reads_a_restriction_profiles_candidates_once_per_library_generation(
    coach: Coach,
) -> None:
    user = await coach.user(injuries=["herniated disc at L5"], equipment=["dumbbells"])
    first, second = await coach.session(user), await coach.session(user)
    await coach.send(first, "what should I train today?")
    await coach.send(second, "and tomorrow?")
    builder = CoachContextBuilder(coach.store, coach.plans, coach.library)
    conversations = [await read_conversation(coach.store, session) for session in (first, second)]
    assert conversations[0] is not None
    assert conversations[1] is not None
    one = await builder.prepare(conversations[0])
    two = await builder.prepare(conversations[1])
    assert one.prompt.facts.candidates is two.prompt.facts.candidates, "kept in process, not read again"
    fresh = await prepared(coach, second)  # another builder reads its own
    assert fresh.prompt.facts.candidates is not two.prompt.facts.candidates
    assert fresh.prompt.facts.candidates == two.prompt.facts.candidates


class CountedSearches:
    """The real library read model, counting its searches."""

    def __init__(self, library: PostgresLibraryReadModel) -> None:
        self._library = library
        self.searches = 0

    async def search(self, search: ExerciseSearch, *, limit: int, offset: int) -> SearchPage:
        self.searches += 1
        return await self._library.search(search, limit=limit, offset=offset)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._library, name)


async def test_replies_asking_at_once_share_one_read_of_the_candidates(coach: Coach) -> None:
    user = await coach.user(equipment=["dumbbells"])
    sessions = [await coach.session(user) for _ in range(6)]
    for session in sessions:
        await coach.send(session, "what should I train today?")
    conversations = [await read_conversation(coach.store, session) for session in sessions]
    library = CountedSearches(coach.library)
    builder = CoachContextBuilder(coach.store, coach.plans, library)
    alone = CountedSearches(coach.library)
    assert conversations[0] is not None
    await CoachContextBuilder(coach.store, coach.plans, alone).prepare(conversations[0])
    assert alone.searches >= 1

    replies = await asyncio.gather(*(builder.prepare(c) for c in conversations if c is not None))

    assert library.searches == alone.searches, "one build, not one per reply"
    assert all(r.prompt.facts.candidates is replies[0].prompt.facts.candidates for r in replies)


async def test_a_reply_cancelled_while_the_candidates_are_built_leaves_the_build_to_the_others(
    coach: Coach,
) -> None:
    user = await coach.user(equipment=["dumbbells"])
    first, second = await coach.session(user), await coach.session(user)
    await coach.send(first, "what should I train today?")
    await coach.send(second, "and tomorrow?")
    conversations = [await read_conversation(coach.store, session) for session in (first, second)]
    assert conversations[0] is not None
    assert conversations[1] is not None
    builder = CoachContextBuilder(coach.store, coach.plans, coach.library)
    cancelled = asyncio.create_task(builder.prepare(conversations[0]))
    waiting = asyncio.create_task(builder.prepare(conversations[1]))
    await asyncio.sleep(0)
    cancelled.cancel()
    reply = await waiting
    assert cancelled.cancelled()
    assert len(reply.prompt.facts.candidates) > 50
