"""Min/max decimation of a loss series, so that the chart's cost depends on its width and not
on the run's length: a million epochs draw as fast as a hundred.

`decimate` is the plain function; `MinMaxDecimator` does the same work incrementally, reading
only the epochs added since its last call, which is what a live chart needs."""

from __future__ import annotations

import math
from collections.abc import Sequence


def decimate(xs: Sequence[float], ys: Sequence[float], buckets: int) -> tuple[list[float], list[float]]:
    """At most 4 * `buckets` points of (xs, ys): each bucket's minimum and maximum, in x order.
    NaN values are skipped, so a sparse test-loss series keeps only its measured points."""
    decimator = MinMaxDecimator(buckets)
    decimator.extend(xs, ys)
    return decimator.points()


class MinMaxDecimator:
    """Keeps between `buckets` and 2 * `buckets` buckets of equal width, doubling the width
    (and merging neighbours) whenever the series outgrows them."""

    def __init__(self, buckets: int = 200):
        self.buckets = max(1, buckets)
        self.width = 1  # series positions per bucket
        self.consumed = 0  # positions read so far, measured points or NaN
        # Each bucket: [x_of_min, min, x_of_max, max]
        self.cells: list[list[float]] = []
        self.slots: list[int] = []  # the bucket each cell stands for (NaN-only buckets have none)

    def extend(self, xs: Sequence[float], ys: Sequence[float]) -> None:
        """Read positions `consumed` .. len(ys) - 1; earlier ones are never read again."""
        end = min(len(xs), len(ys))
        for i in range(self.consumed, end):
            y = ys[i]
            if math.isnan(y):
                continue
            slot = i // self.width
            x = xs[i]
            if self.slots and self.slots[-1] == slot:
                cell = self.cells[-1]
                if y < cell[1]:
                    cell[0], cell[1] = x, y
                if y > cell[3]:
                    cell[2], cell[3] = x, y
            else:
                self.cells.append([x, y, x, y])
                self.slots.append(slot)
                if len(self.cells) > 2 * self.buckets:
                    self._merge()
        self.consumed = max(self.consumed, end)

    def _merge(self) -> None:
        self.width *= 2
        merged: list[list[float]] = []
        slots: list[int] = []
        for cell, slot in zip(self.cells, self.slots):
            new_slot = slot // 2
            if slots and slots[-1] == new_slot:
                last = merged[-1]
                if cell[1] < last[1]:
                    last[0], last[1] = cell[0], cell[1]
                if cell[3] > last[3]:
                    last[2], last[3] = cell[2], cell[3]
            else:
                merged.append(list(cell))
                slots.append(new_slot)
        self.cells = merged
        self.slots = slots

    def points(self) -> tuple[list[float], list[float]]:
        xs: list[float] = []
        ys: list[float] = []
        for x_min, y_min, x_max, y_max in self.cells:
            pairs = [(x_min, y_min)] if x_min == x_max else sorted([(x_min, y_min), (x_max, y_max)])
            for x, y in pairs:
                xs.append(x)
                ys.append(y)
        return xs, ys
