"""Coach streaming benchmark: `coachChat` subscribers over real WebSockets while replies stream.

Run from the repo root: `python bench/coach.py [--subscribers 1000 --streaming 100 --tokens 150 --rate 50
--topology split|embedded --coach-workers 1]`. In one run, on this machine:
1. The API as `docker-compose.yml` deploys it (`--topology split`, the default): `fitcoach serve --workers
   1` with neither the coach worker nor the projectors inside, and `--coach-workers` processes of
   `fitcoach coach-worker` and one of `fitcoach project` beside it (`--topology embedded`: all in the API
   process, as `fitcoach serve` runs by default). Claude answers through the real `anthropic` adapter
   pointed at the local provider `bench._coach_provider`, which streams `--tokens` tokens at `--rate` per
   second; a throwaway database, the real Redis under a prefix of its own. `--subscribers` coaching
   sessions each get one subscriber over its own WebSocket (`coachChat`); then `--streaming` of them send
   a message, evenly over `--ramp` seconds (1 by default: shorter than a reply, so by its end every reply
   is streaming at once), and their subscribers receive the replies as they stream. That round is the
   one measured; a second sends every message at one instant (the burst), for its token delay and time
   to first token.
2. The baseline: a bare Starlette WebSocket endpoint (`bench._coach_baseline`) with as many sockets,
   broadcasting the same frames (the same tokens at the same rate, coalesced the same way) to as many.
Reported: per-token delay (provider emit to client receive) p50/p99, time to first token added by the
server p50/p99, frames per second, and frames per CPU second of the API process (the one serving the
sockets, the baseline's counterpart) against the baseline's; beside them the CPU and peak memory of every
process, frames per CPU second of all of them together, and replies that did not arrive as streamed
(`replies_miscounted`, 0 unless something is wrong). The last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench._coach_frames import FrameStats, ReplyWatch, percentile
from bench._common import format_table, print_json_last_line, throwaway_database
from bench._graphql_seed import PASSWORD, REGISTER, call
from bench._graphql_server import (
    REPO_ROOT,
    delete_redis_prefix,
    free_port,
    peak_memory_mb,
    process_cpu_seconds,
    served_api,
    server_env,
)

PROTOCOL = "graphql-transport-ws"
SESSIONS_PER_USER = 10
START = (
    "mutation($input: StartCoachingSessionInput!) { startCoachingSession(input: $input) {"
    " session { id } userErrors { code } } }"
)
SEND = "mutation($input: SendCoachMessageInput!) { sendCoachMessage(input: $input) { userErrors { code } } }"
CHAT = "subscription($id: ID!) { coachChat(sessionId: $id) { cursor kind text } }"
QUESTION = "How should I warm up before squats?"
REPLY_TIMEOUT_SECONDS = 120.0
SETTLE_SECONDS = 2.0
IDLE_SECONDS = 5.0
"""How long the API's CPU is measured with every subscriber connected and nothing streaming."""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--streaming", type=int, default=100)
    parser.add_argument("--tokens", type=int, default=150, help="tokens per reply")
    parser.add_argument("--rate", type=float, default=50.0, help="tokens per second of each reply")
    parser.add_argument(
        "--topology",
        choices=("split", "embedded"),
        default="split",
        help="split (as docker-compose.yml deploys it): the API serves, `fitcoach coach-worker` and "
        "`fitcoach project` run as processes of their own; embedded: all three in the API process",
    )
    parser.add_argument(
        "--coach-workers", type=int, default=1, help="`fitcoach coach-worker` processes (split topology)"
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=1.0,
        help="seconds over which the measured round's messages are sent, evenly (shorter than a reply, so "
        "every reply is streaming at once by its end); a second round sends them all at one instant",
    )
    args = parser.parse_args()
    if args.coach_workers < 1:
        parser.error("--coach-workers must be 1 or more")
    if not 0 <= args.ramp < args.tokens / args.rate:
        parser.error("--ramp must be 0 or more and shorter than a reply (tokens / rate seconds)")
    return args


