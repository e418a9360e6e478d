"""The one place the engine thread touches the UI's data: the session's listener appends to
deques and keeps a few running figures. It never calls a widget or posts a message; the app
drains it on a timer, at a rate the eye needs rather than the rate epochs end."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from engine.config.catalog import GLIDING_SCHEDULES
from engine.config.rules import tracks_best
from engine.loop.events import EpochEnded, Event, FitScores, RunFinished, RunStarted, Snapshot
from tui.render.run_text import epoch_line

LOG_LINES_KEPT = 1000


@dataclass
class RunFigures:
    """What the metrics panel shows, kept up to date by the engine thread at no cost per epoch."""

    latest: EpochEnded | None = None
    last_test: tuple[float, float | None] | None = None  # (test loss, test accuracy)
    best_test: tuple[float, int] | None = None  # (test loss, epoch)
    lr_changes: tuple[int, ...] = ()  # epochs at which a new learning rate took effect (by hand, or a schedule's step)
    schedule: str = "none"  # the run's lr schedule; cosine and onecycle glide, so their changes are not marked
    tracks_best: bool = False  # early stopping or the best weights are on: the chart marks the best epoch
    scores: FitScores | None = None  # regression: the latest snapshot's test RMSE, MAE and R²
    best_is_highest: bool = False  # the test curve is a score (a TensorBoard accuracy tag): best is highest
    first_epoch: int = 0  # the epochs done before this session started (a continued run's): its timing counts the rest

    @property
    def best_mark(self) -> tuple[int, float] | None:
        """(epoch, test loss) of the best epoch, where the run keeps it; the chart marks it."""
        return (self.best_test[1], self.best_test[0]) if self.tracks_best and self.best_test else None


class EventBridge:
    """Listener for a TrainingSession; `drain` is called on the UI thread."""

    def __init__(self) -> None:
        self.events: deque[Event] = deque()  # everything but EpochEnded: a handful per second
        self.log_lines: deque[str] = deque(maxlen=LOG_LINES_KEPT)
        self.figures = RunFigures()

    def __call__(self, event: Event) -> None:
        if not isinstance(event, EpochEnded):
            if isinstance(event, RunStarted):
                self.figures.schedule = event.config.train.schedule
                self.figures.tracks_best = tracks_best(event.config)
                self.figures.first_epoch = event.resumed_at
                self.figures.best_is_highest = event.best_is_highest
            elif isinstance(event, RunFinished) and event.test_loss is not None:  # the weights it ends with
                self.figures.last_test = (event.test_loss, event.test_accuracy)  # (restore_best: the best's)
            elif isinstance(event, Snapshot) and event.scores is not None:
                self.figures.scores = event.scores
            self.events.append(event)
            return
        figures = self.figures
        previous = figures.latest
        if (previous is not None and event.lr != previous.lr and figures.schedule not in GLIDING_SCHEDULES
                and not (math.isnan(event.lr) and math.isnan(previous.lr))):  # a TensorBoard run without an lr tag
            figures.lr_changes = (*figures.lr_changes, event.epoch)
        if event.test_loss is not None:
            figures.last_test = (event.test_loss, event.test_accuracy)
            best = figures.best_test
            if math.isfinite(event.test_loss) and (best is None or (
                    event.test_loss > best[0] if figures.best_is_highest else event.test_loss < best[0])):
                figures.best_test = (event.test_loss, event.epoch)
        figures.latest = event
        if event.logged:
            self.log_lines.append(epoch_line(event))

    def drain(self) -> tuple[list[Event], list[str]]:
        """The events and log lines since the last drain, oldest first."""
        events = [self.events.popleft() for _ in range(len(self.events))]
        lines = [self.log_lines.popleft() for _ in range(len(self.log_lines))]
        return events, lines

    def clear(self) -> None:
        """Forget the old run (after a reset)."""
        self.events.clear()
        self.log_lines.clear()
        self.figures = RunFigures()

    @staticmethod
    def pinned(event: EpochEnded | None) -> EpochEnded | None:
        """The event with its timing figures fixed, for pictures that must not change."""
        if event is None:
            return None
        from dataclasses import replace

        return replace(event, samples_per_s=1000.0, elapsed_s=1.0)
