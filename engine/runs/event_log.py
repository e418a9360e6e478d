"""events.jsonl: the run's story, one JSON object per line, appended and never rewritten: start,
pauses and resumes, learning-rate changes, checkpoints, controls applied, and the end with its
status. Per-epoch numbers go to metrics.csv. A reader takes only lines that end in a newline (the
last one may be half-written) and skips a damaged line, saying so once: one that is not JSON, or
not a record with its event and its time."""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from engine.files.appending import open_append
from engine.files.reading import MIB, open_regular

EVENTS_LIMIT = 256 * MIB  # years of pauses and lr changes


class EventLog:
    """The writer's handle: each `append` is one line, flushed at once (a reader sees it)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._file = open_append(self.path)  # held for the run

    def append(self, event: str, **fields: Any) -> None:
        record = {"event": event, "time": round(time.time(), 3), **fields}
        self._file.write(json.dumps(record, allow_nan=False, default=str) + "\n")
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()


def read_new_objects(path: Path, offset: int, what: str, limit: int) -> tuple[list[Any], int, bool, int]:
    """The JSON values on the whole lines appended to `path` past `offset` (at most `limit` bytes):
    (values, the new offset, whether the file ends inside a line, lines that were not JSON). A
    missing or unreadable file has nothing new. events.jsonl and control.jsonl are both read so."""
    try:
        handle: IO[bytes] = open_regular(path, what)
    except Exception:  # not there yet, or gone
        return [], offset, False, 0
    with handle:
        handle.seek(offset)
        chunk = handle.read(limit)
    end = chunk.rfind(b"\n") + 1
    values, damaged = [], 0
    for line in chunk[:end].splitlines():
        try:
            values.append(json.loads(line))
        except (ValueError, RecursionError):
            damaged += bool(line.strip())
    return values, offset + end, end < len(chunk), damaged


@dataclass
class EventTail:
    """Reads a growing events.jsonl a piece at a time: `read` returns the records added since the
    last call. `damaged` counts lines that were not records (said once by the caller)."""

    path: Path
    offset: int = 0
    damaged: int = 0
    torn: bool = False  # the file ends inside a line (being written, or cut by a crash)
    records: list[dict[str, Any]] = field(default_factory=list)

    def read(self) -> list[dict[str, Any]]:
        values, self.offset, self.torn, damaged = read_new_objects(self.path, self.offset, "an nntui event log",
                                                                   EVENTS_LIMIT)
        new = [v for v in values if isinstance(v, dict) and isinstance(v.get("event"), str) and _stamped(v)]
        self.damaged += damaged + len(values) - len(new)
        self.records.extend(new)
        return new


def _stamped(record: dict[str, Any]) -> bool:
    """Whether the record has the finite unix time every record is written with: the listing and
    the watcher reckon a run's start, end and speed from it."""
    stamp = record.get("time")
    return isinstance(stamp, (int, float)) and not isinstance(stamp, bool) and math.isfinite(stamp)


def read_events(path: str | Path) -> EventTail:
    """All complete records of an event log, with what was damaged or torn."""
    tail = EventTail(Path(path))
    tail.read()
    return tail
