"""metrics.csv's rows, made in bulk (engine.runs.metrics_file.csv_rows), are each row's values
as repr with NaN left empty, whatever runs of repeated values or NaN the columns hold."""

from __future__ import annotations

import math
import random

import pytest

from engine.loop.history import NAN, MetricsHistory
from engine.runs.metrics_file import HEADER, csv_rows, parse_metrics


def _history(rows: list[tuple[int, float, float, float, float]]) -> MetricsHistory:
    history = MetricsHistory()
    history.extend_rows(rows)
    return history


def _one_by_one(rows: list[tuple[int, float, float, float, float]]) -> str:
    """The file's format read off its documentation: one line a row, repr of each value, NaN empty."""
    return "".join(",".join([str(row[0]), *("" if math.isnan(v) else repr(v) for v in row[1:])]) + "\n"
                   for row in rows)


def _shaped(count: int, tested_every: int, seed: int) -> list[tuple[int, float, float, float, float]]:
    draw = random.Random(seed)
    return [(epoch, draw.random() if epoch % 97 else NAN,  # a diverged epoch now and then
             draw.random() if epoch % tested_every == 0 else NAN, draw.random() if epoch % tested_every == 0 else NAN,
             0.1 if epoch < count // 2 else 0.05) for epoch in range(1, count + 1)]


@pytest.mark.parametrize(("count", "tested_every"), [(1, 1), (2, 1), (300, 1), (300, 7), (3000, 1000)])
def test_bulk_rows_are_the_rows_one_by_one(count: int, tested_every: int) -> None:
    """Losses that change every row, test columns mostly NaN or always measured, an lr cut once."""
    rows = _shaped(count, tested_every, count)
    assert csv_rows(_history(rows), 0, count) == _one_by_one(rows)


def test_a_stretch_of_rows_starts_where_asked() -> None:
    """The appender's calls format rows start..stop-1 only; none at all is no text."""
    rows = _shaped(500, 10, 3)
    history = _history(rows)
    assert csv_rows(history, 120, 380) == _one_by_one(rows[120:380])
    assert csv_rows(history, 200, 200) == ""


def test_rows_read_back_equal_the_history() -> None:
    """Every digit is kept: parsed again, the rows are the values written (NaN as NaN)."""
    rows = _shaped(400, 3, 5)
    parsed, torn = parse_metrics(HEADER + "\n" + csv_rows(_history(rows), 0, 400), "metrics.csv")
    assert not torn
    assert [repr(x) for x in parsed.train_loss] == [repr(row[1]) for row in rows]
    assert list(parsed.epochs) == [row[0] for row in rows]


def test_a_signed_zero_after_a_zero_keeps_its_sign() -> None:
    """A run of equal values is formatted once, but -0.0 after 0.0 is not the same cell."""
    rows = [(1, 0.5, 0.0, 0.0, 0.1), (2, 0.25, -0.0, 0.0, -0.0), (3, 0.125, -0.0, NAN, 0.1)]
    assert csv_rows(_history(rows), 0, 3) == _one_by_one(rows)
