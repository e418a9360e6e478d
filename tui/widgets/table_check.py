"""What the trainer's Data panel learns from CSV files before anything trains, read off the event
loop: the columns (for completing and checking the target) and what the target makes of the run
(regression or classes), so that the loss is chosen to fit, and a loss that cannot fit is marked
on its field before start rather than failing once training begins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.config.rules import table_problems
from engine.config.schema import DataConfig
from engine.data.csv_header import header_difference, missing_column, read_header
from engine.data.csv_rows import TargetFacts, target_facts
from engine.errors import DataError


@dataclass(frozen=True)
class TableFindings:
    """What reading the files found: their columns and the target's facts, or what is wrong."""

    paths: tuple[str, ...]
    columns: tuple[str, ...] | None = None
    facts: TargetFacts | None = None
    errors: dict[str, str] = field(default_factory=dict)  # field path -> problem (data.paths, data.target)


def read_findings(data: DataConfig) -> TableFindings:
    """In a worker thread: the files' columns, then their target's task and classes."""
    paths = tuple(data.paths)
    try:
        columns = read_header(paths[0])
        for path in paths[1:]:
            header = read_header(path)
            if header != columns:
                raise DataError(f"{path}, line 1: {header_difference(header, columns)} (as in {paths[0]})")
    except DataError as err:
        return TableFindings(paths, errors={"data.paths": str(err)})
    problem = missing_column(paths[0], data.target, columns)
    if problem:
        return TableFindings(paths, columns, errors={"data.target": problem})
    try:
        return TableFindings(paths, columns, target_facts(data))
    except DataError as err:  # a target that is not one (one value, text under task = regression)
        return TableFindings(paths, columns, errors={"data.target": str(err)})


def data_config(values: dict[str, Any]) -> DataConfig:
    """The Data fields the files are read with, from the form's values by path."""
    names = ("paths", "target", "task", "missing")
    return DataConfig(**{name: values[f"data.{name}"] for name in names})


def loss_problem(findings: TableFindings, loss: str) -> str | None:
    """Why `loss` cannot train on the files' target, or None."""
    facts = findings.facts
    if facts is None:
        return None
    problems = table_problems(facts.target, facts.task, facts.labels, loss)
    return problems[0].message if problems else None
