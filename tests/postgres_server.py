"""A throwaway PostgreSQL server for the tests: a cluster made by initdb in a temporary folder,
listening on a free loopback port, that a test can stop and start again. PostgreSQL refuses to run
as root, so under root the cluster belongs to the `postgres` user (made if missing)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "postgres"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on the PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(folders[-1]).parent if folders else None


def server_user() -> str | None:
    """The user the server runs as: ours, or under root the postgres user (made if missing)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", USER], check=True, capture_output=True)
    return USER


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """One cluster: `start()`, `stop()` (fast: connections are cut, as a crash of the server would)
    and `url` for SQLAlchemy; `remove()` stops it and deletes the folder."""

    def __init__(self, bin_folder: Path):
        self.bin = bin_folder
        self.user = server_user()
        self.folder = Path(tempfile.mkdtemp(prefix="nntui-pg-"))
        if self.user is not None:
            shutil.chown(self.folder, self.user)
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://nntui@127.0.0.1:{self.port}/postgres"
        self._as_owner(["initdb", "-D", str(self.data), "-U", "nntui", "--auth=trust", "-E", "UTF8", "--no-sync",
                        "--no-instructions"])

    def _as_owner(self, command: list[str]) -> None:
        program = [str(self.bin / command[0]), *command[1:]]
        done = subprocess.run(program, capture_output=True, text=True, timeout=60, user=self.user, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stderr or done.stdout}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_owner(["pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options, "-w",
                        "start"])

    def stop(self) -> None:
        self._as_owner(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
