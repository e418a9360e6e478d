"""A sweep file: the base run (a preset, a config file, inline fields), the search space over
config fields, how many trials, the metric and its direction, the sampler and the pruner. Read
and checked without Optuna or torch; every problem names its key and what is allowed."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from engine.config.arg_values import arg_literal, check_args
from engine.config.build import with_values
from engine.config.fields import SPECS, check_value, format_value
from engine.config.presets import PRESETS, preset_config
from engine.config.problems import ConfigError, shown
from engine.config.schema import RunConfig
from engine.config.toml_file import load_config
from engine.errors import InputError
from engine.files.reading import KIB, parse_nested, read_text
from engine.runs import layout
from engine.sweep.arg_space import arg_path, args_problem, with_searched
from engine.sweep.feasible import space_problem

METRICS = ("test_loss", "test_accuracy", "rmse")
DIRECTIONS = ("minimize", "maximize")
SAMPLERS = ("tpe", "random", "grid")
PRUNERS = ("median", "asha", "none")
SWEEP_KEYS = ("base", "trials", "metric", "direction", "sampler", "pruner", "seed", "name")
SWEEP_LIMIT = 256 * KIB


class SweepError(InputError):
    """A sweep file that cannot run; the message names the key."""


@dataclass(frozen=True)
class Dimension:
    """One searched field: `choices` (config values), or a numeric range from low to high."""

    path: str
    choices: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = None

    @property
    def integer(self) -> bool:
        """A whole-number range: the field's kind, or for an argument of the user's code, the ends'."""
        if arg_path(self.path) is None:
            return SPECS[self.path].kind is int
        return all(isinstance(v, int) for v in (self.low, self.high)) and isinstance(self.step or 1, int)

    @property
    def bounds(self) -> tuple[float, float]:
        """(low, high) of a numeric range (a dimension of choices has none)."""
        if self.low is None or self.high is None:
            raise SweepError(f"space.{self.path}: a list of choices has no low and high")
        return self.low, self.high

    def encode(self, value: Any) -> Any:
        """A value as an Optuna categorical choice (lists become their text, e.g. "16,16")."""
        if not isinstance(value, list):
            return value
        return format_value(value) if arg_path(self.path) is None else arg_literal(value)

    def decode(self, value: Any) -> Any:
        """The choice an Optuna parameter stands for (a range's number as it is)."""
        return next((choice for choice in self.choices if self.encode(choice) == value), value)

    def grid(self) -> list[Any]:
        """Every value a grid search visits."""
        if self.choices:
            return list(self.choices)
        low, high = self.bounds
        if self.integer:
            return list(range(int(low), int(high) + 1, int(self.step or 1)))
        if self.step is None:
            raise SweepError(f"space.{self.path}: a grid needs choices or a step for a float range")
        count = int(round((high - low) / self.step)) + 1
        return [low + i * self.step for i in range(count)]


@dataclass(frozen=True)
class SweepSpec:
    name: str
    base: RunConfig
    space: tuple[Dimension, ...]
    trials: int = 8
    metric: str = "test_loss"
    direction: str = "minimize"
    sampler: str = "tpe"
    pruner: str = "median"
    seed: int = 0
    text: str = field(default="", repr=False)  # the file as given, kept with the study for joiners

    def config_for(self, values: dict[str, Any]) -> RunConfig:
        """The base with one trial's values (each checked as its field would be)."""
        return with_searched(self.base, values)

    def decoded(self, params: dict[str, Any]) -> dict[str, Any]:
        """A trial's Optuna parameters as the values they stand for."""
        by_path = {d.path: d for d in self.space}
        return {path: by_path[path].decode(value) if path in by_path else value for path, value in params.items()}


def _bad(key: str, message: str) -> SweepError:
    return SweepError(f"{key}: {message}")


