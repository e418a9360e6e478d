"""The pure renderers of the Network view and the heatmaps: thumbnails laid out layer by layer,
wide layers cut with a count, outgoing-weight bars, the picked unit framed, and shades instead of
colour without it (7-bit under --ascii); a heatmap in Playground's orange and blue."""

from __future__ import annotations

import numpy as np
from rich.color import Color

from engine.loop.network_events import NeuronLayer, NeuronMaps
from tui.render.boundary_cells import BoundaryStyle
from tui.render.heatmap import NEGATIVE_RGB, POSITIVE_RGB, Scale, heatmap, map_levels
from tui.render.network_cells import network_layout, network_text, picked_words

GRID = 8


def _ramp(sign: float = 1.0) -> list[list[float]]:
    """A map rising from left to right (-1 to 1), times `sign`."""
    return [[sign * (2 * c / (GRID - 1) - 1) for c in range(GRID)] for _ in range(GRID)]


def _maps(hidden: int = 8, units: int | None = None) -> NeuronMaps:
    """A 2-`hidden`-1 network's maps; the hidden layer reports `units` units (more than it sends: cut)."""
    shown = min(hidden, 16)
    layers = (
        NeuronLayer("inputs", "", 2, [_ramp(), _ramp(-1)], [1.0, 0.5], ("x1", "x2")),
        NeuronLayer("hidden 1", "tanh", units or hidden, [_ramp((-1) ** u) for u in range(shown)],
                    [0.25 * (u % 4 + 1) for u in range(shown)]),
        NeuronLayer("output", "", 1, [[[0.0] * GRID for _ in range(GRID)]], []),
    )
    return NeuronMaps((-1.0, 1.0), (-1.0, 1.0), layers)


def test_each_layer_is_a_row_of_thumbnails_with_its_label() -> None:
    """in, h1 and out each start a row; a 2-8-1 network at 47x17 has 2x4-cell-or-larger thumbnails."""
    layout = network_layout(_maps(), 47, 17)
    assert layout.shown == (2, 8, 1) and layout.width >= 2 and layout.lines >= 1
    lines = network_text(_maps(), 47, 17, style=BoundaryStyle(color=False)).plain.split("\n")
    labels = [line[:4].strip() for line in lines[1:] if line[:4].strip()]
    assert labels == ["in", "h1", "out"]
    assert lines[0].startswith("arrows pick a unit")


def test_a_wide_layer_shows_what_fits_and_counts_the_rest() -> None:
    """A 40-unit layer sends 16 maps: those that fit are drawn, then +N for the others."""
    text = network_text(_maps(hidden=16, units=40), 80, 20, style=BoundaryStyle(color=False)).plain
    assert "+24" in text
    narrow = network_layout(_maps(hidden=16, units=40), 40, 20)
    assert narrow.shown[1] < 16
    assert f"+{40 - narrow.shown[1]}" in network_text(_maps(hidden=16, units=40), 40, 20,
                                                       style=BoundaryStyle(color=False)).plain


def test_bars_grow_with_the_outgoing_weights() -> None:
    """The largest outgoing norm fills a thumbnail's width; a quarter of it a quarter (at least one cell)."""
    layout = network_layout(_maps(), 47, 17)
    lines = network_text(_maps(), 47, 17, style=BoundaryStyle(color=False)).plain.split("\n")
    bars = lines[1 + layout.lines]  # under the inputs row
    first, second = bars[5:5 + layout.width], bars[6 + layout.width: 6 + 2 * layout.width]
    assert first.count("━") == layout.width and second.count("━") == round(layout.width / 2)


