"""Atomic file writes: a temporary file beside the target, flushed and fsynced, then renamed over
it, so an interrupted save never leaves a half-written file where a good one was. Several files
that belong together are all written first and renamed only once every one is on the disk, so a
failing write (a full disk) changes none of them. Files get the mode a plain open() would give."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

TEMP_SUFFIX = ".tmp"


def _current_umask() -> int:
    """The process umask, without changing it where /proc tells (os.umask alone must set it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_current_umask()  # what open(path, "w") would create: mkstemp makes 0600


def _write_temp(target: Path, write: Callable[[IO[bytes]], object], sync: bool) -> str:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _sync_folder(folder: Path) -> None:
    """Make the renames durable (the directory entry is what a crash would lose)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: str | Path, write: Callable[[IO[bytes]], object], sync: bool = True) -> None:
    """Call `write` on a temporary file in the target's folder, then move it into place. Without
    `sync` the file is not forced to the disk first (a view redrawn twice a second: a crash may
    lose it, but a reader still never sees it half-written)."""
    target = Path(path)
    tmp = _write_temp(target, write, sync)
    try:
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str, sync: bool = True) -> None:
    write_atomic(path, lambda handle: handle.write(text.encode("utf-8")), sync)


def write_together(files: Iterable[tuple[str | Path, Callable[[IO[bytes]], object]]]) -> None:
    """Write several files as one change: every temporary file first (any failure removes them all
    and leaves every target as it was), then the renames, in the order given (put the file that
    commits the others last)."""
    written: list[tuple[str, Path]] = []
    try:
        for path, write in files:
            target = Path(path)
            written.append((_write_temp(target, write, sync=True), target))
    except BaseException:
        for tmp, _ in written:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, target in written:
        os.replace(tmp, target)
    if written:
        _sync_folder(written[-1][1].parent)


def remove_orphans(folder: str | Path) -> list[Path]:
    """Delete temporary files that a killed writer left in `folder` (call it holding the folder)."""
    removed = []
    for path in Path(folder).glob(f".*{TEMP_SUFFIX}"):
        if path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
