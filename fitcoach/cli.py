"""The `fitcoach` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from fitcoach.audit_commands import add_audit_group
from fitcoach.replay_commands import add_replay_parser
from fitcoach.settings import Settings, SettingsError, load_settings
from fitcoach.users_commands import add_users_group

log = logging.getLogger("fitcoach.cli")
SDL_FILE = "schema.graphql"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fitcoach", description="fitcoach backend operations")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the GraphQL API with uvicorn (embedded defaults)")
    serve.add_argument("--host", help="address to bind (default FITCOACH_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (default FITCOACH_PORT, 8000)")
    serve.add_argument(
        "--workers", type=int, default=1, help="API replicas in this machine (needs Redis if > 1)"
    )
    config = commands.add_parser(
        "config", help="print the effective settings (secrets masked), or with --markdown the table of all"
    )
    config.add_argument(
        "--markdown", action="store_true", help="the configuration table of README.md, from settings.py"
    )
    commands.add_parser("export-schema", help="write the GraphQL SDL to schema.graphql")
    commands.add_parser(
        "migrate",
        help="create or upgrade the PostgreSQL schemas and load the shipped exercise library (idempotent)",
    )
    commands.add_parser("project", help="run every projection in this process until SIGTERM or SIGINT")
    commands.add_parser(
        "coach-worker",
        help="answer coach chat messages in this process until SIGTERM or SIGINT (set "
        "FITCOACH_COACH_WORKER_IN_PROCESS=false on the API then)",
    )
    projections = commands.add_parser("projections", help="inspect or rebuild the projections")
    actions = projections.add_subparsers(dest="action", required=True)
    actions.add_parser("status", help="checkpoint, lag and state of each projection")
    rebuild = actions.add_parser("rebuild", help="replay the log into fresh tables, then swap them in")
    rebuild.add_argument("name", help="the projection, e.g. workout_plans")
    library = commands.add_parser("library", help="the exercise library")
    library_actions = library.add_subparsers(dest="action", required=True)
    importing = library_actions.add_parser(
        "import", help="import a file in the free-exercise-db format (idempotent; prints what it did)"
    )
    importing.add_argument("file", type=Path, help="a JSON list of exercises, e.g. exercises.json")
    importing.add_argument("--json", action="store_true", help="print the report as one JSON object")
    add_audit_group(commands)
    add_replay_parser(commands)
    add_users_group(commands)
    return parser


async def _with_database(settings: Settings) -> Settings:
    """The settings with the database URL resolved (the embedded PostgreSQL started if none is set)."""
    from fitcoach.wiring.core import resolve_database_url

    return settings.model_copy(update={"database_url": await resolve_database_url(settings)})


async def _migrate(settings: Settings) -> None:
    from fitcoach.library_commands import load_shipped_library, summary
    from fitcoach.wiring.core import migrate_all

    await migrate_all(settings.resolved_database_url)
    print(summary(await load_shipped_library(settings, only_if_absent=False)), file=sys.stderr)


async def _project(settings: Settings) -> int:
    from fitcoach.garbage_collection import settle_after_start_up
    from fitcoach.wiring.core import (
        build_projection_runners,
        opened_store_from,
        projector_cache_from,
        redis_pubsub_from,
    )
    from projections.projection import ProjectionFailed

    store = await opened_store_from(settings)
    cache = await projector_cache_from(settings)
    publisher = await redis_pubsub_from(settings)
    try:
        runners = build_projection_runners(settings, store, cache=cache, publisher=publisher)
        settle_after_start_up()

        def stop_all() -> None:
            for runner in runners:
                runner.stop()

        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop_all)
        outcomes = await asyncio.gather(*(runner.run() for runner in runners), return_exceptions=True)
    finally:
        if cache is not None:
            await cache.close()
        if publisher is not None:
            await publisher.close()
        await store.close()
    failed = False
    for runner, outcome in zip(runners, outcomes, strict=True):
        if isinstance(outcome, ProjectionFailed):
            failed = True  # already logged with its details by the runner
        elif isinstance(outcome, BaseException):
            failed = True
            log.error("projection %s ended with %s", runner.name, type(outcome).__name__, exc_info=outcome)
    return 1 if failed else 0


async def _coach_worker(settings: Settings) -> int:
    from adapters.postgres.library_read_model import PostgresLibraryReadModel
    from adapters.postgres.pool import open_pool
    from application.library_reads import LibraryReads
    from fitcoach.garbage_collection import settle_after_start_up
    from fitcoach.wiring.adapters import api_cache_from, chat_feed_from, pubsub_from
    from fitcoach.wiring.coach import build_coach_worker
    from fitcoach.wiring.core import opened_store_from

    if settings.redis_url is None:
        log.warning(
            "coach worker without FITCOACH_REDIS_URL: replies are recorded, but their live events "
            "(coachChat) reach no API process and the response cache is this process's own"
        )
    closers: list[Callable[[], Awaitable[None]]] = []
    try:
        store = await opened_store_from(settings)
        closers.append(store.close)
        pool = await open_pool(
            settings.resolved_database_url,
            min_size=settings.db_pool_min_size,
            max_size=settings.db_pool_max_size,
        )
        closers.append(pool.close)
        pubsub = await pubsub_from(settings)
        closers.append(pubsub.close)
        feed = await chat_feed_from(settings, pubsub)
        closers.append(feed.close)
        cache = await api_cache_from(settings)
        closers.append(cache.close)
        worker = build_coach_worker(
            settings,
            store,
            feed=feed,
            cache=cache,
            read_pool=pool,
            library=LibraryReads(PostgresLibraryReadModel(pool), cache),
            closers=closers,
        )
        settle_after_start_up()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, worker.stop)
        log.info("coach worker: answering messages until SIGTERM or SIGINT")
        await worker.run()
    finally:
        for close in reversed(closers):
            await close()
    return 0


async def _status(settings: Settings) -> int:
    from fitcoach.wiring.core import event_store_from
    from projections.console import status_table
    from projections.status import projection_status

    store = await event_store_from(settings)
    try:
        print(status_table(await projection_status(store, settings.resolved_database_url)))
    finally:
        await store.close()
    return 0


async def _rebuild(settings: Settings, name: str) -> int:
    from fitcoach.wiring.core import opened_store_from
    from projections.console import ProgressBar
    from projections.rebuild import rebuild
    from projections.registry import projection_named

    projection = projection_named(name)
    store = await opened_store_from(settings)
    bar = ProgressBar(sys.stderr)
    try:
        report = await rebuild(store, settings.resolved_database_url, projection, progress=bar.update)
    finally:
        bar.finish()
        await store.close()
    print(
        f"rebuilt {report.projection}: {report.events:,} events in {report.seconds:.1f} s "
        f"({report.events_per_second:,.0f} events/s), checkpoint {report.position}"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "config" and args.markdown:  # the table documents every setting: no environment read
        from fitcoach.config_table import markdown_table

        print(markdown_table(), end="")
        return 0
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"fitcoach: error [{error.code}]: {error}", file=sys.stderr)
        return 2
    try:
        if args.command == "config":
            from fitcoach.config_table import effective_settings

            print(effective_settings(settings), end="")
            return 0
        if args.command == "export-schema":
            from schema.build import export_sdl

            Path(SDL_FILE).write_text(export_sdl())
            print(f"wrote {SDL_FILE}")
            return 0
        if args.command == "serve":
            from fitcoach.serve import serve

            return serve(settings, host=args.host, port=args.port, workers=args.workers)
        settings = asyncio.run(_with_database(settings))
        if args.command == "migrate":
            asyncio.run(_migrate(settings))
            print("migrated")
            return 0
        if args.command == "project":
            return asyncio.run(_project(settings))
        if args.command == "coach-worker":
            return asyncio.run(_coach_worker(settings))
        if args.command == "library":
            from fitcoach.library_commands import import_library_file

            return asyncio.run(import_library_file(settings, args.file, as_json=args.json))
        if args.command == "audit":
            from fitcoach.audit_commands import run_audit

            return asyncio.run(run_audit(settings, args))
        if args.command == "replay":
            from fitcoach.replay_commands import run_replay

            return asyncio.run(run_replay(settings, args))
        if args.command == "users":
            from fitcoach.users_commands import run_users

            return asyncio.run(run_users(settings, args))
        if args.action == "status":
            return asyncio.run(_status(settings))
        return asyncio.run(_rebuild(settings, args.name))
    except Exception as error:
        code = getattr(error, "code", None)
        if code is None:
            raise
        print(f"fitcoach: error [{code}]: {error}", file=sys.stderr)
        return 2 if code == "UNKNOWN_PROJECTION" else 1


if __name__ == "__main__":
    sys.exit(main())
