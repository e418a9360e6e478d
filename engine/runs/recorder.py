"""A run recording itself into its folder while it trains, so that it outlives the terminal and
anyone can watch it: config.toml at the start, metrics.csv rows and events.jsonl records appended
within a second, view.json replaced at the view rate, checkpoint.pt with model.pt replaced
together every CHECKPOINT_EVERY_S, at every pause and at the end, and with train.keep_best,
best.pt replaced at most every BEST_EVERY_S while the test loss reaches new lows (and at the
end, so that it holds the best epoch's weights), and with `tensorboard`, TensorBoard event files
(engine.runs.tensorboard.writer) written beside metrics.csv. The folder is held (lock) from `open` to `close`.

The listener runs on the engine thread and does almost nothing per epoch: it copies the trainer's
state only when a checkpoint is due (the model is between epochs then), and leaves every write to
a writer thread, which also applies the control requests that watchers append to control.jsonl."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from engine.config.toml_file import dumps
from engine.errors import InputError
from engine.files.atomic import remove_orphans, write_atomic, write_text_atomic, write_together
from engine.loop.events import EpochEnded, Held, LrChanged, Resumed, RunFailed, RunFinished, RunStarted, Snapshot
from engine.loop.history import MetricsHistory
from engine.loop.hooks import RunHooks
from engine.loop.run_state import RunState, RunStatus
from engine.runs import layout
from engine.runs.code_record import write_code
from engine.runs.controls import ControlInbox
from engine.runs.event_log import EventLog
from engine.runs.lock import RunLock
from engine.runs.metrics_file import HEADER, MetricsAppender, csv_rows
from engine.runs.portable import portable_config
from engine.runs.records import end_record, start_record, view_record

if TYPE_CHECKING:
    from engine.runs.tensorboard.writer import TensorBoardLog

CHECKPOINT_EVERY_S = 30.0
VIEW_EVERY_S = 0.5
BEST_EVERY_S = 1.0  # a run improving every epoch (thousands a second) writes best.pt at most this often
FLUSH_EVERY_S = 0.25  # metrics rows and events reach the disk at least this often


class FolderHoldsRun(InputError):
    """The folder already holds another run's files."""


def refuse_odd_files(folder: Path, names: list[str]) -> None:
    """Refuse, before anything is trained, a run file that is not a regular file (a folder, a FIFO,
    a symbolic link to nowhere): a resume would append to it or replace it only once the run ends,
    and a FIFO would hang the writer."""
    for name in names:
        try:
            regular = stat.S_ISREG(os.stat(folder / name).st_mode)
        except OSError as err:
            raise InputError(f"{folder / name}: cannot be read ({err.strerror or err})") from None
        if not regular:
            raise InputError(f"{folder / name}: not a regular file (a folder, pipe or device cannot be a run's "
                             f"{name}); move it away")


