"""Opening a file the writer appends to for a whole run (events.jsonl, metrics.csv) without
hanging: a FIFO put in its place would block `open` until some reader came. The file is opened
non-blocking (a FIFO without a reader fails at once) and must be a regular file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import TextIO


def open_append(path: str | Path) -> TextIO:
    """`path` opened for appending UTF-8 lines, created with the mode a plain `open()` gives; an
    OSError naming why when it is anything but a regular file."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "a", encoding="utf-8", newline="\n")
    except BaseException:
        os.close(fd)
        raise
