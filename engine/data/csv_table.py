"""A user's CSV files as training data: the tutorial's custom `Dataset` per file, several files
joined with `ConcatDataset`, then typed, cleaned, split and encoded into in-memory tensors.

The rules: the target column decides the task (text, or few distinct integers: classification;
other numbers: regression) unless data.task forces it. Numeric features, and a regression target,
are standardised with statistics of the training split only; text features with few values are one-hot encoded. Rows
with missing cells are dropped (or refused). Every error names the file, line and column."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch.utils.data import ConcatDataset, Dataset

from engine.config.schema import DataConfig
from engine.data.csv_header import missing_column
from engine.data.csv_rows import CsvFile, Row, complete_rows, number, read_files, target_task_of, target_value
from engine.data.preprocess import Column, TableSchema, encode_rows
from engine.errors import DataError

MAX_CATEGORIES = 20  # a text feature with more distinct values is an id or free text, not a category
FLOAT32_MAX = 3.4028234663852886e38  # the largest number a float32 tensor holds


class CsvRows(Dataset):
    """One file's rows (the tutorial's custom Dataset: `__len__` and `__getitem__`)."""

    def __init__(self, file: CsvFile):
        self.path, self.header, self.rows, self.delimiter = file.path, file.header, file.rows, file.delimiter

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> Row:
        return self.rows[index]


def combine(paths: list[str]) -> tuple[tuple[str, ...], ConcatDataset, str]:
    """All files' rows as one ConcatDataset, with their header and delimiter (engine.data.csv_rows
    checks that the files make one table)."""
    files = read_files(paths)
    return files[0].header, ConcatDataset([CsvRows(file) for file in files]), files[0].delimiter


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
    header, dataset, delimiter = combine(cfg.paths)
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
        target_mean, target_std = _statistics([values[i] for i in train_idx], first, target)
        values = [(value - target_mean) / target_std for value in values]
        schema = TableSchema(columns, target, task, labels, target_mean, target_std, delimiter)
    else:
        schema = TableSchema(columns, target, task, labels, delimiter=delimiter)
    too_large = next((i for i, v in enumerate(values) if abs(v) > FLOAT32_MAX), None)
    if too_large is not None:
        raise DataError(f"{rows[too_large].where}, column '{target}': {rows[too_large].cells[t].strip()!r} is beyond "
                        "the range of the 32-bit numbers the model trains with; rescale the target")

    def encode(indices: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        picked = [rows[i] for i in indices]
        X = encode_rows(schema, [dict(zip(header, r.cells)) for r in picked], [r.where for r in picked])
        dtype = torch.long if task == "classification" else torch.float32
        return X, torch.tensor([values[i] for i in indices], dtype=dtype)

    X, y = encode(train_idx)
    X_test, y_test = encode(test_idx)
    return Table(X, y, X_test, y_test, schema, dropped)


def _statistics(numbers: list[float], file: str, column: str) -> tuple[float, float]:
    """Mean and standard deviation (population) of the training rows' numbers; a constant column's
    std counts as 1, so it is only centred. Numbers whose mean or spread overflows are the data's
    problem, said naming the column (not, later, as a learning rate that diverged)."""
    train = torch.tensor(numbers, dtype=torch.float64)
    mean = train.mean().item()
    std = train.std(unbiased=False).item() if len(train) > 1 else 0.0
    if not (math.isfinite(mean) and math.isfinite(std)):
        raise DataError(f"{file}, column '{column}': numbers too large to standardise (their mean or spread is not "
                        "a finite number); rescale the column")
    return mean, std if std > 0 else 1.0


def _column(rows: list[Row], train_idx: list[int], header: tuple[str, ...], i: int, policy: str) -> Column:
    """A feature column's type and statistics (numbers: from the training rows only)."""
    name = header[i]
    cells = [row.cells[i].strip() for row in rows]
    text_at = next((k for k, c in enumerate(cells) if number(c) is None), None)
    if text_at is None:
        return Column(name, "numeric", *_statistics([float(cells[k]) for k in train_idx], rows[0].file, name))
    if policy == "error":
        raise DataError(f"{rows[text_at].where}, column '{name}': text value {cells[text_at]!r} in a feature "
                        "column (--categorical onehot encodes columns with few values)")
    categories = tuple(sorted(set(cells)))
    if len(categories) > MAX_CATEGORIES:
        raise DataError(f"{rows[0].file}, column '{name}': {len(categories)} distinct text values (more than "
                        f"{MAX_CATEGORIES}): an id or free text cannot be one-hot encoded; remove the column")
    return Column(name, "categorical", categories=categories)
