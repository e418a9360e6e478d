"""The live loss chart: train and test curves of this run, the previous run's train curve
faint behind them, and the epochs where the learning rate changed. Each series is decimated
incrementally, so a redraw costs the same after a million epochs as after a hundred."""

from __future__ import annotations

from rich.console import Group
from textual.widgets import Static

from engine.loop.history import MetricsHistory
from tui.render.decimate import MinMaxDecimator
from tui.render.loss_chart import Curve, legend, loss_chart

BUCKETS = 200


class LossChart(Static):
    """Fed by `follow(history)` from the app's timer; `redraw` only when something changed."""

    def __init__(self, ascii_only: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ascii_only = ascii_only
        self.log_y = False
        self.marks: tuple[int, ...] = ()
        self.previous: tuple[list[float], list[float]] | None = None
        self._new_series()

    def _new_series(self) -> None:
        self.train = MinMaxDecimator(BUCKETS)
        self.test = MinMaxDecimator(BUCKETS)
        self.seen = 0

    def follow(self, history: MetricsHistory, marks: tuple[int, ...]) -> bool:
        """Take in the epochs added since the last call; True when a redraw is due."""
        n = len(history.epochs)
        if n == self.seen and marks == self.marks:
            return False
        epochs = history.epochs[:n]
        self.train.extend(epochs, history.train_loss[:n])
        self.test.extend(epochs, history.test_loss[:n])
        self.seen, self.marks = n, marks
        return True

    def new_run(self) -> None:
        """Keep the finished run's train curve as the faint comparison and start afresh."""
        if self.seen:
            self.previous = self.train.points()
        self._new_series()
        self.marks = ()
        self.redraw()

    def toggle_log(self) -> None:
        self.log_y = not self.log_y
        self.redraw()

    def curves(self) -> list[Curve]:
        curves = []
        if self.previous:
            curves.append(Curve("previous run", *self.previous, color=240, ascii_marker="."))
        curves.append(Curve("train", *self.train.points(), color="cyan", ascii_marker="*"))
        curves.append(Curve("test", *self.test.points(), color="orange", ascii_marker="+"))
        return curves

    def redraw(self) -> None:
        width, height = self.content_region.size
        if not width:
            return
        curves = self.curves()
        color = not self.app.no_color
        chart = loss_chart(curves, width, height - 1, log_y=self.log_y, marks=self.marks,
                           ascii_only=self.ascii_only, color=color)
        self.update(Group(legend(curves, bool(self.marks), self.log_y, self.ascii_only), chart), layout=False)

    def on_resize(self) -> None:
        self.redraw()
