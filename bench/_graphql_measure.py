"""One row of the GraphQL benchmark: spawn the generator processes, let them warm up, and measure the
window: completed requests, their latencies, and the CPU the server, the generators and everything else
on the machine used meanwhile."""

from __future__ import annotations

import math
import multiprocessing
import time
from dataclasses import dataclass

from bench._graphql_load import LoadResult, LoadSpec, generator_process
from bench._graphql_rows import Row, http_request
from bench._graphql_server import ServedApi, machine_cpu_seconds, process_cpu_seconds, thread_schedule_seconds

SPAWN_LEAD_SECONDS = 3.0
"""Time given to the generator processes to start (spawn re-imports the benchmark) before the warm-up."""
RESULT_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class RowResult:
    row: Row
    generators: int
    connections: int
    seconds: float
    latencies_ms: list[float]
    """Sorted."""
    http_errors: int
    graphql_errors: int
    user_errors: int
    response_bytes: int
    server_cpu: float
    """CPU seconds of the server process per wall second of the window (1.0 = one core busy)."""
    generator_cpu: float
    machine_cpu: float
    """All cores, busy seconds per wall second (this machine has `os.cpu_count()` of them)."""
    server_running: float
    """Share of the window the server's event loop thread was on a CPU."""
    server_starved: float
    """Share of the window it was runnable but waiting for a CPU (other load on the machine)."""
    background: LoadResult | None = None
    """What the row's background client (`Row.background`) got meanwhile: not in the figures above."""

    @property
    def server_idle(self) -> float:
        """Share of the window the event loop had nothing to run: awaiting requests, PostgreSQL or Redis."""
        return max(0.0, 1.0 - self.server_running - self.server_starved)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def errors(self) -> int:
        return self.http_errors + self.graphql_errors + self.user_errors

    @property
    def server_ms_per_request(self) -> float:
        """Server CPU per request: unlike req/s, it hardly moves when other load on the machine takes
        CPU from the server."""
        return 1000.0 * self.server_cpu / self.rps if self.rps else math.nan

    def percentile_ms(self, fraction: float) -> float:
        """Nearest rank."""
        if not self.latencies_ms:
            return math.nan
        rank = max(1, math.ceil(fraction * len(self.latencies_ms)))
        return self.latencies_ms[rank - 1]


@dataclass(frozen=True, slots=True)
class _Sample:
    processes: list[float]
    """CPU seconds so far of the server, then of each generator."""
    machine_busy: float
    server_running: float
    server_starved: float
    at: float

    @classmethod
    def take(cls, pids: list[int]) -> _Sample:
        running, starved = thread_schedule_seconds(pids[0])
        busy = machine_cpu_seconds()[0]
        return cls([process_cpu_seconds(pid) for pid in pids], busy, running, starved, time.monotonic())


def measure_row(
    served: ServedApi, row: Row, *, generators: int, connections: int, warmup: float, seconds: float
) -> RowResult:
    """`connections` per generator process, closed loop: warm-up, then `seconds` measured."""
    context = multiprocessing.get_context("spawn")
    start = time.monotonic() + SPAWN_LEAD_SECONDS
    window = (start + warmup, start + warmup + seconds)
    processes, pipes = [], []
    loads = [(row, index, generators, connections) for index in range(generators)]
    if row.background is not None:  # the last process, one connection, measured apart
        loads.append((row.background, 0, 1, 1))
    for load, index, count, conns in loads:
        requests = [
            http_request(served.port, request, load.headers) for request in load.requests(index, count)
        ]
        spec = LoadSpec(served.port, requests, conns, start, warmup, seconds)
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=generator_process, args=(spec, sender), daemon=True)
        process.start()
        sender.close()
        processes.append(process)
        pipes.append(receiver)
    pids = [served.pid, *(process.pid for process in processes if process.pid is not None)]
    time.sleep(max(0.0, window[0] - time.monotonic()))
    before = _Sample.take(pids)
    time.sleep(max(0.0, window[1] - time.monotonic()))
    after = _Sample.take(pids)
    results: list[LoadResult] = []
    for pipe, process in zip(pipes, processes, strict=True):
        deadline = time.monotonic() + RESULT_TIMEOUT_SECONDS
        while not pipe.poll(0.1):
            if not process.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{row.name}: a generator process sent no result (see its output above)")
        results.append(pipe.recv())
        process.join()
    background = results.pop() if row.background is not None else None
    late = max(result.late_by for result in results)
    if late > warmup / 2:
        raise RuntimeError(f"{row.name}: a generator started {late:.2f} s late; raise the warm-up")
    elapsed = after.at - before.at
    cpu = [(end - begin) / elapsed for begin, end in zip(before.processes, after.processes, strict=True)]
    samples = [result.sample_error for result in results if result.sample_error]
    if samples:
        print(f"  {row.name}: first failed response: {samples[0][:300]!r}")
    return RowResult(
        row=row,
        generators=generators,
        connections=connections * generators,
        seconds=seconds,
        latencies_ms=sorted(latency for result in results for latency in result.latencies_ms),
        http_errors=sum(result.http_errors for result in results),
        graphql_errors=sum(result.graphql_errors for result in results),
        user_errors=sum(result.user_errors for result in results),
        response_bytes=sum(result.response_bytes for result in results),
        server_cpu=cpu[0],
        generator_cpu=sum(cpu[1:]),
        machine_cpu=(after.machine_busy - before.machine_busy) / elapsed,
        server_running=(after.server_running - before.server_running) / elapsed,
        server_starved=(after.server_starved - before.server_starved) / elapsed,
        background=background,
    )
