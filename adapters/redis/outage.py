"""`Outage`: whether Redis answers, logged once per change, with spaced-out retries while it does not;
and `is_redis_failure`: which errors of a Redis call are an outage, for every Redis adapter's boundary.

While Redis is down, requests skip it without waiting; one request per backoff interval probes it.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import redis
from redis.exceptions import RedisError

from adapters.memory.lru import Clock

CACHE_LOG = logging.getLogger("adapters.redis.cache")
_REDIS_PY = Path(redis.__file__).parent
_CLOSED_TRANSPORT = re.compile(r"^unable to perform operation on <\w+ closed=True")


def is_redis_failure(error: BaseException) -> bool:
    """Whether a Redis call's error means Redis is down, too slow or its connection gone (an outage), as
    opposed to a bug or a cancellation, which must propagate.

    Besides `RedisError` and `OSError` (timeouts included), redis-py (8.x) raises `AttributeError` from
    its own code when a connection is torn down under a call: a pool's `disconnect` (ours, when an outage
    starts) that is still closing a connection's old socket when the connection reconnects then drops the
    new writer mid-handshake (`'NoneType' object has no attribute 'writelines'`). Only an `AttributeError`
    raised inside a redis-py call counts (redis-py's frames in its traceback, also when the last frame is
    asyncio's streams beneath it), so one of ours stays a bug. On uvloop (the server's loop) the same
    tear-down fails the write with `RuntimeError: unable to perform operation on <TCPTransport closed=True
    ...>; the handler is closed` instead, which counts on the same terms.
    """
    if isinstance(error, RedisError | OSError):
        return True
    if isinstance(error, RuntimeError) and not _CLOSED_TRANSPORT.search(str(error)):
        return False
    return isinstance(error, AttributeError | RuntimeError) and _raised_in_redis_py(error)


def _raised_in_redis_py(error: BaseException) -> bool:
    trace = error.__traceback__
    while trace is not None:
        if Path(trace.tb_frame.f_code.co_filename).is_relative_to(_REDIS_PY):
            return True
        trace = trace.tb_next
    return False


@contextlib.contextmanager
def redis_failures_ignored() -> Iterator[None]:
    """For best-effort Redis calls (closing, unsubscribing) whose failure someone else notices."""
    try:
        yield
    except Exception as error:
        if not is_redis_failure(error):
            raise


class Outage:
    def __init__(
        self,
        *,
        first_backoff: float = 0.2,
        max_backoff: float = 5.0,
        clock: Clock = time.monotonic,
        what: str = "Redis cache",
        consequence: str = "serving without it until it returns",
        log: logging.Logger = CACHE_LOG,
    ) -> None:
        if not 0 < first_backoff <= max_backoff:
            raise ValueError("backoffs must satisfy 0 < first_backoff <= max_backoff")
        self._what = what
        self._consequence = consequence
        self._log = log
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self._clock = clock
        self._backoff = first_backoff
        self._retry_at = 0.0
        self._probing = False
        self.down = False

    def may_try(self) -> bool:
        """True when a request may call Redis: always while it is up, once per interval while down.

        A caller that got True must then report `failed`, `succeeded` or `abandoned`.
        """
        if not self.down:
            return True
        if self._probing or self._clock() < self._retry_at:
            return False
        self._probing = True
        return True

    def failed(self, error: BaseException) -> bool:
        """A request's call failed; True if that starts an outage."""
        probed, self._probing = self._probing, False
        if not self.down:
            return self.noticed(error)
        if probed:
            self._backoff = min(self._backoff * 2, self._max_backoff)
            self._retry_at = self._clock() + self._backoff
        return False

    def noticed(self, error: BaseException) -> bool:
        """Redis failed outside a request (a background connection); True if that starts an outage."""
        if self.down:
            return False
        self.down = True
        self._backoff = self._first_backoff
        self._retry_at = self._clock() + self._backoff
        # The error's class only: its text could echo a command's arguments.
        self._log.warning("%s unreachable (%s): %s", self._what, type(error).__name__, self._consequence)
        return True

    def succeeded(self) -> bool:
        """Record an answer; True if this ends an outage."""
        self._probing = False
        if not self.down:
            return False
        self.down = False
        self._log.info("%s reachable again", self._what)
        return True

    def abandoned(self) -> None:
        """The probing request was cancelled before Redis answered."""
        self._probing = False
