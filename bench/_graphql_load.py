"""The load generator of the GraphQL benchmark: closed-loop HTTP/1.1 keep-alive connections, run in
processes of its own (never the server's), with raw asyncio protocols on uvloop so that it costs far
less CPU per request than the server it drives.

Every connection sends a request, waits for the whole response, records it, and sends the next one
from the row's list (round robin over the process). All processes of a row share one schedule on the
system-wide monotonic clock: warm-up from `start`, then the measured window; only responses that
complete inside the window count.
"""

from __future__ import annotations

import asyncio
import functools
import re
import time
from dataclasses import dataclass, field
from itertools import cycle
from multiprocessing.connection import Connection
from typing import cast

USER_ERRORS = re.compile(rb'"userErrors":\[\{')


@dataclass(frozen=True, slots=True)
class LoadSpec:
    port: int
    requests: list[bytes]
    """Complete HTTP requests (headers and body); connections take them in turn."""
    connections: int
    start: float
    """time.monotonic() at which to open the connections and start the warm-up."""
    warmup: float
    seconds: float


@dataclass(slots=True)
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    """One per response completed inside the window."""
    http_errors: int = 0
    graphql_errors: int = 0
    user_errors: int = 0
    response_bytes: int = 0
    late_by: float = 0.0
    sample_error: bytes = b""


class _Connection(asyncio.Protocol):
    def __init__(self, spec: LoadSpec, source: cycle[bytes], result: LoadResult, done: asyncio.Future[None]):
        self.window = (spec.start + spec.warmup, spec.start + spec.warmup + spec.seconds)
        self.source, self.result, self.done = source, result, done
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.sent = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast("asyncio.Transport", transport)  # uvloop's are not asyncio.Transport subclasses
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        self.sent = time.monotonic()
        if self.sent >= self.window[1]:
            self.transport.close()
            if not self.done.done():
                self.done.set_result(None)
            return
        self.transport.write(next(self.source))

    def data_received(self, data: bytes) -> None:
        try:
            self._received(data)
        except Exception as error:  # a callback's exception would only be logged: fail the run instead
            if not self.done.done():
                self.done.set_exception(error)
            assert self.transport is not None
            self.transport.abort()

    def _received(self, data: bytes) -> None:
        self.buffer += data
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return
        head = bytes(self.buffer[:head_end]).lower()
        marker = head.find(b"\r\ncontent-length:")
        if marker < 0:
            raise RuntimeError(f"response without content-length: {head[:200]!r}")
        line_end = head.find(b"\r\n", marker + 2)
        length = int(head[marker + 17 : line_end if line_end > 0 else len(head)])
        end = head_end + 4 + length
        if len(self.buffer) < end:
            return
        self._record(head[9:12], bytes(self.buffer[head_end + 4 : end]))
        del self.buffer[:end]
        self._send()

    def _record(self, status: bytes, body: bytes) -> None:
        now = time.monotonic()
        if not self.window[0] <= now < self.window[1]:
            return
        result = self.result
        result.latencies_ms.append((now - self.sent) * 1000.0)
        result.response_bytes += len(body)
        failed = True
        if status != b"200":
            result.http_errors += 1
        elif b'"errors"' in body:
            result.graphql_errors += 1
        elif USER_ERRORS.search(body):
            result.user_errors += 1
        else:
            failed = False
        if failed and not result.sample_error:
            result.sample_error = status + b" " + body[:300]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_exception(exc or ConnectionError("the server closed the connection"))


async def _drive(spec: LoadSpec) -> LoadResult:
    result = LoadResult()
    await asyncio.sleep(max(0.0, spec.start - time.monotonic()))
    result.late_by = max(0.0, time.monotonic() - spec.start)
    loop = asyncio.get_running_loop()
    source = cycle(spec.requests)
    finished: list[asyncio.Future[None]] = []
    for _ in range(spec.connections):
        done: asyncio.Future[None] = loop.create_future()
        factory = functools.partial(_Connection, spec, source, result, done)
        await loop.create_connection(factory, "127.0.0.1", spec.port)
        finished.append(done)
    await asyncio.gather(*finished)
    return result


def run_load(spec: LoadSpec) -> LoadResult:
    """The entry point of a generator process."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return asyncio.run(_drive(spec))
    return uvloop.run(_drive(spec))


def generator_process(spec: LoadSpec, results: Connection) -> None:
    """The target of a spawned generator process: drive the load, send the result back."""
    results.send(run_load(spec))
    results.close()
