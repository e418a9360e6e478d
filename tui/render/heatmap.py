"""A grid of numbers over the plane as rich Text: a neuron's output, a regression model's
prediction. A pure function of (values, scale, size, style).

In colour each character cell shows two grid rows with the upper-half block, on TensorFlow
Playground's diverging scale: orange below the middle of the scale, blue above, fading to the
background at the middle (a neuron's scale is symmetric about 0, so a dead ReLU is dark). Without
colour, or with `--ascii`, each cell is a shade character from the lowest value (blank) to the
highest, so the shape still shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich.style import Style
from rich.text import Text

from tui.render.boundary_cells import (
    BACKGROUND_RGB,
    CLASS_RGB,
    BoundaryStyle,
    assemble,
    half_block_cells,
    mark_points,
)
from tui.render.symbols import point_marker

NEGATIVE_RGB = (245, 147, 34)  # Playground's orange
POSITIVE_RGB = (40, 140, 220)  # Playground's blue, lifted to show on a dark background
STEPS = 8  # colour steps on each side of the middle: few enough that neighbouring cells share a style
SHADES_UNICODE = " ·░▒▓█"
SHADES_ASCII = " .:-=+*#%@"
_NEGATIVE, _POSITIVE = np.array(NEGATIVE_RGB, dtype=np.float64), np.array(POSITIVE_RGB, dtype=np.float64)
_BACKGROUND = np.array(BACKGROUND_RGB, dtype=np.float64)


@dataclass(frozen=True)
class Scale:
    """The values the colours span: `low` is full orange, `high` full blue, their middle the background."""

    low: float
    high: float

    @staticmethod
    def symmetric(values: np.ndarray) -> Scale:
        """-m..m for the largest size m in the values (a neuron's output: its sign shows)."""
        finite = np.abs(values[np.isfinite(values)])
        size = float(finite.max()) if finite.size else 0.0
        return Scale(-size, size)

    @staticmethod
    def span(values: np.ndarray) -> Scale:
        """The values' own lowest to highest (shades show a shape, whatever its sign)."""
        finite = values[np.isfinite(values)]
        return Scale(float(finite.min()), float(finite.max())) if finite.size else Scale(0.0, 0.0)

    def level(self, values: np.ndarray) -> np.ndarray:
        """Each value's place on the scale, from -1 (low) to 1 (high); 0 where undefined."""
        half = (self.high - self.low) / 2
        if not half > 0:
            return np.zeros(values.shape)
        placed = (values - (self.low + self.high) / 2) / half
        return np.clip(np.nan_to_num(placed, nan=0.0, posinf=1.0, neginf=-1.0), -1.0, 1.0)


def resampled(values: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """The grid's value nearest the centre of each of rows x columns cells (of each grid, for a
    stack of grids: the last two axes are the grid's)."""
    r, c = values.shape[-2:]
    pick_rows = np.minimum(((np.arange(rows) + 0.5) * r / rows).astype(int), r - 1)
    pick_columns = np.minimum(((np.arange(columns) + 0.5) * c / columns).astype(int), c - 1)
    return values[..., pick_rows, :][..., pick_columns]


def map_levels(stack: np.ndarray, symmetric: bool) -> tuple[np.ndarray, np.ndarray]:
    """Levels (-1..1) of a stack of grids, each on its own scale: -m..m for its largest size m
    (`symmetric`: the sign shows), else its own lowest to highest; and whether each grid varies
    at all (a constant one, a dead unit, is all 0)."""
    finite = np.isfinite(stack)
    if symmetric:
        size = np.where(finite, np.abs(stack), 0.0).max(axis=(-2, -1), keepdims=True)
        low, high = -size, size
    else:
        low = np.where(finite, stack, np.inf).min(axis=(-2, -1), keepdims=True)
        high = np.where(finite, stack, -np.inf).max(axis=(-2, -1), keepdims=True)
    half = (high - low) / 2
    spread = np.where(half > 0, half, 1.0)
    with np.errstate(invalid="ignore"):
        levels = np.where(half > 0, (stack - (low + high) / 2) / spread, 0.0)
    return np.clip(np.nan_to_num(levels, nan=0.0, posinf=1.0, neginf=-1.0), -1.0, 1.0), (half > 0).reshape(-1)


def shade_steps(levels: np.ndarray, ascii_only: bool) -> tuple[np.ndarray, str]:
    """Each level's shade character index, and the shades."""
    shades = SHADES_ASCII if ascii_only else SHADES_UNICODE
    return ((levels + 1) / 2 * (len(shades) - 1)).round().astype(int), shades


def heat_codes(levels: np.ndarray) -> np.ndarray:
    """0xRRGGBB per level: toward orange below 0, toward blue above, in STEPS steps each side."""
    step = np.round(levels * STEPS) / STEPS
    toward = np.where(step[..., None] < 0, _NEGATIVE, _POSITIVE)
    rgb = np.rint(_BACKGROUND + (toward - _BACKGROUND) * np.abs(step)[..., None]).astype(np.int64)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def heat_cells(values: np.ndarray, scale: Scale, lines: int, columns: int,
               style: BoundaryStyle) -> tuple[list[list[str]], list[list[Style]]]:
    """The grid drawn into lines x columns cells: half blocks in colour, else shade characters
    (each cell the grid's value at its centre, from the scale's low to its high)."""
    if style.color and not style.ascii_only:
        return half_block_cells(heat_codes(scale.level(resampled(values, 2 * lines, columns))))
    plain = Style()
    if not scale.high > scale.low:  # nothing varies (a dead unit): nothing to shade
        return [[" "] * columns for _ in range(lines)], [[plain] * columns for _ in range(lines)]
    steps, shades = shade_steps(scale.level(resampled(values, lines, columns)), style.ascii_only)
    return [[shades[s] for s in row] for row in steps.tolist()], [[plain] * columns for _ in range(lines)]


def rgb_at(value: float, scale: Scale) -> tuple[int, int, int]:
    """The colour a value takes on the scale."""
    code = int(heat_codes(scale.level(np.array([value])))[0])
    return code >> 16, (code >> 8) & 0xFF, code & 0xFF


def heatmap(values: Sequence[Sequence[float]], x_range: tuple[float, float], y_range: tuple[float, float],
            lines: int, columns: int, scale: Scale | None = None,
            points: Sequence[tuple[tuple[float, float, float], bool]] = (),
            style: BoundaryStyle = BoundaryStyle(), point_scale: Scale | None = None) -> Text:
    """A [row][column] grid (rows from the top) drawn in lines x columns cells, with ((x, y,
    value), is_test) points on top: a circle in the colour of its value (filled for training,
    hollow for test) where `point_scale` is given, else in the class symbols of their value."""
    grid = np.asarray(values, dtype=np.float64)
    if grid.ndim != 2 or not grid.size or lines < 1 or columns < 1:
        return Text()
    scale = scale or Scale.symmetric(grid)
    chars, styles = heat_cells(grid, scale, lines, columns, style)

    def look(x: float, y: float, value: float, is_test: bool) -> tuple[str, tuple[int, int, int]]:
        if point_scale is not None:
            return point_marker(0, is_test, style.ascii_only), rgb_at(value, point_scale)
        return point_marker(int(value), is_test, style.ascii_only), CLASS_RGB[int(value) % len(CLASS_RGB)]

    mark_points(chars, styles, points, x_range, y_range, style, look)
    return assemble(chars, styles)


def scale_legend(scale: Scale, style: BoundaryStyle, width: int = 6) -> Text:
    """`-1.20 ██████ 1.20`: the scale's ends and its colours (or shades) between them."""
    text = Text(no_wrap=True)
    text.append(f"{scale.low:.3g} ")
    ramp = np.linspace(-1.0, 1.0, 2 * width)[None, :]
    middle = Scale(-1.0, 1.0)
    chars, styles = heat_cells(np.repeat(ramp, 2, axis=0), middle, 1, width, style)
    for char, cell_style in zip(chars[0], styles[0]):
        text.append(char, cell_style)
    text.append(f" {scale.high:.3g}")
    return text
