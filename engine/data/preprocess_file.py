"""preprocess.json: a run's Preprocess written beside its model, and read back with every field
checked before `predict` trusts it (a hand-edited or damaged file is refused naming the field,
never a traceback or a silent NaN from a zero std)."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

from engine.data.preprocess import Column, ImageSpec, Preprocess, TableSchema
from engine.errors import DataError
from engine.files.atomic import write_text_atomic
from engine.files.reading import MIB, parse_nested, read_text

PREPROCESS_LIMIT = 64 * MIB  # a 100,000-column table's statistics take about 10 MiB
MAX_IMAGE_SIDE = 1024  # data.resize's limit


def save_preprocess(preprocess: Preprocess, path: str | Path) -> None:
    write_text_atomic(path, json.dumps(asdict(preprocess), indent=1))


class _Fields:
    """Typed reads of a JSON object's fields, each failure naming the file and the field."""

    def __init__(self, file: str):
        self.file = file

    def bad(self, where: str, message: str) -> DataError:
        return DataError(f"{self.file}: {where}: {message}")

    def table(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            raise self.bad(where, "must be an object")
        return value

    def text(self, value: Any, where: str, choices: tuple[str, ...] = ()) -> str:
        if not isinstance(value, str) or (choices and value not in choices):
            raise self.bad(where, f"must be {'one of ' + ', '.join(choices) if choices else 'text'}")
        return value

    def texts(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.bad(where, "must be a list of text")
        return tuple(value)

    def number(self, value: Any, where: str, positive: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.bad(where, "must be a finite number")
        if positive and value <= 0:
            raise self.bad(where, "must be greater than 0")
        return float(value)


def _column(read: _Fields, raw: Any, where: str) -> Column:
    raw = read.table(raw, where)
    kind = read.text(raw.get("kind"), f"{where}.kind", ("numeric", "categorical"))
    column = Column(read.text(raw.get("name"), f"{where}.name"), kind,
                    read.number(raw.get("mean", 0.0), f"{where}.mean"),
                    read.number(raw.get("std", 1.0), f"{where}.std", positive=True),
                    read.texts(raw.get("categories", []), f"{where}.categories"))
    if kind == "categorical" and not column.categories:
        raise read.bad(f"{where}.categories", "a text column needs at least one value")
    return column


def _table(read: _Fields, raw: Any) -> TableSchema:
    raw = read.table(raw, "table")
    columns = raw.get("columns")
    if not isinstance(columns, list) or not columns:
        raise read.bad("table.columns", "must be a non-empty list")
    task = read.text(raw.get("task"), "table.task", ("regression", "classification"))
    labels = read.texts(raw.get("labels", []), "table.labels")
    if task == "classification" and len(labels) < 2:
        raise read.bad("table.labels", "a classifier needs at least two class names")
    delimiter = read.text(raw.get("delimiter", ","), "table.delimiter", (",", ";", "\t", "|"))
    return TableSchema(tuple(_column(read, c, f"table.columns[{i}]") for i, c in enumerate(columns)),
                       read.text(raw.get("target"), "table.target"), task, labels,
                       read.number(raw.get("target_mean", 0.0), "table.target_mean"),
                       read.number(raw.get("target_std", 1.0), "table.target_std", positive=True), delimiter)


def _image(read: _Fields, raw: Any) -> ImageSpec:
    raw = read.table(raw, "image")
    mode = read.text(raw.get("mode"), "image.mode", ("L", "RGB"))
    size = raw.get("size")
    if (not isinstance(size, list) or len(size) != 2
            or not all(isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= MAX_IMAGE_SIDE for s in size)):
        raise read.bad("image.size", f"must be [height, width], each from 1 to {MAX_IMAGE_SIDE}")
    channels = 1 if mode == "L" else 3
    mean, std = raw.get("mean", []), raw.get("std", [])
    if not isinstance(mean, list) or not isinstance(std, list) or len(mean) != len(std) or len(mean) not in (0, channels):
        raise read.bad("image.mean", f"mean and std must both be empty or hold {channels} numbers for mode {mode}")
    labels = read.texts(raw.get("labels"), "image.labels")
    if len(labels) < 2:
        raise read.bad("image.labels", "a classifier needs at least two class names")
    return ImageSpec(mode, (size[0], size[1]), tuple(read.number(m, "image.mean") for m in mean),
                     tuple(read.number(s, "image.std", positive=True) for s in std), labels)


def load_preprocess(path: str | Path) -> Preprocess:
    """Read preprocess.json back; a missing, foreign or damaged file raises DataError naming the
    file and the field."""
    file = str(path)
    if not Path(file).exists():
        raise DataError(f"{file}: missing (runs saved before preprocessing was recorded cannot predict)")
    text = read_text(file, "an nntui preprocess file", PREPROCESS_LIMIT, DataError)
    try:
        raw = parse_nested(json.loads, text, file, "an nntui preprocess file", DataError)
    except json.JSONDecodeError as err:
        raise DataError(f"{file}: not an nntui preprocess file (invalid JSON: {err})") from None
    read = _Fields(file)
    raw = read.table(raw, "the file")
    table, image = raw.get("table"), raw.get("image")
    if table is not None and image is not None:  # (neither: a run on Dataset items that are not rows)
        raise read.bad("the file", "must describe either a table or an image set, not both")
    extra = read.table(raw.get("extra", {}), "extra")
    return Preprocess(table=_table(read, table) if table is not None else None,
                      image=_image(read, image) if image is not None else None, extra=extra)
