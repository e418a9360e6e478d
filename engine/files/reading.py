"""Reading the files a user names without hanging or exhausting memory. Only regular files are
read: a FIFO would block forever and /dev/zero never ends. The file is opened non-blocking and
checked on the open descriptor, so a path swapped for a pipe after a check cannot hang either,
and files read whole stop at a size limit that the message names."""

from __future__ import annotations

import fcntl
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from engine.errors import InputError

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30
TEXT_LIMIT = 16 * MIB  # a TOML or JSON file nntui wrote is kilobytes
TABLE_LIMIT = 4 * GIB  # a CSV file is held in memory whole once parsed
TENSOR_LIMIT = 8 * GIB  # checkpoint.pt, model.pt


def size_text(size: int) -> str:
    """Bytes as a person reads them: 16 MiB, 4 GiB, 812 bytes."""
    for unit, name in ((GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")):
        if size >= unit:
            value = size / unit
            return f"{value:.0f} {name}" if value.is_integer() or value >= 10 else f"{value:.1f} {name}"
    return f"{size} bytes"


def open_regular(path: str | Path, what: str, error: type[InputError] = InputError,
                 limit: int | None = None) -> IO[bytes]:
    """Open `path` for reading in binary, refusing anything but a regular file (a missing file, a
    folder, a pipe, a device, a socket) and, with `limit`, a file larger than that; `error` (an
    InputError) names the path and the `what` it should have been."""
    name = str(path)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise error(f"{name}: no such file (expected {what})") from None
    except OSError as err:
        raise error(f"{name}: cannot be read ({err.strerror or err})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{name}: is a directory, not {what}")
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{name}: not a regular file (a pipe, device or socket cannot be read as {what})")
        if limit is not None and info.st_size > limit:
            raise error(f"{name}: {size_text(info.st_size)}, more than the {size_text(limit)} {what} may have")
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_limited(path: str | Path, what: str, limit: int = TEXT_LIMIT,
                 error: type[InputError] = InputError) -> bytes:
    """The whole of a regular file of at most `limit` bytes (checked while reading too: a file in
    /proc reports size 0, and a file may grow after the check)."""
    with open_regular(path, what, error, limit) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise error(f"{path}: more than the {size_text(limit)} {what} may have")
    return data


def read_text(path: str | Path, what: str, limit: int = TEXT_LIMIT, error: type[InputError] = InputError) -> str:
    """A regular UTF-8 text file read whole, within `limit` bytes."""
    data = read_limited(path, what, limit, error)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{path}: not a UTF-8 text file (expected {what})") from None


def parse_nested(parse: Callable[[str], Any], text: str, name: str, what: str,
                 error: type[InputError] = InputError) -> Any:
    """`parse(text)` (tomllib.loads, json.loads) with nesting too deep for Python's stack, or an
    integer too long for Python to convert, refused as input rather than raised."""
    try:
        return parse(text)
    except RecursionError:
        raise error(f"{name}: nested too deeply to be {what}") from None
    except ValueError as err:
        if not is_too_long_integer(err):
            raise
        raise error(f"{name}: {too_long_integer()}, not {what}") from None


def is_too_long_integer(err: ValueError) -> bool:
    """Whether `err` is Python's refusal to convert an integer of more digits than it allows
    (a plain ValueError, where the parsers' own errors are subclasses of it)."""
    return type(err) is ValueError and "integer string conversion" in str(err)


def too_long_integer() -> str:
    """What is wrong with such a number, in the words of a one-line message."""
    return f"holds an integer of more than {sys.get_int_max_str_digits()} digits"
