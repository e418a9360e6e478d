"""The epoch log: the tutorial's progress lines, run events and copied command lines."""

from __future__ import annotations

from textual.widgets import RichLog

MAX_LINES = 2000


class EpochLog(RichLog):
    """A bounded log; `add` takes many lines at once, as drained from the engine."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_lines=MAX_LINES, wrap=False, markup=False, **kwargs)

    def add(self, lines: list[str]) -> None:
        for line in lines[-MAX_LINES:]:
            self.write(line)
