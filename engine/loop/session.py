"""The training loop on a background thread, driven by flags the caller owns: start, pause,
resume, step (exactly one epoch), stop and reset. It reports plain events to its listeners, on
its own thread; listeners that draw must hand them over to their own thread cheaply."""

from __future__ import annotations

import math
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from engine.code.frames import failure_message, failure_report
from engine.config.problems import ConfigError
from engine.config.rules import manual_lr_problem, validate, watchers
from engine.config.schema import RunConfig, replaced
from engine.errors import InputError
from engine.loop.divergence import evaluate_checked, train_checked
from engine.loop.epoch_hooks import (
    BestEpoch,
    DivergenceCheck,
    EarlyStopping,
    EvalCadence,
    HealthAtLog,
    LrSteps,
    SnapshotCadence,
)
from engine.loop.events import EpochEnded, Event, RunFailed, RunFinished, RunStarted, Snapshot
from engine.loop.gate import TurnGate
from engine.loop.history import MetricsHistory
from engine.loop.hooks import EndRun, RunHooks
from engine.loop.live_run import Listener, Session
from engine.loop.run_state import RunState, RunStatus
from engine.loop.snapshots import HealthClock, take_snapshot

if TYPE_CHECKING:
    from engine.loop.trainer import Trainer

class TrainingSession:
    """One run at a time, in a RunState: idle, running, paused, finished."""

    def __init__(
        self,
        config: RunConfig,
        listener: Listener | None = None,
        *,
        snapshot_interval_s: float | None = 0.1,
        eval_interval_s: float | None = 0.05,
        boundary_size: tuple[int, int] = (60, 30),
        resume=None,
        health_at_log: bool = False,
    ):
        """`snapshot_interval_s` bounds how often live views (boundary, parameters) are computed;
        None means only at the end. `eval_interval_s` likewise for the test set between log epochs.
        `resume` is an engine.runs.folder.SavedRun to continue from its checkpoint. `health_at_log`
        measures model health at every logged epoch (EpochEnded.health), a pass over the training
        set each; snapshots carry it anyway, measured within a small share of the time."""
        self.config = validate(config)
        self._resume = resume
        self.listeners: list[Listener] = [listener] if listener else []
        self.snapshot_interval_s = snapshot_interval_s
        self.snapshot_on_eval = False  # a snapshot (fit scores included) with every test evaluation
        self._stop_status: str = RunStatus.STOPPED
        self.eval_interval_s = eval_interval_s
        self.boundary_size = boundary_size
        self.health_at_log = health_at_log
        self.picked_neuron: tuple[int, int] | None = None  # (layer, unit) a view shows large, set by the caller
        self._health = HealthClock()
        self.history = resume.history if resume is not None else MetricsHistory()
        self.trainer: Trainer | None = None  # built when the run starts
        self.result: RunFinished | RunFailed | None = None
        self.state = RunState.IDLE
        self._gate = TurnGate()  # pause, steps, stop and a new lr, which the thread waits on
        self._model_lock = threading.Lock()  # held while an epoch runs
        self._thread: threading.Thread | None = None

    # -- controls -------------------------------------------------------------------------

    def start(self) -> None:
        """Start a fresh run, or resume a paused one."""
        with self._gate.cond:
            if self.state == RunState.IDLE:
                self._launch(paused=False)
            elif self.state == RunState.PAUSED:
                self._gate.paused = False
                self.state = RunState.RUNNING
                self._gate.cond.notify_all()

    def pause(self) -> None:
        """Hold at the end of the current epoch."""
        with self._gate.cond:
            if self.state == RunState.RUNNING:
                self._gate.paused = True
                self.state = RunState.PAUSED

    def resume(self) -> None:
        with self._gate.cond:
            if self.state == RunState.PAUSED:
                self.start()

    def toggle(self) -> None:
        """Start, pause or resume, whichever fits: the space key."""
        if self.state == RunState.RUNNING:
            self.pause()
        else:
            self.start()

    def step(self) -> None:
        """Train exactly one epoch, then hold; a running run is paused instead."""
        with self._gate.cond:
            if self.state == RunState.IDLE:
                self._launch(paused=True, credits=1)
            elif self.state == RunState.PAUSED:
                self._gate.step_credits += 1
                self._gate.waiting.clear()
                self._gate.cond.notify_all()
            elif self.state == RunState.RUNNING:
                self.pause()

    def stop(self, status: str = RunStatus.STOPPED) -> None:
        """End the run at an epoch boundary; it finishes as `status` (a sweep's pruner says `pruned`)."""
        self._stop_status = status
        self._gate.stop.set()
        with self._gate.cond:
            self._gate.cond.notify_all()

    def reset(self, config: RunConfig | None = None, timeout: float = 5.0) -> None:
        """Stop any run and return to idle with fresh weights (and optionally a new config)."""
        self.stop()
        self.join(timeout)
        with self._gate.cond:
            if config is not None:
                self.config = validate(config)
            self.history = MetricsHistory()
            self._resume = None
            self.trainer = None
            self.result = None
            self._gate.clear()
            self._stop_status = RunStatus.STOPPED
            self._health = HealthClock()
            self.state = RunState.IDLE

    def lr_problem(self) -> str | None:
        """Why the learning rate cannot be changed by hand during this run, or None when it can."""
        return manual_lr_problem(self.config)

    def set_lr(self, lr: float) -> None:
        """Change the learning rate from the next epoch on, without a reset (a held run takes it at
        once, so that its checkpoint has it); refused (ValueError with the reason) while a schedule
        sets it."""
        problem = self.lr_problem()
        if problem is not None:
            raise ValueError(problem)
        with self._gate.cond:
            self.config = replaced(self.config, "train", lr=lr)
            if self.trainer is not None:
                self.trainer.config = self.config  # (one config for both, as before the change)
            self._gate.pending_lr = lr
            self._gate.cond.notify_all()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end; True when it has."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def wait_until_held(self, timeout: float = 10.0) -> bool:
        """Wait until the loop is between epochs waiting for a turn, or has ended."""
        return self._gate.waiting.wait(timeout)

    def refresh_views(self) -> None:
        """Report a Snapshot now, on the caller's thread (not the UI's: this is torch work), for a
        run that is not training: a view asks for something new (a picked neuron) while it is
        paused or has ended."""
        trainer = self.trainer
        if trainer is None or self.state == RunState.RUNNING:
            return
        with self._model_lock:
            self._emit(self._snapshot(trainer))

    @contextmanager
    def between_epochs(self) -> Iterator[None]:
        """Hold the model still (no epoch runs) while a caller reads it, to save it for example."""
        with self._model_lock:
            yield

    def trainer_ready(self, trainer) -> None:
        """A hook for a subclass, called on the engine thread once the trainer is built (and
        restored, on a resume), before the first event: engine.loop.distributed shares its epochs out."""

    # -- the thread ---------------------------------------------------------------------

    def _launch(self, paused: bool, credits: int = 0) -> None:
        self._gate.paused = paused
        self._gate.step_credits = credits
        self._gate.waiting.clear()
        self.state = RunState.PAUSED if paused else RunState.RUNNING
        self._thread = threading.Thread(target=self._run, name="nntui-engine", daemon=True)
        self._thread.start()

    def _emit(self, event: Event) -> None:
        for listener in list(self.listeners):
            listener(event)

    def _run(self) -> None:
        epoch = 0
        try:
            from engine.loop.trainer import Trainer

            with self._model_lock:
                trainer = Trainer(self.config, getattr(self._resume, "code", None))
                if self._resume is not None:
                    from engine.loop.state import restore_state

                    restore_state(trainer, self._resume.checkpoint, self._resume.source)
                    if trainer.schedule is None:
                        trainer.set_lr(self.config.train.lr)  # a resume may change it (engine.runs.resume)
                self.trainer = trainer
                self.trainer_ready(trainer)
            self._emit(self._started(trainer))
            self._emit(self._finish(self._loop(trainer), trainer))
        except Exception as err:  # the run fails; the caller's app keeps working
            epoch = self.trainer.epoch if self.trainer is not None else 0
            field = err.problems[0].path if isinstance(err, ConfigError) and err.problems else ""
            self.result = RunFailed(failure_message(err) or _describe(err), epoch, traceback.format_exc(),
                                    isinstance(err, InputError), field, failure_report(err))  # (own-code: user frames)
            self.state = RunState.FINISHED
            self._emit(self.result)
        finally:
            self._gate.waiting.set()

    def _loop(self, trainer: Trainer) -> tuple[str, str]:
        """Epoch after epoch, each told to the epoch hooks in turn; how the run ended, and why."""
        hooks = self._epoch_hooks(trainer)
        should_stop = self._gate.stop.is_set
        try:
            for epoch in range(trainer.epoch + 1, self.config.train.epochs + 1):
                if not self._gate.await_turn(trainer, self._emit):
                    return self._stop_status, ""
                with self._model_lock:
                    event = self._train_epoch(trainer, epoch, should_stop)
                    if event is None:  # a stop came first
                        return self._stop_status, ""
                    for hook in hooks:
                        hook.on_epoch(event)
        except EndRun as end:  # diverged (in the epoch or after it), early-stopped
            return end.status, end.reason
        return RunStatus.COMPLETED, ""

    def _train_epoch(self, trainer: Trainer, epoch: int, should_stop: Callable[[], bool]) -> EpochEnded | None:
        """One epoch trained, and the test set evaluated when due, as its event (health and the
        early stop's line are the hooks'); None when a stop came first."""
        cfg = self.config.train
        began = time.perf_counter()
        lr = trainer.lr  # the lr the epoch starts with (a OneCycleLR moves it every batch)
        loss = train_checked(trainer, should_stop, epoch, lr)
        if loss is None:
            return None
        now = time.perf_counter()
        logged = epoch % cfg.log_interval == 0 or epoch == cfg.epochs
        evaluate = self._cadence.due(logged, math.isfinite(loss), self._gate.paused, now)
        test_loss, accuracy = evaluate_checked(trainer, epoch, lr) if evaluate else (None, None)
        trainer.end_epoch(test_loss)
        return EpochEnded(epoch, cfg.epochs, loss, test_loss, accuracy, trainer.train_samples / max(now - began, 1e-9),
                          now - self._started_at, lr, logged)

    def _epoch_hooks(self, trainer: Trainer) -> list[RunHooks]:
        """What follows each epoch, in this order: the best epoch (it may make the epoch a logged one)
        and health complete the event; the history and the listeners take it; then the schedule's lr
        step is told, the divergence checks and early stopping may end the run, and a snapshot is
        told when due."""
        self._cadence = cadence = EvalCadence(bool(watchers(self.config)), self.eval_interval_s)
        self._started_at = time.perf_counter()
        best, schedule = trainer.best, trainer.schedule
        hooks: list[RunHooks] = [BestEpoch(trainer, best)] if best is not None else []
        if self.health_at_log:
            hooks.append(HealthAtLog(trainer, self._health))
        hooks.append(_Announce(self))
        if schedule is not None and not schedule.gliding:  # a gliding schedule's lr moves every batch, untold
            hooks.append(LrSteps(trainer, self._emit))
        hooks.append(DivergenceCheck(trainer, cadence))
        if best is not None:
            hooks.append(EarlyStopping(best))
        hooks.append(SnapshotCadence(cadence, lambda: self._snapshot(trainer), self._emit,
                                     lambda: self.snapshot_interval_s, lambda: self.snapshot_on_eval,
                                     lambda: self._gate.paused))
        return hooks

    def _started(self, trainer) -> RunStarted:
        from engine.loop.views import run_started

        return run_started(self.config, trainer)

    def _snapshot(self, trainer, final: bool = False) -> Snapshot:
        health = self._health.live(trainer, due=final)  # the last views of a run show its last health
        return take_snapshot(trainer, self.boundary_size, self.picked_neuron, health)

    def _finish(self, outcome: tuple[str, str], trainer) -> RunFinished:
        from engine.loop.views import fit_scores, parameters_as_lists
        status, message = outcome
        with self._model_lock:
            if status in (RunStatus.COMPLETED, RunStatus.EARLY_STOPPED) and self.config.train.restore_best:
                message = trainer.best.restore(trainer.model, trainer.epoch, message)
            if trainer.epoch and status != RunStatus.DIVERGED:
                self._emit(self._snapshot(trainer, final=True))
            n = len(self.history)
            train_loss = self.history.train_loss[-1] if n else None
            test_loss, accuracy = trainer.evaluate() if status != RunStatus.DIVERGED else (None, None)
            scores = fit_scores(trainer) if status != RunStatus.DIVERGED else None
            best = self.history.best_test_loss()
            self.result = RunFinished(status, trainer.epoch, train_loss, test_loss, accuracy, message,
                                      parameters_as_lists(trainer), scores, best[1] if best else None,
                                      best[0] if best else None)
        self.state = RunState.FINISHED
        return self.result


class _Announce(RunHooks):
    """The listeners' turn among the epoch hooks: the epoch joins the history and is told."""

    def __init__(self, session: TrainingSession):
        self.session = session

    def on_epoch(self, event: EpochEnded) -> None:
        self.session.history.append(event)
        self.session._emit(event)


_conforms: type[Session] = TrainingSession  # mypy checks that a TrainingSession is a Session


def _describe(err: BaseException) -> str:
    text = str(err) or type(err).__name__
    return text if isinstance(err, ValueError) else f"{type(err).__name__}: {text}"
