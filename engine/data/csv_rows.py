"""A CSV file's data rows and what its target column makes of the run, without torch: the
trainer's Data panel reads them in the background to choose a loss before anything trains, and
the table loader builds on them. The rules: text targets, and targets of at most 20 distinct whole
numbers, are classes; other numbers are regression, unless data.task forces it."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from engine.config.schema import DataConfig
from engine.data.csv_header import (
    delimiter_name,
    header_difference,
    header_line,
    missing_column,
    open_table,
    reading,
    table_reader,
)
from engine.data.preprocess import is_missing
from engine.errors import DataError

MAX_INTEGER_CLASSES = 20  # a target of at most this many distinct whole numbers is a class label


@dataclass(frozen=True)
class Row:
    """One data line of a file, kept with where it came from for error messages."""

    file: str
    line: int
    cells: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{self.file}, line {self.line}"


@dataclass(frozen=True)
class CsvFile:
    """One file read: its header, data rows and (sniffed) delimiter."""

    path: str
    header: tuple[str, ...]
    rows: list[Row]
    delimiter: str


def read_csv(path: str | Path) -> CsvFile:
    """The header, the data rows and the delimiter of one file; ragged rows and empty files are refused."""
    name = str(path)
    with reading(name), open_table(path) as handle:
        reader, delimiter = table_reader(handle)
        header = header_line(reader, name)
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines separate nothing in a table
            if len(cells) != len(header):
                raise DataError(f"{name}, line {reader.line_num}: {len(cells)} cells, but the header has "
                                f"{len(header)} columns")
            rows.append(Row(name, reader.line_num, tuple(cells)))
    duplicated = sorted(column for column, seen in Counter(header).items() if seen > 1)
    if duplicated:
        raise DataError(f"{name}, line 1: column {', '.join(repr(c) for c in duplicated)} appears twice")
    if not rows:
        raise DataError(f"{name}: no data rows under the header")
    return CsvFile(name, header, rows, delimiter)


def read_files(paths: list[str]) -> list[CsvFile]:
    """Every configured file, checked to form one table: the first one's columns and delimiter in
    every file, and at least a feature column besides the target."""
    if not paths:
        raise DataError("data.paths: no CSV file given (--data FILE)")
    files = [read_csv(path) for path in paths]
    first = files[0]
    for part in files[1:]:
        if part.delimiter != first.delimiter:
            raise DataError(f"{part.path}: cells separated by {delimiter_name(part.delimiter)}, but "
                            f"{first.path} uses {delimiter_name(first.delimiter)}; every file needs the same")
        if part.header != first.header:
            raise DataError(f"{part.path}, line 1: {header_difference(part.header, first.header)} "
                            f"(every file needs {first.path}'s columns, in its order)")
    if len(first.header) < 2:
        raise DataError(f"{first.path}, line 1: one column ({first.header[0]!r}); a table needs feature columns "
                        "and a target, separated by commas, semicolons, tabs or bars")
    return files


def read_tables(paths: list[str]) -> tuple[tuple[str, ...], list[Row]]:
    """The rows of every file, one after another, under their common header."""
    files = read_files(paths)
    return files[0].header, [row for part in files for row in part.rows]


@dataclass(frozen=True)
class TargetFacts:
    """What a table's target column makes of the run: the task and, for classes, their names."""

    target: str
    task: str  # "regression" | "classification"
    labels: tuple[str, ...] = ()


def target_facts(cfg: DataConfig) -> TargetFacts:
    """Read the configured files and type their target column; DataError names what is wrong."""
    header, rows = read_tables(cfg.paths)
    problem = missing_column(cfg.paths[0], cfg.target, header)
    if problem:
        raise DataError(problem)
    target = cfg.target or header[-1]
    rows, _ = complete_rows(rows, header, cfg.missing)
    if not rows:
        raise DataError(f"{cfg.paths[0]}: every row has a missing cell")
    task, labels = target_task_of(rows, header.index(target), target, cfg.task)
    return TargetFacts(target, task, labels)


def complete_rows(rows: list[Row], header: tuple[str, ...], policy: str) -> tuple[list[Row], int]:
    kept = []
    for row in rows:
        gap = next((i for i, cell in enumerate(row.cells) if is_missing(cell)), None)
        if gap is None:
            kept.append(row)
        elif policy == "error":
            raise DataError(f"{row.where}, column '{header[gap]}': missing value {row.cells[gap]!r} "
                            "(--missing drop skips such rows)")
    return kept, len(rows) - len(kept)


def number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def target_task_of(rows: list[Row], t: int, name: str, forced: str) -> tuple[str, tuple[str, ...]]:
    """The task and, for classification, the label names in output order."""
    cells = [row.cells[t].strip() for row in rows]
    numbers = [number(c) for c in cells]
    numeric = all(n is not None for n in numbers)
    if forced == "regression":
        if not numeric:
            bad = next(i for i, n in enumerate(numbers) if n is None)
            raise DataError(f"{rows[bad].where}, column '{name}': {cells[bad]!r} is not a number, and "
                            "data.task regression needs a numeric target")
        return "regression", ()
    infinite = next((i for i, n in enumerate(numbers) if n is not None and not math.isfinite(n)), None)
    if infinite is not None:
        raise DataError(f"{rows[infinite].where}, column '{name}': {cells[infinite]!r} is not a finite number")
    distinct = set(cells)
    whole = numeric and all(float(n).is_integer() for n in numbers)  # type: ignore[arg-type]
    if forced == "auto" and numeric and not (whole and len(distinct) <= MAX_INTEGER_CLASSES):
        return "regression", ()
    labels = sorted(distinct, key=lambda c: (float(c), c)) if numeric else sorted(distinct)
    if len(labels) < 2:
        raise DataError(f"{rows[0].file}, column '{name}': the target has one value ({labels[0]!r}); "
                        "a classifier needs at least two classes")
    return "classification", tuple(labels)


def target_value(cell: str, labels: tuple[str, ...]) -> float:
    return float(labels.index(cell.strip())) if labels else float(cell)
