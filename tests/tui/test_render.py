"""Pure rendering: decimation, the command line, the boundary cells and the loss chart."""

from __future__ import annotations

import math
import time

from rich.text import Text

from engine.config import with_values
from engine.presets import PRESETS, preset_config
from tui.render.boundary_cells import BoundaryStyle, boundary_cells, certainty
from tui.render.command_line import command_line
from tui.render.decimate import MinMaxDecimator, decimate
from tui.render.loss_chart import Curve, loss_chart


def test_decimate_keeps_extremes():
    """Decimation bounds the point count and keeps the global minimum and maximum."""
    xs = list(range(100_000))
    ys = [math.sin(x / 997) + (5 if x == 12_345 else 0) for x in xs]
    dx, dy = decimate(xs, ys, 50)
    assert len(dx) <= 200
    assert max(dy) == max(ys) and min(dy) == min(ys)
    assert dx == sorted(dx)


def test_decimate_skips_nan():
    """NaN (epochs without a test evaluation) never reaches the chart."""
    xs = list(range(1, 101))
    ys = [float(x) if x % 10 == 0 else float("nan") for x in xs]
    dx, dy = decimate(xs, ys, 100)
    assert dx == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] and dy == dx


def test_incremental_decimation_matches_whole():
    """Feeding the series in pieces gives the same extremes as all at once."""
    xs = list(range(5000))
    ys = [math.cos(x / 50) * (1 + x / 5000) for x in xs]
    running = MinMaxDecimator(40)
    for end in range(0, 5001, 333):
        running.extend(xs[:end], ys[:end])
    running.extend(xs, ys)
    assert max(running.points()[1]) == max(ys) and min(running.points()[1]) == min(ys)


def test_chart_cost_does_not_grow_with_run_length():
    """A million epochs chart about as fast as a hundred once decimated."""
    def draw(n: int) -> float:
        d = MinMaxDecimator(200)
        xs = list(range(n))
        d.extend(xs, [1 / (1 + x) for x in xs])
        began = time.perf_counter()
        loss_chart([Curve("train", *d.points(), color="cyan")], 70, 18)
        return time.perf_counter() - began

    assert draw(1_000_000) < 5 * draw(100) + 0.05


def test_command_line_names_preset_and_changes():
    """The copied command starts from the nearest preset and adds only the changed fields."""
    config = with_values(preset_config("moons"), {"train.lr": 0.05, "data.shuffle": False})
    assert command_line(config) == "nntui run --preset moons --no-shuffle --lr 0.05"
    assert command_line(PRESETS["circle"].config) == "nntui run --preset circle"


def _grid(rows: int = 8, columns: int = 10):
    """Two class planes: class 0 certain on the left half, class 1 on the right."""
    left = [[1.0 if c < columns // 2 else 0.0 for c in range(columns)] for _ in range(rows)]
    return [left, [[1.0 - p for p in row] for row in left]]


def test_boundary_half_blocks_in_colour():
    """In colour each line holds two grid rows as upper-half blocks, points on top."""
    text = boundary_cells(_grid(), (0, 1), (0, 1), [(0.05, 0.95, 0)], [(0.95, 0.05, 1)])
    lines = text.plain.split("\n")
    assert len(lines) == 4 and all(len(line) == 10 for line in lines)
    assert lines[0][0] == "●" and lines[-1][-1] == "✕" and lines[1][3] == "▀"


def test_boundary_ascii_without_colour():
    """--ascii with NO_COLOR draws 7-bit region characters; test points hide on request."""
    style = BoundaryStyle(color=False, ascii_only=True, show_test=False)
    text = boundary_cells(_grid(), (0, 1), (0, 1), [], [(0.95, 0.05, 1)], style)
    assert text.plain.isascii() and "." in text.plain and ":" in text.plain and "1" not in text.plain
    assert not any(span.style for span in text.spans if str(span.style))


def test_certainty_is_zero_when_unsure():
    """A uniform prediction has no certainty; a certain one has full, for its class."""
    import numpy as np

    best, sure = certainty(np.array([[[0.5, 0.0]], [[0.5, 0.0]], [[0.0, 1.0]]]))
    assert sure.tolist() == [[0.25, 1.0]] and best.tolist()[0][1] == 2
    _, even = certainty(np.array([[[0.5]], [[0.5]]]))
    assert even.tolist() == [[0.0]]


def test_loss_chart_ascii():
    """The ASCII chart uses no box-drawing or braille characters."""
    curve = Curve("train", list(range(1, 51)), [1 / x for x in range(1, 51)], color="cyan")
    text = loss_chart([curve], 60, 15, ascii_only=True, color=False, marks=[20])
    assert isinstance(text, Text) and text.plain.isascii() and "*" in text.plain
