"""Path completion for the Data panel's file and folder fields: as the user types, the rest of
the first matching name in that folder is offered (right arrow takes it), so picking a CSV file
or an image folder over SSH needs no file dialog."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from textual.suggester import Suggester


class PathSuggester(Suggester):
    """Completes the last path of the value (after the last comma when `several`), offering
    folders (with a trailing slash, to go on typing inside) and files ending in `files`; only
    folders when `files` is None."""

    def __init__(self, files: str | None = None, several: bool = False) -> None:
        super().__init__(use_cache=False, case_sensitive=True)  # the folder's contents change
        self.files, self.several = files, several

    async def get_suggestion(self, value: str) -> str | None:
        head, sep, last = value.rpartition(",") if self.several else ("", "", value)
        lead = last[: len(last) - len(last.lstrip())]
        completed = await asyncio.to_thread(self.complete, last.lstrip())  # a slow disk must not stall the UI
        return None if completed is None else head + sep + lead + completed

    def complete(self, typed: str) -> str | None:
        """`typed` with its last component completed to the first fitting name, in sorted order."""
        if not typed:
            return None
        folder, _, start = typed.rpartition("/")
        where = Path(os.path.expanduser(folder + "/" if folder or typed.startswith("/") else "."))
        try:
            entries = sorted(os.scandir(where), key=lambda entry: entry.name)
        except OSError:
            return None
        for entry in entries:
            if not entry.name.startswith(start) or (entry.name.startswith(".") and not start.startswith(".")):
                continue
            is_dir = entry.is_dir()
            if is_dir or (self.files is not None and entry.name.endswith(self.files)):
                return typed[: len(typed) - len(start)] + entry.name + ("/" if is_dir else "")
        return None
