"""Reading and writing run configurations as TOML; the saved file is the fully resolved config."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w

from engine.config.build import from_dict, to_dict
from engine.config.problems import ConfigError, Problem
from engine.config.schema import RunConfig
from engine.files.atomic import write_text_atomic


def dumps(config: RunConfig) -> str:
    """The whole configuration as TOML, every field written out."""
    return tomli_w.dumps(to_dict(config))


def loads(text: str, source: str = "", base: RunConfig | None = None) -> RunConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError([Problem("config", f"not valid TOML: {err}", source)]) from None
    return from_dict(data, source=source, base=base)


def load_config(path: str | Path, base: RunConfig | None = None) -> RunConfig:
    """Read a TOML file over `base` (the defaults when None); a missing, unreadable or invalid
    file raises ConfigError naming it."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError([Problem("config", "no such file", str(file))]) from None
    except IsADirectoryError:
        raise ConfigError([Problem("config", "is a directory, not a TOML file", str(file))]) from None
    except OSError as err:
        raise ConfigError([Problem("config", f"cannot read: {err.strerror}", str(file))]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError([Problem("config", "not a text file (invalid UTF-8)", str(file))]) from None
    return loads(text, source=str(file), base=base)


def save_config(config: RunConfig, path: str | Path) -> None:
    write_text_atomic(path, dumps(config))
