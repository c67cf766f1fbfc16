"""Who runs the embedded PostgreSQL, and the checks on its data folder, all made before anything starts.

As root, PostgreSQL runs as the system user `pgserver` (created if missing), with its own group and no other
group. That user must be able to enter the data folder and each of its parents. The checks here only read
folder modes. A folder is changed only when this code creates it, which it does inside the data folder
(and for missing parents of it). If a folder that already exists is not enterable, the start is refused
and the message says what to do.
"""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

SYSTEM_USER = "pgserver"  # pgserver's name for it, so data folders it created keep their owner
SOCKET_NAME = ".s.PGSQL.5432"  # the server is always started with port 5432 (it only names the socket)
MAX_SOCKET_PATH_BYTES = 107  # sizeof(sockaddr_un.sun_path) on Linux, less the closing NUL
_SHELL_SPECIAL = set('"$`\\')  # pg_ctl passes the data folder to /bin/sh inside double quotes
_USERADD = "useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin"


class EmbeddedPostgresError(Exception):
    code = "EMBEDDED_POSTGRES"


@dataclass(frozen=True, slots=True)
class SystemUser:
    name: str
    uid: int
    gid: int

    def may(self, path: Path, permissions: int) -> bool:
        """Whether this user has `permissions` (a mix of R_OK, W_OK, X_OK) on `path`, by its mode bits."""
        status = path.stat()
        if status.st_uid == self.uid:
            granted = status.st_mode >> 6
        elif status.st_gid == self.gid:
            granted = status.st_mode >> 3
        else:
            granted = status.st_mode
        return (granted & permissions) == permissions

    def first_folder_it_cannot_enter(self, path: Path) -> Path | None:
        """`path` (resolved) or the outermost of its parents that this user cannot enter, if any."""
        for folder in reversed([path, *path.parents]):
            if not self.may(folder, os.X_OK):
                return folder
        return None


def system_user() -> SystemUser | None:
    """As root, the user that runs PostgreSQL (which refuses to run as root), created if missing; None
    for anyone else, who runs it as themselves."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        entry = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        # Another process may create it meanwhile: useradd then fails, and the lookup below settles it.
        created = subprocess.run(
            [*_USERADD.split(), SYSTEM_USER], capture_output=True, text=True, check=False
        )
        try:
            entry = pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            raise EmbeddedPostgresError(
                f"could not create the system user '{SYSTEM_USER}' that runs the embedded PostgreSQL as"
                f" root: {created.stderr.strip()}; create it, or set FITCOACH_DATABASE_URL"
            ) from None
    return SystemUser(SYSTEM_USER, entry.pw_uid, entry.pw_gid)


def check_data_dir(data_dir: Path) -> None:
    """Refuse, as root, a data folder inside a home folder: a home folder is private to its owner, and
    the system user that runs PostgreSQL would need to enter it."""
    if os.geteuid() != 0:
        return
    resolved = Path(data_dir).expanduser().resolve()
    homes = {Path("/root"), Path("/home"), Path.home().resolve()} - {Path("/")}
    if any(home == resolved or home in resolved.parents for home in homes):
        raise EmbeddedPostgresError(
            f"FITCOACH_DATA_DIR={resolved} is inside a home folder: run as root, the embedded PostgreSQL runs"
            f" as the system user '{SYSTEM_USER}', which must be able to enter every folder above its data;"
            " choose a folder such as /var/lib/fitcoach, or set FITCOACH_DATABASE_URL"
        )


def check_socket_path(pgdata: Path) -> None:
    """The server's unix socket is in `pgdata` and nowhere else (pgserver would move a socket whose path
    is too long to a world-writable folder; the server trusts every local connection)."""
    socket = pgdata / SOCKET_NAME
    length = len(os.fsencode(socket))
    if length > MAX_SOCKET_PATH_BYTES:
        longest = MAX_SOCKET_PATH_BYTES - (length - len(os.fsencode(pgdata.parent)))
        raise EmbeddedPostgresError(
            f"the embedded PostgreSQL's socket {socket} would be {length} bytes long, more than the"
            f" {MAX_SOCKET_PATH_BYTES} a unix socket path may have: choose a FITCOACH_DATA_DIR of at most"
            f" {longest} bytes, or set FITCOACH_DATABASE_URL"
        )
    if _SHELL_SPECIAL & set(str(pgdata)) or any(ord(character) < 32 for character in str(pgdata)):
        raise EmbeddedPostgresError(
            f"FITCOACH_DATA_DIR={pgdata.parent} holds a character that pg_ctl cannot pass on"
            ' (" $ ` \\ or a control character): choose another folder'
        )


def make_data_dir(data_dir: Path, user: SystemUser | None) -> None:
    """Refuse, as root, a data folder the system user could not reach, before creating anything; then
    create `data_dir` and its missing parents (mode 0755, so that user may enter them)."""
    if user is not None:
        existing = next(folder for folder in [data_dir, *data_dir.parents] if folder.exists())
        blocked = user.first_folder_it_cannot_enter(existing)
        if blocked is not None:
            raise EmbeddedPostgresError(
                f"the system user '{user.name}' that runs the embedded PostgreSQL as root cannot enter"
                f" {blocked} (mode {stat.S_IMODE(blocked.stat().st_mode):04o}), a folder on the way to"
                f" FITCOACH_DATA_DIR={data_dir}, and fitcoach changes no folder outside its data folder:"
                " choose a data folder that other users may reach (such as /var/lib/fitcoach), allow it"
                f" yourself (chmod o+x {blocked}), or set FITCOACH_DATABASE_URL"
            )
    make_folders(data_dir, 0o755)


def make_folders(folder: Path, mode: int) -> None:
    """Create `folder` and its missing parents with `mode` (whatever the umask); folders that exist are
    left as they are."""
    missing = [path for path in [folder, *folder.parents] if not path.exists()]
    for path in reversed(missing):
        try:
            path.mkdir(mode=mode)
        except FileExistsError:
            continue  # another process made it meanwhile
        path.chmod(mode)
