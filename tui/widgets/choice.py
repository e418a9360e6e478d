"""A one-line chooser for the form's fixed-choice fields (activation, loss, data set, preset, ...).

Textual's Select is six widgets, its pop-up list among them, built and styled whether or not it
is ever opened; the form has ten, and they took about 130 ms of the first screen. A Choice is one
widget that draws its value, steps through the options with left and right, and opens its list
(tui/screens/choice_menu.py) only when asked."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

ARROW, ASCII_ARROW = " ▼", " v"


class Choice(Widget, can_focus=True):
    """One of `options`, or None (shown as the prompt) when `allow_blank`."""

    DEFAULT_CSS = """
    Choice {
        width: 1fr;
        height: 1;
        background: $surface;
        color: $foreground;
        pointer: pointer;
        &:focus {
            background-tint: $foreground 5%;
            text-style: bold;
        }
        &:disabled {
            color: $text-disabled;
        }
        &:ansi {
            background: ansi_default;
            color: ansi_default;
        }
    }
    """

    BINDINGS = [
        Binding("enter,down,up", "open", "Choose", show=False),
        Binding("left", "step(-1)", "Previous", show=False),
        Binding("right", "step(1)", "Next", show=False),
    ]

    class Changed(Message):
        """The value changed, by the user or by the program (not when set to what it was)."""

        def __init__(self, choice: Choice, value: str | None) -> None:
            super().__init__()
            self.choice, self.value = choice, value

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(self, options: Sequence[str], value: str | None = None, *, prompt: str = "",
                 allow_blank: bool = False, stepping: bool = True, id: str | None = None,
                 tooltip: str | None = None) -> None:
        """`stepping=False` turns left and right off, for a choice too weighty for a stray key
        (the preset chooser refills the whole form)."""
        super().__init__(id=id)
        self.options = tuple(options)
        self.stepping = stepping
        self.prompt = prompt
        self.allow_blank = allow_blank
        self._value: str | None = self._checked(value)
        if tooltip is not None:
            self.tooltip = tooltip

    def _checked(self, value: str | None) -> str | None:
        if value is None and (self.allow_blank or not self.options):
            return None
        if value not in self.options:
            raise ValueError(f"{value!r} is not one of {', '.join(self.options)}")
        return value

    @property
    def value(self) -> str | None:
        return self._value

    @value.setter
    def value(self, value: str | None) -> None:
        value = self._checked(value)
        if value != self._value:
            self._value = value
            self.refresh()
            self.post_message(self.Changed(self, value))

    def render(self) -> Text:
        """The value, then the arrow that says "a list opens here" (none while locked)."""
        arrow = "  " if self.disabled else ASCII_ARROW if self.app.has_class("-ascii") else ARROW
        width = max(self.content_size.width - len(arrow), 0)
        shown = Text(self._value, end="") if self._value is not None else Text(self.prompt, style="dim", end="")
        shown.truncate(width, pad=True)
        return shown + Text(arrow, style="dim")

    def on_key(self, event: events.Key) -> None:
        """A letter picks the next choice starting with it, as in the open list: on a chooser,
        typing never reaches the app's one-letter commands by surprise."""
        character = event.character
        if not character or not character.isalpha() or self.disabled:
            return
        event.stop()
        event.prevent_default()
        if not self.stepping:
            return
        start = self.options.index(self._value) if self._value in self.options else -1
        for step in range(1, len(self.options) + 1):
            option = self.options[(start + step) % len(self.options)]
            if option.lower().startswith(character.lower()):
                self.value = option
                return

    def action_step(self, delta: int) -> None:
        """Left and right: the previous or next option, without opening the list."""
        if not self.options or not self.stepping:
            return
        at = self.options.index(self._value) if self._value is not None else (-1 if delta > 0 else 0)
        self.value = self.options[(at + delta) % len(self.options)]

    def action_open(self) -> None:
        from tui.screens.choice_menu import ChoiceMenu

        def picked(value: str | None) -> None:
            if value is not None:
                self.value = value

        self.app.push_screen(ChoiceMenu(self.options, self._value, self.region), picked)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        if not self.disabled:
            self.focus()
            self.action_open()