def test_the_picked_unit_is_framed_and_named() -> None:
    """The picked unit has a bar on each side in every mode, and the header names it and its figures."""
    for style in (BoundaryStyle(), BoundaryStyle(color=False), BoundaryStyle(color=False, ascii_only=True)):
        text = network_text(_maps(), 47, 17, (1, 2), style).plain
        edge = "|" if style.ascii_only else "│"
        header, *rows = text.split("\n")
        assert "".join(rows).count(edge) == 2 * network_layout(_maps(), 47, 17).lines
        assert text.startswith("h1 unit 3/8 tanh: -1..1, outgoing |w| 0.75")
    assert picked_words(_maps(), (0, 1)) == "in x2: -1..1, outgoing |w| 0.5"


def test_without_colour_thumbnails_are_shades_and_ascii_is_7_bit() -> None:
    """NO_COLOR shades from a map's lowest value (blank) to its highest; --ascii keeps every character 7-bit."""
    plain = network_text(_maps(), 47, 17, style=BoundaryStyle(color=False))
    assert "█" in plain.plain and "▀" not in plain.plain
    assert not any(span.style.color or span.style.bgcolor for span in plain.spans if hasattr(span.style, "color"))
    ascii_text = network_text(_maps(), 47, 17, (1, 0), BoundaryStyle(color=False, ascii_only=True)).plain
    assert ascii_text.isascii() and "@" in ascii_text


def test_a_dead_unit_is_dark_in_colour_and_blank_in_shades() -> None:
    """A constant map has nothing to show: the background colour, or blank shades."""
    levels, varies = map_levels(np.zeros((1, 4, 4)), symmetric=True)
    assert not varies[0] and np.all(levels == 0)
    shades = network_text(_maps(), 47, 17, style=BoundaryStyle(color=False)).plain.split("\n")
    out_row = next(i for i, line in enumerate(shades) if line.startswith("out"))
    assert shades[out_row][4:].strip() == ""


def test_a_heatmap_runs_from_orange_below_to_blue_above() -> None:
    """Playground's colours: the low end orange, the high end blue, on the given scale."""
    text = heatmap([[-1.0, 1.0], [-1.0, 1.0]], (0, 1), (0, 1), 1, 2, Scale(-1.0, 1.0))
    left, right = (next(span.style for span in text.spans if span.start <= at < span.end) for at in (0, 1))
    assert left.color == Color.from_rgb(*NEGATIVE_RGB) and right.color == Color.from_rgb(*POSITIVE_RGB)


def test_a_heatmap_draws_points_on_top_coloured_by_their_value() -> None:
    """With a point scale, a training point is a filled circle and a test point a hollow one."""
    points = [((0.1, 0.9, 1.0), False), ((0.9, 0.1, -1.0), True)]
    text = heatmap(np.zeros((4, 4)).tolist(), (0, 1), (0, 1), 2, 4, Scale(-1, 1), points,
                   BoundaryStyle(color=False), point_scale=Scale(-1, 1))
    lines = text.plain.split("\n")
    assert lines[0][0] == "●" and lines[1][3] == "○"


def test_the_network_frame_at_80x24_is_cheap() -> None:
    """Drawing all thumbnails of a 2-8-8-1 network is a few milliseconds at most (bench.py times it)."""
    import time

    layers = _maps().layers
    maps = NeuronMaps((-1.0, 1.0), (-1.0, 1.0), (layers[0], layers[1], layers[1], layers[2]))
    network_text(maps, 47, 17, (1, 1))
    began = time.perf_counter()
    network_text(maps, 47, 17, (1, 1))
    assert time.perf_counter() - began < 0.25  # a generous bound: the target lives in the benchmark


def test_a_short_view_draws_the_first_layers_and_says_how_many_are_left() -> None:
    """Eight layers in nine lines: the first three rows, then a line counting the other five."""
    layers = _maps().layers
    deep = NeuronMaps((-1.0, 1.0), (-1.0, 1.0), (layers[0],) + (layers[1],) * 6 + (layers[2],))
    assert network_layout(deep, 47, 9).layers == 3
    assert network_text(deep, 47, 9, style=BoundaryStyle(color=False)).plain.split("\n")[-1].startswith(
        "+5 more layers below")