def _base(raw: Any, folder: Path, fields: dict[str, Any]) -> RunConfig:
    if raw is None:
        config = preset_config("circle")
    elif not isinstance(raw, str):
        raise _bad("sweep.base", f"must be a preset name or a config file, got {shown(raw)}")
    elif raw in PRESETS:
        config = preset_config(raw)
    elif raw.endswith(".toml"):
        config = load_config(Path(raw) if Path(raw).is_absolute() else folder / raw)
    else:
        raise _bad("sweep.base", f"must be a preset ({', '.join(PRESETS)}) or a .toml config file, got {raw!r}")
    try:
        return with_values(config, fields)
    except ConfigError as err:
        raise SweepError("fields." + str(err)) from None


def _arg_dimension(path: str, raw: Any) -> Dimension:
    """A searched argument of the user's code: any argument values as choices, or a number range
    (whole numbers when both ends are); whether the code takes them is checked once it is imported."""
    key = f"space.{path}"
    table, name = path.rsplit(".", 1)
    if isinstance(raw, list):
        if not raw:
            raise _bad(key, "a list of choices needs at least one value")
        try:
            return Dimension(path, choices=tuple(check_args(table, {name: value})[name] for value in raw))
        except ConfigError as err:
            raise SweepError(f"space.{err.problems[0]}") from None
    try:
        check_args(table, {name: 0})
    except ConfigError as err:
        raise SweepError(f"space.{err.problems[0]}") from None
    if not isinstance(raw, dict):
        raise _bad(key, f"must be a list of choices or a table {{low, high, log, step}}, got {shown(raw)}")
    unknown = set(raw) - {"low", "high", "log", "step"}
    if unknown:
        raise _bad(key, f"unknown key {sorted(unknown)[0]!r} (allowed: low, high, log, step)")
    low, high = raw.get("low"), raw.get("high")
    for end in (low, high):
        if isinstance(end, bool) or not isinstance(end, (int, float)) or not math.isfinite(end):
            raise _bad(key, f"low and high must be numbers, got {shown(end)}")
    return _range(key, cast(float, low), cast(float, high), raw)


def _dimension(path: str, raw: Any) -> Dimension:
    if arg_path(path) is not None:
        return _arg_dimension(path, raw)
    key = f"space.{path}"
    spec = SPECS.get(path)
    if spec is None:
        raise _bad(key, "not a configuration field (write them as \"section.name\", e.g. \"train.lr\")")
    if isinstance(raw, list):
        if not raw:
            raise _bad(key, "a list of choices needs at least one value")
        try:
            return Dimension(path, choices=tuple(check_value(spec, value) for value in raw))
        except ConfigError as err:
            raise _bad(key, str(err.problems[0].message)) from None
    if not isinstance(raw, dict):
        raise _bad(key, f"must be a list of choices or a table {{low, high, log, step}}, got {shown(raw)}")
    unknown = set(raw) - {"low", "high", "log", "step"}
    if unknown:
        raise _bad(key, f"unknown key {sorted(unknown)[0]!r} (allowed: low, high, log, step)")
    if spec.kind not in (int, float):
        raise _bad(key, f"a range needs a number field; {path} takes {spec.allowed()}: give a list of choices")
    try:
        low, high = check_value(spec, raw.get("low")), check_value(spec, raw.get("high"))
    except ConfigError as err:
        raise _bad(key, f"low and high {err.problems[0].message}") from None
    return _range(key, low, high, raw)


def _range(key: str, low: float, high: float, raw: dict[str, Any]) -> Dimension:
    log, step = raw.get("log", False), raw.get("step")
    if not isinstance(log, bool):
        raise _bad(f"{key}.log", "must be true or false")
    if low >= high:
        raise _bad(key, f"low ({low}) must be below high ({high})")
    if log and low <= 0:
        raise _bad(key, "a log range needs low > 0")
    if step is not None and (isinstance(step, bool) or not isinstance(step, (int, float)) or not math.isfinite(step)
                             or step <= 0 or (log and step)):
        raise _bad(f"{key}.step", "must be a number > 0, and not with log")
    return Dimension(key.removeprefix("space."), low=low, high=high, log=log, step=step)


