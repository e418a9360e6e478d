"""What the trainer does with the engine's run events once drained on the UI thread: a start
fills the views and names any warnings, a snapshot feeds the output view, the end of a run is
logged, and a failure is explained in words (the field at fault marked, the traceback written to
the log file, never shown)."""

from __future__ import annotations

from typing import Protocol

from textual.app import App

from engine.loop.events import Event, RunFailed, RunFinished, RunStarted, Snapshot
from tui.error_log import write_details
from tui.render.run_text import start_lines
from tui.screens.error import ErrorScreen
from tui.widgets.config_form import ConfigForm
from tui.widgets.epoch_log import EpochLog
from tui.widgets.model_summary import ModelSummary
from tui.widgets.output_view import OutputView
from tui.widgets.views import ViewPanel


class WatchingApp(Protocol):
    """What handling events needs of the trainer app (tui.app.NNTuiApp), without importing it."""

    form: ConfigForm
    log_view: EpochLog
    output: OutputView
    summary: ModelSummary
    views: ViewPanel
    status: str
    started: bool
    warnings: tuple[str, ...]
    notify = App.notify
    push_screen = App.push_screen


def handle(app: WatchingApp, event: Event) -> None:
    log = app.log_view
    if isinstance(event, RunStarted):
        app.started, app.warnings = True, event.warnings
        app.views.begin(event)
        log.add([*start_lines(event), *(f"warning: {w}" for w in event.warnings)])
    elif isinstance(event, Snapshot):
        app.views.take(event)
    elif isinstance(event, RunFinished):
        app.status = event.status
        said = event.message[:1].upper() + event.message[1:]
        log.add([f"Run {event.status} after {event.epoch} epochs. {said}".strip()])
        if event.status == "diverged":
            app.notify(event.message, title="Diverged", severity="warning", timeout=8)
        elif event.status == "early-stopped":
            app.notify(said, title=f"Stopped early at epoch {event.epoch}", timeout=8)
    elif isinstance(event, RunFailed):
        app.status = "failed"
        log.add([f"Run failed: {event.error}"])
        written = write_details(event.error, event.details)
        if written is not None:
            log.add([f"details: {written}"])
        if event.field:
            app.form.mark(event.field, event.error.split(": ", 1)[-1] if event.error.startswith(event.field) else
                          event.error)
        app.push_screen(ErrorScreen(event.error, str(written) if written else None, event.bad_input))
