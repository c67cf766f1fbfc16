"""`renewing`: the claim is renewed while the work runs, the work's result is returned, and a renewal that
finds the claim lost cancels the work."""

from __future__ import annotations

import asyncio

import pytest

from application.coaching.lease import ClaimLost, renewing


async def test_the_work_is_renewed_while_it_runs_and_its_result_returned() -> None:
    renewed: list[int] = []
    release = asyncio.Event()

    async def renew() -> bool:
        renewed.append(len(renewed))
        if len(renewed) == 3:
            release.set()
        return True

    async def work() -> str:
        await release.wait()
        return "done"

    assert await renewing(work(), renew, every=0.01) == "done"
    assert len(renewed) >= 3


async def test_a_lost_claim_cancels_the_work() -> None:
    cancelled = asyncio.Event()

    async def renew() -> bool:
        return False

    async def work() -> str:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "never"

    with pytest.raises(ClaimLost):
        await renewing(work(), renew, every=0.01)
    assert cancelled.is_set()


async def test_work_that_finished_while_its_renewal_was_refused_keeps_its_result() -> None:
    async def work() -> str:
        await asyncio.sleep(0.02)
        return "completed"

    async def renew() -> bool:
        await asyncio.sleep(0.05)  # the work completes meanwhile, and its own outcome ended the claim
        return False

    assert await renewing(work(), renew, every=0.01) == "completed"


async def test_cancelling_the_caller_cancels_the_work() -> None:
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def renew() -> bool:
        return True

    async def work() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    caller = asyncio.create_task(renewing(work(), renew, every=0.01))
    await started.wait()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert cancelled.is_set()
