"""One dialog asking for a path, used to save a run (a folder) and to load a config (a file),
completing names from the disk as they are typed (right arrow takes the suggestion). The caller's
`check` returns a problem to show, or None to accept the path."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Static

Check = Callable[[str], str | None]


class PathDialog(ModalScreen[str | None]):
    """Dismisses with the accepted path, or None when cancelled."""

    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str, action: str, check: Check, suggester: Suggester | None = None) -> None:
        super().__init__()
        self.title_text, self.value, self.action_label, self.check = title, value, action, check
        self.suggester = suggester

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(self.value, id="path", suggester=self.suggester)
            yield Static("", id="path-problem", classes="dialog-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.action_label, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def on_input_submitted(self) -> None:
        self.accept()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.accept()
        else:
            self.dismiss(None)

    def accept(self) -> None:
        path = self.query_one("#path", Input).value.strip()
        problem = self.check(path) if path else "enter a path"
        if problem:
            self.query_one("#path-problem", Static).update(problem)
        else:
            self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
