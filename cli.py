"""The `fitcoach` command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fitcoach", description="fitcoach backend operations")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the PostgreSQL schema (idempotent)")
    return parser


async def _migrate(settings: Settings) -> None:
    from adapters.postgres_schema import migrate

    await migrate(settings.database_url)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    if args.command == "migrate":
        asyncio.run(_migrate(settings))
        print("migrated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
