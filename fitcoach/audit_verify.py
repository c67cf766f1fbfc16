"""`fitcoach audit verify [--projection NAME] [--sample N] [--json]`: rebuild read models from the log
into scratch tables and compare them row by row with the live ones (`application.audit.verify`).

Exit status: 0 when every verified read model is what the log gives, 1 on drift, 2 when the command
cannot run as asked (an unknown projection, a sample below 1, a rebuild in progress).
"""

from __future__ import annotations

import argparse
import sys
import time

from domain.errors import DomainError
from fitcoach.audit_support import AuditCommand
from fitcoach.settings import Settings

DRIFT_EXIT = 1
REFUSED_EXIT = 2


def _verify_arguments(verify: argparse.ArgumentParser) -> None:
    verify.add_argument("--projection", help="verify only this projection, e.g. workout_plans")
    verify.add_argument(
        "--sample", type=int, metavar="N", help="compare N random keys of each table instead of every row"
    )
    verify.add_argument("--json", action="store_true", help="print the report as one JSON object")


async def run_verify(settings: Settings, args: argparse.Namespace) -> int:
    from fitcoach.verify_report import report_json, report_text
    from fitcoach.wiring.core import opened_store_from, read_model_verification
    from projections.console import ProgressBar

    store = await opened_store_from(settings)
    bar = ProgressBar(sys.stderr)
    verification = read_model_verification(store, settings.resolved_database_url, progress=bar.update)
    started = time.perf_counter()
    try:
        report = await verification.verify(args.projection, sample=args.sample)
    except DomainError as error:
        print(f"fitcoach: error [{error.code}]: {error.message}", file=sys.stderr)
        return REFUSED_EXIT
    finally:
        bar.finish()
        await store.close()
    seconds = time.perf_counter() - started
    print(report_json(report, seconds) if args.json else report_text(report, seconds))
    return DRIFT_EXIT if report.drifted else 0


VERIFY = AuditCommand(
    "verify",
    "rebuild the read models into scratch tables (dropped afterwards) up to their live checkpoints and"
    " compare them row by row with the live ones; exit 1 on drift",
    _verify_arguments,
    run_verify,
)
