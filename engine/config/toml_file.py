"""Reading and writing run configurations as TOML; the saved file is the fully resolved config."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w

from engine.config.build import from_dict, to_dict
from engine.config.problems import ConfigError, Problem
from engine.config.schema import RunConfig
from engine.errors import InputError
from engine.files.atomic import write_text_atomic
from engine.files.reading import MIB, is_too_long_integer, read_text, too_long_integer


def dumps(config: RunConfig) -> str:
    """The whole configuration as TOML, every field written out."""
    return tomli_w.dumps(to_dict(config))


CONFIG_LIMIT = MIB  # a complete config is about 1 KiB


def loads(text: str, source: str = "", base: RunConfig | None = None) -> RunConfig:
    try:
        data = tomllib.loads(text)
        return from_dict(data, source=source, base=base)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError([Problem("config", f"not valid TOML: {err}", source)]) from None
    except RecursionError:
        raise ConfigError([Problem("config", "nested too deeply to be a run configuration", source)]) from None
    except ValueError as err:
        if not is_too_long_integer(err):
            raise
        raise ConfigError([Problem("config", too_long_integer(), source)]) from None


def load_config(path: str | Path, base: RunConfig | None = None) -> RunConfig:
    """Read a TOML file over `base` (the defaults when None); a missing, unreadable, oversized or
    invalid file, or anything but a regular file, raises ConfigError naming it."""
    file = str(path)
    try:
        text = read_text(file, "a TOML run configuration", CONFIG_LIMIT)
    except InputError as err:
        message = str(err).removeprefix(f"{file}: ")
        raise ConfigError([Problem("config", message, file)]) from None
    return loads(text, source=file, base=base)


def save_config(config: RunConfig, path: str | Path) -> None:
    write_text_atomic(path, dumps(config))
