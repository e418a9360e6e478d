"""A TensorBoard run: the event files of one folder (a script's SummaryWriter, tensorboardX,
Lightning's TensorBoardLogger), read as they grow into a series per scalar tag, with the hparams
they declare. The Loss view's history is built from the tags that stand for its columns, one row
a step; every tag keeps its own min, max and last for listings and comparisons."""

from __future__ import annotations

import math
import os
import time
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.loop.history import NAN, MetricsHistory
from engine.runs.tensorboard.event_files import EventFileTail, is_event_file
from engine.runs.tensorboard.tags import COLUMNS, TagPair, column_tags

LIVE_S = 30.0  # a run whose event files changed this recently is taken as still written


@dataclass(frozen=True)
class TagFigures:
    """One tag's figures over the run."""

    points: int
    first_step: int
    last_step: int
    minimum: float
    maximum: float
    last: float


class TagSeries:
    """The (step, value) points of one tag, in compact arrays."""

    def __init__(self) -> None:
        self.steps = array("q")
        self.values = array("d")
        self._low, self._high, self._seen = math.inf, -math.inf, 0  # over values[:_seen], finite ones

    def figures(self) -> TagFigures:
        """Its figures, reading only the points added since the last call (a live view asks often)."""
        count = min(len(self.steps), len(self.values))  # (the reading thread may be appending)
        finite = [v for v in self.values[self._seen:count] if math.isfinite(v)]
        if finite:
            self._low, self._high = min(self._low, min(finite)), max(self._high, max(finite))
        self._seen = count
        low, high = (self._low, self._high) if self._low <= self._high else (NAN, NAN)
        return TagFigures(count, self.steps[0], self.steps[count - 1], low, high, self.values[count - 1])


class TensorBoardRun:
    """The reading side of one TensorBoard run folder (its event files, old and new)."""

    def __init__(self, folder: str | Path, chosen: dict[str, str | None] | None = None):
        self.folder = Path(folder)
        self.chosen = chosen or {}
        self.files: dict[str, EventFileTail] = {}
        self.series: dict[str, TagSeries] = {}
        self.written = 0.0  # the newest event file's modification time
        self.points = 0  # read so far, over every tag

    @property
    def hparams(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name in sorted(self.files):
            found.update(self.files[name].hparams)
        return found

    @property
    def live(self) -> bool:
        return time.time() - self.written < LIVE_S

    def problems(self) -> list[str]:
        """What could not be read, one line each (a torn last record of a live run is not one)."""
        found = []
        for tail in self.files.values():
            if tail.problem:
                found.append(tail.problem)
            elif tail.stopped and (not self.live or "truncated" not in tail.stopped):
                found.append(tail.stopped)
        return found

    def poll(self) -> int:
        """Read what the event files gained (new files included); how many points."""
        try:
            names = sorted(entry.name for entry in os.scandir(self.folder) if is_event_file(entry.name))
        except OSError:
            names = []
        added = 0
        for name in names:
            tail = self.files.get(name)
            if tail is None:
                tail = self.files[name] = EventFileTail(self.folder / name)
            for tag, step, value in tail.read():
                series = self.series.get(tag)
                if series is None:
                    series = self.series[tag] = TagSeries()
                series.steps.append(step)
                series.values.append(value)
                added += 1
            try:
                self.written = max(self.written, os.stat(tail.path).st_mtime)
            except OSError:
                pass
        self.points += added
        return added

    def columns(self) -> dict[str, str]:
        """column -> tag shown in it."""
        return column_tags(sorted(self.series), self.chosen)

    def tag_figures(self) -> dict[str, TagFigures]:
        """Every scalar tag's figures so far, by name."""
        return {tag: series.figures() for tag, series in sorted(list(self.series.items())) if len(series.values)}

    def pair(self) -> TagPair:
        """The tags drawn as the train and test curves."""
        columns = self.columns()
        return TagPair(columns.get("train_loss"), columns.get("test_loss"))

    def history(self, from_step: int | None = None, before_step: int | None = None) -> MetricsHistory:
        """The Loss view's rows, one a step any column's tag has, NaN where a tag has none; only
        the steps in [from_step, before_step) when given (a watcher's new rows)."""
        by_step: dict[int, list[float]] = {}
        for index, column in enumerate(COLUMNS):
            tag = self.columns().get(column)
            if tag is None:
                continue
            series = self.series[tag]
            for step, value in zip(series.steps, series.values):
                if (from_step is not None and step < from_step) or (before_step is not None and step >= before_step):
                    continue
                row = by_step.get(step)
                if row is None:
                    row = by_step[step] = [NAN, NAN, NAN, NAN]
                row[index] = value  # a step written twice (a restarted script): its last value
        history = MetricsHistory()
        history.extend_rows([(step, *by_step[step]) for step in sorted(by_step)])  # type: ignore[misc]
        return history

    def last_step(self) -> int | None:
        steps = [series.steps[-1] for tag, series in self.series.items() if tag in self.columns().values()]
        return max(steps) if steps else None
