"""Completion for the form's module fields (`model.module`, `data.module`): the file part as a
path to a `.py` file, then, after the colon, the names of the classes and functions the file
defines (read from its syntax tree, never run), those that fit the field first."""

from __future__ import annotations

import asyncio

from textual.suggester import Suggester

from engine.code.listing import definitions
from engine.code.target import is_file_path
from engine.config.problems import ConfigError
from tui.widgets.path_suggester import PathSuggester

FITTING = {"model.module": ("module", "function"), "data.module": ("dataset", "function")}


def offered_names(file: str, path: str) -> list[str]:
    """The names `file` defines, in the order the form offers them: the kinds that fit `path`
    (nn.Module subclasses for a model) first, then the rest; [] for a file that cannot be read."""
    try:
        found = definitions(file, path)
    except ConfigError:
        return []
    fitting = FITTING.get(path, ())
    return [d.name for d in found if d.kind in fitting] + [d.name for d in found if d.kind not in fitting]


class CodeSuggester(Suggester):
    """Suggests `FILE.py` while the file part is typed and `FILE.py:NAME` once the colon is."""

    def __init__(self, path: str) -> None:
        super().__init__(use_cache=False, case_sensitive=True)  # the file changes as the user edits it
        self.path = path
        self.files = PathSuggester(".py")

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(self.complete, value)  # a slow disk must not stall the UI

    def complete(self, typed: str) -> str | None:
        where, colon, start = typed.rpartition(":")
        if not colon:
            return self.files.complete(typed)
        if not is_file_path(where):
            return None
        name = next((n for n in offered_names(where, self.path) if n.startswith(start) and n != start), None)
        return None if name is None else f"{where}:{name}"
