"""What is wrong with a configuration, tied to the field that holds it, so every door (CLI,
TOML, form) can point at the field."""

from __future__ import annotations

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
