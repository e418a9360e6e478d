"""Following a TensorBoard run as nntui follows its own: each `poll` turns the scalars its event
files gained into the engine's events (a RunStarted first, then one EpochEnded a step), so that
`nntui watch` and the trainer draw it with the code that draws a local run. A step is passed on
once a later step has been written, or once the files have been still for SETTLE_S: its other
tags (a test loss logged after the train loss) have arrived by then. `choose` draws another pair of
tags: the watcher starts over from what it has read, as if the run were opened afresh."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.config.schema import RunConfig, replaced
from engine.errors import InputError
from engine.loop.events import EpochEnded, Event, RunFinished, RunStarted
from engine.loop.history import NAN, MetricsHistory
from engine.loop.run_state import RunStatus
from engine.runs.run_reader import RunReader
from engine.runs.tensorboard.foreign_run import TagFigures, TensorBoardRun
from engine.runs.tensorboard.logdir import holds_events
from engine.runs.tensorboard.tags import COLUMNS, TagPair, higher_is_better, tag_pairs

SETTLE_S = 1.0
CANNOT_CONTROL = ("a TensorBoard run written by another program cannot be controlled from nntui "
                  "(no pause, step, stop or lr change): it is only watched")


@dataclass(frozen=True)
class TagListing:
    """What the trainer lists of a TensorBoard run: each tag's figures, the pair drawn, the pairs
    it can draw instead, and the hparams the run declares."""

    figures: dict[str, TagFigures]
    drawn: TagPair
    pairs: tuple[TagPair, ...]
    hparams: dict[str, Any]


class TensorBoardWatcher:
    """The reading side of one TensorBoard run folder, with RunWatcher's face."""

    torn_lines = 0
    reset = False

    def __init__(self, folder: str | Path, chosen: dict[str, str | None] | None = None):
        self.folder = Path(folder)
        if not holds_events(self.folder):
            raise InputError(f"{self.folder}: holds no TensorBoard event files")
        self.run = TensorBoardRun(self.folder, chosen)
        self._listing: tuple[tuple, TagListing] | None = None  # (what it was made of, the listing)
        self._start_over()

    def _start_over(self) -> None:
        """Forget what was passed on; the next poll passes on everything read, from a RunStarted."""
        self.config = replaced(RunConfig(), "train", epochs=1)  # grows with the steps: its length is not known ahead
        self.history = MetricsHistory()
        self._read: dict[str, int] = {}  # tag -> points of its series already taken into `pending`
        self._pending: dict[int, list[float]] = {}  # step -> row not passed on yet
        self._started = False
        self._ended = False

    @property
    def status(self) -> str:
        return RunStatus.RUNNING if self.run.live else RunStatus.ENDED

    def problems(self) -> list[str]:
        return self.run.problems()

    def listing(self) -> TagListing:
        """The run's tags as read so far (safe to call while another thread polls); made again only
        once points were read or another pair chosen (the trainer asks at every redraw)."""
        key = (self.run.points, tuple(sorted(self.run.chosen.items(), key=str)))
        if self._listing is None or self._listing[0] != key:
            figures = self.run.tag_figures()
            self._listing = key, TagListing(figures, self.run.pair(), tuple(tag_pairs(list(figures))),
                                            self.run.hparams)
        return self._listing[1]

    def choose(self, pair: TagPair) -> None:
        """Draw `pair` as the train and test curves from the next poll on, which starts over."""
        self.run.chosen = pair.chosen()
        self._start_over()

    def poll(self) -> list[Event]:
        """The events since the last poll, oldest first."""
        self.run.poll()
        told: list[Event] = []
        if not self._started:
            self._started = True
            told.append(RunStarted(self.config, task="", device="", summary=f"TensorBoard run {self.folder}",
                                   parameter_count=0, train_samples=0, test_samples=0,
                                   warnings=tuple(self.run.problems()), best_is_highest=self._test_is_score()))
        columns = self.run.columns()
        for index, column in enumerate(COLUMNS):
            tag = columns.get(column)
            if tag is None:
                continue
            series = self.run.series[tag]
            start = self._read.get(tag, 0)
            for step, value in zip(series.steps[start:], series.values[start:]):
                self._pending.setdefault(step, [NAN, NAN, NAN, NAN])[index] = value
            self._read[tag] = len(series.steps)
        settled = time.time() - self.run.written >= SETTLE_S
        newest = max(self._pending, default=None)
        last = int(self.history.epochs[-1]) if len(self.history) else None
        ready = sorted(step for step in self._pending if settled or step != newest)
        rows: list[tuple[int, float, float, float, float]] = []
        for step in ready:
            row = self._pending.pop(step)
            if last is None or step > last:  # a step written again (a restarted script) is not drawn twice
                rows.append((step, row[0], row[1], row[2], row[3]))
                last = step
        self.history.extend_rows(rows)
        if rows and rows[-1][0] > self.config.train.epochs:
            self.config = replaced(self.config, "train", epochs=rows[-1][0])
        told += [EpochEnded(step, self.config.train.epochs, train, _measured(test), _measured(accuracy), 0.0, 0.0, lr,
                            True) for step, train, test, accuracy, lr in rows]
        if not self._ended and not self.run.live and not self._pending:
            self._ended = True
            told.append(RunFinished(RunStatus.ENDED, last or 0, None, None, None,
                                    "its event files have not changed for 30 s"))
        return told


    def _test_is_score(self) -> bool:
        """The tag drawn as the test curve is an accuracy (or another score): its best is its highest."""
        test = self.run.pair().test
        return test is not None and higher_is_better(test)



def _measured(value: float) -> float | None:
    return None if math.isnan(value) else value


_conforms: type[RunReader] = TensorBoardWatcher  # mypy checks that it reads as a RunReader
