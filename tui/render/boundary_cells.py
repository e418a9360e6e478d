"""The decision boundary as rich Text, a pure function of (grid, points, options).

In colour, each character cell shows two grid rows with the upper-half block: its foreground
is the upper row's colour and its background the lower's, so the picture has twice the
terminal's vertical resolution. Colour fades where the model is unsure. Without colour (or
with `--ascii`) each cell is a region character instead, as in `nntui run`'s summary. Points
take tui.render.symbols' shapes in every mode: the class's shape, filled for train, hollow for test."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Span, Text

from tui.render.boundary_text import UNSURE, cell_of
from tui.render.symbols import point_marker, region_char

# Class colours after TensorFlow Playground's orange and blue, then distinct hues; all survive
# the reduction to 256 colours.
CLASS_RGB = ((245, 147, 34), (8, 119, 189), (80, 180, 80), (200, 80, 200), (230, 210, 60), (60, 200, 200),
             (230, 80, 80), (150, 150, 150), (170, 110, 60), (120, 120, 240))
BACKGROUND_RGB = (24, 24, 24)
SHADES = 15  # confidence steps above the faintest shade
_CLASS_RGB = np.array(CLASS_RGB, dtype=np.float64)
_BACKGROUND = np.array(BACKGROUND_RGB, dtype=np.float64)


@dataclass(frozen=True)
class BoundaryStyle:
    """How to draw: colour or not, 7-bit characters or not, hard classes or probabilities."""

    color: bool = True
    ascii_only: bool = False
    discrete: bool = False
    show_test: bool = True


def certainty(planes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per cell of [class][row][column] planes: the top class, and how sure the model is of it,
    from 0 (uniform) to 1 (certain)."""
    k = max(planes.shape[0], 2)
    return planes.argmax(axis=0), np.clip((planes.max(axis=0) - 1 / k) / (1 - 1 / k), 0.0, 1.0)


def shade_codes(planes: np.ndarray, discrete: bool) -> np.ndarray:
    """Per cell, its class colour faded toward the background as the model grows unsure,
    packed as 0xRRGGBB."""
    best, sure = certainty(planes)
    # Sixteen shades per class: more than a 256-colour terminal shows, and few enough that
    # neighbouring cells share styles (one span) and frames reuse them (one cache).
    weight = np.full(sure.shape, 0.8) if discrete else 0.15 + 0.75 * np.round(sure * SHADES) / SHADES
    rgb = _CLASS_RGB[best % len(CLASS_RGB)]
    shaded = np.rint(_BACKGROUND + (rgb - _BACKGROUND) * weight[..., None]).astype(np.int64)
    return (shaded[..., 0] << 16) | (shaded[..., 1] << 8) | shaded[..., 2]


def boundary_cells(probabilities: Sequence[Sequence[Sequence[float]]], x_range: tuple[float, float],
                   y_range: tuple[float, float], train_points: Sequence[tuple[float, float, float]] = (),
                   test_points: Sequence[tuple[float, float, float]] = (),
                   style: BoundaryStyle = BoundaryStyle()) -> Text:
    """A [class][row][column] grid (rows from the top, two grid rows per line) as Text.

    Colours are worked out for all cells at once, and the Text is one string with a span per
    run of equal style: an 80x40 frame costs about a millisecond, not the 25 ms of a styled
    append per cell."""
    planes = np.asarray(probabilities, dtype=np.float64)
    if planes.ndim != 3:
        return Text()
    lines, columns = planes.shape[1] // 2, planes.shape[2]
    if not lines or not columns:
        return Text()
    if style.color and not style.ascii_only:
        chars, styles = _half_blocks(planes, lines, style.discrete)
    else:
        chars, styles = _characters(planes, lines, style)
    marked = [(p, False) for p in train_points] + ([(p, True) for p in test_points] if style.show_test else [])
    mark_points(chars, styles, marked, x_range, y_range, style,
                lambda x, y, label, is_test: (point_marker(int(label), is_test, style.ascii_only),
                                              CLASS_RGB[int(label) % len(CLASS_RGB)]))
    return assemble(chars, styles)


PointLook = Callable[[float, float, float, bool], tuple[str, tuple[int, int, int]]]  # -> (character, colour)


def mark_points(chars: list[list[str]], styles: list[list[Style]],
                marked: Sequence[tuple[tuple[float, float, float], bool]], x_range: tuple[float, float],
                y_range: tuple[float, float], style: BoundaryStyle, look: PointLook) -> None:
    """Draw ((x, y, value), is_test) points over the cells, each as `look` says; in colour a
    point is its colour brightened over the cell's own, without colour bold."""
    lines, columns = len(chars), len(chars[0]) if chars else 0
    for (x, y, value), is_test in marked:
        where = cell_of(x, y, x_range, y_range, columns, lines)
        if where is None:
            continue
        row, col = where
        chars[row][col], rgb = look(x, y, value, is_test)
        if style.color and not style.ascii_only:
            under = styles[row][col].bgcolor or styles[row][col].color
            styles[row][col] = Style(color=Color.from_rgb(*_bright(rgb)), bgcolor=under, bold=True)
        else:
            styles[row][col] = Style(bold=True)