@dataclass
class Side:
    """One side of the comparison, after its replies streamed."""

    name: str
    stats: FrameStats
    wall_seconds: float
    cpu_seconds: float
    """Of the process that serves the subscribers' sockets."""
    replies_completed: int
    miscounted: list[str]
    """Replies whose subscriber got another number of tokens than the provider streamed (a reply generated
    twice, tokens lost, a fallback's text after a reset), each with what its subscriber saw: none unless
    something is wrong."""
    burst: FrameStats | None = None
    """The round whose messages were all sent at one instant."""
    other_cpu_seconds: dict[str, float] = field(default_factory=dict)
    """Of the processes behind it (the coach worker, the projector), by name."""
    peak_memory_mb: dict[str, float] = field(default_factory=dict)
    """The most resident memory each server process had by the end of the round, by name."""
    idle_cpu_share: float = 0.0
    """CPU seconds per second the process spent with every subscriber connected and nothing streaming
    (the sockets' own upkeep: session re-checks, the feed heads of quiet followers, pings)."""

    @property
    def frames_per_second(self) -> float:
        return self.stats.frames / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def frames_per_cpu_second(self) -> float:
        return self.stats.frames / self.cpu_seconds if self.cpu_seconds else 0.0

    @property
    def all_cpu_seconds(self) -> float:
        return self.cpu_seconds + sum(self.other_cpu_seconds.values())

    @property
    def frames_per_all_cpu_second(self) -> float:
        return self.stats.frames / self.all_cpu_seconds if self.all_cpu_seconds else 0.0


