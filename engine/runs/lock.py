"""One writer per run folder. The writer holds `lock` for the run's whole life: an exclusive flock
on it (the kernel drops it when the process dies, kill -9 included) and, inside it, who holds it
(pid, host, start). Its mtime is the heartbeat, touched every few seconds, so that a reader on
another machine sharing the disk can tell a live writer from a crashed one, as pip and Git tell a
live index.lock from a stale one by its pid."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from engine.errors import InputError
from engine.files.reading import KIB, parse_nested, read_text
from engine.runs.layout import LOCK

HEARTBEAT_S = 2.0  # the writer touches the lock this often
STALE_S = 30.0  # a lock from another host untouched this long is a crashed writer's


class FolderBusy(InputError):
    """Another process writes this run folder."""


@dataclass(frozen=True)
class LockInfo:
    pid: int
    host: str
    started: float
    touched: float  # the heartbeat: the lock file's mtime

    def alive(self, now: float | None = None) -> bool:
        """Whether the writer still runs: by its pid on this host, by its heartbeat elsewhere."""
        if self.host == socket.gethostname():
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return False
            except PermissionError:  # someone else's process
                return True
            return True
        return (now or time.time()) - self.touched < STALE_S

    def __str__(self) -> str:
        here = self.host == socket.gethostname()
        return f"pid {self.pid}" + ("" if here else f" on {self.host}")


def read_lock(folder: str | Path) -> LockInfo | None:
    """Who holds the folder's lock, or None when nobody does (or the file is unreadable)."""
    path = Path(folder) / LOCK
    try:
        raw = parse_nested(json.loads, read_text(path, "an nntui lock file", 4 * KIB), str(path), "an nntui lock file")
        return LockInfo(int(raw["pid"]), str(raw["host"]), float(raw["started"]), path.stat().st_mtime)
    except (InputError, OSError, ValueError, KeyError, TypeError):
        return None


class RunLock:
    """The writer's hold on a run folder, from `acquire` to `release`."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.path = self.folder / LOCK
        self._fd: int | None = None
        self._touched = 0.0

    def acquire(self) -> RunLock:
        """Take the folder, or raise FolderBusy naming the process that holds it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = read_lock(self.folder)
            raise FolderBusy(f"{self.folder}: another nntui is writing this run ({holder or 'a live process'}); "
                             "watch it with `nntui watch`, or choose another folder") from None
        except OSError as err:  # a file system without locks (ENOLCK, ENOTSUP): the pid check below decides
            if err.errno not in (errno.ENOLCK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EINVAL):
                os.close(fd)
                raise
        holder = read_lock(self.folder)  # a file system without flock (some NFS): trust a live pid
        if holder is not None and holder.pid != os.getpid() and holder.alive():
            os.close(fd)
            raise FolderBusy(f"{self.folder}: another nntui is writing this run ({holder}); watch it with "
                             "`nntui watch`, or choose another folder")
        record = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()})
        os.ftruncate(fd, 0)
        os.pwrite(fd, record.encode() + b"\n", 0)
        self._fd = fd
        self._touched = time.monotonic()
        return self

    def heartbeat(self) -> None:
        """Touch the lock (at most every HEARTBEAT_S): readers see the writer is alive."""
        now = time.monotonic()
        if self._fd is not None and now - self._touched >= HEARTBEAT_S:
            os.utime(self.path)
            self._touched = now

    def release(self) -> None:
        """Give the folder up: the lock file goes, then the flock."""
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None