def assemble(chars: list[list[str]], styles: list[list[Style]]) -> Text:
    """One string of the lines, with a span for each run of cells sharing a style object."""
    spans: list[Span] = []
    offset = 0
    for line_styles in styles:
        start = 0
        for col in range(1, len(line_styles) + 1):
            if col == len(line_styles) or line_styles[col] is not line_styles[start]:
                spans.append(Span(offset + start, offset + col, line_styles[start]))
                start = col
        offset += len(line_styles) + 1  # the newline
    return Text("\n".join("".join(line) for line in chars), spans=spans, no_wrap=True, end="")


def _half_blocks(planes: np.ndarray, lines: int, discrete: bool) -> tuple[list[list[str]], list[list[Style]]]:
    return half_block_cells(shade_codes(planes[:, : 2 * lines], discrete))


def half_block_cells(codes: np.ndarray) -> tuple[list[list[str]], list[list[Style]]]:
    """Rows of 0xRRGGBB colours, two per line, as upper-half blocks: the upper row's colour in
    the foreground, the lower's in the background. Styles are shared across cells and frames."""
    keys = ((codes[0::2] << 24) | codes[1::2]).tolist()  # upper row's colour, then the lower's
    cache = _PAIR_STYLES
    if len(cache) > 50_000:  # bounded: 16 shades x 10 classes, squared, is 25,600 pairs
        cache.clear()
    styles = []
    for line in keys:
        row = []
        for key in line:
            cell_style = cache.get(key)
            if cell_style is None:
                cell_style = cache[key] = Style(color=_colour(key >> 24), bgcolor=_colour(key & 0xFFFFFF))
            row.append(cell_style)
        styles.append(row)
    return [["▀"] * codes.shape[1] for _ in range(len(keys))], styles


_PAIR_STYLES: dict[int, Style] = {}  # (upper colour << 24 | lower colour) -> its half-block style, across frames


def _colour(code: int) -> Color:
    return Color.from_rgb(code >> 16, (code >> 8) & 0xFF, code & 0xFF)


def _characters(planes: np.ndarray, lines: int, style: BoundaryStyle) -> tuple[list[list[str]], list[list[Style]]]:
    top_rows = planes[:, 0 : 2 * lines : 2]
    best = top_rows.argmax(axis=0)
    shown = np.full(best.shape, True) if style.discrete else top_rows.max(axis=0) >= UNSURE
    class_styles = [Style(color=Color.from_rgb(*rgb)) if style.color else Style() for rgb in CLASS_RGB]
    chars, styles = [], []
    for best_row, shown_row in zip(best.tolist(), shown.tolist()):
        chars.append([region_char(b, style.ascii_only) if on else " " for b, on in zip(best_row, shown_row)])
        styles.append([class_styles[b % len(CLASS_RGB)] for b in best_row])
    return chars, styles


def _bright(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    return tuple(min(255, round(c + (255 - c) * 0.45)) for c in rgb)  # type: ignore[return-value]


def legend(classes: int, style: BoundaryStyle, width: int = 0) -> Text:
    """One line saying which colour or character is which class, and what the points mean; where
    it would not fit in `width` (0: any width), the shading's words go first, then the train
    points' (the marker of a class is its train point's), then the word `class`."""
    def samples(compact: bool) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        for c in range(classes):
            rgb = CLASS_RGB[c % len(CLASS_RGB)]
            sample = "██" if style.color and not style.ascii_only else region_char(c, style.ascii_only) * 2
            text.append(sample, Style(color=Color.from_rgb(*rgb)) if style.color else Style())
            marker = point_marker(c, False, style.ascii_only)
            text.append(f"{c}{marker} " if compact else f" class {c} {marker}  ")
        return text

    fill = ("lower train, UPPER test" if style.ascii_only else "filled train, hollow test") if style.show_test \
        else "train only, test hidden (t)"
    short = ("UPPER: test" if style.ascii_only else "hollow: test") if style.show_test else "test hidden (t)"
    shading = "  hard classes (d)" if style.discrete else "  shaded by probability (d)"
    for compact, words, shaded in ((False, fill, True), (False, fill, False), (False, short, False),
                                   (True, short, False)):
        text = samples(compact)
        text.append(words, "" if style.show_test else "dim")
        if shaded:
            text.append(shading, "dim")
        if not width or text.cell_len <= width:
            break
    return text
