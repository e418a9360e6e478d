"""The live loss chart: the current run's train and test curves, its epoch axis following that
run alone, the epochs where the learning rate changed, and the best epoch where the run keeps it. Each series is decimated
incrementally, so a redraw costs the same after a million epochs as after a hundred. A watched
TensorBoard run's curves are named by their tags, and its tags are listed under the chart with
their figures (g picks the pair drawn)."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from engine.loop.history import MetricsHistory
from engine.runs.tensorboard.watcher import TagListing
from tui.render.decimate import MinMaxDecimator
from tui.render.loss_chart import legend, loss_chart
from tui.render.series import loss_curves
from tui.render.tag_table import tag_table
from tui.widgets.run_view import RunView

BUCKETS = 200
WAITING = {
    "idle": "No epochs yet: press space to train, n for one epoch.",
    "loading": "Loading PyTorch and the data...",
    "running": "Waiting for the first epoch...",
    "finished": "No epochs: the run ended before its first epoch (the log says why).",
}


class LossChart(RunView, Static):
    """Fed by `follow(history)` from the app's timer; `redraw` only when something changed."""

    def __init__(self, ascii_only: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ascii_only = ascii_only
        self.log_y = False
        self.marks: tuple[int, ...] = ()
        self.best: tuple[int, float] | None = None  # the best epoch's (epoch, test loss), where the run keeps it
        self.waiting = "idle"  # which WAITING line shows before the first epoch
        self.tags: TagListing | None = None  # a watched TensorBoard run's tags, listed under the chart
        self._new_series()

    def _new_series(self) -> None:
        self.train = MinMaxDecimator(BUCKETS)
        self.test = MinMaxDecimator(BUCKETS)
        self.seen = 0

    def follow(self, history: MetricsHistory, marks: tuple[int, ...], best: tuple[int, float] | None = None) -> bool:
        """Take in the epochs added since the last call; True when a redraw is due."""
        n = len(history.epochs)
        if n == self.seen and marks == self.marks and best == self.best:
            return False
        epochs = history.epochs[:n]
        self.train.extend(epochs, history.train_loss[:n])
        self.test.extend(epochs, history.test_loss[:n])
        self.seen, self.marks, self.best = n, marks, best
        return True

    def list_tags(self, listing: TagListing | None) -> bool:
        """Take a TensorBoard run's tags (None for nntui's own runs); True when a redraw is due."""
        if listing == self.tags:
            return False
        self.tags = listing
        return True

    def offers(self, action: str) -> bool:
        """g (pick_tags) only for a TensorBoard run, which has tags to pick."""
        return action != "pick_tags" or self.tags is not None

    def clear(self) -> None:
        """Start afresh: the axis belongs to the next run alone."""
        self._new_series()
        self.marks, self.best, self.tags = (), None, None
        self.redraw()

    def wait_for(self, phase: str) -> None:
        """Say what the chart waits for before its first epoch (idle, loading, running), or that none came."""
        if phase != self.waiting:
            self.waiting = phase
            if not self.seen:
                self.redraw()

    def toggle_log(self) -> None:
        self.log_y = not self.log_y
        self.redraw()

    def redraw(self) -> None:
        width, height = self.content_region.size
        if not width:
            return
        if not self.seen:
            self.update(Text(WAITING[self.waiting], style="dim"), layout=False)
            return
        tags = self.tags
        names = ("train", "test") if tags is None else (tags.drawn.train or "-", tags.drawn.test or "-")
        curves = loss_curves(self.train.points(), self.test.points(), names)
        color = not self.app.no_color
        table_rows = 0 if tags is None else min(len(tags.figures) + 1, max(height // 3, 2))
        chart = loss_chart(curves, width, height - 1 - table_rows, log_y=self.log_y, marks=self.marks,
                           ascii_only=self.ascii_only, color=color, best=self.best)
        parts = [legend(curves, bool(self.marks), self.log_y, self.ascii_only, color, width,
                        best=self.best is not None), chart]
        if tags is not None:
            parts.append(tag_table(tags.figures, tags.drawn, curves, width, table_rows, self.ascii_only, color))
        self.update(Group(*parts), layout=False)

    def on_resize(self) -> None:
        self.redraw()
