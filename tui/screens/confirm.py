"""Asks before quitting while a run is not saved, by any way out (q, Ctrl+Q), and offers to save
first: s saves (into a folder you confirm) and then quits, y quits, n or Escape stays."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmQuit(ModalScreen[str | None]):
    """Dismisses with "save" (save, then quit), "quit", or None to stay."""

    BINDINGS = [("s", "answer('save')", "Save and quit"), ("y", "answer('quit')", "Quit"),
                ("n,escape", "answer(None)", "Stay")]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"{self.what} is not saved. Save it first (s), quit and lose it (y), or stay (n)?",
                         classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save and quit", variant="primary", id="save")
                yield Button("Quit", variant="error", id="quit")
                yield Button("Stay", id="stay")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "stay" else event.button.id)

    def action_answer(self, answer: str | None) -> None:
        self.dismiss(answer)
