"""The keys line at the bottom of the trainer.

Textual's Footer builds one widget per key, and only after the screen's first refresh, so the
first screen went without its keys for four frames (~120 ms here). The trainer's keys are the
app's own bindings and never change, so this one widget draws them in the first frame. Where
they do not fit on one line (80 columns) they wrap onto a second, so every key stays visible;
a click on a key runs its action, as on the Footer."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.widget import Widget


class KeyBar(Widget):
    """Every shown app binding as `key description`, in order, wrapped at the edge."""

    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._spans: list[tuple[int, int, int, str]] = []  # (line, first column, end column, action)

    def _shown(self) -> list[Binding]:
        return [b for b in self.app.BINDINGS if isinstance(b, Binding) and b.show]

    def _lines(self, width: int) -> list[list[tuple[str, str, str]]]:
        """(key, description, action) items laid out greedily into lines of `width` cells."""
        lines: list[list[tuple[str, str, str]]] = [[]]
        used = 0
        for binding in self._shown():
            item = (f" {self.app.get_key_display(binding)} ", f"{binding.description} ", binding.action)
            length = len(item[0]) + len(item[1])
            if lines[-1] and used + length > width:
                lines.append([])
                used = 0
            lines[-1].append(item)
            used += length
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for number, line in enumerate(self._lines(self.size.width)):
            if number:
                text.append("\n")
            column = 0
            for key, description, action in line:
                text.append(key, key_style)
                text.append(description, description_style)
                self._spans.append((number, column, column + len(key) + len(description), action))
                column += len(key) + len(description)
        return text

    async def on_click(self, event: events.Click) -> None:
        for line, start, end, action in self._spans:
            if line == event.y and start <= event.x < end:
                event.stop()
                await self.app.run_action(action)
                return