def _choice(table: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = table.get(key, default)
    if value not in allowed:
        raise _bad(f"sweep.{key}", f"must be one of {', '.join(allowed)}, got {shown(value)}")
    return value


def parse_sweep(text: str, source: str = layout.SWEEP_SPEC, folder: Path | None = None,
                base: RunConfig | None = None) -> SweepSpec:
    """A SweepSpec from a sweep file's text; SweepError names the first bad key. `base` is the
    resolved base (fields applied) where it is known already: a joining worker has it from the
    study's storage, and the file's `base` (perhaps a path relative to another folder) is not read."""
    try:
        raw = parse_nested(tomllib.loads, text, source, "a sweep file", SweepError)
    except tomllib.TOMLDecodeError as err:
        raise SweepError(f"{source}: not valid TOML: {err}") from None
    unknown = set(raw) - {"sweep", "space", "fields"}
    if unknown:
        raise _bad(sorted(unknown)[0], "unknown table (a sweep file has [sweep], [space] and [fields])")
    table, space, fields = raw.get("sweep", {}), raw.get("space", {}), raw.get("fields", {})
    for name, value in (("sweep", table), ("space", space), ("fields", fields)):
        if not isinstance(value, dict):
            raise _bad(name, "must be a table")
    unknown = set(table) - set(SWEEP_KEYS)
    if unknown:
        raise _bad(f"sweep.{sorted(unknown)[0]}", f"unknown key (allowed: {', '.join(SWEEP_KEYS)})")
    trials = table.get("trials", 8)
    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= 100_000:
        raise _bad("sweep.trials", f"must be a whole number from 1 to 100000, got {shown(trials)}")
    seed = table.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise _bad("sweep.seed", f"must be a whole number from 0 to 2^32-1, got {shown(seed)}")
    metric = _choice(table, "metric", METRICS, "test_loss")
    direction = _choice(table, "direction", DIRECTIONS, "maximize" if metric == "test_accuracy" else "minimize")
    if not space:
        raise _bad("space", "name at least one field to search, e.g. \"train.lr\" = { low = 0.001, high = 0.1 }")
    name = table.get("name", Path(source).stem)
    if not isinstance(name, str) or not name.strip() or "/" in name:
        raise _bad("sweep.name", f"must be a folder name, got {shown(name)}")
    for path in fields:
        if path not in SPECS:
            raise _bad(f"fields.{path}", "not a configuration field")
    spec = SweepSpec(name, base if base is not None else _base(table.get("base"), folder or Path.cwd(), fields),
                     tuple(_dimension(path, value) for path, value in space.items()), trials, metric, direction,
                     _choice(table, "sampler", SAMPLERS, "tpe"), _choice(table, "pruner", PRUNERS, "median"), seed,
                     text)
    if spec.sampler == "grid":
        for dimension in spec.space:
            dimension.grid()
    ends = {d.path: d.choices or (d.low, d.high) for d in spec.space}
    problem = args_problem(spec.base, ends) or space_problem(spec.base, ends, metric)
    if problem is not None:
        raise SweepError(problem)
    return spec


@dataclass(frozen=True)
class SweepOutline:
    """What a sweep's trials are ranked by (its metric and direction) and the fields it searches,
    read without resolving its base (the Sweep view reads a copy kept away from the base file)."""

    metric: str
    direction: str
    fields: tuple[str, ...]


def sweep_outline(path: str | Path) -> SweepOutline:
    text = read_text(path, "a sweep file", SWEEP_LIMIT, SweepError)
    raw = parse_nested(tomllib.loads, text, str(path), "a sweep file", SweepError)
    table = raw.get("sweep", {}) if isinstance(raw.get("sweep"), dict) else {}
    metric = _choice(table, "metric", METRICS, "test_loss")
    direction = _choice(table, "direction", DIRECTIONS, "maximize" if metric == "test_accuracy" else "minimize")
    space = raw.get("space", {}) if isinstance(raw.get("space"), dict) else {}
    return SweepOutline(metric, direction, tuple(path for path in space if path in SPECS or arg_path(path)))


def load_sweep(path: str | Path) -> SweepSpec:
    """Read a sweep file (a regular file of at most 256 KiB)."""
    file = Path(path)
    return parse_sweep(read_text(file, "a sweep file", SWEEP_LIMIT, SweepError), str(file), file.parent)

