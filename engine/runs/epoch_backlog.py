"""Which of the rows a watcher reads in one poll become EpochEnded events. A live run adds a few
rows a poll and each is told; the first poll of a 3M-epoch run's folder would make 3M events (a
gigabyte), where the trainer shows only the latest epoch, the latest and the best test, the lr's
changes and the last log lines. So of a longer backlog a poll tells just those rows, kept in
bounded queues as the rows stream by; the history gets every row."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable

from engine.config.catalog import GLIDING_SCHEDULES
from engine.config.schema import RunConfig

Row = tuple[int, float, float, float, float]  # epoch, train loss, test loss, test accuracy, lr (NaN: not measured)
TOLD_AT_ONCE = 2000  # rows a poll tells in full; past it, this many of each kind that matters


class EpochBacklog:
    """The rows of one poll to tell, chosen while they stream in (`add`), in order (`told`)."""

    def __init__(self, config: RunConfig, last_lr: float | None) -> None:
        self.interval, self.total = config.train.log_interval, config.train.epochs
        self.marks_lr = config.train.schedule not in GLIDING_SCHEDULES  # (a gliding lr changes every epoch)
        self.last_lr = last_lr  # the lr of the row before the first one added (the last poll's last)
        self._seen = 0
        self._recent: deque[tuple[int, Row]] = deque(maxlen=TOLD_AT_ONCE)  # the latest rows, all of them when few
        self._logged: deque[tuple[int, Row]] = deque(maxlen=TOLD_AT_ONCE)  # log lines: the trainer keeps the last
        self._lr_changes: deque[tuple[int, Row]] = deque(maxlen=TOLD_AT_ONCE)
        self._best: tuple[int, Row] | None = None  # the lowest test loss (the first such)
        self._last_tested: tuple[int, Row] | None = None

    def logged(self, epoch: int) -> bool:
        return epoch % self.interval == 0 or epoch == self.total

    def add(self, rows: Iterable[Row]) -> None:
        for row in rows:
            epoch, _train, test, _accuracy, lr = row
            kept = (self._seen, row)
            self._seen += 1
            self._recent.append(kept)
            if self.logged(epoch):
                self._logged.append(kept)
            if self.marks_lr and self.last_lr is not None and lr != self.last_lr and not (
                    math.isnan(lr) and math.isnan(self.last_lr)):
                self._lr_changes.append(kept)
            self.last_lr = lr
            if not math.isnan(test):
                self._last_tested = kept
                if math.isfinite(test) and (self._best is None or test < self._best[1][2]):
                    self._best = kept

    def told(self) -> list[Row]:
        """The rows to tell, oldest first: every row of a short backlog."""
        if self._seen <= TOLD_AT_ONCE:
            return [row for _, row in self._recent]
        chosen = {index: row for index, row in (*self._logged, *self._lr_changes, *self._recent)}
        for kept in (self._best, self._last_tested):
            if kept is not None:
                chosen[kept[0]] = kept[1]
        return [chosen[index] for index in sorted(chosen)]
