"""The trainer's run controls, as the app's actions: start, pause, step, stop and reset, the live
learning rate, and which run is shown (its own, recorded; a watched one; a stopped one taken
over), with leaving. A part of NNTuiApp (tui.app), kept apart so that app.py stays wiring."""

from __future__ import annotations

from engine.config.problems import ConfigError
from engine.config.schema import RunConfig
from engine.errors import InputError
from engine.loop.session import TrainingSession
from engine.runs.remote import RemoteSession
from tui.bridge import EventBridge
from tui.lr_actions import lr_edited
from tui.picking import apply_pick
from tui.run_host import CLOSE_TIMEOUT_S
from tui.run_switch import continue_watched, record_new_run, watch_folder, watching
from tui.widgets.config_form import ConfigForm
from tui.widgets.runs_view import RunsView


class RunControls:
    """Mixed into NNTuiApp: it provides session, bridge, host, form, the views and notify."""

    def form_config(self) -> RunConfig | None:
        """The form's configuration, or None after saying why it cannot run."""
        try:
            return self.form.config()
        except ConfigError as err:
            reason = "; ".join(f"{p.path}: {p.message}" for p in err.problems)
            self.notify(f"Cannot start: {reason}", title="Invalid setup", severity="error", timeout=8)
            return None

    def fresh_run(self, config: RunConfig) -> None:
        """Reset the session to `config` (leaving a watched run for a run of its own): the views
        start afresh."""
        if isinstance(self.session, RemoteSession):
            self.session.close()
            bridge = EventBridge()
            self.show_run(TrainingSession(config, bridge, **self.session_options), bridge)
            return
        self.session.reset(config)
        self.bridge.clear()
        self.show_run(self.session, self.bridge)

    def show_run(self, session: TrainingSession | RemoteSession, bridge: EventBridge) -> None:
        """Show `session`'s run, fed through `bridge`, in views that start afresh."""
        self.session, self.bridge = session, bridge
        self.status, self.started, self.warnings, self.saved_epoch = "", False, (), None
        self._state = ""
        self.views.clear()
        apply_pick(self, None)
        self.summary.plan(session.config)
        self._label_output(session.config)

    def begin(self, one_epoch: bool) -> None:
        config = self.form_config()
        if config is None:
            return
        if watching(self):
            continue_watched(self, config, one_epoch)
        else:
            if self.session.state == "finished" or config != self.session.config:
                self.fresh_run(config)
            record_new_run(self)
            self.session.step() if one_epoch else self.session.start()
        self.tick()

    def control(self, action, *args) -> None:
        """A control of the shown run; a watched run may refuse (read-only, finished): said, not raised."""
        try:
            action(*args)
        except InputError as refused:
            self.notify(str(refused), title="Not sent", severity="warning")

    def action_toggle(self) -> None:
        if self.session.state in ("running", "paused"):
            self.control(self.session.toggle)
        else:
            self.begin(one_epoch=False)

    def action_step(self) -> None:
        if self.session.state in ("running", "paused"):
            self.control(self.session.step)
        else:
            self.begin(one_epoch=True)

    def action_reset(self) -> None:
        config = self.form_config()
        if config is not None:
            self.fresh_run(config)
            self.notify("Fresh weights; press space to train.", title="Reset", timeout=3)

    def action_stop(self) -> None:
        if self.session.state in ("running", "paused"):
            self.control(self.session.stop)

    def on_config_form_changed(self, event: ConfigForm.Changed) -> None:
        """The learning rate reaches a live run at its next epoch; other edits wait for reset."""
        if event.config is None:
            return
        if event.path == "train.lr" and self.session.state in ("running", "paused"):
            self.control(lr_edited, self, event.config.train.lr)  # type: ignore[arg-type]
        elif self.session.state == "idle":
            self.summary.plan(event.config)
            self._label_output(event.config)

    def shutdown(self, return_code: int = 0) -> None:
        """Stop the engine at an epoch boundary, let the recorder write the end of the run (within
        2 s: a dropped connection must not hang), and leave; a watched run goes on."""
        self.let_go()
        self.exit(return_code=return_code)

    def let_go(self) -> None:
        """End this trainer's part in the shown run: its own run stops and is recorded as such."""
        if isinstance(self.session, RemoteSession):
            self.session.close()
        else:
            self.session.stop()
            self.host.finish(timeout=CLOSE_TIMEOUT_S)

    def on_runs_view_open(self, event: RunsView.Open) -> None:
        """enter in the Runs view: the trainer's own run is already shown; another is watched."""
        if event.folder == self.host.folder or (watching(self) and event.folder == self.session.folder):
            self.action_show_view(0)
        elif watch_folder(self, event.folder):
            self.action_show_view(0)
