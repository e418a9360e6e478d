"""What a listing shows of a run's metrics.csv (its epochs, last and best losses, accuracy) read in
one streamed pass of bounded chunks: the rows are checked and the measured ones found by regular
expressions, so Python objects are made only for the rows that carry a test loss and for the last
row. A 3M-epoch run's file (100 MB) is listed without a 3M-row history (see Performance); the
history itself (engine.runs.metrics_file) is read only where a chart draws it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from engine.errors import InputError
from engine.files.reading import open_regular
from engine.loop.history import NAN, MetricsHistory
from engine.runs.metrics_file import HEADER, METRICS_LIMIT, READ_CHUNK, load_metrics, parse_row

_NUMBER_BYTES = b"0123456789+-.eEinfa"  # what repr writes of a float (inf, -inf) or an epoch
# A row with a test loss or an accuracy, after its newline: (epoch, test loss, accuracy).
_TESTED = re.compile(rb"\n([-+]?[0-9]+),[^,\n]*,(?=[^,\n]|,[^,\n])([^,\n]*),([^,\n]*),")


@dataclass(frozen=True)
class MetricsSummary:
    """A run's metrics as a listing shows them."""

    epochs_done: int = 0  # the last row's epoch
    last_train_loss: float | None = None
    last_test_loss: float | None = None  # the last measured one
    final_accuracy: float | None = None  # the last measured one
    best_test: tuple[float, int] | None = None  # (the lowest test loss, its epoch; the first such)

    @classmethod
    def of(cls, history: MetricsHistory) -> MetricsSummary:
        """The summary of a history in memory (a TensorBoard run's)."""
        if not len(history):
            return cls()
        train = history.train_loss[-1]
        return cls(int(history.epochs[-1]), None if math.isnan(train) else train, _last_measured(history.test_loss),
                   _last_measured(history.test_accuracy), history.best_test_loss())


def _last_measured(values) -> float | None:
    return next((value for value in reversed(values) if not math.isnan(value)), None)


def summarize_metrics(path: str | Path) -> MetricsSummary:
    """The summary of a metrics.csv (a regular file within METRICS_LIMIT); a torn last line is not
    yet written. A malformed whole line raises InputError naming it, as reading the history would."""
    name = str(path)
    with open_regular(path, "an nntui metrics file", limit=METRICS_LIMIT) as handle:
        head = handle.readline(len(HEADER) + 1)
        if head != HEADER.encode() + b"\n":
            if head and HEADER.encode().startswith(head):  # the header being written: no rows yet
                return MetricsSummary()
            raise InputError(f"{name}: not an nntui metrics file (unexpected header)")
        scan = _Scan(name)
        rest, left = b"", METRICS_LIMIT  # (a live file grows while it is read)
        while left > 0 and (chunk := handle.read(min(READ_CHUNK, left))):
            left -= len(chunk)
            block = rest + chunk
            end = block.rfind(b"\n") + 1
            scan.take(block[:end])
            rest = block[end:]
    return scan.summary()


class _Scan:
    """The running figures of a streamed metrics.csv, taking whole lines a block at a time."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines = 1  # the lines taken so far, the header's included
        self.last_row = b""
        self.last_test: float | None = None
        self.accuracy: float | None = None
        self.best: tuple[float, int] | None = None

    def take(self, block: bytes) -> None:
        """Whole lines: checked by shape (five cells of number characters a line) and scanned for
        the measured rows; a block of another shape is read row by row, which refuses a malformed
        line and takes a number Python reads that repr would not write."""
        if not block:
            return
        try:
            if block.count(b",") != 4 * block.count(b"\n") or block.translate(None, _NUMBER_BYTES + b",\n"):
                raise ValueError  # a line that is not five cells of numbers
            tested = [(int(epoch), float(test) if test else NAN, float(accuracy) if accuracy else NAN)
                      for epoch, test, accuracy in _TESTED.findall(b"\n" + block)]
        except ValueError:
            tested = self._parsed(block)
        for epoch, loss, accuracy in tested:
            self._measured(epoch, loss, accuracy)
        self.last_row = block[block.rfind(b"\n", 0, len(block) - 1) + 1:-1]
        self.lines += block.count(b"\n")

    def _parsed(self, block: bytes) -> list[tuple[int, float, float]]:
        """(epoch, test loss, accuracy) of every row, parsed one by one: InputError names a bad line."""
        lines = block.decode("utf-8", "replace").split("\n")[:-1]
        rows = (parse_row(line, self.name, number) for number, line in enumerate(lines, start=self.lines + 1))
        return [(epoch, test, accuracy) for epoch, _train, test, accuracy, _lr in rows]

    def _measured(self, epoch: int, loss: float, accuracy: float) -> None:
        if not math.isnan(loss):
            self.last_test = loss
            if self.best is None or loss < self.best[0]:
                self.best = (loss, epoch)
        if not math.isnan(accuracy):
            self.accuracy = accuracy

    def summary(self) -> MetricsSummary:
        if not self.last_row:
            return MetricsSummary()
        epoch, train, *_ = parse_row(self.last_row.decode("utf-8", "replace"), self.name, self.lines)
        return MetricsSummary(epoch, None if math.isnan(train) else train, self.last_test, self.accuracy, self.best)


class DeferredHistory:
    """A run's whole history, read from its metrics.csv the first time a chart asks for it and
    kept; a file that cannot be read then gives an empty history (the listing said why already)."""

    QUICK_BYTES = 2 << 20  # a file this small is read in a few tens of milliseconds: a UI may wait for it

    def __init__(self, path: Path | None = None, history: MetricsHistory | None = None) -> None:
        self.path = path
        self._history = history if history is not None or path is not None else MetricsHistory()
        try:
            self.size = path.stat().st_size if path is not None and history is None else 0
        except OSError:
            self.size = 0

    @property
    def read(self) -> bool:
        return self._history is not None

    @property
    def quick(self) -> bool:
        """Read already, or small enough to read at once."""
        return self.read or self.size <= self.QUICK_BYTES

    def get(self) -> MetricsHistory:
        history = self._history
        if history is None:
            assert self.path is not None  # (only a deferred file's history is unread)
            try:
                history = load_metrics(self.path)
            except InputError:
                history = MetricsHistory()
            self._history = history
        return history