class RunRecorder(RunHooks):
    """Listener of one TrainingSession run (its hooks run on the engine thread), writing its folder.
    `open` before the session starts, `close` after it ends; `errors` says what could not be
    written (the run goes on regardless)."""

    def __init__(self, folder: str | Path, session, *, title: str = "", controls: bool = True,
                 checkpoint_every_s: float = CHECKPOINT_EVERY_S, view_every_s: float = VIEW_EVERY_S,
                 tensorboard: str | Path | None = None):
        self.folder = Path(folder)
        self.session = session
        self.title = title
        self.checkpoint_every_s = checkpoint_every_s
        self.view_every_s = view_every_s
        self.errors: list[str] = []
        self.lock = RunLock(self.folder)
        self._controls = ControlInbox(self.folder, session) if controls else None
        self._records: list[tuple[str, dict[str, Any]]] = []  # appended on the engine thread
        self._state: dict[str, Any] | None = None  # a checkpoint captured, waiting to be written
        self._state_epoch = -1
        self._snapshot: Snapshot | None = None
        self._preprocess = None
        self._want_state = False  # set by the writer when a checkpoint is due, read per epoch
        self._ended = False
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._metrics: MetricsAppender | None = None
        self._log: EventLog | None = None
        self._replace: list[str] = []  # an overwritten run's files, removed when this one starts
        self._started_rows: int | None = None  # metrics rows at the start; None until the run starts
        self._best_written = 0  # the epoch whose weights best.pt holds (0: none written by this run)
        self.tensorboard = Path(tensorboard) if tensorboard is not None else None  # the event files' folder
        self._tensorboard: TensorBoardLog | None = None  # made when the run starts

    # -- opening and closing (caller's thread) ----------------------------------------------

    def open(self, overwrite: bool = False, continuing: bool = False) -> RunRecorder:
        """Hold the folder for the run. A folder holding another run is refused unless `overwrite`
        (its run files go once the new run starts) or `continuing` (a resume into it). Nothing is
        written until the run has started: input refused before that leaves the folder as it was."""
        self.lock.acquire()
        try:
            existing = [name for name in layout.RUN_FILES if (self.folder / name).exists()]
            if existing and not (overwrite or continuing):
                raise FolderHoldsRun(f"{self.folder} already holds a run ({', '.join(existing)}); choose another "
                                     "folder or pass --overwrite")
            refuse_odd_files(self.folder, existing)
            if self._controls is not None:
                self._controls.skip_old()
        except BaseException:
            self.lock.release()
            raise
        self._replace = existing if overwrite and not continuing else []
        self.session.listeners.append(self)
        self._thread = threading.Thread(target=self._write_loop, name="nntui-recorder", daemon=True)
        self._thread.start()
        return self

    def _begin(self, rows: int) -> None:
        """The run has started: clear what it replaces, then config.toml and the metrics so far
        (`rows` of them: a resumed run's, cut at its checkpoint)."""
        remove_orphans(self.folder)
        for name in self._replace:
            (self.folder / name).unlink(missing_ok=True)
        if self._replace:  # the replaced run's TensorBoard events, where it wrote them into its folder
            for events in self.folder.glob(layout.TENSORBOARD_EVENTS):
                events.unlink(missing_ok=True)
        write_text_atomic(self.folder / layout.CONFIG, dumps(portable_config(self.session.config)))
        write_code(self.folder, getattr(self.session.trainer, "code", ()))  # the user's files, as they ran
        history: MetricsHistory = self.session.history
        write_text_atomic(self.folder / layout.METRICS, HEADER + "\n" + csv_rows(history, 0, rows))
        self._metrics = MetricsAppender(self.folder / layout.METRICS, history, rows)
        self._log = EventLog(self.folder / layout.EVENTS)
        if self.tensorboard is not None:
            self._attempt("TensorBoard events", self._open_tensorboard, history, rows)

    def _open_tensorboard(self, history: MetricsHistory, rows: int) -> None:
        from engine.runs.tensorboard.writer import TensorBoardLog

        assert self.tensorboard is not None  # (only called when there is one)
        log = TensorBoardLog(self.tensorboard, history, rows)
        log.open(self.session.config)
        self._tensorboard = log

    def close(self, timeout: float | None = None) -> bool:
        """Wait for the writer to put down the end of the run (the session must have ended);
        True when it has. Errors are in `errors`."""
        thread = self._thread
        if thread is None:
            return True
        self._wake.set()
        thread.join(timeout)
        return not thread.is_alive()

    # -- the hooks (engine thread) -----------------------------------------------------------

    def on_epoch(self, event: EpochEnded) -> None:
        """The hot path: one attribute read per epoch, and a checkpoint when the writer wants one."""
        if self._want_state and event.train_loss == event.train_loss:  # not NaN
            self._capture()

    def on_snapshot(self, event: Snapshot) -> None:
        self._snapshot = event
        self._wake.set()

    def on_started(self, event: RunStarted) -> None:
        trainer = self.session.trainer
        self._preprocess = getattr(trainer, "preprocess", None)
        self._started_rows = len(self.session.history)  # before this run's first epoch
        self._records.append(("start", {"title": self.title, **start_record(event)}))
        self._capture()
        self._wake.set()

    def on_held(self, event: Held) -> None:
        self._records.append(("pause", {"epoch": event.epoch}))
        if event.epoch != self._state_epoch:
            self._capture()
        self._wake.set()

    def on_resumed(self, event: Resumed) -> None:
        self._records.append(("resume", {"epoch": event.epoch}))
        self._wake.set()

    def on_lr(self, event: LrChanged) -> None:
        self._records.append(("lr", {"epoch": event.epoch, "lr": event.lr, "previous": event.previous}))
        if self.session.state == RunState.PAUSED:  # held: the pause's checkpoint must have the new lr
            self._capture()
        self._wake.set()

    def on_end(self, event: RunFinished | RunFailed) -> None:
        if isinstance(event, RunFinished) and event.status != RunStatus.DIVERGED:
            self._capture()
        self._records.append(("end", end_record(event)))
        self._ended = True
        self._wake.set()

    def _capture(self) -> None:
        """Copy the trainer's state for the writer (never non-finite weights over finite ones)."""
        from engine.loop.state import captured_state

        trainer = self.session.trainer
        self._want_state = False
        if trainer is None or not trainer.parameters_finite():
            return
        self._state = {"state": captured_state(trainer), "config": self.session.config.copy()}
        self._state_epoch = trainer.epoch
        self._wake.set()

    # -- the writer thread -------------------------------------------------------------------

    def _write_loop(self) -> None:
        last_view = last_checkpoint = last_best = time.monotonic()
        ending: list[tuple[str, dict[str, Any]]] = []  # the end record waits for everything else
        while True:
            self._wake.wait(FLUSH_EVERY_S)
            self._wake.clear()
            ended = self._ended  # read first: the end record was queued before it was set
            if self._log is None:
                if self._started_rows is not None:
                    self._attempt(layout.CONFIG, self._begin, self._started_rows)
                if self._log is None:  # not started yet, or refused before it did: write nothing
                    if ended:
                        break
                    continue
            now = time.monotonic()
            if not ended and now - last_checkpoint >= self.checkpoint_every_s:
                self._want_state = True
            records, self._records = self._records, []
            ending += [record for record in records if record[0] == "end"]
            self._write_records([record for record in records if record[0] != "end"])  # the start before its rows
            if self._metrics is not None:
                self._attempt(layout.METRICS, self._metrics.flush, sync=ended)
            if self._tensorboard is not None:
                self._attempt("TensorBoard events", self._tensorboard.write, ended)
            if self._preprocess is not None:
                self._write_preprocess()
            if self._state is not None:
                self._commit_state()
                last_checkpoint = now
            if ended or now - last_best >= BEST_EVERY_S:
                self._write_best()
                last_best = now
            if self._snapshot is not None and (ended or now - last_view >= self.view_every_s):
                snapshot, self._snapshot = self._snapshot, None
                self._attempt(layout.VIEW, write_text_atomic, self.folder / layout.VIEW,
                              json.dumps(view_record(snapshot), allow_nan=False), sync=False)
                if self._tensorboard is not None:
                    self._attempt("TensorBoard events", self._tensorboard.snapshot, snapshot)
                last_view = now
            if ended:
                self._write_records([self._honest_end(record) for record in ending])
                break
            self.lock.heartbeat()
            if self._controls is not None:
                self._controls.apply(self._log)
        self._finish()

    def _honest_end(self, record: tuple[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
        """The end record, or a failed one where metrics.csv could not be written (a full disk):
        a folder missing epochs must not read as a run that completed."""
        lost = next((error for error in self.errors if error.startswith(f"cannot write {layout.METRICS} ")), None)
        fields = record[1]
        if lost is None or fields.get("status") == RunStatus.FAILED:
            return record
        return record[0], {"status": RunStatus.FAILED, "epoch": fields.get("epoch", 0), "bad_input": False,
                           "message": f"the run ended {fields.get('status')}, but its record is incomplete: {lost}"}

    def _write_records(self, records: list[tuple[str, dict[str, Any]]]) -> None:
        log = self._log
        if log is None:
            return
        for name, fields in records:
            self._attempt(layout.EVENTS, log.append, name, **fields)

    def _write_preprocess(self) -> None:
        from engine.data.preprocess_file import save_preprocess

        preprocess, self._preprocess = self._preprocess, None
        self._attempt(layout.PREPROCESS, save_preprocess, preprocess, self.folder / layout.PREPROCESS)

    def _commit_state(self) -> None:
        """checkpoint.pt, model.pt and config.toml as one change: all written, or none."""
        import torch

        from engine.runs.checkpoint import checkpoint_file_state

        captured, self._state = self._state, None
        state, config = captured["state"], captured["config"]  # type: ignore[index]

        def write_config(handle: IO[bytes]) -> None:
            handle.write(dumps(portable_config(config)).encode("utf-8"))

        def commit() -> None:
            write_together([
                (self.folder / layout.CONFIG, write_config),
                (self.folder / layout.MODEL, lambda h: torch.save(state["model"], h)),
                (self.folder / layout.CHECKPOINT, lambda h: torch.save(checkpoint_file_state(state), h)),
            ])
            self._log.append("checkpoint", epoch=state["epoch"])  # type: ignore[union-attr]

        self._attempt(layout.CHECKPOINT, commit)

    def _write_best(self) -> None:
        """best.pt from the run's BestWatch, when it has reached a new low since the last write. Its
        weights dict is never changed in place, so this thread may save the one it reads."""
        trainer = self.session.trainer
        watch = getattr(trainer, "best", None)
        if watch is None or not self.session.config.train.keep_best:
            return
        best = watch.best
        if best.weights is None or best.epoch == self._best_written:
            return
        import torch

        weights = {name: tensor.cpu() for name, tensor in best.weights.items()}
        self._attempt(layout.BEST, write_atomic, self.folder / layout.BEST, lambda h: torch.save(weights, h))
        self._best_written = best.epoch

    def _attempt(self, name: str, write, *args: Any, **kwargs: Any) -> None:
        """Run one write; a failure (a full disk, a vanished folder) is kept in `errors` once per
        file, and the run goes on: the files it did not replace are the previous good ones."""
        try:
            write(*args, **kwargs)
        except Exception as err:  # torch wraps ENOSPC in RuntimeError; OSError otherwise
            reason = getattr(err, "strerror", None) or (str(err).splitlines() or [type(err).__name__])[0]
            message = f"cannot write {name} in {self.folder}: {reason}"
            if message not in self.errors:
                self.errors.append(message)

    def _finish(self) -> None:
        for closing in (self._metrics, self._log, self._tensorboard):
            if closing is not None:
                self._attempt(layout.EVENTS, closing.close)
        if self in self.session.listeners:
            self.session.listeners.remove(self)
        self.lock.release()

