"""The help screen: every key binding of the trainer and how the panels behave."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

NOTES = """
Edit fields on the left with the mouse or Tab; Enter or Escape returns the keys to the trainer.
A field marked ▼ is a chooser: Enter or a click opens its list (a letter jumps to a choice),
Left and Right step through it.
A bad value is marked with the reason and start is refused until it is fixed.
While training, only the learning rate can change: it takes effect at the next epoch and is
marked on the loss chart. Pause (space) or stop (s) to edit the rest; edits apply on reset (r).
The previous run's train loss stays faint behind the current one.
On narrow terminals the views are tabs above the chart: click them or Tab to them.
"""


def key_lines(bindings: list[Binding]) -> str:
    return "\n".join(f"  {b.key_display or b.key:<10} {b.description}" for b in bindings if b.description)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape,question_mark,q", "close", "Close")]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help-dialog"):
            yield Static("nntui keys", classes="dialog-title")
            yield Static(key_lines(self.bindings), markup=False)
            yield Static(NOTES, markup=False)
            yield Static("Escape closes this help.", classes="dialog-problem")

    def action_close(self) -> None:
        self.dismiss(None)
