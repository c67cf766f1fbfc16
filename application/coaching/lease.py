"""Keeping a reply's claim while it is generated.

`renewing` runs the generation and, every `every` seconds while it runs, calls `renew`. A renewal that
finds the claim gone (the session ended, or another worker took the message over after this one stalled
past its lease) cancels the generation and raises `ClaimLost`: nothing more is streamed or recorded for
that attempt. A renewal that could not be made (the store unreachable) is tried again at the next
interval; the lease still holds until then. A worker that dies stops renewing, and its claim expires.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class ClaimLost(Exception):
    """The claim is no longer this worker's: its generation was cancelled."""


async def renewing(work: Coroutine[Any, Any, T], renew: Callable[[], Awaitable[bool]], *, every: float) -> T:
    """`work`'s result, renewing the claim every `every` seconds until it is done. `renew` returns False
    when the claim is lost (then ClaimLost is raised)."""
    task = asyncio.create_task(work)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=every)
            if done:
                return task.result()
            if not await renew():
                if task.done():  # it finished while the renewal was refused: its outcome stands
                    return task.result()
                raise ClaimLost
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
