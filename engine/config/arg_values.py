"""Keyword arguments for the user's own code (model.args, data.args): names that Python takes,
values that TOML, a CLI option (`--module-arg hidden=32`) and a form field can all write and read
back the same: numbers, text, true/false and lists of them. Whether the user's class takes them
is checked against its signature once the file is imported (engine.code.signature)."""

from __future__ import annotations

import keyword
import math
import tomllib
from typing import Any

from engine.config.problems import ConfigError, Problem, shown

ARGS_ALLOWED = "name=value pairs; values are numbers, text, true/false or [lists] of them"
MAX_ARGS = 64
MAX_DEPTH = 2  # a list of lists at most ([[1, 2], [3, 4]])


def _value_problem(value: Any, depth: int = 0) -> str | None:
    """Why a value cannot be an argument, or None when it can."""
    if isinstance(value, bool | int | str):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"must be a finite number, got {shown(value)}"
    if isinstance(value, list):
        if depth >= MAX_DEPTH:
            return f"lists nest at most {MAX_DEPTH} deep, got {shown(value)}"
        if len(value) > 4096:
            return f"a list of at most 4096 values, got {len(value)}"
        for item in value:
            problem = _value_problem(item, depth + 1)
            if problem:
                return problem
        return None
    return f"must be a number, text, true/false or a list, got {shown(value)}"


def check_args(path: str, value: Any) -> dict[str, Any]:
    """`value` as an argument table, or ConfigError naming `path.name` for the first bad entry."""
    if not isinstance(value, dict):
        raise ConfigError([Problem(path, f"must be a table of {ARGS_ALLOWED}, got {shown(value)}")])
    if len(value) > MAX_ARGS:
        raise ConfigError([Problem(path, f"at most {MAX_ARGS} arguments, got {len(value)}")])
    problems = []
    for name, item in value.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            problems.append(Problem(path, f"{shown(name)} is not a Python argument name"))
            continue
        problem = _value_problem(item)
        if problem:
            problems.append(Problem(f"{path}.{name}", problem))
    if problems:
        raise ConfigError(problems)
    return dict(value)


def parse_value(text: str) -> Any:
    """One value as typed: a TOML literal (32, 0.5, true, "x", [8, 8]) where it is one, else the
    text itself (relu, data/train.csv)."""
    raw = text.strip()
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        return raw
    except KeyError:  # "1\nw = 2": more than one value
        return raw


def parse_pairs(path: str, pairs: list[str]) -> dict[str, Any]:
    """`name=value` texts (repeated CLI options) as an argument table."""
    found: dict[str, Any] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise ConfigError([Problem(path, f"give name=value, got {shown(pair)}")])
        found[name.strip()] = parse_value(value)
    return check_args(path, found)


def split_pairs(text: str) -> list[str]:
    """A form field's `a=1, b=[8, 8], c=x` cut at the commas outside brackets and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def format_args(args: dict[str, Any]) -> str:
    """An argument table as `parse_pairs(split_pairs(...))` reads it back."""
    return ", ".join(f"{name}={_literal(value)}" for name, value in args.items())


def arg_literal(value: Any) -> str:
    """One argument value as `parse_value` reads it back ([8, 8], true, "a b")."""
    return _literal(value)


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, str):
        plain = value and parse_value(value) == value and "," not in value and value.strip() == value
        return value if plain else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)
