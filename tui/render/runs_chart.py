"""Several runs on one loss chart: one colour per run, kept by the run's name (the same run is the
same colour in every view and every session), train and test of a run told apart by marker."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from rich.text import Text

from engine.loop.history import MetricsHistory
from tui.render.decimate import decimate
from tui.render.loss_chart import Curve, loss_chart

# Distinct on dark and light backgrounds, in 256-colour codes: orange, blue, green, magenta, gold,
# cyan, red, violet, lime, pink.
PALETTE = (208, 39, 40, 170, 220, 44, 196, 135, 118, 211)
MARKERS_ASCII = "*+ox#%@&=~"


def run_colour(name: str) -> int:
    """A run's colour, from its name alone."""
    return PALETTE[zlib.crc32(name.encode("utf-8")) % len(PALETTE)]


def run_curves(runs: Sequence[tuple[str, MetricsHistory]], width: int) -> list[Curve]:
    """Train and test curves of each run, decimated to `width` columns; without colour each run's
    train curve gets a marker of its own, and test curves are dots."""
    curves = []
    for index, (name, history) in enumerate(runs):
        colour = run_colour(name)
        mark = MARKERS_ASCII[index % len(MARKERS_ASCII)]
        curves.append(Curve(f"{name} train", *decimate(history.epochs, history.train_loss, width), colour,
                            plain_marker=mark, ascii_marker=mark))
        curves.append(Curve(f"{name} test", *decimate(history.epochs, history.test_loss, width), colour,
                            plain_marker="dot", ascii_marker="."))
    return curves


def runs_legend(runs: Sequence[tuple[str, MetricsHistory]], ascii_only: bool = False, color: bool = True) -> Text:
    """Each run's colour (or, without colour or in 7-bit output, its train marker) and name; then
    what the markers mean."""
    marked = ascii_only or not color
    text = Text()
    for index, (name, _) in enumerate(runs):
        sample = MARKERS_ASCII[index % len(MARKERS_ASCII)] * 2 if marked else "━━"
        text.append(sample + " ", style=f"color({run_colour(name)})" if color else "")
        text.append(name + "  ")
    text.append("train: the run's mark, test: dots" if marked else "train: line, test: dots", style="dim")
    return text


def runs_chart(runs: Sequence[tuple[str, MetricsHistory]], width: int, height: int, *, log_y: bool = False,
               ascii_only: bool = False, color: bool = True) -> Text:
    return loss_chart(run_curves(runs, width), width, height, log_y=log_y, ascii_only=ascii_only, color=color)
