"""The PostgreSQL 16 programs that pgserver ships, or, as root, a copy of them inside the data folder.

pgserver's programs sit in its package folder (`.../site-packages/pgserver/pginstall/bin`). If the
virtualenv is in a home folder, the system user that runs PostgreSQL as root cannot reach them. pgserver's
answer would be to open every parent folder to everyone. Here they are copied instead, to
`<data dir>/postgresql-programs/<fingerprint>/`, in the same layout. PostgreSQL finds share/postgresql and
lib/postgresql relative to its own program, and initdb finds libpq through its RPATH
`$ORIGIN/../../../pgserver.libs`, so the copy runs wherever it is. The copy is about 19 MB: initdb, pg_ctl
and postgres, the server's modules (lib/postgresql), its share/postgresql, and pgserver.libs.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from adapters.postgres.embedded.access import EmbeddedPostgresError, SystemUser, make_folders

log = logging.getLogger("adapters.postgres.embedded.server")
PROGRAMS = ("initdb", "pg_ctl", "postgres")
COPIES = "postgresql-programs"
_INSTALL = Path("pgserver", "pginstall")
_BIN = _INSTALL / "bin"
_TREES = (_INSTALL / "lib" / "postgresql", _INSTALL / "share" / "postgresql", Path("pgserver.libs"))
_FOLDERS = (Path("pgserver"), _INSTALL, _BIN, _INSTALL / "lib", _INSTALL / "share")


@dataclass(frozen=True, slots=True)
class PostgresPrograms:
    root: Path  # the folder that holds pgserver/pginstall/ and pgserver.libs/

    def path(self, program: str) -> Path:
        return self.root / _BIN / program

    def needs(self) -> Iterator[tuple[Path, int]]:
        """Each path the server uses, relative to `root`, with the access it needs to it."""
        for folder in _FOLDERS:
            yield folder, os.X_OK
        for program in PROGRAMS:
            yield _BIN / program, os.R_OK | os.X_OK
        for tree in _TREES:
            for top, _, files in os.walk(self.root / tree):
                folder = Path(top).relative_to(self.root)
                yield folder, os.R_OK | os.X_OK
                yield from ((folder / name, os.R_OK) for name in files)

    def reachable_by(self, user: SystemUser) -> bool:
        if user.first_folder_it_cannot_enter(self.root) is not None:
            return False
        return all(user.may(self.root / path, access) for path, access in self.needs())

    def fingerprint(self) -> str:
        """Changes when pgserver's programs do (an upgrade): the name of their copy."""
        digest = hashlib.sha256()
        for path, _ in sorted(self.needs()):
            status = (self.root / path).stat()
            digest.update(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
        return digest.hexdigest()[:16]


def installed_programs() -> PostgresPrograms:
    # Located, not imported: importing pgserver sets up a lock file and a runtime folder, unused here.
    spec = importlib.util.find_spec("pgserver")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    programs = PostgresPrograms(Path(locations[0]).resolve().parent) if locations else None
    if programs is None or not programs.path("postgres").is_file():
        raise EmbeddedPostgresError(
            "the package pgserver, which ships the embedded PostgreSQL, is not installed (or has no"
            " PostgreSQL programs): reinstall fitcoach, or set FITCOACH_DATABASE_URL"
        )
    return programs


def programs_for(data_dir: Path, user: SystemUser | None) -> PostgresPrograms:
    """The installed programs if whoever runs PostgreSQL can reach them as they are, else their copy in
    `data_dir` (made if missing). Called with the data folder locked."""
    installed = installed_programs()
    if user is None or installed.reachable_by(user):
        return installed
    copy = PostgresPrograms(data_dir / COPIES / installed.fingerprint())
    if not copy.root.is_dir():
        _copy(installed, copy.root)
        log.info(
            "copied the PostgreSQL programs to %s: the system user '%s' cannot reach them in %s",
            copy.root,
            user.name,
            installed.root,
        )
    return copy


def forget_other_copies(data_dir: Path, in_use: PostgresPrograms) -> None:
    """Remove copies of older programs; called when a server has just started from `in_use`, so no
    server on this data folder runs from another one."""
    copies = data_dir / COPIES
    if not copies.is_dir():
        return
    for copy in copies.iterdir():
        if copy != in_use.root:
            shutil.rmtree(copy, ignore_errors=True)


def _copy(installed: PostgresPrograms, target: Path) -> None:
    make_folders(target.parent, 0o755)
    partial = target.with_name(f".partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)  # a copy this pid left unfinished
    for path, _ in installed.needs():
        source, copy = installed.root / path, partial / path
        if source.is_dir():
            copy.mkdir(parents=True, exist_ok=True)
        else:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
            shutil.copystat(source, copy)
    # Readable (and, for programs and libraries, executable) by everyone, whatever the modes and umask.
    for top, _, files in os.walk(partial):
        Path(top).chmod(0o755)
        for name in files:
            copy = Path(top) / name
            copy.chmod(0o755 if copy.stat().st_mode & 0o111 else 0o644)
    partial.rename(target)  # whole or not at all
