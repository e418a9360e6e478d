"""Following a run from its folder, as its own process's listeners would: each `poll` turns what
the writer added since the last one (metrics rows, event records, a new view.json) into the
engine's own events, so the trainer's views draw a watched run exactly as a local one. Reads only
whole lines; a rewritten metrics.csv (a resume cut it back to its checkpoint) is read again."""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path
from typing import Any

from engine.config.schema import RunConfig
from engine.config.toml_file import load_config
from engine.errors import InputError
from engine.files.reading import open_regular
from engine.loop.events import EpochEnded, Event, Held, LrChanged, Resumed, RunFailed, RunFinished
from engine.loop.history import NAN, MetricsHistory
from engine.loop.run_state import RunStatus
from engine.runs import layout
from engine.runs.epoch_backlog import EpochBacklog, Row
from engine.runs.event_log import EventTail
from engine.runs.lock import read_lock
from engine.runs.metrics_file import HEADER, METRICS_LIMIT, READ_CHUNK, parse_row
from engine.runs.records import count_field, finished_from, number_field, snapshot_from, started_from
from engine.runs.run_reader import RunReader
from engine.runs.status import NotARun, run_status


class RunWatcher:
    """The reading side of one run folder."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        if not (self.folder / layout.CONFIG).exists():
            raise NotARun(f"{self.folder}: not a run folder (no {layout.CONFIG})")
        self.config: RunConfig = load_config(self.folder / layout.CONFIG)
        self.history = MetricsHistory()
        self.events = EventTail(self.folder / layout.EVENTS)
        self.torn_lines = 0  # metrics rows seen torn at the end of the file (being written)
        self.reset = False  # the last poll started the history over (metrics.csv was rewritten)
        self._metrics_id: tuple[int, int] | None = None  # (inode, device) of the file read so far
        self._metrics_offset = 0
        self._view_stamp: tuple[int, int] | None = None
        self._last_lr: float | None = None

    @property
    def status(self) -> str:
        return run_status(self.events.records, read_lock(self.folder)) if self.events.records else RunStatus.NEW

    def poll(self) -> list[Event]:
        """The events since the last poll, oldest first."""
        told = [event for event in map(self._event, self.events.read()) if event is not None]
        if not any(r["event"] == "start" for r in self.events.records):
            return told  # nothing to draw epochs on before the run has said what it is
        ends = [event for event in told if isinstance(event, (RunFinished, RunFailed))]
        view = self._new_view()
        # The start first, then the epochs and the picture, and an end after its last epoch.
        return ([e for e in told if e not in ends] + self._new_epochs() + ([view] if view is not None else [])
                + ends)

    def _event(self, record: dict[str, Any]) -> Event | None:
        kind = record["event"]
        if kind == "start":
            try:
                self.config = load_config(self.folder / layout.CONFIG)
            except InputError:
                pass
            return started_from(record, self.config)
        if kind == "pause":
            return Held(count_field(record, "epoch"))
        if kind == "resume":
            return Resumed(count_field(record, "epoch"))
        lr = number_field(record, "lr")
        if kind == "lr" and lr is not None:
            return LrChanged(count_field(record, "epoch"), lr, number_field(record, "previous") or 0.0)
        if kind == "end":
            return finished_from(record)
        return None

    def _new_epochs(self) -> list[EpochEnded]:
        """The rows added since the last poll, into the history, and those of them to tell (every
        one of a live run's few; of a long backlog, those the trainer shows: see EpochBacklog).
        Read a chunk at a time: a 3M-epoch file is never held whole, as text or as rows."""
        path = self.folder / layout.METRICS
        try:
            info = os.stat(path)
        except OSError:
            return []
        identity = (info.st_ino, info.st_dev)
        self.reset = identity != self._metrics_id or info.st_size < self._metrics_offset
        if self.reset:
            self._metrics_id, self._metrics_offset, self._last_lr = identity, 0, None
            self.history = MetricsHistory()
        backlog = EpochBacklog(self.config, self._last_lr)
        try:
            with open_regular(path, "an nntui metrics file") as handle:
                handle.seek(self._metrics_offset)
                rest, left = b"", METRICS_LIMIT
                while left > 0 and (chunk := handle.read(min(READ_CHUNK, left))):
                    left -= len(chunk)
                    block = rest + chunk
                    end = block.rfind(b"\n") + 1
                    rows = self._rows(block[:end], str(path))
                    self._metrics_offset += end
                    self.history.extend_rows(rows)
                    backlog.add(rows)
                    rest = block[end:]
        except InputError:
            return []
        self.torn_lines += bool(rest)
        self._last_lr = backlog.last_lr
        total = self.config.train.epochs
        elapsed, rate = self._timing()
        return [EpochEnded(epoch, total, train, None if math.isnan(test) else test,
                           None if math.isnan(accuracy) else accuracy, rate, elapsed, NAN if math.isnan(lr) else lr,
                           backlog.logged(epoch))
                for epoch, train, test, accuracy, lr in backlog.told()]

    def _rows(self, lines: bytes, name: str) -> list[Row]:
        """The rows in whole lines of the file; the header (at its start) and damaged rows are
        skipped, like damaged event records."""
        rows: list[Row] = []
        for line in lines.decode("utf-8", "replace").split("\n")[:-1]:
            if line == HEADER and not rows and not len(self.history):
                continue
            try:
                rows.append(parse_row(line, name, 0))
            except InputError:
                continue
        return rows

    def _timing(self) -> tuple[float, float]:
        """(seconds since the run started, samples a second) as the records tell them: the writer's
        own timings are not in the folder, and the rate is the whole run's average."""
        starts = [r for r in self.events.records if r["event"] == "start"]
        if not starts:
            return 0.0, 0.0
        last = self.events.records[-1]
        ended = last["event"] == "end"
        elapsed = max(float(last["time"] if ended else time.time()) - float(starts[-1]["time"]), 1e-9)
        trained = max(len(self.history) - count_field(starts[-1], "resumed_at"), 0)
        return elapsed, trained * count_field(starts[-1], "train_samples") / elapsed

    def _new_view(self):
        path = self.folder / layout.VIEW
        try:
            info = os.stat(path)
        except OSError:
            return None
        stamp = (info.st_ino, info.st_mtime_ns)
        if stamp == self._view_stamp:
            return None
        self._view_stamp = stamp
        try:
            with open_regular(path, "an nntui view file", limit=64 << 20) as handle:
                record = json.loads(handle.read())
        except (InputError, ValueError, RecursionError):
            return None
        return snapshot_from(record) if isinstance(record, dict) else None


_conforms: type[RunReader] = RunWatcher  # mypy checks that it reads as a RunReader
