"""The Network view as rich Text, a pure function of (neuron maps, size, picked unit, style): one
row of thumbnails per layer, the input features first and the output last, each thumbnail the
unit's output over the input plane (tui.render.heatmap's colours, or shades without colour), with
a bar under it as long as its outgoing weights are large (the largest in the network fills its
width). Layers wider than the view shows (at most 16 units, as the engine sends) end in a count
of the units left out. The picked unit is framed and its bar reversed, in every mode."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.style import Style
from rich.text import Text

from engine.loop.network_events import NeuronLayer, NeuronMaps
from tui.render.boundary_cells import BoundaryStyle, assemble, half_block_cells
from tui.render.feature_names import feature_name
from tui.render.heatmap import heat_codes, map_levels, resampled, shade_steps

LABEL_WIDTH = 4  # "in", "h1", "out" and a gap
MAX_THUMB_WIDTH = 12
MAX_THUMB_LINES = 6


@dataclass(frozen=True)
class NetworkLayout:
    """How the thumbnails fit: their size in cells, and how many units of each layer are drawn."""

    width: int
    lines: int
    shown: tuple[int, ...]  # units drawn per drawn layer

    @property
    def layers(self) -> int:
        return len(self.shown)


def layer_label(index: int, count: int) -> str:
    """`in`, `h1`, `h2`, ..., `out`."""
    return "in" if index == 0 else "out" if index == count - 1 else f"h{index}"


def network_layout(maps: NeuronMaps, width: int, height: int) -> NetworkLayout | None:
    """Thumbnails as large as the view allows (about square), one header line and one bar line per
    layer besides; None when not even one layer of 2x1 thumbnails fits."""
    count = len(maps.layers)
    cut = any(len(layer.maps) < layer.units for layer in maps.layers)
    room = width - LABEL_WIDTH - 1 - (7 if cut else 0)  # the count of units left out takes up to 7
    widest = max(len(layer.maps) for layer in maps.layers)
    layers = count if 1 + 2 * count <= height else (height - 2) // 2  # a line says what a short view leaves out
    if layers < 1 or room < 3:
        return None
    thumb_width = max(2, min(MAX_THUMB_WIDTH, room // widest - 1))
    free = height - 1 - (1 if layers < count else 0)  # the header, and the line counting the layers left out
    lines = max(1, min(MAX_THUMB_LINES, free // layers - 1, (thumb_width + 1) // 2))
    thumb_width = min(thumb_width, 2 * lines + 1)
    fits = max(1, room // (thumb_width + 1))
    return NetworkLayout(thumb_width, lines, tuple(min(len(layer.maps), fits) for layer in maps.layers[:layers]))


def _unit_name(layer: NeuronLayer, unit: int, ascii_only: bool = False) -> str:
    return feature_name(layer.labels[unit], ascii_only) if unit < len(layer.labels) else f"unit {unit + 1}/{layer.units}"


def picked_words(maps: NeuronMaps, picked: tuple[int, int], ascii_only: bool = False) -> str:
    """`h1 unit 3/8 relu: -0.81..2.1, outgoing |w| 1.23`: the picked unit and its figures."""
    index, unit = picked
    layer = maps.layers[index]
    values = np.asarray(layer.maps[unit], dtype=np.float64)
    finite = values[np.isfinite(values)]
    spread = f"{finite.min():.3g}..{finite.max():.3g}" if finite.size else "not finite"
    words = f"{layer_label(index, len(maps.layers))} {_unit_name(layer, unit, ascii_only)}"
    words += f" {layer.activation}: {spread}" if layer.activation else f": {spread}"
    if layer.outgoing:
        words += f", outgoing |w| {layer.outgoing[unit]:.3g}"
    return words


def network_text(maps: NeuronMaps, width: int, height: int, picked: tuple[int, int] | None = None,
                 style: BoundaryStyle = BoundaryStyle()) -> Text:
    """The whole view: a header line, then per layer a row of thumbnails and a row of bars. Every
    thumbnail is worked out at once, as arrays, and drawn on one canvas: a 2-8-8-1 network at
    80x24 costs about a millisecond."""
    layout = network_layout(maps, width, height)
    if layout is None:
        return Text("(enlarge the window to see the network)", style="dim")
    hidden = len(maps.layers) - layout.layers
    rows = 1 + layout.layers * (layout.lines + 1) + (1 if hidden else 0)
    places = [(index, unit, 1 + index * (layout.lines + 1), LABEL_WIDTH + unit * (layout.width + 1) + 1)
              for index, shown in enumerate(layout.shown) for unit in range(shown)]
    stack = np.asarray([maps.layers[index].maps[unit] for index, unit, _, _ in places], dtype=np.float64)
    chars, styles = _thumbnails(stack, [(top, left) for _, _, top, left in places], rows, width, layout, style)
    header = (picked_words(maps, picked, style.ascii_only) if picked is not None
              else "arrows pick a unit; bars: outgoing weights")
    _write(chars, styles, 0, 0, header, Style(dim=True) if picked is None else Style(bold=True))
    largest = max((w for layer in maps.layers for w in layer.outgoing if np.isfinite(w)), default=0.0)
    for index, shown in enumerate(layout.shown):
        top, layer = 1 + index * (layout.lines + 1), maps.layers[index]
        _write(chars, styles, top, 0, layer_label(index, len(maps.layers)), Style(dim=True))
        if shown < layer.units:
            _write(chars, styles, top, LABEL_WIDTH + shown * (layout.width + 1) + 1, f"+{layer.units - shown}",
                   Style(dim=True))
    if hidden:
        _write(chars, styles, rows - 1, 0, f"+{hidden} more layers below: a taller window shows them", Style(dim=True))
    for index, unit, top, left in places:
        _bar(chars, styles, top + layout.lines, left, maps.layers[index], unit, layout.width, largest, style)
        if picked == (index, unit):
            _frame(chars, styles, top, left - 1, layout, style)
    used = max((max((i for i, c in enumerate(line) if c != " "), default=-1) for line in chars), default=-1) + 1
    return assemble([line[:used] for line in chars], [line[:used] for line in styles])


def _thumbnails(stack: np.ndarray, corners: list[tuple[int, int]], rows: int, columns: int, layout: NetworkLayout,
                style: BoundaryStyle) -> tuple[list[list[str]], list[list[Style]]]:
    """A canvas of rows x columns cells holding each map at its (top, left) corner: in colour on a
    scale symmetric about 0 (the sign shows; a dead unit is dark), in shades from the map's own
    lowest value to its highest (blank where it is constant). The rest of the canvas is blank."""
    plain = Style()
    colour = style.color and not style.ascii_only
    levels, varies = map_levels(stack, symmetric=colour)
    inside = np.zeros((rows, columns), dtype=bool)
    for top, left in corners:
        inside[top : top + layout.lines, left : left + layout.width] = True
    if colour:
        codes = heat_codes(resampled(levels, 2 * layout.lines, layout.width))
        canvas = np.zeros((2 * rows, columns), dtype=np.int64)
        for code, (top, left) in zip(codes, corners):
            canvas[2 * top : 2 * (top + layout.lines), left : left + layout.width] = code
        chars, styles = half_block_cells(canvas)
    else:
        steps, shades = shade_steps(resampled(levels, layout.lines, layout.width), style.ascii_only)
        chars = [[" "] * columns for _ in range(rows)]
        styles = [[plain] * columns for _ in range(rows)]
        for unit_steps, moving, (top, left) in zip(steps.tolist(), varies.tolist(), corners):
            for line, line_steps in enumerate(unit_steps):
                chars[top + line][left : left + layout.width] = [shades[s] if moving else " " for s in line_steps]
    for char_row, style_row, inside_row in zip(chars, styles, inside.tolist()):
        for column, used in enumerate(inside_row):
            if not used:
                char_row[column], style_row[column] = " ", plain
    return chars, styles


def _write(chars: list[list[str]], styles: list[list[Style]], row: int, column: int, text: str, style: Style) -> None:
    for offset, char in enumerate(text[: max(0, len(chars[row]) - column)]):
        chars[row][column + offset], styles[row][column + offset] = char, style


def _bar(chars: list[list[str]], styles: list[list[Style]], row: int, left: int, layer: NeuronLayer, unit: int,
         width: int, largest: float, style: BoundaryStyle) -> None:
    """The size of the unit's outgoing weights, as a share of the largest in the network."""
    if unit >= len(layer.outgoing) or not largest > 0:
        return
    size = layer.outgoing[unit]
    filled = max(1, round(width * size / largest)) if np.isfinite(size) and size > 0 else 0
    mark = "=" if style.ascii_only else "━"
    _write(chars, styles, row, left, mark * filled, Style(color="grey62") if style.color else Style())


def _frame(chars: list[list[str]], styles: list[list[Style]], top: int, left: int, layout: NetworkLayout,
           style: BoundaryStyle) -> None:
    """The picked unit: a bar each side of its thumbnail, and its bar line reversed."""
    edge = "|" if style.ascii_only else "│"
    for line in range(top, top + layout.lines):
        _write(chars, styles, line, left, edge, Style(bold=True))
        _write(chars, styles, line, left + layout.width + 1, edge, Style(bold=True))
    bar_row = top + layout.lines
    for column in range(left + 1, min(left + 1 + layout.width, len(chars[bar_row]))):
        styles[bar_row][column] = Style(reverse=True, bold=True)
        if chars[bar_row][column] == " ":
            chars[bar_row][column] = "^" if style.ascii_only else "▔"
