"""A user's CSV files as training data: the tutorial's custom `Dataset` per file, several files
joined with `ConcatDataset`, then typed, cleaned, split and encoded into in-memory tensors.

The rules: the target column decides the task (text, or few distinct integers: classification;
other numbers: regression) unless data.task forces it. Numeric features, and a regression target,
are standardised with statistics of the training split only; text features with few values are one-hot encoded. Rows
with missing cells are dropped (or refused). Every error names the file, line and column."""

from __future__ import annotations

import csv
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torch
from torch.utils.data import ConcatDataset, Dataset

from engine.config.schema import DataConfig
from engine.data.csv_header import header_difference, header_line, missing_column, open_table, reading
from engine.data.preprocess import Column, TableSchema, encode_rows, is_missing
from engine.errors import DataError

MAX_CATEGORIES = 20  # a text feature with more distinct values is an id or free text, not a category
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


class CsvRows(Dataset):
    """One file's rows (the tutorial's custom Dataset: `__len__` and `__getitem__`)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.header, self.rows = read_csv(path)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> Row:
        return self.rows[index]


def read_csv(path: str | Path) -> tuple[tuple[str, ...], list[Row]]:
    """The header and the data rows of one file; ragged rows and empty files are refused."""
    name = str(path)
    with reading(name), open_table(path) as handle:
        reader = csv.reader(handle)
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
    return header, rows


def combine(paths: list[str]) -> tuple[tuple[str, ...], ConcatDataset]:
    """All files' rows as one ConcatDataset; every file must have the first one's columns."""
    if not paths:
        raise DataError("data.paths: no CSV file given (--data FILE)")
    parts = [CsvRows(path) for path in paths]
    header = parts[0].header
    for part in parts[1:]:
        if part.header != header:
            raise DataError(f"{part.path}, line 1: {header_difference(part.header, header)} "
                            f"(every file needs {parts[0].path}'s columns, in its order)")
    return header, ConcatDataset(parts)


@dataclass
class Table:
    """The encoded splits, the schema that encoded them, and how many rows were dropped."""

    X: torch.Tensor
    labels: torch.Tensor  # class indices (long) or values (float), one per row
    X_test: torch.Tensor
    labels_test: torch.Tensor
    schema: TableSchema
    dropped: int


def load_table(cfg: DataConfig) -> Table:
    """Read, clean, split and encode the configured files."""
    header, dataset = combine(cfg.paths)
    first = cfg.paths[0]
    problem = missing_column(first, cfg.target, header)
    if problem:
        raise DataError(problem)
    target = cfg.target or header[-1]
    rows = [dataset[i] for i in range(len(dataset))]
    rows, dropped = _complete_rows(rows, header, cfg.missing)
    if not rows:
        raise DataError(f"{first}: every row has a missing cell ({dropped} dropped)")
    t = header.index(target)
    task, labels = _target_task(rows, t, target, cfg.task)
    values = [_target_value(row.cells[t], labels) for row in rows]
    order = torch.randperm(len(rows), generator=torch.Generator().manual_seed(cfg.seed)).tolist()
    n_test = round(len(rows) * cfg.test_fraction)
    if len(rows) - n_test < 1:
        raise DataError(f"{first}: {len(rows)} usable rows leave none for training")
    test_idx, train_idx = order[:n_test], order[n_test:]
    columns = tuple(_column(rows, train_idx, header, i, cfg.categorical) for i in range(len(header)) if i != t)
    if task == "regression" and cfg.standardize_target:  # a target in the thousands would need a tiny lr;
        # standardised, any unit trains alike
        target_mean, target_std = _statistics([values[i] for i in train_idx])
        values = [(value - target_mean) / target_std for value in values]
        schema = TableSchema(columns, target, task, labels, target_mean, target_std)
    else:
        schema = TableSchema(columns, target, task, labels)

    def encode(indices: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        picked = [rows[i] for i in indices]
        X = encode_rows(schema, [dict(zip(header, r.cells)) for r in picked], [r.where for r in picked])
        dtype = torch.long if task == "classification" else torch.float32
        return X, torch.tensor([values[i] for i in indices], dtype=dtype)

    X, y = encode(train_idx)
    X_test, y_test = encode(test_idx)
    return Table(X, y, X_test, y_test, schema, dropped)


def target_task(cfg: DataConfig) -> str:
    """Only the task the target column makes ("regression" | "classification"), for choosing a loss."""
    header, dataset = combine(cfg.paths)
    problem = missing_column(cfg.paths[0], cfg.target, header)
    if problem:
        raise DataError(problem)
    target = cfg.target or header[-1]
    rows, _ = _complete_rows([dataset[i] for i in range(len(dataset))], header, cfg.missing)
    if not rows:
        raise DataError(f"{cfg.paths[0]}: every row has a missing cell")
    return _target_task(rows, header.index(target), target, cfg.task)[0]


def _complete_rows(rows: list[Row], header: tuple[str, ...], policy: str) -> tuple[list[Row], int]:
    kept = []
    for row in rows:
        gap = next((i for i, cell in enumerate(row.cells) if is_missing(cell)), None)
        if gap is None:
            kept.append(row)
        elif policy == "error":
            raise DataError(f"{row.where}, column '{header[gap]}': missing value {row.cells[gap]!r} "
                            "(--missing drop skips such rows)")
    return kept, len(rows) - len(kept)


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _target_task(rows: list[Row], t: int, name: str, forced: str) -> tuple[str, tuple[str, ...]]:
    """The task and, for classification, the label names in output order."""
    cells = [row.cells[t].strip() for row in rows]
    numbers = [_number(c) for c in cells]
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


def _target_value(cell: str, labels: tuple[str, ...]) -> float:
    return float(labels.index(cell.strip())) if labels else float(cell)


def _statistics(numbers: list[float]) -> tuple[float, float]:
    """Mean and standard deviation (population) of the training rows' numbers; a constant column's
    std counts as 1, so it is only centred."""
    train = torch.tensor(numbers, dtype=torch.float64)
    std = train.std(unbiased=False).item() if len(train) > 1 else 0.0
    return train.mean().item(), std if std > 0 else 1.0


def _column(rows: list[Row], train_idx: list[int], header: tuple[str, ...], i: int, policy: str) -> Column:
    """A feature column's type and statistics (numbers: from the training rows only)."""
    name = header[i]
    cells = [row.cells[i].strip() for row in rows]
    text_at = next((k for k, c in enumerate(cells) if _number(c) is None), None)
    if text_at is None:
        return Column(name, "numeric", *_statistics([float(cells[k]) for k in train_idx]))
    if policy == "error":
        raise DataError(f"{rows[text_at].where}, column '{name}': text value {cells[text_at]!r} in a feature "
                        "column (--categorical onehot encodes columns with few values)")
    categories = tuple(sorted(set(cells)))
    if len(categories) > MAX_CATEGORIES:
        raise DataError(f"{rows[0].file}, column '{name}': {len(categories)} distinct text values (more than "
                        f"{MAX_CATEGORIES}): an id or free text cannot be one-hot encoded; remove the column")
    return Column(name, "categorical", categories=categories)