@contextmanager
def process(
    module: str, *arguments: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m module arguments` for the length of the block; its output goes to a temporary file,
    whose end is shown if the process exits with an error."""
    with tempfile.TemporaryFile() as log:
        command = [sys.executable, "-m", module, *arguments]
        child = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=log)
        try:
            yield child
        finally:
            child.terminate()
            child.wait(15)
            if child.returncode not in (0, -signal.SIGTERM):
                log.seek(0)
                tail = log.read().decode(errors="replace")[-3000:]
                print(f"{command!r} exited with {child.returncode}:\n{tail}", file=sys.stderr)


@contextmanager
def behind_the_api(topology: str, coach_workers: int, env: dict[str, str]) -> Iterator[dict[str, int]]:
    """In the split topology, `coach_workers` processes of `fitcoach coach-worker` and one of `fitcoach
    project` (their pids by name), on the API's settings, started once the API has migrated the database."""
    if topology != "split":
        yield {}
        return
    workers = (
        ["coach worker"] if coach_workers == 1 else [f"coach worker {n}" for n in range(1, coach_workers + 1)]
    )
    with ExitStack() as stack:
        pids = {
            name: stack.enter_context(process("fitcoach.cli", "coach-worker", env=env)).pid
            for name in workers
        }
        pids["projector"] = stack.enter_context(process("fitcoach.cli", "project", env=env)).pid
        yield pids


async def wait_listening(url: str) -> None:
    async with httpx.AsyncClient(timeout=1.0) as client:
        for _ in range(200):
            try:
                await client.get(url)
                return
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    raise RuntimeError(f"nothing listens at {url}")


# --- the API -------------------------------------------------------------------------------------------


async def seed(url: str, sessions: int) -> list[tuple[str, str]]:
    """(access token, session id) of `sessions` sessions, `SESSIONS_PER_USER` per user."""
    async with httpx.AsyncClient(base_url=url, timeout=60.0) as client:
        tokens = []
        for index in range(-(-sessions // SESSIONS_PER_USER)):
            email = f"coach-bench-{index}-{uuid.uuid4().hex[:8]}@example.com"
            variables = {"input": {"email": email, "password": PASSWORD, "displayName": f"Bench {index}"}}
            tokens.append((await call(client, REGISTER, variables))["register"]["tokens"]["accessToken"])
        seeded = []
        for index in range(sessions):
            token = tokens[index // SESSIONS_PER_USER]
            data = await call(client, START, {"input": {"personality": "CALM"}}, token=token)
            seeded.append((token, data["startCoachingSession"]["session"]["id"]))
        return seeded


async def graphql_socket(ws_url: str, token: str) -> ClientConnection:
    socket = await connect(ws_url, subprotocols=[PROTOCOL], max_queue=None)  # type: ignore[list-item]
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    )
    ack = json.loads(await socket.recv())
    if ack.get("type") != "connection_ack":
        raise RuntimeError(f"no connection_ack: {ack}")
    return socket


@dataclass
class ChatRound:
    """One round of replies: what each session's subscriber saw of it."""

    stats: FrameStats
    watches: list[ReplyWatch]
    finished: list[asyncio.Event]

    @classmethod
    def new(cls, sessions: int) -> ChatRound:
        return cls(
            FrameStats(), [ReplyWatch() for _ in range(sessions)], [asyncio.Event() for _ in range(sessions)]
        )


async def follow_chat(socket: ClientConnection, index: int, current: list[ChatRound]) -> None:
    """Count what the subscriber of session `index` receives into the round under way (`current[0]`)."""
    async for raw in socket:
        message = json.loads(raw)
        if message.get("type") == "ping":
            await socket.send(json.dumps({"type": "pong"}))
            continue
        if message.get("type") != "next":
            raise RuntimeError(f"unexpected message: {message}")
        event = message["payload"]["data"]["coachChat"]
        chat_round = current[0]
        reply = chat_round.watches[index]
        if event["kind"] == "DELTA":
            chat_round.stats.delta(reply, event["text"])
            continue
        chat_round.stats.other()
        reply.events[event["kind"]] += 1
        if event["kind"] == "RESET":
            reply.partial = ""  # the text so far is void
        if event["kind"] in ("COMPLETED", "FAILED"):
            reply.completed = event["kind"] == "COMPLETED"
            chat_round.finished[index].set()


async def run_api(args: argparse.Namespace, url: str, pid: int, others: dict[str, int]) -> Side:
    """A warm-up round (the server's first model calls open connections and load code), then the round
    that is measured, on the same sessions and subscribers."""
    seeded = await seed(url, args.subscribers)
    ws_url = url.replace("http://", "ws://") + "/graphql"
    current = [ChatRound.new(len(seeded))]
    sockets = []
    for index, (token, session_id) in enumerate(seeded):
        socket = await graphql_socket(ws_url, token)
        payload = {"query": CHAT, "variables": {"id": session_id}}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        sockets.append((socket, asyncio.create_task(follow_chat(socket, index, current))))
    await asyncio.sleep(SETTLE_SECONDS)
    idle_before = process_cpu_seconds(pid)
    await asyncio.sleep(IDLE_SECONDS)
    idle_cpu_share = (process_cpu_seconds(pid) - idle_before) / IDLE_SECONDS
    streaming = list(range(0, len(seeded), max(1, len(seeded) // args.streaming)))[: args.streaming]
    async with httpx.AsyncClient(
        base_url=url, timeout=60.0, limits=httpx.Limits(max_connections=200)
    ) as client:
        await chat_round(client, seeded, streaming, current[0], args.ramp)  # warm-up
        await asyncio.sleep(SETTLE_SECONDS)
        current[0] = measured = ChatRound.new(len(seeded))
        others_before = cpu_seconds_of(others)
        cpu_before, started = process_cpu_seconds(pid), time.monotonic()
        await chat_round(client, seeded, streaming, measured, args.ramp)
        wall, cpu = time.monotonic() - started, process_cpu_seconds(pid) - cpu_before
        others_after = cpu_seconds_of(others)
        others_cpu = {other: others_after[other] - before for other, before in others_before.items()}
        await asyncio.sleep(SETTLE_SECONDS)
        current[0] = burst = ChatRound.new(len(seeded))
        await chat_round(client, seeded, streaming, burst, 0.0)
    for socket, task in sockets:
        task.cancel()
        await socket.close()
    completed = sum(measured.watches[index].completed for index in streaming)
    miscounted = [
        f"{name} round, session {index}: {watch.tokens} tokens; {dict(watch.events)}"
        for name, done in (("measured", measured), ("burst", burst))
        for index in streaming
        if (watch := done.watches[index]).tokens != args.tokens
    ]
    memory = {process: peak_memory_mb(process_id) for process, process_id in {"api": pid, **others}.items()}
    label = "coachChat (fitcoach API)"
    return Side(
        label,
        measured.stats,
        wall,
        cpu,
        completed,
        miscounted,
        burst.stats,
        others_cpu,
        memory,
        idle_cpu_share=idle_cpu_share,
    )


def cpu_seconds_of(pids: dict[str, int]) -> dict[str, float]:
    return {name: process_cpu_seconds(pid) for name, pid in pids.items()}


async def chat_round(
    client: httpx.AsyncClient,
    seeded: list[tuple[str, str]],
    streaming: list[int],
    current: ChatRound,
    ramp_seconds: float,
) -> None:
    """Send one message in each streaming session, evenly over `ramp_seconds` (0: at one instant); return
    once every reply completed or failed."""
    spacing = ramp_seconds / len(streaming)

    async def send(position: int, index: int) -> None:
        await asyncio.sleep(position * spacing)
        token, session_id = seeded[index]
        variables = {
            "input": {"sessionId": session_id, "text": QUESTION, "clientMessageId": str(uuid.uuid4())}
        }
        current.watches[index].sent_at = time.time()
        await call(client, SEND, variables, token=token)

    await asyncio.gather(*(send(position, index) for position, index in enumerate(streaming)))
    waiting = asyncio.gather(*(current.finished[index].wait() for index in streaming))
    await asyncio.wait_for(waiting, REPLY_TIMEOUT_SECONDS)


# --- the baseline --------------------------------------------------------------------------------------


async def follow_baseline(
    socket: ClientConnection, stats: FrameStats, reply: ReplyWatch, done: asyncio.Event
) -> None:
    async for raw in socket:
        event = json.loads(raw)["payload"]["data"]["coachChat"]
        if event["kind"] == "DELTA":
            stats.delta(reply, event["text"])
        else:
            stats.other()
            reply.completed = True
            done.set()


async def run_baseline(args: argparse.Namespace) -> Side:
    port = free_port()
    with process("bench._coach_baseline", str(port)) as child:
        base = f"http://127.0.0.1:{port}"
        await wait_listening(base + "/start")
        stats = FrameStats()
        watches = [ReplyWatch() for _ in range(args.subscribers)]
        finished = [asyncio.Event() for _ in range(args.subscribers)]
        sockets = []
        streaming = set(range(0, args.subscribers, max(1, args.subscribers // args.streaming)))
        streaming = set(sorted(streaming)[: args.streaming])
        for index in range(args.subscribers):
            socket = await connect(f"ws://127.0.0.1:{port}/ws", max_queue=None)
            await socket.send("watch" if index in streaming else "idle")
            task = asyncio.create_task(follow_baseline(socket, stats, watches[index], finished[index]))
            sockets.append((socket, task))
        await asyncio.sleep(SETTLE_SECONDS)
        cpu_before, started = process_cpu_seconds(child.pid), time.monotonic()
        async with httpx.AsyncClient(base_url=base) as client:
            query = {"streams": args.streaming, "tokens": args.tokens, "rate": args.rate, "ramp": args.ramp}
            (await client.post("/start", params=query)).raise_for_status()
        await asyncio.wait_for(
            asyncio.gather(*(finished[index].wait() for index in streaming)), REPLY_TIMEOUT_SECONDS
        )
        wall, cpu = time.monotonic() - started, process_cpu_seconds(child.pid) - cpu_before
        for socket, task in sockets:
            task.cancel()
            await socket.close()
        completed = sum(watches[index].completed for index in streaming)
        miscounted = [
            f"socket {index}: {watches[index].tokens} tokens"
            for index in streaming
            if watches[index].tokens != args.tokens
        ]
        return Side("bare Starlette WebSocket", stats, wall, cpu, completed, miscounted)


# --- report --------------------------------------------------------------------------------------------


def report(args: argparse.Namespace, api: Side, baseline: Side) -> dict[str, Any]:
    headers = [
        "path",
        "replies",
        "frames",
        "frames/s",
        "CPU s",
        "frames/CPU s",
        "token p50",
        "token p99",
        "+TTFT p50",
        "+TTFT p99",
    ]
    rows = []
    for side in (api, baseline):
        ttft = side.stats.added_ttfts
        rows.append(
            [
                side.name,
                f"{side.replies_completed}/{args.streaming}",
                str(side.stats.frames),
                f"{side.frames_per_second:,.0f}",
                f"{side.cpu_seconds:.1f}",
                f"{side.frames_per_cpu_second:,.0f}",
                f"{percentile(side.stats.token_delays, 0.50):.1f} ms",
                f"{percentile(side.stats.token_delays, 0.99):.1f} ms",
                f"{percentile(ttft, 0.50):.1f} ms" if ttft else "-",
                f"{percentile(ttft, 0.99):.1f} ms" if ttft else "-",
            ]
        )
    if api.burst is not None:
        burst = api.burst
        rows.append(
            [
                "  the same, messages at one instant",
                "",
                str(burst.frames),
                "",
                "",
                "",
                f"{percentile(burst.token_delays, 0.50):.1f} ms",
                f"{percentile(burst.token_delays, 0.99):.1f} ms",
                f"{percentile(burst.added_ttfts, 0.50):.1f} ms",
                f"{percentile(burst.added_ttfts, 0.99):.1f} ms",
            ]
        )
    for name, seconds in api.other_cpu_seconds.items():
        rows.append([f"  behind it: {name}", "", "", "", f"{seconds:.1f}", "", "", "", "", ""])
    if api.other_cpu_seconds:
        frames_per_all = f"{api.frames_per_all_cpu_second:,.0f}"
        all_cpu = f"{api.all_cpu_seconds:.1f}"
        rows.append(["  API and behind it", "", "", "", all_cpu, frames_per_all, *[""] * 4])
    print(format_table(headers, rows))
    for side in (api, baseline):
        if side.miscounted:
            print(f"\nWRONG: {side.name}: {len(side.miscounted)} replies did not arrive as streamed:")
            print("\n".join(f"  {description}" for description in side.miscounted))
    baseline_rate = baseline.frames_per_cpu_second
    share = api.frames_per_cpu_second / baseline_rate if baseline_rate else 0.0
    all_share = api.frames_per_all_cpu_second / baseline_rate if baseline_rate else 0.0
    print(
        f"\n{args.subscribers} subscribers, {args.streaming} replies streaming at {args.rate:g} tokens/s "
        f"({args.tokens} tokens each), their messages sent over {args.ramp:g} s, topology {args.topology}. "
        "Targets: token p99 < 100 ms, added TTFT "
        f"p99 < 50 ms, frames per CPU second of the API >= 30% of the baseline (here {share:.0%}; "
        f"counting the processes behind it too, {all_share:.0%}). With the {args.subscribers} subscribers "
        f"connected and nothing streaming, the API process used {api.idle_cpu_share:.0%} of a core."
    )
    return {
        "subscribers": args.subscribers,
        "streaming": args.streaming,
        "replies_completed": api.replies_completed,
        "replies_miscounted": len(api.miscounted),
        "token_p50_ms": round(percentile(api.stats.token_delays, 0.50), 1),
        "token_p99_ms": round(percentile(api.stats.token_delays, 0.99), 1),
        "ttft_overhead_p50_ms": round(percentile(api.stats.added_ttfts, 0.50), 1),
        "ttft_overhead_p99_ms": round(percentile(api.stats.added_ttfts, 0.99), 1),
        "frames_per_s": round(api.frames_per_second, 1),
        "frames_per_cpu_s": round(api.frames_per_cpu_second, 1),
        "baseline_frames_per_cpu_s": round(baseline.frames_per_cpu_second, 1),
        "topology": args.topology,
        "all_processes_frames_per_cpu_s": round(api.frames_per_all_cpu_second, 1),
        "cpu_s_by_process": {
            "api": round(api.cpu_seconds, 2),
            **{name: round(seconds, 2) for name, seconds in api.other_cpu_seconds.items()},
        },
        "peak_memory_mb_by_process": {name: round(mb) for name, mb in api.peak_memory_mb.items()},
        "baseline_token_p99_ms": round(percentile(baseline.stats.token_delays, 0.99), 1),
        "api_idle_cpu_share": round(api.idle_cpu_share, 3),
        "ramp_seconds": args.ramp,
        **burst_figures(api.burst),
    }


def burst_figures(burst: FrameStats | None) -> dict[str, float]:
    if burst is None:
        return {}
    return {
        "burst_token_p99_ms": round(percentile(burst.token_delays, 0.99), 1),
        "burst_ttft_overhead_p50_ms": round(percentile(burst.added_ttfts, 0.50), 1),
        "burst_ttft_overhead_p99_ms": round(percentile(burst.added_ttfts, 0.99), 1),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    provider_port = free_port()
    redis_prefix = f"fitcoach-bench-coach-{uuid.uuid4().hex[:8]}:"
    with process("bench._coach_provider", str(provider_port), str(args.tokens), str(args.rate)):
        provider_url = f"http://127.0.0.1:{provider_port}"
        await wait_listening(provider_url + "/v1/messages")
        env = {
            "FITCOACH_ANTHROPIC_API_KEY": "bench-key",
            "FITCOACH_ANTHROPIC_BASE_URL": provider_url,
            "FITCOACH_COACH_CONCURRENCY": str(args.streaming),
            "FITCOACH_MAX_WS_CONNECTIONS": str(args.subscribers + 100),
        }
        try:
            if args.topology == "split":
                env["FITCOACH_IN_PROCESS_PROJECTIONS"] = "false"
                env["FITCOACH_COACH_WORKER_IN_PROCESS"] = "false"
            with (
                throwaway_database("fitcoach_bench_coach") as database_url,
                served_api(database_url, redis_prefix, extra_env=env) as served,
                behind_the_api(
                    args.topology, args.coach_workers, server_env(database_url, redis_prefix) | env
                ) as others,
            ):
                api = await run_api(args, served.url, served.pid, others)
        finally:
            delete_redis_prefix(redis_prefix)
    baseline = await run_baseline(args)
    return report(args, api, baseline)


def main() -> int:
    args = parse_args()
    result = asyncio.run(run(args))
    print_json_last_line(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
