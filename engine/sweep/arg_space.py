"""Searched arguments of the user's own code: `model.args.hidden` or `data.args.size` in a sweep's
space is one keyword argument of `model.args` / `data.args`, set in that table on top of the base's
other arguments; checked against the class's signature (engine.code.signature) before any trial."""

from __future__ import annotations

from typing import Any

from engine.code.loader import load_target
from engine.code.resolve import code_fields
from engine.code.signature import check_call_args
from engine.config.build import with_values
from engine.config.fields import get_field
from engine.config.problems import ConfigError
from engine.config.schema import RunConfig

ARG_TABLES = ("model.args", "data.args")


def arg_path(path: str) -> tuple[str, str] | None:
    """("model.args", "hidden") for "model.args.hidden"; None for an ordinary field's path."""
    table, dot, name = path.rpartition(".")
    return (table, name) if dot and table in ARG_TABLES else None


def with_searched(config: RunConfig, values: dict[str, Any]) -> RunConfig:
    """`config` with a trial's values: fields replaced, searched arguments set in their args table."""
    fields = {path: value for path, value in values.items() if arg_path(path) is None}
    tables: dict[str, dict[str, Any]] = {}
    for path, value in values.items():
        found = arg_path(path)
        if found is not None:
            table, name = found
            tables.setdefault(table, dict(get_field(config, table)))[name] = value
    return with_values(config, {**fields, **tables})


def searched_value(config: RunConfig, path: str) -> Any:
    """The value a run's configuration holds for a searched path (None for an argument it lacks)."""
    found = arg_path(path)
    if found is None:
        return get_field(config, path)
    return get_field(config, found[0]).get(found[1])


def args_problem(base: RunConfig, ends: dict[str, tuple[Any, ...]]) -> str | None:
    """Why a searched argument cannot be given to the user's code (an unknown name, with the nearest
    real one; a value of the wrong type), named in one line; None when every value fits. The code is
    imported once per args table."""
    searched: dict[str, dict[str, tuple[Any, ...]]] = {table: {} for table in ARG_TABLES}
    for path, values in ends.items():
        found = arg_path(path)
        if found is not None:
            searched[found[0]][found[1]] = values
    uses_code = {args: module for module, args in code_fields(base)}
    for table, names in searched.items():
        if not names:
            continue
        if table not in uses_code:
            owner = "model.kind = \"module\" and model.module" if table == "model.args" else \
                "data.dataset = \"module\" and data.module"
            return f"space.{table}.{next(iter(names))}: searches an argument of your own code; the base needs {owner}"
        module = uses_code[table]
        try:
            loaded = load_target(get_field(base, module), module)
            for name, values in names.items():
                for value in values:
                    check_call_args(loaded.value, {**get_field(base, table), name: value}, table, loaded.target.label)
        except ConfigError as err:  # a bad argument is the space's; a file that will not import, the base's
            problem = err.problems[0]
            return f"space.{problem}" if problem.path.startswith(f"{table}.") else str(problem)
    return None
