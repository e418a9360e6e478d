"""How the trainer shows the engine's run events once drained on the UI thread: a start fills the
views and names any warnings, the end of a run is logged, and a failure is explained in words (the
field at fault marked, the traceback written to the log file, never shown). The run's state
(status, started, warnings) is the controller's: tui.run_controller sets it, then calls
`show_event` (snapshots it hands to the views itself)."""

from __future__ import annotations

from textual.app import App

from engine.loop.events import Event, RunFailed, RunFinished, RunStarted
from tui.error_log import write_details
from tui.panels import Panels
from tui.render.run_text import start_lines
from tui.screens.error import ErrorScreen


def show_event(app: App, panels: Panels, event: Event) -> None:
    """Show one drained event in the panels (and, for an end, a notice or the error screen)."""
    log = panels.log
    if isinstance(event, RunStarted):
        panels.views.begin(event)
        log.add([*start_lines(event), *(f"warning: {w}" for w in event.warnings)])
    elif isinstance(event, RunFinished):
        said = event.message[:1].upper() + event.message[1:]
        log.add([f"Run {event.status} after {event.epoch} epochs. {said}".strip()])
        if event.status == "diverged":
            app.notify(event.message, title="Diverged", severity="warning", timeout=8)
        elif event.status == "early-stopped":
            app.notify(said, title=f"Stopped early at epoch {event.epoch}", timeout=8)
    elif isinstance(event, RunFailed):
        log.add([f"Run failed: {event.error}"])
        written = write_details(event.error, event.details)
        if written is not None:
            log.add([f"details: {written}"])
        if event.field:
            panels.form.mark(event.field, event.error.split(": ", 1)[-1] if event.error.startswith(event.field) else
                             event.error)
        app.push_screen(ErrorScreen(event.error, str(written) if written else None, event.bad_input,
                                    event.report, event.field))  # (own-code: the user's frames, where theirs)
