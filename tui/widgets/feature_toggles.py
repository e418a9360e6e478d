"""The Data panel's input features as toggles, as TensorFlow Playground shows them: every feature a
2-D set can give the model (x1, x2, x1², x2², x1·x2, sin x1, sin x2), the chosen ones in brackets
(`[x1²]`, which reads the same in colour, without it and in 7-bit text). Left and right move
between them, space or enter toggles one, a click toggles the one under it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from tui.render.feature_names import feature_name


class FeatureToggles(Widget, can_focus=True):
    """A multiple choice among `options`; `value` is the chosen ones, in the options' order."""

    DEFAULT_CSS = """
    FeatureToggles {
        width: 1fr;
        height: auto;
        background: $surface;
        &:focus { background-tint: $foreground 5%; }
        &:disabled { color: $text-disabled; }
    }
    """

    BINDINGS = [
        Binding("left", "move(-1)", "Previous", show=False),
        Binding("right", "move(1)", "Next", show=False),
        Binding("space,enter", "toggle", "Toggle", show=False),
    ]

    class Changed(Message):
        """The chosen features changed, by the user or by the program."""

        def __init__(self, toggles: FeatureToggles, value: list[str]) -> None:
            super().__init__()
            self.toggles, self.value = toggles, value

        @property
        def control(self) -> FeatureToggles:
            return self.toggles

    def __init__(self, options: Sequence[str], value: Sequence[str], *, id: str | None = None,
                 tooltip: str | None = None) -> None:
        super().__init__(id=id)
        self.options = tuple(options)
        self._value = [option for option in self.options if option in value]
        self.cursor = 0
        if tooltip is not None:
            self.tooltip = tooltip

    @property
    def value(self) -> list[str]:
        return list(self._value)

    @value.setter
    def value(self, value: Sequence[str] | str) -> None:
        """The chosen features, as a list or as the form's text ("x1^2,x2^2")."""
        names = [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
        chosen = [option for option in self.options if option in names]
        if chosen != self._value:
            self._value = chosen
            self.refresh(layout=True)
            self.post_message(self.Changed(self, self.value))

    def label(self, option: str) -> str:
        return feature_name(option, self.app.has_class("-ascii"))

    def chips(self) -> list[str]:
        """Each option as drawn: `[x1]` when chosen, ` x1 ` when not."""
        return [f"[{self.label(o)}]" if o in self._value else f" {self.label(o)} " for o in self.options]

    def lines(self, width: int) -> list[list[int]]:
        """The options' indices, line by line, wrapped at `width` cells."""
        lines: list[list[int]] = [[]]
        used = 0
        for index, chip in enumerate(self.chips()):
            if lines[-1] and used + len(chip) > width:
                lines.append([])
                used = 0
            lines[-1].append(index)
            used += len(chip)
        return lines

    def get_content_height(self, container, viewport, width: int) -> int:  # type: ignore[no-untyped-def]
        return len(self.lines(max(width, 1)))

    def render(self) -> Text:
        chips = self.chips()
        text = Text(end="")
        for number, line in enumerate(self.lines(max(self.content_size.width, 1))):
            if number:
                text.append("\n")
            for index in line:
                chosen = self.options[index] in self._value
                style = "bold" if chosen else "dim"
                if self.has_focus and index == self.cursor:
                    style += " reverse"
                text.append(chips[index], style)
        return text

    def action_move(self, delta: int) -> None:
        self.cursor = (self.cursor + delta) % len(self.options)
        self.refresh()

    def action_toggle(self) -> None:
        option = self.options[self.cursor]
        self.value = [o for o in self._value if o != option] if option in self._value else [*self._value, option]

    def on_key(self, event: events.Key) -> None:
        """Letters do nothing here, rather than fire the app's one-letter commands by surprise."""
        if event.character and event.character.isalpha() and not self.disabled:
            event.stop()
            event.prevent_default()

    def on_click(self, event: events.Click) -> None:
        """Toggle the feature under the pointer."""
        event.stop()
        if self.disabled:
            return
        self.focus()
        chips, lines = self.chips(), self.lines(max(self.content_size.width, 1))
        line = lines[event.y] if 0 <= event.y < len(lines) else []
        column = 0
        for index in line:
            if column <= event.x < column + len(chips[index]):
                self.cursor = index
                self.action_toggle()
                return
            column += len(chips[index])

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
