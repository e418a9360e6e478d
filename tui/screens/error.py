"""Shows an engine failure: the message a person reads, and the traceback below it. The app
stays usable behind it; change the setup and reset."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ErrorScreen(ModalScreen[None]):
    BINDINGS = [("escape,enter", "close", "Close")]

    def __init__(self, error: str, details: str = "") -> None:
        super().__init__()
        self.error, self.details = error, details

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error-dialog"):
            yield Static(f"The run failed: {self.error}", classes="dialog-title", markup=False)
            with VerticalScroll(classes="error-details"):
                yield Static(self.details or "(no traceback)", markup=False)
            yield Static("Change the setup and press r to reset.", classes="dialog-problem")
            yield Button("Close", id="close")

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
