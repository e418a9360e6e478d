"""A user's CSV files as training data: the tutorial's custom `Dataset` per file, several files
joined with `ConcatDataset`, then typed, cleaned, split and encoded into in-memory tensors.

The rules: the target column decides the task (text, or few distinct integers: classification;
other numbers: regression) unless data.task forces it. Numeric features, and a regression target,
are standardised with statistics of the training split only; text features with few values are one-hot encoded. Rows
with missing cells are dropped (or refused). Every error names the file, line and column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from torch.utils.data import ConcatDataset, Dataset

from engine.config.schema import DataConfig
from engine.data.csv_header import header_difference, missing_column
from engine.data.csv_rows import Row, complete_rows, number, read_csv, target_task_of, target_value
from engine.data.preprocess import Column, TableSchema, encode_rows
from engine.errors import DataError

MAX_CATEGORIES = 20  # a text feature with more distinct values is an id or free text, not a category


class CsvRows(Dataset):
    """One file's rows (the tutorial's custom Dataset: `__len__` and `__getitem__`)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.header, self.rows = read_csv(path)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> Row:
        return self.rows[index]


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
    rows, dropped = complete_rows(rows, header, cfg.missing)
    if not rows:
        raise DataError(f"{first}: every row has a missing cell ({dropped} dropped)")
    t = header.index(target)
    task, labels = target_task_of(rows, t, target, cfg.task)
    values = [target_value(row.cells[t], labels) for row in rows]
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
    text_at = next((k for k, c in enumerate(cells) if number(c) is None), None)
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
