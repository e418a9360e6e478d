"""metrics.csv: one row per epoch (epoch, train_loss, test_loss, test_accuracy, lr), appended while
the run goes, so that a reader sees each epoch within a second. The writer only appends whole
lines; a reader treats a last line without its newline as not yet written (a torn line), and
numbers keep every digit (repr), so a history read back equals the one written."""

from __future__ import annotations

import os
from array import array
from itertools import repeat
from pathlib import Path

from engine.errors import InputError
from engine.files.appending import open_append
from engine.files.atomic import write_text_atomic
from engine.files.reading import GIB, read_text
from engine.loop.history import NAN, MetricsHistory

HEADER = "epoch,train_loss,test_loss,test_accuracy,lr"
METRICS_LIMIT = GIB  # 100 million epochs of a completed run fit
READ_CHUNK = 4 << 20  # bytes a streamed reader takes at once: a long file is never held whole


def csv_rows(history: MetricsHistory, start: int, stop: int) -> str:
    """Rows start..stop-1 of `history` as lines of metrics.csv, built in bulk: each column's cells
    made at once (a value repeated from the row above, as the lr or an unmeasured test loss,
    formatted once), then one join. The writer thread's Python is what recording costs a fast run
    (it holds the GIL the engine wants); repr of the train losses is most of what is left."""
    if stop <= start:
        return ""
    h = history
    columns = (map(str, h.epochs[start:stop]),
               *(_cells(values[start:stop]) for values in (h.train_loss, h.test_loss, h.test_accuracy, h.lr)))
    return "\n".join(map(",".join, zip(*columns))) + "\n"


def _cells(values: array) -> list[str]:
    """Each value as a cell: repr, or empty for NaN. Runs of equal values (NaN runs too) are found
    by numpy and each formatted once; a column that changes most rows is repr'd value by value."""
    import numpy as np  # (only a writing run gets here, and it has torch, which loads numpy)

    if not values:
        return []
    data = np.frombuffer(values, dtype=np.float64)
    bits = data.view(np.int64)  # compared as bits: 0.0 and -0.0 are two cells ("0.0", "-0.0")
    nan = np.isnan(data)
    starts = np.empty(len(data), dtype=bool)
    starts[0] = True
    np.not_equal(bits[1:], bits[:-1], out=starts[1:])
    starts[1:] &= ~(nan[1:] & nan[:-1])  # NaNs of any payload: one run of empty cells
    firsts = np.flatnonzero(starts).tolist()
    if 2 * len(firsts) > len(data):
        cells = list(map(repr, values))
        for index in np.flatnonzero(nan).tolist():
            cells[index] = ""
        return cells
    cells = []
    for first, end in zip(firsts, [*firsts[1:], len(data)]):
        value = values[first]
        cells.extend(repeat("" if value != value else repr(value), end - first))
    return cells


def write_metrics(path: str | Path, history: MetricsHistory) -> None:
    """The whole file at once (a copy of a run, or a resume that cuts the rows past its checkpoint)."""
    write_text_atomic(path, HEADER + "\n" + csv_rows(history, 0, len(history)))


class MetricsAppender:
    """Appends the rows a live history gains since the last call; called from a writer thread
    while the engine thread appends (history's length is read once, and rows below it are final)."""

    def __init__(self, path: str | Path, history: MetricsHistory, written: int):
        self.path = Path(path)
        self.history = history
        self.written = written  # rows of `history` already in the file
        self._file = open_append(self.path)  # held for the run

    def flush(self, sync: bool = False) -> int:
        """Append the new rows; return how many. `sync` also forces them to the disk."""
        stop = len(self.history)
        if stop > self.written:
            self._file.write(csv_rows(self.history, self.written, stop))
            self._file.flush()
            self.written, added = stop, stop - self.written
        else:
            added = 0
        if sync:
            os.fsync(self._file.fileno())
        return added

    def close(self) -> None:
        if not self._file.closed:
            self.flush(sync=True)
            self._file.close()


def parse_metrics(text: str, name: str) -> tuple[MetricsHistory, bool]:
    """The history in a metrics.csv text, and whether its last line was torn (no newline yet:
    skipped). A malformed whole line raises InputError naming it."""
    end = text.rfind("\n")
    torn = end + 1 < len(text)  # the text after the last newline: a line being written
    header_end = text.find("\n")
    if header_end < 0 or text[:header_end] != HEADER:
        if header_end < 0 and torn:
            return MetricsHistory(), True
        raise InputError(f"{name}: not an nntui metrics file (unexpected header)")
    history = MetricsHistory()
    # Line by line straight into the history's arrays: a list of every line (and of every row's
    # tuple) would hold a 3M-epoch run's file several times over (1.3 GB for 110 MB).
    lines = _lines(text, header_end + 1, end)
    rows: list[tuple[int, float, float, float, float]] = []
    for number, line in enumerate(lines, start=2):
        rows.append(parse_row(line, name, number))
        if len(rows) == ROWS_AT_ONCE:
            history.extend_rows(rows)
            rows.clear()
    history.extend_rows(rows)
    return history, torn


ROWS_AT_ONCE = 4096  # rows parsed before they join the history's arrays


def _lines(text: str, start: int, end: int):
    """The lines of text[start:end] (each ending before a newline), without a list of them all."""
    while start < end:
        stop = text.find("\n", start, end)
        stop = end if stop < 0 else stop
        yield text[start:stop]
        start = stop + 1


def parse_row(line: str, name: str, number: int) -> tuple[int, float, float, float, float]:
    cells = line.split(",")
    try:
        if len(cells) != 5:
            raise ValueError
        epoch = int(cells[0])
        train, test, accuracy, lr = (float(c) if c else NAN for c in cells[1:])
    except ValueError:
        raise InputError(f"{name}: line {number}: expected {HEADER}") from None
    return epoch, train, test, accuracy, lr


def load_metrics(path: str | Path) -> MetricsHistory:
    """Read a whole metrics.csv (a regular file within METRICS_LIMIT); a torn last line is skipped."""
    text = read_text(path, "an nntui metrics file", METRICS_LIMIT)
    return parse_metrics(text, str(path))[0]
