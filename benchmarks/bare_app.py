"""The first-screen row's baseline: the least a Textual program with a key bar is, an App whose
only widget is Textual's Footer showing two bindings. bench.py starts it in a pseudo-terminal
beside `nntui tui`, waits for "Run/pause" on both screens and quits both with q."""

from textual.app import App, ComposeResult
from textual.widgets import Footer


class BareApp(App):
    BINDINGS = [("space", "nothing", "Run/pause"), ("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Footer()

    def action_nothing(self) -> None:
        """The key is shown; pressing it does nothing."""


if __name__ == "__main__":
    BareApp().run()
