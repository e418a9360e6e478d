"""What an import string names: a Python file and a name in it ("net.py:Net", "models/net.py:make")
or an importable module and a name ("mypkg.nets:Net"), and the words messages use for it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.config.problems import ConfigError, Problem, shown


@dataclass(frozen=True)
class ImportTarget:
    """One parsed import string; exactly one of `file` and `module` is set."""

    text: str  # as the configuration holds it
    name: str  # the class or function
    file: Path | None = None  # absolute
    module: str | None = None

    @property
    def label(self) -> str:
        """How messages name it: as the user wrote it."""
        return self.text


def is_file_path(where: str) -> bool:
    """Whether the part before the colon is a file (a .py suffix or a folder in it), not a module."""
    return where.endswith(".py") or "/" in where or "\\" in where


def parse_target(text: str, field: str) -> ImportTarget:
    """The import string of `field` ("model.module"); ConfigError naming the field if it has no
    FILE.py:NAME or package.module:NAME shape."""
    where, colon, name = text.strip().rpartition(":")
    if not colon or not where or not name.isidentifier():
        raise ConfigError([Problem(field, f"must be a file and a name, FILE.py:NAME, or package.module:NAME, "
                                          f"got {shown(text)}")])
    if is_file_path(where):
        return ImportTarget(text, name, file=Path(where).expanduser().absolute())
    if not all(part.isidentifier() for part in where.split(".")):
        raise ConfigError([Problem(field, f"{where!r} is neither a .py file nor a package.module name")])
    return ImportTarget(text, name, module=where)
