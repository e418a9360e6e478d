"""A TensorBoard run's scalar tags as the Loss view lists them under its chart: each tag's last,
minimum and maximum value and its steps, the two drawn marked with their curve's swatch, so the
figures of every tag are in sight and the key that picks the drawn pair is named. Pure: a listing
in, text out."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from engine.runs.tensorboard.foreign_run import TagFigures
from engine.runs.tensorboard.tags import TagPair
from tui.render.figures import figure
from tui.render.loss_chart import Curve, swatch

NUMBER = 10  # the width of each figure's column
MIN_NAME = 8  # a tag's name is cut to no fewer characters than this (with an ellipsis)
PICK_KEY = "g"


def tag_table(figures: dict[str, TagFigures], drawn: TagPair, curves: Sequence[Curve], width: int, rows: int,
              ascii_only: bool = False, color: bool = True) -> Text:
    """A header and a line a tag in `rows` lines of `width` (the last line saying how many more
    where they do not fit; the steps column only where it fits whole); `curves` are the train and
    the test curve, whose swatches mark the tags `drawn` as them."""
    marks = {tag: curve for tag, curve in zip((drawn.train, drawn.test), curves) if tag}
    steps = {tag: f"{numbers.first_step}..{numbers.last_step}" for tag, numbers in figures.items()}
    steps_width = 2 + max([len("steps"), *map(len, steps.values())])
    fixed = 4 + 3 * NUMBER  # the swatch's column and the three figures
    if fixed + MIN_NAME + steps_width > width:  # left out rather than cut (`1..200` read `1..2`)
        steps, steps_width = {}, 0
    name_width = max(MIN_NAME, min(max(map(len, figures), default=MIN_NAME), width - fixed - steps_width))
    text = Text(no_wrap=True, overflow="crop", end="")
    text.append(f"   {'tag'.ljust(name_width)} {'last':>{NUMBER}}{'min':>{NUMBER}}{'max':>{NUMBER}}"
                + ("  steps" if steps else ""), style="dim")
    tags = list(figures)
    shown = tags if len(tags) <= rows - 1 else tags[:max(rows - 2, 0)]
    for tag in shown:
        text.append("\n")
        curve = marks.get(tag)
        if curve is not None:
            text.append(swatch(curve, color, ascii_only), style=f"color({curve.color})" if color else "")
            text.append(" ")
        else:
            text.append("   ")
        numbers = figures[tag]
        name = tag if len(tag) <= name_width else tag[:name_width - 1] + ("~" if ascii_only else "…")
        text.append(f"{name.ljust(name_width)} {figure(numbers.last):>{NUMBER}}{figure(numbers.minimum):>{NUMBER}}"
                    f"{figure(numbers.maximum):>{NUMBER}}" + (f"  {steps[tag]}" if steps else ""))
    hidden = len(tags) - len(shown)
    if hidden and rows >= 2:
        text.append(f"\n   ... and {hidden} more tag{'s' if hidden != 1 else ''} ({PICK_KEY} picks the drawn pair)",
                    style="dim")
    return text
