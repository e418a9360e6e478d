"""Configurations to and from nested tables (TOML, the form's values), each value checked and
unknown keys answered with the nearest valid name."""

from __future__ import annotations

import dataclasses
from typing import Any

from engine.config.fields import SPECS, check_value
from engine.config.problems import ConfigError, Problem, shown
from engine.config.rules import cross_problems
from engine.config.schema import SECTIONS, RunConfig


def with_values(config: RunConfig, values: dict[str, Any]) -> RunConfig:
    """A copy of `config` with fields replaced by path ("train.lr"), each value checked."""
    data = to_dict(config)
    problems: list[Problem] = []
    for path, value in values.items():
        spec = SPECS.get(path)
        if spec is None:
            problems.append(Problem(path, "unknown field"))
            continue
        try:
            data[spec.section][spec.name] = check_value(spec, value)
        except ConfigError as err:
            problems.extend(err.problems)
    if problems:
        raise ConfigError(problems)
    return from_dict(data)


def switched_dataset(dataset: str) -> dict[str, Any]:
    """Fields that follow a change of data set unless the user gives them too: MNIST and
    Fashion-MNIST train on all their images (samples 0), not on the count another set used; a
    synthetic regression set (plane, gauss) fits its target with mse and no output activation,
    where a classifier's bce and sigmoid would squash it into (0, 1)."""
    from engine.config.catalog import DATASETS

    info = DATASETS.get(dataset)
    if info is not None and info.source == "torchvision":
        return {"data.samples": 0}
    if info is not None and info.synthetic and info.kind == "regression":
        return {"train.loss": "mse", "model.output_activation": "none"}
    return {}


def to_dict(config: RunConfig) -> dict[str, dict[str, Any]]:
    return dataclasses.asdict(config)


def from_dict(data: Any, source: str = "", base: RunConfig | None = None) -> RunConfig:
    """Build and check a RunConfig from nested tables; unknown keys get the nearest valid name.
    Fields the tables leave out come from `base` (the defaults when None)."""
    if not isinstance(data, dict):
        raise ConfigError([Problem("config", "must be a table of [model], [data] and [train]", source)])
    problems: list[Problem] = []
    start = to_dict(base) if base is not None else {}
    sections: dict[str, Any] = {key: cls(**start.get(key, {})) for key, cls in SECTIONS.items()}
    for key, table in data.items():
        if key not in SECTIONS:
            problems.append(Problem(key, _unknown(key, SECTIONS), source))
            continue
        if not isinstance(table, dict):
            problems.append(Problem(key, f"must be a table, got {shown(table)}", source))
            continue
        names = {f.name for f in dataclasses.fields(SECTIONS[key])}
        values = dict(start.get(key, {}))
        for name, value in table.items():
            path = f"{key}.{name}"
            if name not in names:
                problems.append(Problem(path, _unknown(name, names), source))
                continue
            try:
                values[name] = check_value(SPECS[path], value)
            except ConfigError as err:
                problems.extend(Problem(p.path, p.message, source) for p in err.problems)
        sections[key] = SECTIONS[key](**values)
    if problems:
        raise ConfigError(problems)
    config = RunConfig(**sections)
    cross = cross_problems(config)
    if cross:
        raise ConfigError([Problem(p.path, p.message, source) for p in cross])
    return config


def _unknown(name: str, valid: Any) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else f"; valid: {', '.join(sorted(valid))}"
    return f"unknown key '{name}'{hint}"
