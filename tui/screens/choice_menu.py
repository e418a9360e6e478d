"""The list a Choice opens: drawn over the form just below the field, or above it where only
that side has room (a list longer than either side is cut to the roomier one and scrolls), the
current value highlighted. A letter jumps to the next option starting with it; enter or a click
picks; escape or a click elsewhere keeps the value."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.app import ComposeResult
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widgets import OptionList

MAX_ROWS = 12  # options shown at once; more scroll
BORDER = 2  # rows the list's border takes


class ChoiceMenu(ModalScreen[str | None]):
    """Dismisses with the picked option, or None to keep the value. (Its own placement, top left
    and see-through, is in nntui.tcss, after the rule that centres the app's dialogs.)"""

    DEFAULT_CSS = """
    ChoiceMenu > OptionList {
        border: tall $border;
        background: $surface;
        padding: 0;
    }
    """

    BINDINGS = [("escape", "dismiss(None)", "Keep")]

    def __init__(self, options: Sequence[str], value: str | None, under: Region) -> None:
        super().__init__()
        self.options = tuple(options)
        self.value = value
        self.under = under  # the field's region on the screen

    def compose(self) -> ComposeResult:
        yield OptionList(*self.options)

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        top, height = placement(self.under, min(len(self.options), MAX_ROWS) + BORDER, self.size.height)
        listing.styles.offset = (self.under.x, top)
        listing.styles.height = height
        listing.styles.width = max(self.under.width, max(map(len, self.options), default=0) + 4)
        if self.value in self.options:
            listing.highlighted = self.options.index(self.value)
        listing.focus()

    def on_key(self, event: events.Key) -> None:
        """A letter jumps to the next option that starts with it, as in Select's list."""
        if event.character is None or not event.character.isprintable() or event.character == " ":
            return
        listing = self.query_one(OptionList)
        start = listing.highlighted if listing.highlighted is not None else -1
        count = len(self.options)
        for step in range(1, count + 1):
            index = (start + step) % count
            if self.options[index].lower().startswith(event.character.lower()):
                listing.highlighted = index
                event.stop()
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.options[event.option_index])

    def on_click(self, event: events.Click) -> None:
        if event.widget is self:  # outside the list
            self.dismiss(None)


def placement(field: Region, rows: int, screen_rows: int) -> tuple[int, int]:
    """(top, height) of a list of `rows` rows for a field: below it if it fits, else above it if
    it fits there, else on the roomier side, cut to fit (the list scrolls)."""
    below, above = screen_rows - field.bottom, field.y
    if rows <= below:
        return field.bottom, rows
    if rows <= above:
        return field.y - rows, rows
    if below >= above:
        return field.bottom, below
    return 0, above
