"""The epoch log: the tutorial's progress lines, run events and copied command lines.

At hundreds of logged epochs a second, a RichLog rendered every line as it came and grew its
virtual size, so each drain re-laid the whole screen out: a tenth of the UI thread's time. This
log keeps plain strings, never changes its size, and renders only the lines in view, wrapped to
its width at word boundaries (a long line goes on indented); the arrow keys, page keys and the
mouse wheel scroll back, End returns to the newest."""

from __future__ import annotations

import textwrap
from collections import deque

from rich.segment import Segment
from textual.binding import Binding
from textual.strip import Strip
from textual.widget import Widget

from tui.widgets.run_view import RunView

MAX_LINES = 2000
WHEEL_LINES = 3


def wrapped(line: str, width: int) -> list[str]:
    """A log line in rows of `width` cells, broken between words; a word longer than a row is cut."""
    if len(line) <= width:
        return [line]
    return textwrap.wrap(line, width, subsequent_indent="  " if width > 8 else "", break_on_hyphens=False) or [""]


class EpochLog(RunView, Widget, can_focus=True):
    """The last MAX_LINES lines; `add` takes many at once, as drained from the engine."""

    COMPONENT_CLASSES = {"epoch-log--note"}
    DEFAULT_CSS = """
    EpochLog > .epoch-log--note { color: $text-muted; text-style: italic; }
    """

    BINDINGS = [
        Binding("up", "scroll_back(1)", "Older", show=False),
        Binding("down", "scroll_back(-1)", "Newer", show=False),
        Binding("pageup", "page(1)", "Page up", show=False),
        Binding("pagedown", "page(-1)", "Page down", show=False),
        Binding("home", "scroll_back(1_000_000)", "Oldest", show=False),
        Binding("end", "scroll_back(-1_000_000)", "Newest", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lines: deque[str] = deque(maxlen=MAX_LINES)
        self.back = 0  # lines scrolled back from the newest; 0 follows new lines
        self.added = 0  # lines ever added: with back and the size, what the rows in view depend on
        self._rows: tuple[tuple[int, int, int, int], list[str]] | None = None

    def add(self, lines: list[str]) -> None:
        self.lines.extend(lines)
        self.added += len(lines)
        if self.back:  # a reader looking back keeps seeing the same lines
            self._set_back(self.back + len(lines))
        self.refresh()

    def visible(self) -> list[str]:
        """The rows in view, oldest first: lines wrapped to the width, newest (or the one scrolled
        back to) at the bottom; when scrolled back, the last row says so. Kept until a change."""
        width, height = max(self.size.width, 1), self.size.height
        key = (self.added, self.back, width, height)
        if self._rows is not None and self._rows[0] == key:
            return self._rows[1]
        rows: list[str] = []
        index = len(self.lines) - self.back - 1
        while index >= 0 and len(rows) < height:
            line = self.lines[index]
            rows[:0] = wrapped(line, width)
            index -= 1
        rows = rows[-height:] if height else []
        if self.back and rows:
            rows[-1] = f"-- {self.back} newer lines below (End) --"[:width]
        self._rows = (key, rows)
        return rows

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        shown = self.visible()
        text = shown[y] if y < len(shown) else ""
        style = self.rich_style
        if self.back and y == len(shown) - 1:
            style += self.get_component_rich_style("epoch-log--note", partial=True)
        return Strip([Segment(text[:width].ljust(width), style)], width)

    def _set_back(self, back: int) -> None:
        self.back = max(0, min(back, len(self.lines) - self.size.height))
        self.refresh()

    def action_scroll_back(self, lines: int) -> None:
        self._set_back(self.back + lines)

    def action_page(self, pages: int) -> None:
        self._set_back(self.back + pages * max(self.size.height - 1, 1))

    def on_mouse_scroll_up(self) -> None:
        self._set_back(self.back + WHEEL_LINES)

    def on_mouse_scroll_down(self) -> None:
        self._set_back(self.back - WHEEL_LINES)
