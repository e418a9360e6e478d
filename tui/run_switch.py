"""Which run the trainer shows, and changing it: a fresh run of its own (recorded under the runs
folder), a run watched from its folder (RemoteSession), or a stopped or crashed run taken over and
continued from its checkpoint. The views start afresh whenever the run they show changes."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from textual.app import App

from engine.config.schema import RunConfig
from engine.errors import InputError
from engine.loop.session import TrainingSession
from engine.runs.remote import RemoteSession
from tui.bridge import EventBridge
from tui.run_host import RunHost
from tui.widgets.config_form import ConfigForm, preset_named


class HostingApp(Protocol):
    """What switching runs needs of the trainer app (tui.app.NNTuiApp), without importing it."""

    session: TrainingSession | RemoteSession
    bridge: EventBridge
    host: RunHost
    form: ConfigForm
    session_options: dict
    notify = App.notify

    def show_run(self, session: TrainingSession | RemoteSession, bridge: EventBridge) -> None: ...


def watching(app: HostingApp) -> bool:
    return isinstance(app.session, RemoteSession)


def record_new_run(app: HostingApp) -> None:
    """The session is about to start a fresh run: record it (or say why it is not recorded)."""
    session = app.session
    if not isinstance(session, TrainingSession) or session.state != "idle":
        return
    problem = app.host.record(session, preset_named(session.config) or "")
    if problem:
        app.notify(problem, title="Not recorded", severity="warning", timeout=8)


def continue_watched(app: HostingApp, wanted: RunConfig, one_epoch: bool) -> None:
    """Space (or n) on a watched run that has stopped or crashed: continue it here from its checkpoint,
    to the form's epochs and lr, recording into its own folder."""
    remote = app.session
    assert isinstance(remote, RemoteSession)
    if remote.state != "finished":
        return
    if remote.foreign:
        app.notify(remote.control_problem() or "", title="Not continued", severity="warning", timeout=8)
        return
    bridge = EventBridge()
    try:
        continued = app.host.continue_run(remote.folder, wanted, bridge, **app.session_options)
    except InputError as refused:  # ConfigError included: epochs already done, a changed model
        reason = str(refused).replace("train.epochs: ", "epochs: ")
        if "already trained" in reason:
            reason += " (raise epochs in the form)"
        app.notify(f"Cannot continue {remote.folder.name}: {reason}", title="Not continued", severity="warning",
                   timeout=10)
        return
    remote.close()
    app.show_run(continued.session, bridge)
    app.notify(f"Continuing {continued.folder.name} from epoch {continued.epochs_done}", title="Continued",
               timeout=4)
    continued.session.step() if one_epoch else continued.session.start()


def watch_folder(app: HostingApp, folder: Path, read_only: bool = False) -> bool:
    """Show the run in `folder` instead of the current one; False (said) when the trainer's own run
    is still training, or the folder cannot be read."""
    current = app.session
    if isinstance(current, TrainingSession) and current.state == "running":
        app.notify("Pause (space) or stop (s) this run first: it is training.", title="Busy", severity="warning")
        return False
    bridge = EventBridge()
    try:
        remote = RemoteSession(folder, bridge, read_only=read_only)  # what is recorded so far, into `bridge`
    except InputError as err:
        app.notify(str(err), title="Cannot open", severity="error")
        return False
    if isinstance(current, TrainingSession):
        current.stop()  # a paused run of its own stays recorded, as stopped
        app.host.finish(timeout=2.0)
    else:
        current.close()
    app.show_run(remote, bridge)
    app.form.fill(remote.config)
    return True
