"""What a session does around each epoch besides training it, one small collaborator each: when
the test set is evaluated, the best epoch, model health at logged epochs, the schedule's lr steps
as events, the divergence checks, early stopping and the snapshot cadence. The epoch hooks run in
a fixed order (engine.loop.session), the listeners' turn among them, so every number and every
event comes as it did when one loop body did it all."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.loop.divergence import check_epoch
from engine.loop.events import EpochEnded, Event, LrChanged, Snapshot
from engine.loop.hooks import EndRun, RunHooks
from engine.loop.run_state import RunStatus
from engine.loop.snapshots import HealthClock

if TYPE_CHECKING:
    from engine.loop.best import BestWatch
    from engine.loop.trainer import Trainer


class EvalCadence:
    """Whether an epoch evaluates the test set: every epoch where the test loss is watched (early
    stopping, the best weights, plateau), logged epochs, held ones, a non-finite loss, and else at
    most every `interval_s` (None: never between those)."""

    def __init__(self, every_epoch: bool, interval_s: float | None):
        self.every_epoch = every_epoch
        self.interval_s = interval_s
        self.last = time.perf_counter()  # when the test set was last evaluated
        self.trained_at = self.last  # when this epoch's training ended
        self.evaluated = False  # whether this epoch evaluated it

    def due(self, logged: bool, finite: bool, held: bool, now: float) -> bool:
        """Decide for the epoch whose training ended at `now`."""
        self.trained_at = now
        self.evaluated = self.every_epoch or logged or held or not finite or (
            self.interval_s is not None and now - self.last >= self.interval_s)
        if self.evaluated:
            self.last = now
        return self.evaluated


class BestEpoch(RunHooks):
    """Gives each epoch's test loss to the run's BestWatch; the epoch a run stops early at is logged
    (its line is shown). Runs before the listeners: they see that line."""

    def __init__(self, trainer: Trainer, best: BestWatch):
        self.trainer, self.best = trainer, best

    def on_epoch(self, event: EpochEnded) -> None:
        assert event.test_loss is not None  # the test loss is watched: every epoch measures it
        self.best.update(event.epoch, event.test_loss, self.trainer.model)
        if self.best.stop_now:
            event.logged = True


class HealthAtLog(RunHooks):
    """Model health measured at every logged epoch with a finite loss (`nntui run --json` asks)."""

    def __init__(self, trainer: Trainer, clock: HealthClock):
        self.trainer, self.clock = trainer, clock

    def on_epoch(self, event: EpochEnded) -> None:
        if event.logged and math.isfinite(event.train_loss):
            event.health = self.clock.at_log(self.trainer)


class LrSteps(RunHooks):
    """A stepping schedule's new lr told as LrChanged (none after the last epoch: nothing takes it)."""

    def __init__(self, trainer: Trainer, emit: Callable[[Event], None]):
        self.trainer, self.emit = trainer, emit

    def on_epoch(self, event: EpochEnded) -> None:
        if self.trainer.lr != event.lr and event.epoch < event.epochs:
            self.emit(LrChanged(event.epoch, self.trainer.lr, event.lr))


class DivergenceCheck(RunHooks):
    """Ends the run as diverged after an epoch whose loss, or (where the test set was evaluated)
    weights, are not finite; after the listeners, so the epoch's line is shown first."""

    def __init__(self, trainer: Trainer, cadence: EvalCadence):
        self.trainer, self.cadence = trainer, cadence

    def on_epoch(self, event: EpochEnded) -> None:
        check_epoch(self.trainer, event.train_loss, self.cadence.evaluated, event.epoch, event.lr)


class EarlyStopping(RunHooks):
    """Ends the run as early-stopped once the test loss has not improved for train.early_stop epochs."""

    def __init__(self, best: BestWatch):
        self.best = best

    def on_epoch(self, event: EpochEnded) -> None:
        if self.best.stop_now:
            raise EndRun(RunStatus.EARLY_STOPPED, self.best.reason())


class SnapshotCadence(RunHooks):
    """Tells a Snapshot after an epoch when one is due: with every test evaluation where
    `on_eval()` says so (a sweep pruning on rmse), while held, and else every `interval()` seconds
    (None: only at the end of the run). The settings are read each epoch, as the session holds them."""

    def __init__(self, cadence: EvalCadence, take: Callable[[], Snapshot], emit: Callable[[Event], None],
                 interval: Callable[[], float | None], on_eval: Callable[[], bool], held: Callable[[], bool]):
        self.cadence, self.take, self.emit = cadence, take, emit
        self.interval, self.on_eval, self.held = interval, on_eval, held
        self.last = cadence.last  # when the last snapshot was told

    def on_epoch(self, event: EpochEnded) -> None:
        interval = self.interval()
        if (self.cadence.evaluated and self.on_eval()) or interval is not None and (
                self.held() or self.cadence.trained_at - self.last >= interval):
            self.emit(self.take())
            self.last = time.perf_counter()
