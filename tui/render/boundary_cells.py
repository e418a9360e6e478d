"""The decision boundary as rich Text, a pure function of (grid, points, options).

In colour, each character cell shows two grid rows with the upper-half block: its foreground
is the upper row's colour and its background the lower's, so the picture has twice the
terminal's vertical resolution. Colour fades where the model is unsure. Without colour (or
with `--ascii`) each cell is a region character instead, as in `nntui run`'s summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.color import Color
from rich.style import Style
from rich.text import Text

from tui.render.boundary_text import MARKERS_ASCII, MARKERS_UNICODE, REGIONS_ASCII, REGIONS_UNICODE, UNSURE, cell_of

# Class colours after TensorFlow Playground's orange and blue, then distinct hues; all survive
# the reduction to 256 colours.
CLASS_RGB = ((245, 147, 34), (8, 119, 189), (80, 180, 80), (200, 80, 200), (230, 210, 60), (60, 200, 200),
             (230, 80, 80), (150, 150, 150), (170, 110, 60), (120, 120, 240))
BACKGROUND_RGB = (24, 24, 24)
TRAIN_MARKER, TEST_MARKER = "●", "✕"


@dataclass(frozen=True)
class BoundaryStyle:
    """How to draw: colour or not, 7-bit characters or not, hard classes or probabilities."""

    color: bool = True
    ascii_only: bool = False
    discrete: bool = False
    show_test: bool = True


def confidence(probs: Sequence[float]) -> tuple[int, float]:
    """The top class and how sure the model is of it, from 0 (uniform) to 1 (certain)."""
    best = max(range(len(probs)), key=probs.__getitem__)
    k = max(len(probs), 2)
    return best, max(0.0, min(1.0, (probs[best] - 1 / k) / (1 - 1 / k)))


def cell_rgb(probs: Sequence[float], discrete: bool) -> tuple[int, int, int]:
    """The class colour, faded toward the background as the model grows unsure."""
    best, sure = confidence(probs)
    weight = 0.8 if discrete else 0.15 + 0.75 * sure
    rgb = CLASS_RGB[best % len(CLASS_RGB)]
    return tuple(round(b + (c - b) * weight) for c, b in zip(rgb, BACKGROUND_RGB))  # type: ignore[return-value]


def boundary_cells(probabilities: Sequence[Sequence[Sequence[float]]], x_range: tuple[float, float],
                   y_range: tuple[float, float], train_points: Sequence[tuple[float, float, float]] = (),
                   test_points: Sequence[tuple[float, float, float]] = (),
                   style: BoundaryStyle = BoundaryStyle()) -> Text:
    """A [row][column][class] grid (rows from the top, two grid rows per line) as Text."""
    rows, columns = len(probabilities), len(probabilities[0]) if probabilities else 0
    lines = rows // 2
    if not lines or not columns:
        return Text()
    if style.color and not style.ascii_only:
        cells = _half_blocks(probabilities, lines, columns, style.discrete)
    else:
        cells = _characters(probabilities, lines, columns, style)
    marked = [(p, False) for p in train_points] + ([(p, True) for p in test_points] if style.show_test else [])
    for (x, y, label), is_test in marked:
        where = cell_of(x, y, x_range, y_range, columns, lines)
        if where is None:
            continue
        row, col = where
        if style.color and not style.ascii_only:
            char = TEST_MARKER if is_test else TRAIN_MARKER
            rgb = CLASS_RGB[int(label) % len(CLASS_RGB)]
            under = cells[row][col][1].bgcolor or cells[row][col][1].color
            cells[row][col] = (char, Style(color=Color.from_rgb(*_bright(rgb)), bgcolor=under, bold=True))
        else:
            cells[row][col] = (_marker_plain(int(label), is_test, style.ascii_only), Style(bold=True))
    text = Text(no_wrap=True, end="")
    for i, line in enumerate(cells):
        for char, cell_style in line:
            text.append(char, cell_style)
        if i < lines - 1:
            text.append("\n")
    return text


def _half_blocks(probabilities, lines: int, columns: int, discrete: bool) -> list[list[tuple[str, Style]]]:
    cache: dict[tuple, Style] = {}
    out = []
    for line in range(lines):
        top, bottom = probabilities[2 * line], probabilities[2 * line + 1]
        row = []
        for col in range(columns):
            key = (cell_rgb(top[col], discrete), cell_rgb(bottom[col], discrete))
            cell_style = cache.get(key)
            if cell_style is None:
                cell_style = cache[key] = Style(color=Color.from_rgb(*key[0]), bgcolor=Color.from_rgb(*key[1]))
            row.append(("▀", cell_style))
        out.append(row)
    return out


def _characters(probabilities, lines: int, columns: int, style: BoundaryStyle) -> list[list[tuple[str, Style]]]:
    regions = REGIONS_ASCII if style.ascii_only else REGIONS_UNICODE
    out = []
    for line in range(lines):
        row = []
        for probs in probabilities[2 * line]:
            best, sure = confidence(probs)
            shown = style.discrete or probs[best] >= UNSURE
            char = regions[best % len(regions)] if shown else " "
            cell_style = Style(color=Color.from_rgb(*CLASS_RGB[best % len(CLASS_RGB)])) if style.color else Style()
            row.append((char, cell_style))
        out.append(row)
    return out


def _bright(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    return tuple(min(255, round(c + (255 - c) * 0.45)) for c in rgb)  # type: ignore[return-value]


def _marker_plain(label: int, is_test: bool, ascii_only: bool) -> str:
    """Without colour a marker must name its class: train points by shape, test points by digit."""
    if is_test:
        return str(label % 10)
    return MARKERS_ASCII[label % len(MARKERS_ASCII)] if ascii_only else MARKERS_UNICODE[label % len(MARKERS_UNICODE)]


def legend(classes: int, style: BoundaryStyle) -> Text:
    """One line saying which colour or character is which class, and what the markers mean."""
    text = Text(no_wrap=True)
    regions = REGIONS_ASCII if style.ascii_only else REGIONS_UNICODE
    for c in range(classes):
        rgb = CLASS_RGB[c % len(CLASS_RGB)]
        sample = "██" if style.color and not style.ascii_only else regions[c % len(regions)] * 2
        text.append(sample, Style(color=Color.from_rgb(*rgb)) if style.color else Style())
        text.append(f" class {c}  ")
    plain = not style.color or style.ascii_only
    markers = MARKERS_ASCII if style.ascii_only else MARKERS_UNICODE
    train = "".join(markers[c % len(markers)] for c in range(classes)) if plain else TRAIN_MARKER
    test = "digits" if plain else TEST_MARKER
    text.append(f"{train} train  ")
    text.append(f"{test} test" if style.show_test else "test hidden (t)", "" if style.show_test else "dim")
    text.append("  hard classes (d)" if style.discrete else "  shaded by probability (d)", "dim")
    return text
