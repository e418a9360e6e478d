"""Shows the current setup as an `nntui run ...` command line, selectable for copying."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea


class CommandDialog(ModalScreen[None]):
    """The command is also copied to the clipboard (OSC 52) and written to the epoch log."""

    BINDINGS = [("escape,enter", "close", "Close")]

    def __init__(self, command: str) -> None:
        super().__init__()
        self.command = command

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("The same run from the shell (copied to the clipboard where the terminal allows):",
                         classes="dialog-title")
            yield TextArea(self.command, read_only=True, soft_wrap=True, id="command-text")
            yield Button("Close", id="close")

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
