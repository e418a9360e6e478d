"""Grey pictures as text, a pure function of (pixels, size, options) -> rich Text.

In colour each character cell is an upper-half block whose foreground is one pixel row's grey and
whose background is the next row's, so a 28x28 picture takes 28 columns and 14 lines (a cell is
about twice as tall as wide: the pixels stay square). Without colour, or with `--ascii`, a ramp
of characters stands in for the grey of each cell. A row of pictures is shrunk by whole factors
until it fits, each with its true class and the model's guess underneath."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text

from tui.render.boundary_cells import assemble

GREYS = 16  # grey levels drawn: few enough that neighbouring cells share a style, and one span
RAMP_UNICODE = " ░▒▓█"
RAMP_ASCII = " .:-=+*#%@"
GAP = 1  # columns between pictures
MIN_SHOWN = 4  # shrink the pictures further rather than show fewer than this many
MARKS_UNICODE, MARKS_ASCII = ("✓", "✗"), ("+", "x")  # a guess that is right, wrong
PLAIN = Style.null()


def downscale(pixels: np.ndarray, factor: int) -> np.ndarray:
    """Means of factor x factor blocks; the picture's far edges are padded with black."""
    if factor == 1:
        return pixels
    height, width = pixels.shape
    padded = np.zeros((-(-height // factor) * factor, -(-width // factor) * factor))
    padded[:height, :width] = pixels
    return padded.reshape(padded.shape[0] // factor, factor, padded.shape[1] // factor, factor).mean(axis=(1, 3))


def picture_cells(pixels: np.ndarray, color: bool = True,
                  ascii_only: bool = False) -> tuple[list[list[str]], list[list[Style]]]:
    """One picture (rows of grey levels 0..1) as lines of characters and their styles, two pixel
    rows per line; an odd last row sits over black."""
    if len(pixels) % 2:
        pixels = np.vstack([pixels, np.zeros((1, pixels.shape[1]))])
    top, bottom = pixels[0::2], pixels[1::2]
    if color and not ascii_only:
        upper = np.rint(np.clip(top, 0, 1) * (GREYS - 1)).astype(int).tolist()
        lower = np.rint(np.clip(bottom, 0, 1) * (GREYS - 1)).astype(int).tolist()
        styles = [[_pair(u, d) for u, d in zip(up, down)] for up, down in zip(upper, lower)]
        return [["▀"] * len(line) for line in styles], styles
    ramp = RAMP_ASCII if ascii_only else RAMP_UNICODE
    index = np.rint(np.clip((top + bottom) / 2, 0, 1) * (len(ramp) - 1)).astype(int).tolist()
    return [[ramp[i] for i in line] for line in index], [[PLAIN] * len(line) for line in index]


@lru_cache(maxsize=GREYS * GREYS)
def _pair(upper: int, lower: int) -> Style:
    return Style(color=_grey(upper), bgcolor=_grey(lower))


def _grey(level: int) -> Color:
    value = round(255 * level / (GREYS - 1))
    return Color.from_rgb(value, value, value)


def fit_factor(height: int, width: int, count: int, columns: int, lines: int) -> int | None:
    """The smallest shrink factor that fits a picture's lines and two label lines into `lines`
    and at least MIN_SHOWN pictures (or all `count`) across `columns`; failing that, the one that
    fits the most. None when not even one picture fits."""
    best, best_shown = None, 0
    for factor in range(1, max(height, width) + 1):
        side_h, side_w = -(-height // factor), -(-width // factor)
        if -(-side_h // 2) + 2 > lines:
            continue
        shown = min(count, (columns + GAP) // (side_w + GAP))
        if shown >= min(count, MIN_SHOWN):
            return factor
        if shown > best_shown:
            best, best_shown = factor, shown
    return best


def image_strip(pixels: Sequence[Sequence[Sequence[float]]], truth: Sequence[int], predicted: Sequence[int],
                labels: Sequence[str], columns: int, lines: int, color: bool = True,
                ascii_only: bool = False) -> Text:
    """As many pictures as fit in columns x lines, side by side (and in further rows, a blank line
    apart, where the lines allow), each above its true class and the model's guess, marked right or
    wrong. Empty Text when none fits."""
    images = np.asarray(pixels, dtype=np.float64)
    if images.ndim != 3 or not len(images):
        return Text()
    factor = fit_factor(images.shape[1], images.shape[2], len(images), columns, lines)
    if factor is None:
        return Text()
    side_h, side_w = -(-images.shape[1] // factor), -(-images.shape[2] // factor)
    per_row = min(len(images), (columns + GAP) // (side_w + GAP))
    rows = max(1, min(-(-len(images) // per_row), (lines + 1) // (-(-side_h // 2) + 3)))
    marks = MARKS_ASCII if ascii_only else MARKS_UNICODE
    parts = []
    for first in range(0, rows * per_row, per_row):
        shown = range(first, min(first + per_row, len(images)))
        pictures = [picture_cells(downscale(images[i], factor), color, ascii_only) for i in shown]
        parts.append(_side_by_side(pictures))
        true_line, guess_line = Text(no_wrap=True, end=""), Text(no_wrap=True, end="")
        for i in shown:
            gap = " " * GAP if i > first else ""
            right = predicted[i] == truth[i]
            true_line.append(gap + _fit(_name(labels, truth[i]), side_w))
            guess_line.append(gap)
            guess_line.append(_fit(f"{marks[0] if right else marks[1]} {_name(labels, predicted[i])}", side_w),
                              _verdict(right, color))
        parts += [true_line, guess_line, Text()]
    return Text("\n", end="").join(parts[:-1])


def _side_by_side(pictures: list[tuple[list[list[str]], list[list[Style]]]]) -> Text:
    """Pictures' cells joined line by line, GAP blank columns apart."""
    chars: list[list[str]] = [[] for _ in pictures[0][0]]
    styles: list[list[Style]] = [[] for _ in pictures[0][0]]
    for index, (cells, cell_styles) in enumerate(pictures):
        gap = GAP if index else 0
        for line, (row, row_styles) in enumerate(zip(cells, cell_styles)):
            chars[line] += [" "] * gap + row
            styles[line] += [PLAIN] * gap + row_styles
    return assemble(chars, styles)


def _name(labels: Sequence[str], index: int) -> str:
    return labels[index] if 0 <= index < len(labels) else str(index)


def _fit(text: str, width: int) -> str:
    return text[:width].ljust(width)


def _verdict(right: bool, color: bool) -> Style:
    if not color:
        return Style(bold=not right)
    return Style(color="green") if right else Style(color="red", bold=True)
