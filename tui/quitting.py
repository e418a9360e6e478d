"""Leaving the trainer: every way out (q, Ctrl+Q) asks while a run is not saved, and offers to
save it first; with nothing to lose it leaves at once, engine stopped."""

from __future__ import annotations

from typing import Protocol

from textual.app import App

from engine.loop.session import TrainingSession
from tui.run_host import RunHost
from tui.save_load import save_dialog
from tui.screens.confirm import ConfirmQuit


class QuittingApp(Protocol):
    """What quitting needs of the trainer app (tui.app.NNTuiApp), without importing it."""

    session: TrainingSession
    saved_epoch: int | None
    host: RunHost
    screen = App.screen
    push_screen = App.push_screen

    def shutdown(self) -> None: ...


def unsaved_run(app: QuittingApp) -> str | None:
    """`The run (epoch 37 of 100)` when a run has trained epochs not yet saved; None otherwise. A
    recorded run is saved: leaving stops it at an epoch boundary, recorded and resumable."""
    trainer = app.session.trainer
    if trainer is None or not trainer.epoch or app.saved_epoch == trainer.epoch or app.host.folder is not None:
        return None
    return f"The run (epoch {trainer.epoch} of {app.session.config.train.epochs})"


def request_quit(app: QuittingApp) -> None:
    """Ask first if a run would be lost; a second Ctrl+Q while asked leaves at once."""
    if isinstance(app.screen, ConfirmQuit):
        app.shutdown()
        return
    what = unsaved_run(app)
    if what is None:
        app.shutdown()
        return

    def answered(choice: str | None) -> None:
        if choice == "quit":
            app.shutdown()
        elif choice == "save":
            save_dialog(app, then_quit=True)  # type: ignore[arg-type]

    app.push_screen(ConfirmQuit(what), answered)
