"""The live loss chart as rich Text: plotext draws the (already decimated) curves, and the
result is turned from ANSI into a Text that a widget can show. Pure: series in, text out.

The epoch axis has whole-number ticks at round steps and spans exactly the epochs drawn, and
each curve has one look everywhere: a colour, and where colour is absent a marker of its own,
which the legend repeats."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

ASCII_BOX = str.maketrans("─│┌┐└┘├┤┬┴┼╭╮╰╯┈┆", "-|+++++++++++++-:")
MIN_WIDTH, MIN_HEIGHT = 24, 5
ROOMY_HEIGHT = 10  # below this the x axis goes unlabelled: its ticks say enough
MARKER_CHARS = {"braille": "⠿", "dot": "•"}  # plotext's marker names, as the legend shows them
Y_LABEL_COLUMNS = 7  # what plotext's y tick labels and the frame take from the width


@dataclass(frozen=True)
class Curve:
    """One line on the chart: a 256-colour code, and the markers used without colour (`plain_marker`,
    a plotext marker name) and in 7-bit output (`ascii_marker`)."""

    name: str
    xs: Sequence[float]
    ys: Sequence[float]
    color: int
    plain_marker: str = "braille"
    ascii_marker: str = "*"

    def marker(self, color: bool, ascii_only: bool) -> str:
        """The plotext marker this curve is drawn with."""
        if ascii_only:
            return self.ascii_marker
        return "braille" if color else self.plain_marker


def epoch_ticks(low: int, high: int, room: int) -> list[int]:
    """Whole-number epochs from `low` to `high` at a round step (1, 2, 5 times a power of ten), at
    most `room` of them, always including both ends' neighbourhood: the first tick is `low`."""
    span = max(high - low, 1)
    step = 1
    for power in range(0, 19):
        for factor in (1, 2, 5):
            step = factor * 10**power
            if span / step <= max(room - 1, 1):
                break
        else:
            continue
        break
    first = math.ceil(low / step) * step
    ticks = [low] if first != low else []
    ticks += list(range(first, high + 1, step))
    if len(ticks) > 1 and ticks[1] - ticks[0] < step / 2:  # `low` crowding the first round tick
        del ticks[1]
    return ticks


BEST_MARKER = {"color": "◆", "ascii": "@"}  # the best epoch's point on the test curve
BEST_COLOUR = 46


def loss_chart(curves: Sequence[Curve], width: int, height: int, *, log_y: bool = False,
               marks: Sequence[float] = (), ascii_only: bool = False, color: bool = True,
               best: tuple[int, float] | None = None) -> Text:
    """Draw `curves` in a width x height box; `marks` are epochs drawn as vertical lines (the
    learning-rate changes), `best` the best epoch's (epoch, test loss), drawn as a point of its own.
    Values that are not finite are not drawn, nor, on a log scale, those that are not positive."""
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        return Text("(enlarge the window to see the loss chart)", style="dim")
    drawn = [c for c in (_kept(c, log_y) for c in curves) if c.xs]
    if not drawn:
        return Text("No epochs yet.", style="dim")
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    for curve in drawn:
        plt.plot(list(curve.xs), list(curve.ys), color=curve.color, marker=curve.marker(color, ascii_only))
    low = int(min(min(c.xs) for c in drawn))
    high = int(max(max(c.xs) for c in drawn))
    ticks = epoch_ticks(low, high, max((width - Y_LABEL_COLUMNS) // 9, 2))
    plt.xlim(low - 0.5, high + 0.5) if low == high else plt.xlim(low, high)
    plt.xticks(ticks, [str(t) for t in ticks])
    for epoch in marks:
        if low <= epoch <= high:
            plt.vline(epoch, "magenta")
    if best is not None and low <= best[0] <= high and (best[1] > 0 or not log_y):
        plt.scatter([best[0]], [best[1]], color=BEST_COLOUR, marker=BEST_MARKER["ascii" if ascii_only else "color"])
    if log_y:
        plt.yscale("log")
    if height >= ROOMY_HEIGHT:
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
    """The points plotext can scale: finite ones (a diverged epoch's inf would turn its axis into
    NaNs) and, on a log scale, positive ones."""
    pairs = [(x, y) for x, y in zip(curve.xs, curve.ys) if math.isfinite(y) and (y > 0 or not log_y)]
    if len(pairs) == len(curve.xs) == len(curve.ys):
        return curve
    return Curve(curve.name, [x for x, _ in pairs], [y for _, y in pairs], curve.color, curve.plain_marker,
                 curve.ascii_marker)


def swatch(curve: Curve, color: bool, ascii_only: bool) -> str:
    """The two cells the legend shows for a curve: its line in colour, else its own marker."""
    if ascii_only:
        return curve.ascii_marker * 2
    return "━━" if color else MARKER_CHARS.get(curve.plain_marker, curve.plain_marker) * 2


def legend(curves: Sequence[Curve], marks: bool, log_y: bool, ascii_only: bool = False, color: bool = True,
           width: int = 80, best: bool = False) -> Text:
    """One line naming the curves by the very colour or marker they are drawn with, shortened to
    fit `width`."""
    for short in (False, True):  # the lr marks' words shortened where the line would not fit
        text = Text()
        for curve in curves:
            text.append(swatch(curve, color, ascii_only) + " ", style=f"color({curve.color})" if color else "")
            text.append(curve.name + "  ")
        if marks:
            text.append(":" if ascii_only else "┆", style="magenta" if color else "")
            text.append(" lr  " if short else " lr change  ")
        if best:
            text.append(BEST_MARKER["ascii" if ascii_only else "color"], style=f"color({BEST_COLOUR})" if color else "")
            text.append(" best  ")
        text.append("log" if log_y else "linear", style="dim")
        if len(text) + len(" (l)") <= width:
            break
    text.append(" (l)" if len(text) + len(" scale (l toggles)") > width else " scale (l toggles)", style="dim")
    return text
