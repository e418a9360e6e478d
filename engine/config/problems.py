"""What is wrong with a configuration, tied to the field that holds it, so every door (CLI,
TOML, form) can point at the field."""

from __future__ import annotations

import reprlib
from dataclasses import dataclass

from engine.errors import InputError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a configuration, tied to the field that holds it."""

    path: str
    message: str
    source: str = ""  # the file it came from, if any

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.path}: {self.message}"


class ConfigError(InputError):
    """A configuration that cannot run; `problems` names every offending field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


_SHORT = reprlib.Repr()  # keyword arguments arrived in Python 3.12
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring, _SHORT.maxother = 3, 8, 4, 60, 60


def shown(value: object) -> str:
    """A value as a message quotes it: its repr, cut short (a config may hold a 200 kB string or
    lists nested a thousand deep, and a message is one line)."""
    return _SHORT.repr(value)
