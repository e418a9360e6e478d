"""The live loss chart as rich Text: plotext draws the (already decimated) curves, and the
result is turned from ANSI into a Text that a widget can show. Pure: series in, text out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

ASCII_BOX = str.maketrans("─│┌┐└┘├┤┬┴┼╭╮╰╯┈┆", "-|+++++++++++++-:")
MIN_WIDTH, MIN_HEIGHT = 24, 6


@dataclass(frozen=True)
class Curve:
    """One line on the chart; `color` is a plotext colour name or 256-colour code."""

    name: str
    xs: Sequence[float]
    ys: Sequence[float]
    color: str | int
    marker: str = "braille"
    ascii_marker: str = "*"


def loss_chart(curves: Sequence[Curve], width: int, height: int, *, log_y: bool = False,
               marks: Sequence[float] = (), ascii_only: bool = False, color: bool = True) -> Text:
    """Draw `curves` in a width x height box; `marks` are epochs drawn as vertical lines (the
    learning-rate changes). Log scale drops values that are not positive."""
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        return Text("(enlarge the window to see the loss chart)", style="dim")
    drawn = [_kept(c, log_y) for c in curves]
    drawn = [c for c in drawn if c.xs]
    if not drawn:
        return Text("No epochs yet: press space to train, n for one epoch.", style="dim")
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    for curve in drawn:
        plt.plot(list(curve.xs), list(curve.ys), color=curve.color,
                 marker=curve.ascii_marker if ascii_only else curve.marker)
    low = min(min(c.xs) for c in drawn)
    high = max(max(c.xs) for c in drawn)
    for epoch in marks:
        if low <= epoch <= high:
            plt.vline(epoch, "magenta")
    if log_y:
        plt.yscale("log")
    plt.xlabel("epoch")
    return built_text(color=color, ascii_only=ascii_only)  # built once: plotext re-applies the log scale per build


def built_text(color: bool = True, ascii_only: bool = False) -> Text:
    """plotext's current figure, built, as rich Text: without colour or box characters on request."""
    import plotext as plt

    ansi = plt.build()
    if not color:
        ansi = plt.uncolorize(ansi)
    if ascii_only:
        ansi = ansi.translate(ASCII_BOX)
    text = Text.from_ansi(ansi, no_wrap=True)
    text.rstrip()
    return text


def _kept(curve: Curve, log_y: bool) -> Curve:
    if not log_y:
        return curve
    pairs = [(x, y) for x, y in zip(curve.xs, curve.ys) if y > 0]
    return Curve(curve.name, [x for x, _ in pairs], [y for _, y in pairs], curve.color, curve.marker,
                 curve.ascii_marker)


def legend(curves: Sequence[Curve], marks: bool, log_y: bool, ascii_only: bool = False) -> Text:
    """One line naming the curves by colour, since the chart itself has no room for a legend."""
    text = Text()
    for curve in curves:
        sample = curve.ascii_marker * 2 if ascii_only else "━━"
        text.append(sample + " ", style=_rich_colour(curve.color))
        text.append(curve.name + "  ")
    if marks:
        text.append(":" if ascii_only else "┆", style="magenta")
        text.append(" lr change  ")
    text.append("log scale" if log_y else "linear scale", style="dim")
    text.append("  (l toggles)", style="dim")
    return text


def _rich_colour(color: str | int) -> str:
    return f"color({color})" if isinstance(color, int) else color
