"""A sweep's journal file checked before Optuna reads it: Optuna blocks forever on a FIFO, and on
a torn or garbled line it raises a bare JSONDecodeError or AssertionError, and appends its next
record onto a torn last line, so one bad line poisons every later read. A journal that is not
one whole JSON record per line is refused, naming the file and the line; it is never rewritten."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from optuna.storages.journal._storage import JournalOperation

from engine.errors import InputError

OP_CODES = frozenset(op.value for op in JournalOperation)


def check_journal(path: Path, option: str) -> None:
    """Refuse (InputError naming `option`, the file and what is wrong) a journal that is not a
    regular file of whole Optuna records; a file that does not exist yet is fine (Optuna makes it)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise InputError(f"{option} {path}: cannot read the journal: {err.strerror}") from None
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"
        raise InputError(f"{option} {path}: is {kind}, not a sweep journal file")
    try:
        with path.open("rb") as journal:
            for number, line in enumerate(journal, start=1):
                problem = _line_problem(line)
                if problem:
                    raise InputError(f"{option} {path}: line {number} {problem}; the journal is damaged "
                                     "(nntui leaves it as it is)")
    except OSError as err:
        raise InputError(f"{option} {path}: cannot read the journal: {err.strerror}") from None


def _line_problem(line: bytes) -> str | None:
    """What is wrong with one journal line, or None for a whole Optuna record."""
    if not line.endswith(b"\n"):
        return "stops in the middle of a record (a writer was stopped mid-write)"
    try:
        record = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return "is not a JSON record"
    if not isinstance(record, dict) or record.get("op_code") not in OP_CODES:
        return "is not an Optuna journal record (no known op_code)"
    return None


def journal_damage(where: str) -> str | None:
    """Why the journal at `where` is damaged (its one-line refusal), or None when `where` is a
    database URL or a sound journal: an error from Optuna mid-sweep is put down to the journal
    only when the journal is seen to be damaged."""
    if "://" in where:
        return None
    try:
        check_journal(Path(where), "the sweep's journal")
    except InputError as err:
        return str(err)
    return None
