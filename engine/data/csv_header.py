"""A CSV file's column names, read without the rows and without torch: the trainer's Data panel
asks for them as the user types a path, to offer the target column and to check it."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from engine.errors import DataError
from engine.files.reading import TABLE_LIMIT, open_regular

if TYPE_CHECKING:
    from _csv import Reader  # csv.reader's type: rows, and the line number it has read to

DELIMITERS = (",", ";", "\t", "|")
SNIFF_CHARS = 1 << 16  # the header line is within the first 64 KiB of any sane table


def header_line(reader: Iterator[list[str]], name: str) -> tuple[str, ...]:
    """The first non-blank line of `reader`, stripped: a table's column names."""
    header = next(reader, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = next(reader, None)
    if header is None:
        raise DataError(f"{name}: empty file (expected a header line of column names)")
    return tuple(cell.strip() for cell in header)


def columns_text(header: tuple[str, ...], shown: int = 12) -> str:
    """Column names for a message; a wide table's list is cut, with the count."""
    if len(header) <= shown:
        return ", ".join(header)
    return f"{', '.join(header[:shown])}, ... ({len(header)} in all)"


def header_difference(found: tuple[str, ...], expected: tuple[str, ...]) -> str:
    """The first place two headers part, rather than both headers: a wide file has thousands."""
    for index, (a, b) in enumerate(zip(found, expected), start=1):
        if a != b:
            return f"column {index} is {a!r}, not {b!r}"
    return f"{len(found)} columns, not {len(expected)}"


def missing_column(path: str, target: str, header: tuple[str, ...]) -> str | None:
    """Why `target` cannot be the target of a file with `header`, or None; empty means the last."""
    if not target or target in header:
        return None
    return f"{path}, line 1: no column '{target}' (columns: {columns_text(header)})"


@contextmanager
def reading(name: str) -> Iterator[None]:
    """Turn what opening and parsing a CSV file can raise into DataError naming the file."""
    try:
        yield
    except FileNotFoundError:
        raise DataError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{name}: is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise DataError(f"{name}: not a UTF-8 text file") from None
    except csv.Error as err:
        raise DataError(f"{name}: not readable as CSV ({err})") from None
    except OSError as err:
        raise DataError(f"{name}: cannot be read ({err.strerror or err})") from None


def open_table(path: str | Path) -> TextIO:
    """The file opened for csv.reader; a pipe or a device is refused, not waited on forever, and
    so is a file too large to hold in memory."""
    return io.TextIOWrapper(open_regular(path, "a CSV file", DataError, TABLE_LIMIT), encoding="utf-8-sig", newline="")


def sniff_delimiter(sample: str) -> str:
    """The cell separator of a table from its first non-blank line: a comma when it splits the line,
    else whichever of ; tab | splits it into the most cells (Excel writes ; where the decimal mark
    is a comma); a line no candidate splits is one column."""
    line = next((text for text in sample.splitlines() if text.strip()), "")
    cells = {delimiter: len(next(csv.reader([line], delimiter=delimiter), [])) for delimiter in DELIMITERS}
    if cells[","] > 1:
        return ","
    best = max(DELIMITERS, key=lambda delimiter: cells[delimiter])
    return best if cells[best] > 1 else ","


def table_reader(handle: TextIO) -> tuple[Reader, str]:
    """A csv.reader over `handle` with its sniffed delimiter, and the delimiter. A stream that
    cannot seek (stdin) is sniffed from its first non-blank line, which the reader still reads."""
    if handle.seekable():
        start = handle.tell()
        delimiter = sniff_delimiter(handle.read(SNIFF_CHARS))
        handle.seek(start)
        return csv.reader(handle, delimiter=delimiter), delimiter
    first = []
    for line in handle:
        first.append(line)
        if line.strip():
            break
    delimiter = sniff_delimiter("".join(first))
    return csv.reader(itertools.chain(first, handle), delimiter=delimiter), delimiter


def delimiter_name(delimiter: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}.get(delimiter, repr(delimiter))


def read_header(path: str | Path) -> tuple[str, ...]:
    """The column names of one CSV file; DataError names the file and what is wrong."""
    name = str(path)
    with reading(name), open_table(path) as handle:
        return header_line(table_reader(handle)[0], name)
