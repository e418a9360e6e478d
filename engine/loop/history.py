"""The run's per-epoch numbers in compact arrays: a million epochs cost tens of megabytes, not
a million objects. Appended by the engine thread, read by anyone; engine.runs.metrics_file
writes and reads them as metrics.csv."""

from __future__ import annotations

import math
from array import array

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

    def truncated(self, epochs: int) -> MetricsHistory:
        """A copy of the first `epochs` rows (a resume from a checkpoint taken at that epoch)."""
        kept = MetricsHistory()
        for name in COLUMNS:
            getattr(kept, name).extend(getattr(self, name)[:epochs])
        return kept

    def extend_rows(self, rows: list[tuple[int, float, float, float, float]]) -> None:
        """Append (epoch, train_loss, test_loss, test_accuracy, lr) rows, NaN where not measured."""
        for epoch, train, test, accuracy, lr in rows:
            self.train_loss.append(train)
            self.test_loss.append(test)
            self.test_accuracy.append(accuracy)
            self.lr.append(lr)
            self.epochs.append(epoch)


COLUMNS = ("epochs", "train_loss", "test_loss", "test_accuracy", "lr")
