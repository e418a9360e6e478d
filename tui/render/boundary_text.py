"""The decision boundary as lines of characters, for the terminal summary of `nntui run`:
each cell shows the predicted class as a region character, cells the model is unsure of stay
blank so the boundary shows as a gap, and training points are drawn on top with the trainer's
own symbols (tui.render.symbols)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tui.render.symbols import point_marker, region_char

UNSURE = 0.6  # cells whose top class is below this probability are left blank


def cell_of(x: float, y: float, x_range: tuple[float, float], y_range: tuple[float, float],
            columns: int, rows: int) -> tuple[int, int] | None:
    """The (row, column) a point falls in, rows counted from the top; None when outside."""
    (x0, x1), (y0, y1) = x_range, y_range
    col = int((x - x0) / (x1 - x0) * columns)
    row = int((y1 - y) / (y1 - y0) * rows)
    if 0 <= col < columns and 0 <= row < rows:
        return row, col
    return None


def boundary_lines(probabilities: Sequence[Sequence[Sequence[float]]], x_range: tuple[float, float],
                   y_range: tuple[float, float], points: Iterable[tuple[float, float, float]] = (),
                   ascii_only: bool = False) -> list[str]:
    """Rows of characters for a [class][row][column] probability grid."""
    rows = len(probabilities[0]) if probabilities else 0
    columns = len(probabilities[0][0]) if rows else 0
    cells = []
    for r in range(rows):
        line = []
        for probs in zip(*(plane[r] for plane in probabilities)):  # one cell's class probabilities
            best = max(range(len(probs)), key=probs.__getitem__)
            line.append(region_char(best, ascii_only) if probs[best] >= UNSURE else " ")
        cells.append(line)
    for x, y, label in points:
        where = cell_of(x, y, x_range, y_range, columns, rows)
        if where is not None:
            cells[where[0]][where[1]] = point_marker(int(label), False, ascii_only)
    return ["".join(line) for line in cells]


def legend(classes: int, ascii_only: bool = False) -> str:
    """One line naming each class's region and point characters."""
    parts = [f"class {c}: region '{region_char(c, ascii_only)}' points '{point_marker(c, False, ascii_only)}'"
             for c in range(classes)]
    return "; ".join(parts) + "; blank: unsure"
