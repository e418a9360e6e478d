"""Asks before quitting while a run is in progress."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmQuit(ModalScreen[bool]):
    """Dismisses with True to quit; y/enter quit, n/escape stay."""

    BINDINGS = [("y", "answer(True)", "Quit"), ("n,escape", "answer(False)", "Stay")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Training is in progress. Quit and lose this run? (y/n)", classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Quit", variant="error", id="yes")
                yield Button("Stay", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, quit_app: bool) -> None:
        self.dismiss(quit_app)
