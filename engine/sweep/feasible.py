"""Whether every trial a sweep may draw can run: each searched choice (a range at its two ends), and
each combination of them, set on the base must make a valid configuration whose task measures the
sweep's metric. Checked when the file is read, so that a sweep is refused in one line rather than
trials failing one after another (or every trial ending without a value to rank)."""

from __future__ import annotations

import itertools
import math
from typing import Any

from engine.config import catalog
from engine.config.fields import format_value
from engine.config.problems import ConfigError
from engine.config.schema import RunConfig
from engine.sweep.arg_space import with_searched

COMBINATIONS_CHECKED = 4096  # beyond this many, each searched field is checked on its own


def task_kind(config: RunConfig) -> str | None:
    """"regression" or "classification", or None where only the data can tell (a CSV, data.task auto)."""
    info = catalog.DATASETS[config.data.dataset]
    if info.kind == "table":
        return None if config.data.task == "auto" else config.data.task
    return "regression" if info.kind == "regression" else "classification"


def metric_problem(metric: str, config: RunConfig) -> str | None:
    """Why a run of `config` has no value of `metric`, or None when it has one."""
    kind = task_kind(config)
    if metric == "test_accuracy" and kind == "regression":
        return (f"sweep.metric: test_accuracy needs classes, and data set '{config.data.dataset}' is regression: "
                "use test_loss or rmse")
    if metric == "rmse" and kind == "classification":
        return (f"sweep.metric: rmse needs a numeric target, and data set '{config.data.dataset}' is "
                "classification: use test_loss or test_accuracy")
    return None


def space_problem(base: RunConfig, ends: dict[str, tuple[Any, ...]], metric: str) -> str | None:
    """The searched values that cannot run, or the metric they lack, named in one line; None when
    every trial can run. `ends` holds each searched field's choices, or a range's low and high."""
    single = [((path, value),) for path, values in ends.items() for value in values]
    combined = itertools.product(*([(path, v) for v in values] for path, values in ends.items()))
    whole = len(ends) > 1 and math.prod(len(values) for values in ends.values()) <= COMBINATIONS_CHECKED
    for combination in itertools.chain([()], single, combined if whole else ()):
        values = dict(combination)
        where = ", ".join(f"{path} = {format_value(value)}" for path, value in combination)
        try:
            config = with_searched(base, values)
        except ConfigError as err:
            return f"space: {where} cannot run: {err.problems[0]}"
        problem = metric_problem(metric, config)
        if problem is not None:
            return f"{problem}{f' (with {where})' if where else ''}"
    return None
