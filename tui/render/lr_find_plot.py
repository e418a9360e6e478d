"""The LR finder's answer as text: the smoothed loss over the learning rate (plotext, log x, ticks
at powers of ten) with the valley suggestion marked, and the lines naming the three suggestions.
Pure: `nntui lr-find` and the trainer's LR finder view draw with the same functions."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.text import Text

from tui.render.loss_chart import MIN_HEIGHT, MIN_WIDTH, built_text

SKIP_END = 5  # as fastai's plot: the last points, where the loss shoots up, would flatten the rest
MARK = {"color": "●", "plain": "●", "ascii": "@"}


def lr_find_chart(lrs: Sequence[float], losses: Sequence[float], valley: float | None, width: int, height: int,
                  *, ascii_only: bool = False, color: bool = True) -> Text:
    """The curve in a width x height box, the valley marked by a vertical line and a point on it."""
    points = [(lr, loss) for lr, loss in zip(lrs[:-SKIP_END] or lrs, losses[:-SKIP_END] or losses)
              if math.isfinite(loss)]
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        return Text("(enlarge the window to see the LR finder's curve)", style="dim")
    if len(points) < 2:
        return Text("Too few batches to draw a curve.", style="dim")
    import plotext as plt

    xs, ys = [p[0] for p in points], [p[1] for p in points]
    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    plt.plot(xs, ys, color=39, marker="*" if ascii_only else "braille")
    plt.xscale("log")
    low, high = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    step = max(1, math.ceil((high - low) / max((width - 8) // 8, 1)))
    powers = list(range(low, high + 1, step))
    plt.xticks([10.0**p for p in powers], [f"1e{p}" for p in powers])
    if valley is not None:
        plt.vline(valley, "magenta")
        nearest = min(points, key=lambda p: abs(math.log(p[0]) - math.log(valley)))
        plt.scatter([nearest[0]], [nearest[1]], color="magenta", marker=MARK["ascii" if ascii_only else "color"])
    if height >= 10:
        plt.xlabel("learning rate (log scale)")
    return built_text(color=color, ascii_only=ascii_only)


def suggestion_lines(valley: float | None, minimum: float | None, steep: float | None, ended: str, points: int,
                     batches: int, ascii_only: bool = False) -> list[str]:
    """What the sweep found, in words: how it ended, then the suggestions."""
    how = {"diverged": f"stopped after {points} batches, when the loss passed 4x its best",
           "done": f"{points} batches", "stopped": f"stopped after {points} of {batches} batches"}[ended]
    lines = [f"LR sweep: {how}."]
    if valley is None:
        return lines + ["Too few batches before the loss diverged to suggest an lr: try a smaller --start-lr."]
    mark = MARK["ascii" if ascii_only else "plain"]
    return lines + [f"Suggested lr (valley, {mark}): {valley:.3g}",
                    f"Also: minimum/10 {minimum:.3g}  steep {steep:.3g}"]
