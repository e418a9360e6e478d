"""What the trainer's Data panel learns from CSV files before anything trains, read off the event
loop: the columns (for completing and checking the target) and what the target makes of the run
(regression or classes), so that the loss is chosen to fit, and a loss that cannot fit is marked
on its field before start rather than failing once training begins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.config.rules import table_problems
from engine.config.schema import DataConfig
from engine.config.sources import table_loss
from engine.data.csv_header import header_difference, missing_column, read_header
from engine.data.csv_rows import TargetFacts, target_facts
from engine.errors import DataError

READ_WITH = ("paths", "target", "task", "missing")  # the Data fields a read depends on


@dataclass(frozen=True)
class TableFindings:
    """What reading the files with `data` found: their columns and the target's facts, or what is wrong."""

    data: DataConfig
    columns: tuple[str, ...] | None = None
    facts: TargetFacts | None = None
    errors: dict[str, str] = field(default_factory=dict)  # field path -> problem (data.paths, data.target)


def read_findings(data: DataConfig) -> TableFindings:
    """In a worker thread: the files' columns, then their target's task and classes."""
    paths = data.paths
    try:
        columns = read_header(paths[0])
        for path in paths[1:]:
            header = read_header(path)
            if header != columns:
                raise DataError(f"{path}, line 1: {header_difference(header, columns)} (as in {paths[0]})")
    except DataError as err:
        return TableFindings(data, errors={"data.paths": str(err)})
    if missing_column(paths[0], data.target, columns):
        return TableFindings(data, columns)  # the column check is the watcher's, as the target is typed
    try:
        return TableFindings(data, columns, target_facts(data))
    except DataError as err:  # a target that is not one (one value, text under task = regression)
        return TableFindings(data, columns, errors={"data.target": str(err)})


def data_config(values: dict[str, Any]) -> DataConfig:
    """The Data fields the files are read with, from the form's values by path."""
    return DataConfig(**{name: values[f"data.{name}"] for name in READ_WITH})


class TableWatch:
    """The form's view of its CSV files: what to read next, what the last read found, and the
    problems it makes of the current values. `loss_chosen` is False while the target picks the loss."""

    def __init__(self) -> None:
        self.findings: TableFindings | None = None
        self.loss_chosen = True

    def to_read(self, values: dict[str, Any]) -> DataConfig | None:
        """The files to read for `values`, or None when there is nothing new to learn."""
        if values["data.dataset"] != "csv" or not values["data.paths"]:
            self.findings = None
            return None
        data, found = data_config(values), self.findings
        if found is not None and found.data.paths == data.paths and found.columns is not None and \
                missing_column(data.paths[0], data.target, found.columns):
            return None  # a target that is not a column: marked from the columns already read
        return None if found is not None and found.data == data else data

    def take(self, findings: TableFindings, values: dict[str, Any]) -> str | None:
        """Keep a finished read (unless the values moved on); the loss the target calls for, if it picks."""
        if values["data.dataset"] != "csv" or findings.data.paths != values["data.paths"]:
            return None
        self.findings = findings
        if findings.facts is not None and not self.loss_chosen and findings.data == data_config(values):
            return table_loss(findings.facts.task)
        return None

    def errors(self, values: dict[str, Any]) -> dict[str, str]:
        """Problems of the current values that the files show: field path -> message."""
        found = self.findings
        if found is None or values["data.dataset"] != "csv" or found.data.paths != values["data.paths"]:
            return {}
        if "data.paths" in found.errors:
            return dict(found.errors)
        problem = missing_column(found.data.paths[0], values["data.target"], found.columns or ())
        if problem:
            return {"data.target": problem}
        if found.data != data_config(values):
            return {}  # a newer read is under way
        errors = dict(found.errors)
        if found.facts is not None:
            facts = found.facts
            errors.update({p.path: p.message for p in table_problems(facts.target, facts.task, facts.labels,
                                                                     values["train.loss"])})
        return errors
