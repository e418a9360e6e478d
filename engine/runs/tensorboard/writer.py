"""A run's scalars into TensorBoard event files while it trains, written by the recorder's writer
thread through torch's SummaryWriter and flushed at least once a second. A fast run (thousands
of epochs a second) would spend the engine's time in the SummaryWriter's pure-Python framing, so
at most ROWS_PER_S epochs a second are written (every epoch of a slower run; always the epochs that
measured the test set and the last one): TensorBoard keeps 1,000 points a tag anyway, and
metrics.csv keeps every epoch."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from engine.config.schema import RunConfig
from engine.errors import InputError
from engine.loop.events import Snapshot
from engine.loop.history import MetricsHistory
from engine.runs.tensorboard.scalars import METRICS, config_hparams, epoch_scalars, snapshot_scalars

ENV = "NNTUI_TENSORBOARD"
ROWS_PER_S = 200  # epochs written a second at most (each costs ~35 us of the GIL, one event an epoch)
FLUSH_EVERY_S = 1.0
OFF, ON = ("", "0", "false", "no", "off"), ("1", "true", "yes", "on")
INSTALL = "the tensorboard package is not installed (pip install 'nntui[tensorboard]')"


def tensorboard_folder(run_folder: Path, enabled: bool = False, chosen: str | Path | None = None,
                       environ: dict[str, str] | None = None) -> Path | None:
    """Where a run's event files go, or None for none: the run folder itself (`tensorboard
    --logdir runs` then shows every run), or `chosen/<run folder's name>`. Off unless `enabled`,
    `chosen` or $NNTUI_TENSORBOARD (1/true/on: the run folder; any other text: a folder) says so."""
    if chosen is None and not enabled:
        value = (os.environ if environ is None else environ).get(ENV, "").strip()
        if value.lower() in OFF:
            return None
        chosen = None if value.lower() in ON else value
    return run_folder if chosen is None else Path(chosen).expanduser() / run_folder.name


def tensorboard_problem() -> str | None:
    """Why event files cannot be written here (the extra is missing), or None."""
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        return INSTALL
    return None


class TensorBoardLog:
    """The event files of one run: rows of a live history since the last `write`, snapshots'
    scalars, and the config as hparams at the start. Used from one thread (the recorder's)."""

    def __init__(self, folder: str | Path, history: MetricsHistory, written: int = 0,
                 rows_per_s: float | None = ROWS_PER_S):
        self.folder = Path(folder)
        self.history = history
        self.written = written  # rows of `history` already handed to TensorBoard (or skipped)
        self.rows_per_s = rows_per_s  # None: every row (a conversion)
        self._writer: Any = None
        self._last_flush = time.monotonic()
        self._budget_since = time.monotonic()
        self._tokens = float(rows_per_s or 0)

    def open(self, config: RunConfig) -> None:
        """Make the writer and put down the configuration as hparams."""
        if self._writer is not None:
            return
        try:
            from torch.utils.tensorboard import SummaryWriter
            from torch.utils.tensorboard.summary import hparams
        except ImportError:
            raise InputError(INSTALL) from None
        self.folder.mkdir(parents=True, exist_ok=True)
        from tensorboard.compat.proto.summary_pb2 import Summary

        self._summary, self._value = Summary, Summary.Value
        self._writer = SummaryWriter(str(self.folder), flush_secs=FLUSH_EVERY_S)
        experiment, start, end = hparams(config_hparams(config), {metric: 0.0 for metric in METRICS})
        for summary in (experiment, start, end):
            self._writer.file_writer.add_summary(summary)

    def write(self, final: bool = False) -> int:
        """Hand TensorBoard the rows the history gained; return how many were written."""
        stop = len(self.history)
        if stop <= self.written:
            self._flush(final)
            return 0
        due = range(self.written, stop)
        rows: range | list[int] = due
        if self.rows_per_s is not None:
            now = time.monotonic()  # a bucket of one second's rows, refilled at rows_per_s
            self._tokens = min(self.rows_per_s, self._tokens + (now - self._budget_since) * self.rows_per_s)
            self._budget_since = now
            if len(rows) > self._tokens:
                rows = self._thinned(due, max(1, int(self._tokens)))
            self._tokens = max(0.0, self._tokens - len(rows))
        count = 0
        epochs = self.history.epochs
        for row in rows:
            self._add(epoch_scalars(self.history, row), epochs[row])
            count += 1
        self.written = stop
        self._flush(final)
        return count

    def _thinned(self, rows: range, allowed: int) -> list[int]:
        """Every k-th of `rows`, the rows with a test loss, and the last one."""
        every = -(-len(rows) // allowed)
        tested = self.history.test_loss
        return [row for row in rows if (row - rows.start) % every == 0 or tested[row] == tested[row]
                or row == rows.stop - 1]

    def snapshot(self, snapshot: Snapshot) -> None:
        self._add(snapshot_scalars(snapshot), snapshot.epoch)

    def _add(self, scalars: list[tuple[str, float]], step: int) -> None:
        """One event holding all of a step's scalars (what SummaryWriter.add_scalar writes for
        each, in one record instead of several: the framing is what costs)."""
        if scalars:
            values = [self._value(tag=tag, simple_value=value) for tag, value in scalars]
            self._writer.file_writer.add_summary(self._summary(value=values), step)

    def _flush(self, final: bool) -> None:
        now = time.monotonic()
        if final or now - self._last_flush >= FLUSH_EVERY_S:
            self._writer.flush()
            self._last_flush = now

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
