"""`StartingReplies` (application/coaching/admission.py): at most so many replies starting at once, each
turn given back as soon as the reply is past its start, or when it ends."""

from __future__ import annotations

import asyncio

import pytest

from application.coaching.admission import StartingReplies


async def test_at_most_so_many_turns_are_held_at_once() -> None:
    starting = StartingReplies(2)
    held, most = 0, 0

    async def reply() -> None:
        nonlocal held, most
        async with starting.turn():
            held += 1
            most = max(most, held)
            await asyncio.sleep(0.01)
            held -= 1

    await asyncio.gather(*(reply() for _ in range(10)))
    assert most == 2


async def test_a_turn_given_back_early_lets_the_next_reply_start_while_this_one_goes_on() -> None:
    starting = StartingReplies(1)
    streaming, second_started = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with starting.turn() as turn:
            turn.done()
            turn.done()  # again: nothing more is given back
            streaming.set()
            await second_started.wait()  # still in its block when the second one starts

    async def second() -> None:
        await streaming.wait()
        async with starting.turn():
            second_started.set()

    await asyncio.wait_for(asyncio.gather(first(), second()), 2)
    async with asyncio.timeout(1), starting.turn():  # both turns were given back exactly once
        pass


async def test_a_turn_is_given_back_when_its_reply_fails() -> None:
    starting = StartingReplies(1)
    with pytest.raises(RuntimeError):
        async with starting.turn():
            raise RuntimeError("the claim failed")
    async with asyncio.timeout(1), starting.turn():
        pass


def test_at_least_one_at_a_time() -> None:
    with pytest.raises(ValueError, match="1 or more"):
        StartingReplies(0)
