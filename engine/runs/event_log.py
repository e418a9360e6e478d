"""events.jsonl: the run's story, one JSON object per line, appended and never rewritten: start,
pauses and resumes, learning-rate changes, checkpoints, controls applied, and the end with its
status. Per-epoch numbers go to metrics.csv. A reader takes only lines that end in a newline (the
last one may be half-written) and skips a damaged line, saying so once."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from engine.files.reading import MIB, open_regular

EVENTS_LIMIT = 256 * MIB  # years of pauses and lr changes


class EventLog:
    """The writer's handle: each `append` is one line, flushed at once (a reader sees it)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._file = open(self.path, "a", encoding="utf-8", newline="\n")  # noqa: SIM115 (held for the run)

    def append(self, event: str, **fields: Any) -> None:
        record = {"event": event, "time": round(time.time(), 3), **fields}
        self._file.write(json.dumps(record, allow_nan=False, default=str) + "\n")
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()


@dataclass
class EventTail:
    """Reads a growing events.jsonl a piece at a time: `read` returns the records added since the
    last call. `damaged` counts lines that were not JSON objects (said once by the caller)."""

    path: Path
    offset: int = 0
    damaged: int = 0
    torn: bool = False  # the file ends inside a line (being written, or cut by a crash)
    records: list[dict[str, Any]] = field(default_factory=list)

    def read(self) -> list[dict[str, Any]]:
        try:
            handle: BinaryIO = open_regular(self.path, "an nntui event log")
        except Exception:  # not there yet, or gone: nothing new
            return []
        with handle:
            handle.seek(self.offset)
            chunk = handle.read(EVENTS_LIMIT)
        end = chunk.rfind(b"\n") + 1
        self.torn = end < len(chunk)
        self.offset += end
        new = []
        for line in chunk[:end].splitlines():
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):
                record = None
            if isinstance(record, dict) and isinstance(record.get("event"), str):
                new.append(record)
            elif line.strip():
                self.damaged += 1
        self.records.extend(new)
        return new


def read_events(path: str | Path) -> EventTail:
    """All complete records of an event log, with what was damaged or torn."""
    tail = EventTail(Path(path))
    tail.read()
    return tail
