"""What turns raw inputs into the tensors a model was trained on: column statistics, one-hot
values, label names, image size and normalisation. Training builds it once; the run saves it as
preprocess.json (engine.data.preprocess_file) so that `nntui predict` encodes new rows and images exactly as training did."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.errors import DataError

if TYPE_CHECKING:
    import torch

MISSING = frozenset({"", "na", "nan", "null", "n/a", "none"})


@dataclass(frozen=True)
class Column:
    """One feature column: numeric (standardised with `mean` and `std`) or one-hot `categories`."""

    name: str
    kind: str  # "numeric" | "categorical"
    mean: float = 0.0
    std: float = 1.0
    categories: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        return len(self.categories) if self.kind == "categorical" else 1


@dataclass(frozen=True)
class TableSchema:
    """How a table's rows become feature vectors, and what the outputs mean."""

    columns: tuple[Column, ...]
    target: str
    task: str  # "regression" | "classification"
    labels: tuple[str, ...] = ()  # class names, in output order
    # Regression on a table trains on the standardised target, (y - mean) / std over the training
    # rows; outputs times std plus mean are in the target's own unit. Synthetic sets keep 0 and 1.
    target_mean: float = 0.0
    target_std: float = 1.0
    delimiter: str = ","  # the cell separator the training files used (sniffed)

    @property
    def features(self) -> int:
        return sum(c.width for c in self.columns)


@dataclass(frozen=True)
class ImageSpec:
    """How an image file becomes the tensor the model takes: mode, size and normalisation."""

    mode: str  # "L" (grey) | "RGB"
    size: tuple[int, int]  # (height, width) the model sees
    mean: tuple[float, ...] = ()  # empty: no Normalize
    std: tuple[float, ...] = ()
    labels: tuple[str, ...] = ()

    @property
    def shape(self) -> tuple[int, int, int]:
        return (1 if self.mode == "L" else 3, *self.size)


@dataclass(frozen=True)
class Preprocess:
    """Exactly one of `table` or `image` is set."""

    table: TableSchema | None = None
    image: ImageSpec | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def synthetic_preprocess(features: int, kind: str, classes: int) -> Preprocess:
    """Synthetic sets take raw inputs x1..xn, so predict can read them from a CSV too."""
    columns = tuple(Column(f"x{i + 1}", "numeric") for i in range(features))
    if kind == "regression":
        return Preprocess(table=TableSchema(columns, "y", "regression"))
    return Preprocess(table=TableSchema(columns, "label", "classification", tuple(str(c) for c in range(classes))))


def is_missing(cell: str) -> bool:
    return cell.strip().lower() in MISSING


def encode_row(schema: TableSchema, row: dict[str, str], where: str) -> list[float]:
    """One row's feature vector; `where` ("file, line 3") prefixes any error."""
    values: list[float] = []
    for column in schema.columns:
        if column.name not in row:
            raise DataError(f"{where}: no column '{column.name}' (the model needs "
                            f"{', '.join(c.name for c in schema.columns)})")
        cell = row[column.name].strip()
        if is_missing(cell):
            raise DataError(f"{where}, column '{column.name}': missing value")
        if column.kind == "numeric":
            try:
                number = float(cell)
            except ValueError:
                raise DataError(f"{where}, column '{column.name}': {cell!r} is not a number") from None
            if not math.isfinite(number):  # 'inf', '1e999': the run would only diverge on it
                raise DataError(f"{where}, column '{column.name}': {cell!r} is not a finite number")
            values.append((number - column.mean) / column.std)
        else:
            if cell not in column.categories:
                raise DataError(f"{where}, column '{column.name}': unknown value {cell!r} (known: "
                                f"{', '.join(column.categories)})")
            values.extend(1.0 if cell == c else 0.0 for c in column.categories)
    return values


def encode_rows(schema: TableSchema, rows: list[dict[str, str]], wheres: list[str]) -> torch.Tensor:
    """Feature vectors of many rows as one float tensor."""
    import torch  # here, so that DataError and the schemas load without torch

    encoded = [encode_row(schema, row, where) for row, where in zip(rows, wheres)]
    return torch.tensor(encoded, dtype=torch.float32).reshape(len(rows), schema.features)
