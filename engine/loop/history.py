"""The run's per-epoch numbers in compact arrays: a million epochs cost tens of megabytes, not
a million objects. Appended by the engine thread, read by anyone."""

from __future__ import annotations

import math
from array import array
from pathlib import Path

from engine.errors import InputError
from engine.files.atomic import write_text_atomic
from engine.loop.events import EpochEnded

NAN = float("nan")


class MetricsHistory:
    """Train loss, test loss, test accuracy and learning rate per epoch; NaN where not measured."""

    def __init__(self) -> None:
        self.epochs = array("q")
        self.train_loss = array("d")
        self.test_loss = array("d")
        self.test_accuracy = array("d")
        self.lr = array("d")

    def __len__(self) -> int:
        return len(self.epochs)

    def append(self, event: EpochEnded) -> None:
        self.train_loss.append(event.train_loss)
        self.test_loss.append(NAN if event.test_loss is None else event.test_loss)
        self.test_accuracy.append(NAN if event.test_accuracy is None else event.test_accuracy)
        self.lr.append(event.lr)
        self.epochs.append(event.epoch)  # last: readers use len(epochs) as the count

    def best_test_loss(self) -> tuple[float, int] | None:
        """The lowest test loss and its epoch, or None before any test evaluation."""
        best: tuple[float, int] | None = None
        for epoch, loss in zip(self.epochs, self.test_loss):
            if not math.isnan(loss) and (best is None or loss < best[0]):
                best = (loss, epoch)
        return best

    def to_csv(self) -> str:
        lines = ["epoch,train_loss,test_loss,test_accuracy,lr"]
        for row in zip(self.epochs, self.train_loss, self.test_loss, self.test_accuracy, self.lr):
            lines.append(",".join(_cell(v) for v in row))
        return "\n".join(lines) + "\n"

    def save_csv(self, path: str | Path) -> None:
        write_text_atomic(path, self.to_csv())

    @classmethod
    def load_csv(cls, path: str | Path) -> MetricsHistory:
        """Read a metrics.csv written by `save_csv`; a malformed file raises InputError naming the line."""
        history = cls()
        try:
            lines = Path(path).read_text("utf-8").splitlines()
        except UnicodeDecodeError:
            raise InputError(f"{path}: not a UTF-8 text file") from None
        if not lines or lines[0] != "epoch,train_loss,test_loss,test_accuracy,lr":
            raise InputError(f"{path}: not an nntui metrics file (unexpected header)")
        for number, line in enumerate(lines[1:], start=2):
            cells = line.split(",")
            try:
                epoch, train, test, accuracy, lr = int(cells[0]), *(float(c) if c else NAN for c in cells[1:])
            except (ValueError, TypeError, IndexError):
                raise InputError(f"{path}: line {number}: expected epoch,train_loss,test_loss,test_accuracy,lr") from None
            history.epochs.append(epoch)
            for column, value in ((history.train_loss, train), (history.test_loss, test),
                                  (history.test_accuracy, accuracy), (history.lr, lr)):
                column.append(value)
        return history


def _cell(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    return "" if math.isnan(value) else repr(value)
