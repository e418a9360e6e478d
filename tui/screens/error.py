"""Shows why a run could not train, in words: the message a person reads, and where the details
(the traceback) were written; no traceback reaches the screen. An error from the user's own code
is told by their own frames (file, line and source line, as pytest shows them), not nntui's. The
app stays usable behind it: change the setup and reset."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ErrorScreen(ModalScreen[None]):
    BINDINGS = [("escape,enter", "close", "Close")]

    def __init__(self, error: str, log: str | None = None, bad_input: bool = False, report: str = "",
                 field: str = "") -> None:
        """`log` is the file holding the details, None when it could not be written; `bad_input`
        says the user's setup or data was refused rather than the run breaking; `report` is the
        error with the user's frames (engine.code.frames.failure_report), shown instead where given;
        `field` the form field marked at fault ("" where none is)."""
        super().__init__()
        self.error, self.log_file, self.bad_input, self.report, self.field = error, log, bad_input, report, field

    def compose(self) -> ComposeResult:
        title = "Cannot train on this setup" if self.bad_input else "The run failed"
        where = f"Details are in {self.log_file}" if self.log_file else "The details could not be written to a log file"
        with Vertical(classes="dialog error-dialog"):
            yield Static(title, classes="dialog-title")
            yield Static(self.report or self.error, markup=False, id="error-message")
            yield Static(f"{where}.", classes="error-where", markup=False)
            yield Static(next_step(self.field, bool(self.report)), classes="dialog-problem", id="error-next")
            yield Button("Close", id="close")

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def next_step(field: str, own_code: bool) -> str:
    """What to do about it, claiming a marked field only where one is (an error raised in the
    user's code mid-run marks none: the code is at fault, and r reads an edited file again)."""
    if field:
        return "Change the setup (the field at fault is marked) and press r to reset."
    if own_code:
        return "Fix your code and press r to reset: an edited file is read again."
    return "Change the setup and press r to reset."
