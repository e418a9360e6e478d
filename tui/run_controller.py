"""The run the trainer shows, and everything done to it: start, pause, step, stop and reset, the
live learning rate, which run is shown (its own, recorded under the runs folder; one watched from its
folder; a stopped or crashed one taken over and continued from its checkpoint) and letting it go on
the way out. One object owns the session, the bridge its events come through, the host that records
it and the run's status; the app holds one and hands it its keys. The views start afresh whenever
the run they show changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App

from engine.config.problems import ConfigError
from engine.config.rules import manual_lr_problem
from engine.config.schema import RunConfig
from engine.errors import InputError
from engine.loop.events import Event, RunFailed, RunFinished, RunStarted, Snapshot
from engine.loop.live_run import Session
from engine.loop.run_state import RunState, is_live
from engine.loop.session import TrainingSession
from engine.runs.remote import RemoteSession
from engine.runs.tensorboard.tags import TagPair
from engine.runs.tensorboard.watcher import TagListing
from tui.bridge import EventBridge
from tui.panels import Panels
from tui.render.foreign_text import foreign_facts
from tui.run_events import show_event
from tui.run_host import CLOSE_TIMEOUT_S, RunHost
from tui.widgets.config_form import ConfigForm, preset_named
from tui.widgets.output_view import OutputView


class RunController:
    """The shown run's session, bridge, host and status, and the trainer's controls of it."""

    def __init__(self, app: App, config: RunConfig, host: RunHost, session_options: dict[str, Any],
                 watch: Path | None = None, read_only: bool = False) -> None:
        self.app = app  # for notices, dialogs and workers
        self.host = host
        self.session_options = session_options
        self.bridge = EventBridge()
        self.session: Session = (
            RemoteSession(watch, self.bridge, read_only) if watch is not None
            else TrainingSession(config, self.bridge, **session_options))
        self.status = ""  # how the last run ended
        self.started = False  # the session's run has reported its start (torch and the data are loaded)
        self.warnings: tuple[str, ...] = ()  # the run's setup warnings, shown under the metrics
        self.saved_epoch: int | None = None  # the epoch of the run's last save
        self.last_saved: str | None = None  # the folder of the last save, where Ctrl+O looks first
        self.runs_shown = 1  # counts the runs shown: a newly shown run locks the form afresh
        self._panels: Panels | None = None
        self._facts_of: object = None  # the TensorBoard run's listing the form's facts were made from
        self._after_start: Callable[[], None] = lambda: None

    def attach(self, panels: Panels, after_start: Callable[[], None]) -> None:
        """The mounted app's panels; `after_start` redraws at once once a run is launched."""
        self._panels, self._after_start = panels, after_start
        self._show_form_for(self.session)

    @property
    def panels(self) -> Panels:
        assert self._panels is not None, "attach the panels first (the app does on mount)"
        return self._panels

    @property
    def watching(self) -> bool:
        return isinstance(self.session, RemoteSession)

    # -- the run's events ----------------------------------------------------------------

    def drain(self) -> None:
        """Take in the engine's events and log lines since the last drain: the run's state follows
        them, the panels show them (a run's end after its last epoch's line)."""
        events, lines = self.bridge.drain()
        ends = [e for e in events if isinstance(e, (RunFinished, RunFailed))]
        for event in events:
            if event not in ends:
                self._took(event)
        if lines:
            self.panels.log.add(lines)
        for event in ends:
            self._took(event)
        if self.foreign and self.tag_listing() is not self._facts_of:  # its hparams and tags as they arrive
            self._show_form_for(self.session)

    def _took(self, event: Event) -> None:
        if isinstance(event, Snapshot):  # the views' food, a few per second: straight to them
            self.panels.views.take(event)
            return
        if isinstance(event, RunStarted):
            self.started, self.warnings = True, event.warnings
        elif isinstance(event, RunFinished):
            self.status = event.status
        elif isinstance(event, RunFailed):
            self.status = "failed"
        show_event(self.app, self.panels, event)

    def saved(self, epoch: int, folder: str) -> None:
        """The run was saved into `folder` as of `epoch`: leaving need not ask."""
        self.saved_epoch, self.last_saved = epoch, folder

    # -- the controls --------------------------------------------------------------------

    def form_config(self) -> RunConfig | None:
        """The form's configuration, or None after saying why it cannot run."""
        try:
            return self.panels.form.config()
        except ConfigError as err:
            reason = "; ".join(f"{p.path}: {p.message}" for p in err.problems)
            self.app.notify(f"Cannot start: {reason}", title="Invalid setup", severity="error", timeout=8)
            return None

    def toggle(self) -> None:
        """space: pause or go on; with no run going, start the form's."""
        if is_live(self.session.state):
            self.control(self.session.toggle)
        else:
            self.begin(one_epoch=False)

    def step(self) -> None:
        """n: one epoch."""
        if is_live(self.session.state):
            self.control(self.session.step)
        else:
            self.begin(one_epoch=True)

    def stop(self) -> None:
        if is_live(self.session.state) or self.foreign:
            self.control(self.session.stop)  # (a TensorBoard run that ended says it cannot be controlled too)

    @property
    def foreign(self) -> bool:
        """The shown run is a TensorBoard run written by another program (watched, never controlled)."""
        return isinstance(self.session, RemoteSession) and self.session.foreign

    def refused_for_foreign(self, what: str) -> bool:
        """True (said) when the shown run is a TensorBoard run of another program's, which has no
        nntui setup for `what` (a command line, a script, a save)."""
        if self.foreign:
            self.app.notify(f"A TensorBoard run written by another program has no nntui setup to {what}; r leaves "
                            "it for a run of your own.", title="Not for a TensorBoard run", severity="warning")
        return self.foreign

    def reset(self) -> None:
        config = self.form_config()
        if config is not None:
            self.fresh_run(config)
            self.app.notify("Fresh weights; press space to train.", title="Reset", timeout=3)

    def control(self, action: Callable[..., None], *args: Any) -> None:
        """A control of the shown run; a watched run may refuse (read-only, finished): said, not raised."""
        try:
            action(*args)
        except InputError as refused:
            self.app.notify(str(refused), title="Not sent", severity="warning")

    def begin(self, one_epoch: bool) -> None:
        """Start the form's run (or continue a watched one that ended), recorded."""
        config = self.form_config()
        if config is None:
            return
        if self.watching:
            self._continue_watched(config, one_epoch)
        else:
            if self.session.state == RunState.FINISHED or config != self.session.config:
                self.fresh_run(config)
            self._record_new_run()
            self.session.step() if one_epoch else self.session.start()
        self._after_start()

    def form_changed(self, event: ConfigForm.Changed) -> None:
        """The learning rate reaches a live run at its next epoch; other edits wait for reset."""
        if event.config is None:
            return
        if event.path == "train.lr" and is_live(self.session.state):
            self.control(self.lr_edited, event.config.train.lr)
        elif self.session.state == RunState.IDLE:
            self.panels.summary.plan(event.config)
            self.label_output(event.config)

    def lr_edited(self, lr: float) -> None:
        """An lr edited while a run exists: taken from the next epoch, or, where a schedule sets it,
        kept for the next run (said in the log)."""
        session, log = self.session, self.panels.log
        if lr == session.config.train.lr:
            return
        problem = manual_lr_problem(session.config)
        if problem:
            log.add([f"lr {lr:g} is not applied to this run: {problem}"])
            return
        session.set_lr(lr)
        self.panels.form.run_values["train.lr"] = lr
        log.add([f"lr -> {lr:g} from the next epoch"])

    def pick(self, picked: tuple[int, int] | None) -> None:
        """Show `picked` (layer, unit) everywhere it matters; None gives the Boundary view the output
        back. With no snapshot coming (a paused or ended run of its own) the engine is asked for one
        at once, off the UI's thread; a watched run's writer draws its own."""
        session = self.session
        if isinstance(session, TrainingSession):  # the engine sends this unit's finer grid
            session.picked_neuron = picked
        self.panels.output.pick(picked)
        self.panels.keys.refresh(layout=True)
        held = session.state in (RunState.PAUSED, RunState.FINISHED)
        if picked is not None and held and isinstance(session, TrainingSession):
            self.app.run_worker(session.refresh_views, thread=True, group="views", exit_on_error=False)

    def label_output(self, config: RunConfig) -> None:
        """The output view's title (Boundary, Fit, Results or Images) and keys, by the data."""
        views = self.panels.views
        views.set_title("output", OutputView.title(config))
        self.panels.output.boundary = OutputView.title(config) == "Boundary"
        self.panels.keys.refresh(layout=True)  # the boundary's keys come and go with it

    # -- a TensorBoard run's tags --------------------------------------------------------

    def tag_listing(self) -> TagListing | None:
        """The shown run's tags where it is a TensorBoard run (None for nntui's own)."""
        session = self.session
        return session.tag_listing() if isinstance(session, RemoteSession) else None

    def choose_tags(self, pair: TagPair) -> None:
        """Draw `pair` of the watched TensorBoard run's tags: its views start afresh on them."""
        session = self.session
        if not isinstance(session, RemoteSession) or not session.foreign:
            return
        bridge = EventBridge()
        session.choose_tags(pair, bridge)
        self.show_run(session, bridge)

    # -- which run is shown ---------------------------------------------------------------

    def fresh_run(self, config: RunConfig) -> None:
        """Reset the session to `config` (leaving a watched run for a run of its own): the views
        start afresh."""
        session = self.session
        if isinstance(session, RemoteSession):
            session.close()
            bridge = EventBridge()
            self.show_run(TrainingSession(config, bridge, **self.session_options), bridge)
            return
        assert isinstance(session, TrainingSession)
        session.reset(config)
        self.bridge.clear()
        self.show_run(session, self.bridge)

    def show_run(self, session: Session, bridge: EventBridge) -> None:
        """Show `session`'s run, fed through `bridge`, in views that start afresh."""
        self.session, self.bridge = session, bridge
        self.status, self.started, self.warnings, self.saved_epoch = "", False, (), None
        self.runs_shown += 1
        self.panels.views.clear()
        self.pick(None)
        self.panels.summary.plan(session.config)
        self.label_output(session.config)
        self._show_form_for(session)

    def _show_form_for(self, session: Session) -> None:
        """The form shows the fields, or for a TensorBoard run of another program's what it knows
        of the run (its fields stay as they were, hidden, for the next run of the trainer's own)."""
        remote = session if isinstance(session, RemoteSession) else None
        listing = remote.tag_listing() if remote is not None else None
        self._facts_of = listing
        self.panels.form.show_foreign(None if remote is None or listing is None else foreign_facts(
            remote.folder, listing.hparams, len(listing.figures)))

    def _record_new_run(self) -> None:
        """The session is about to start a fresh run: record it (or say why it is not recorded)."""
        session = self.session
        if not isinstance(session, TrainingSession) or session.state != RunState.IDLE:
            return
        problem = self.host.record(session, preset_named(session.config) or "")
        if problem:
            self.app.notify(problem, title="Not recorded", severity="warning", timeout=8)

    def _continue_watched(self, wanted: RunConfig, one_epoch: bool) -> None:
        """Space (or n) on a watched run that has stopped or crashed: continue it here from its
        checkpoint, to the form's epochs and lr, recording into its own folder."""
        remote = self.session
        assert isinstance(remote, RemoteSession)
        if remote.state != RunState.FINISHED:
            return
        if remote.foreign:
            self.app.notify(remote.control_problem() or "", title="Not continued", severity="warning", timeout=8)
            return
        bridge = EventBridge()
        try:
            continued = self.host.continue_run(remote.folder, wanted, bridge, **self.session_options)
        except InputError as refused:  # ConfigError included: epochs already done, a changed model
            reason = str(refused).replace("train.epochs: ", "epochs: ")
            if "already trained" in reason:
                reason += " (raise epochs in the form)"
            self.app.notify(f"Cannot continue {remote.folder.name}: {reason}", title="Not continued",
                            severity="warning", timeout=10)
            return
        remote.close()
        bridge.figures.best_test = continued.session.history.best_test_loss()  # the epochs before this session count
        self.show_run(continued.session, bridge)
        self.app.notify(f"Continuing {continued.folder.name} from epoch {continued.epochs_done}", title="Continued",
                        timeout=4)
        continued.session.step() if one_epoch else continued.session.start()

    def open_folder(self, folder: Path) -> bool:
        """enter in the Runs view: True when `folder`'s run is shown now (the trainer's own run
        already is; another is watched)."""
        session = self.session
        if folder == self.host.folder or (isinstance(session, RemoteSession) and folder == session.folder):
            return True
        return self.watch_folder(folder)

    def watch_folder(self, folder: Path, read_only: bool = False) -> bool:
        """Show the run in `folder` instead of the current one; False (said) when the trainer's own
        run is still training, or the folder cannot be read."""
        current = self.session
        if isinstance(current, TrainingSession) and current.state == RunState.RUNNING:
            self.app.notify("Pause (space) or stop (s) this run first: it is training.", title="Busy",
                            severity="warning")
            return False
        bridge = EventBridge()
        try:
            remote = RemoteSession(folder, bridge, read_only=read_only)  # what is recorded so far, into `bridge`
        except InputError as err:
            self.app.notify(str(err), title="Cannot open", severity="error")
            return False
        if isinstance(current, RemoteSession):
            current.close()
        else:
            current.stop()  # a paused run of its own stays recorded, as stopped
            self.host.finish(timeout=2.0)
        self.show_run(remote, bridge)
        if not remote.foreign:  # (a TensorBoard run's facts show instead: the form keeps its fields)
            self.panels.form.fill(remote.config)
        return True

    # -- leaving -------------------------------------------------------------------------

    def shutdown(self, return_code: int = 0) -> None:
        """Stop the engine at an epoch boundary, let the recorder write the end of the run (within
        2 s: a dropped connection must not hang), and leave; a watched run goes on."""
        self.let_go()
        self.app.exit(return_code=return_code)

    def let_go(self) -> None:
        """End this trainer's part in the shown run: its own run stops and is recorded as such."""
        session = self.session
        if isinstance(session, RemoteSession):
            session.close()
        else:
            session.stop()
            self.host.finish(timeout=CLOSE_TIMEOUT_S)
