"""A run in a folder, driven like a TrainingSession: the trainer watches it through this with the
very code that shows a local run. A thread polls the folder (RunWatcher) and hands the engine's
own events to the listeners; the controls become requests in control.jsonl (engine.runs.controls)
that the run's writer applies, in this process or another, on this machine or another. A
TensorBoard run (a folder of event files another program writes) is watched the same way, through
a TensorBoardWatcher, and refuses every control; which of its tags are drawn can be chosen."""

from __future__ import annotations

import threading
from pathlib import Path

from engine.errors import InputError
from engine.loop.events import Event, RunFailed, RunFinished, RunStarted
from engine.loop.history import MetricsHistory
from engine.loop.live_run import Listener, Session
from engine.loop.run_state import RunState, RunStatus, is_live
from engine.runs.controls import can_control, send_control
from engine.runs.run_reader import RunReader
from engine.runs.tensorboard.logdir import holds_events
from engine.runs.tensorboard.tags import TagPair
from engine.runs.tensorboard.watcher import CANNOT_CONTROL, TagListing, TensorBoardWatcher
from engine.runs.watcher import RunWatcher

POLL_S = 0.25  # a watched run is at most this far behind (plus the writer's own quarter second)


class RemoteSession:
    """The session-like face of a watched run (state, config, history, controls)."""

    trainer = None  # nothing to save from here: the run's own folder is its save
    remote = True

    def __init__(self, folder: str | Path, listener: Listener | None = None, read_only: bool = False):
        self.folder = Path(folder)
        self.foreign = holds_events(self.folder)
        self.watcher: RunReader = TensorBoardWatcher(self.folder) if self.foreign else RunWatcher(self.folder)
        self.config = self.watcher.config
        self.listeners: list[Listener] = [listener] if listener else []
        self.read_only = read_only
        self.boundary_size = (60, 30)  # set by the views; the writer decides its own grid
        self.status: str = RunStatus.NEW  # the folder's word: running, paused, stopped, crashed, ...
        self.result: RunFinished | RunFailed | None = None
        self._lock = threading.Lock()  # a poll and a change of listeners (choose_tags) take turns
        self.poll()  # what is there already, before the constructor returns
        self._stop_polling = threading.Event()
        self._thread = threading.Thread(target=self._poll_loop, name="nntui-watch", daemon=True)
        self._thread.start()

    @property
    def history(self) -> MetricsHistory:
        return self.watcher.history

    @property
    def state(self) -> RunState:
        """As a TrainingSession says it: running, paused or finished (an ended or crashed run)."""
        if is_live(self.status):
            return RunState(self.status)
        return RunState.FINISHED

    # -- controls, through the folder ------------------------------------------------------

    def control_problem(self) -> str | None:
        """Why this run cannot be controlled from here, or None."""
        if self.foreign:
            return CANNOT_CONTROL
        if self.read_only:
            return "watching read-only (--read-only)"
        if self.state == RunState.FINISHED:
            return f"the run is {self.status}: there is nothing to control"
        return can_control(self.folder)

    def _send(self, action: str, lr: float | None = None) -> None:
        problem = self.control_problem()
        if problem:
            raise InputError(problem)
        send_control(self.folder, action, lr)

    def toggle(self) -> None:
        self._send("pause" if self.status == RunStatus.RUNNING else "resume")

    def start(self) -> None:
        self._send("resume")

    def pause(self) -> None:
        self._send("pause")

    def step(self) -> None:
        self._send("step")

    def stop(self) -> None:
        """Ask the run to stop (a watcher leaving does not: see close)."""
        self._send("stop")

    def set_lr(self, lr: float) -> None:
        self._send("lr", lr)

    # -- a TensorBoard run's tags --------------------------------------------------------

    def tag_listing(self) -> TagListing | None:
        """A TensorBoard run's tags, the pair drawn and the pairs it can draw; None for nntui's own."""
        watcher = self.watcher
        return watcher.listing() if isinstance(watcher, TensorBoardWatcher) else None

    def choose_tags(self, pair: TagPair, listener) -> None:
        """Draw `pair` from now on: the run is told afresh (a RunStarted, every step) to `listener`
        alone, from the polling thread's next poll."""
        watcher = self.watcher
        if not isinstance(watcher, TensorBoardWatcher):
            raise InputError("only a TensorBoard run has tags to choose")
        with self._lock:
            self.listeners = [listener]
            watcher.choose(pair)

    def close(self) -> None:
        """Stop watching; the run goes on."""
        self._stop_polling.set()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def wait_until_held(self, timeout: float = 0) -> bool:
        return True

    # -- the polling thread ----------------------------------------------------------------

    def _emit(self, event: Event) -> None:
        for listener in list(self.listeners):
            listener(event)

    def _poll_loop(self) -> None:
        while True:
            self.poll()
            if self._stop_polling.wait(POLL_S):
                return

    def poll(self) -> None:
        """Read what the run added and pass it on; say `crashed` once when its writer is gone."""
        with self._lock:
            self._poll()

    def _poll(self) -> None:
        for event in self.watcher.poll():
            if isinstance(event, RunStarted):
                self.config = event.config
                self.result = None
            elif isinstance(event, (RunFinished, RunFailed)):
                self.result = event
            self._emit(event)
        if self.foreign:  # its length grows with its steps
            self.config = self.watcher.config
        status = self.watcher.status
        if status != self.status:
            self.status = status
            if status == RunStatus.CRASHED:  # no end record will come: say it as one
                epochs = int(self.history.epochs[-1]) if len(self.history) else 0
                self.result = RunFinished(RunStatus.CRASHED, epochs, None, None, None,
                                          "its process ended without finishing; space continues it from the "
                                          "last checkpoint")
                self._emit(self.result)


_conforms: type[Session] = RemoteSession  # mypy checks that a watched run is a Session
