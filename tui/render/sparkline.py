"""A series as one line of block characters, each column the mean of its share of the values, on
a linear or a log scale (a step schedule's cuts span decades): the lr plan in the form. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence

BLOCKS = " ▁▂▃▄▅▆▇█"
ASCII_BLOCKS = " .,:-=+*#"


def sparkline(values: Sequence[float], width: int, ascii_only: bool = False, log: bool = False) -> str:
    """`values` squeezed (or stretched) into `width` columns; the lowest value is the lowest block,
    the highest the full one; a constant series is a flat middle line."""
    if not values or width < 1:
        return ""
    blocks = ASCII_BLOCKS if ascii_only else BLOCKS
    logs = [math.log(max(v, 1e-300)) for v in values] if log else list(values)
    columns = []
    for column in range(width):
        start = column * len(logs) // width
        end = max(start + 1, (column + 1) * len(logs) // width)
        part = logs[start:end]
        columns.append(sum(part) / len(part))
    low, high = min(logs), max(logs)
    if high - low < 1e-12:
        return blocks[len(blocks) // 2] * width
    top = len(blocks) - 1
    return "".join(blocks[max(1, round(1 + (value - low) / (high - low) * (top - 1)))] for value in columns)
