"""The keys line at the bottom of the trainer.

Textual's Footer builds one widget per key, and only after the screen's first refresh, so the
first screen went without its keys for four frames (~120 ms here). This one widget draws the
app's `key_items()` in the first frame: the keys of the views in sight, wrapped onto a second line
where one does not hold them, and at a small size only the essential ones. A click on a key runs
its action, as on the Footer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.widget import Widget

SMALL_HEIGHT = 16  # below this many rows the bar keeps to one line (two if the essentials need them)


@dataclass(frozen=True)
class KeyItem:
    """One entry of the key bar: what to press, what it does, and the action a click runs."""

    key: str
    description: str
    action: str
    essential: bool = False  # kept when the bar has no room for every key



def laid_out(items: Sequence[KeyItem], width: int, max_lines: int) -> list[list[KeyItem]]:
    """Items in lines of `width` cells; where they need more than `max_lines`, the inessential ones
    are left out, last first, until they fit (the essential ones always stay)."""
    kept = list(items)
    while True:
        lines: list[list[KeyItem]] = [[]]
        used = 0
        for item in kept:
            length = len(item.key) + len(item.description) + 3
            if lines[-1] and used + length > width:
                lines.append([])
                used = 0
            lines[-1].append(item)
            used += length
        droppable = [i for i, item in enumerate(kept) if not item.essential]
        if len(lines) <= max_lines or not droppable:
            return lines
        del kept[droppable[-1]]


class KeyBar(Widget):
    """Every key the app offers now as `key description`, in order, wrapped at the edge."""

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

    def _lines(self, width: int) -> list[list[KeyItem]]:
        items = self.app.key_items()  # type: ignore[attr-defined]
        return laid_out(items, width, 1 if self.app.size.height < SMALL_HEIGHT else 2)

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
            for item in line:
                key, description = f" {item.key} ", f"{item.description} "
                text.append(key, key_style)
                text.append(description, description_style)
                self._spans.append((number, column, column + len(key) + len(description), item.action))
                column += len(key) + len(description)
        return text

    async def on_click(self, event: events.Click) -> None:
        for line, start, end, action in self._spans:
            if line == event.y and start <= event.x < end:
                event.stop()
                await self.app.run_action(action)
                return
