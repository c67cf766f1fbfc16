"""`fitcoach audit ...`: the auditors' commands; human tables by default, `--json` for tools, progress
bars on stderr for long work.

Each subcommand is an `AuditCommand` (`fitcoach.audit_support`) written in a module of its own: its name,
its help, the arguments it takes and the coroutine that runs it and returns the exit status. `fitcoach.cli`
only adds the group; a new subcommand is one more entry in `AUDIT_COMMANDS`.
"""

from __future__ import annotations

import argparse

from fitcoach.audit_integrity import INTEGRITY, SEAL
from fitcoach.audit_pii import PII
from fitcoach.audit_reads import DIFF, HISTORY, STATE, TRACE
from fitcoach.audit_support import AuditCommand
from fitcoach.audit_verify import VERIFY
from fitcoach.settings import Settings

AUDIT_COMMANDS: tuple[AuditCommand, ...] = (HISTORY, STATE, DIFF, TRACE, INTEGRITY, SEAL, VERIFY, PII)


def add_audit_group(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = commands.add_parser(
        "audit",
        help="audit the event log: its history, past states and requests, its hash chain and seals, the"
        " read models, and the personal data left in plain text",
    )
    actions = audit.add_subparsers(dest="audit_command", required=True)
    for command in AUDIT_COMMANDS:
        command.add_arguments(actions.add_parser(command.name, help=command.help))


async def run_audit(settings: Settings, args: argparse.Namespace) -> int:
    chosen = next(command for command in AUDIT_COMMANDS if command.name == args.audit_command)
    return await chosen.run(settings, args)
