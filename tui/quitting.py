"""Leaving the trainer: every way out (q, Ctrl+Q) asks while a run is not saved, and offers to
save it first; with nothing to lose it leaves at once, engine stopped."""

from __future__ import annotations

from tui.run_controller import RunController
from tui.save_load import save_dialog
from tui.screens.confirm import ConfirmQuit


def unsaved_run(run: RunController) -> str | None:
    """`The run (epoch 37 of 100)` when a run has trained epochs not yet saved; None otherwise. A
    recorded run is saved: leaving stops it at an epoch boundary, recorded and resumable."""
    trainer = run.session.trainer
    if trainer is None or not trainer.epoch or run.saved_epoch == trainer.epoch or run.host.folder is not None:
        return None
    return f"The run (epoch {trainer.epoch} of {run.session.config.train.epochs})"


def request_quit(run: RunController) -> None:
    """Ask first if a run would be lost; a second Ctrl+Q while asked leaves at once."""
    app = run.app
    if isinstance(app.screen, ConfirmQuit):
        run.shutdown()
        return
    what = unsaved_run(run)
    if what is None:
        run.shutdown()
        return

    def answered(choice: str | None) -> None:
        if choice == "quit":
            run.shutdown()
        elif choice == "save":
            save_dialog(run, then_quit=True)

    app.push_screen(ConfirmQuit(what), answered)
